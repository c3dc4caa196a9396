import { checkUids, invalid, reader, U16_MAX, type UidsInput } from './validate.js'

/**
 * The chain's u16 weights as a row of `n` shares: `row[uid] = value`, divided by the row
 * sum (all zeros when the sum is 0). A uid listed twice keeps its last value.
 */
export function weightsFromU16(
  uids: UidsInput,
  values: ArrayLike<number>,
  n: number,
): Float64Array {
  reader.integer('n', n, 0, U16_MAX + 1)
  checkUids(uids)
  for (let i = 0; i < values.length; i++) {
    const value = values[i]
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > U16_MAX) {
      throw invalid(
        'values',
        `expected integers in 0..${U16_MAX} (u16), got ${value} at index ${i}`,
      )
    }
  }
  if (uids.length !== values.length) {
    throw invalid(
      'values',
      `expected one value per uid, got ${uids.length} uids and ${values.length} values`,
    )
  }
  const row = new Float64Array(n)
  for (let i = 0; i < uids.length; i++) {
    const uid = uids[i]!
    if (uid >= n) throw invalid('uids', `expected uids below n = ${n}, got ${uid} at index ${i}`)
    row[uid] = values[i]!
  }
  let total = 0
  for (const value of row) total += value
  if (total > 0) for (let i = 0; i < n; i++) row[i] = row[i]! / total
  return row
}
