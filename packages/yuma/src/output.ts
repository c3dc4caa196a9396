import type { EpochOutput, EpochOutputJson, SparseRows } from './types.js'

/** Sparse rows as JSON `[uid, value]` lists, one per row. */
export function rowsToJson(rows: SparseRows): Array<Array<[number, number]>> {
  const out: Array<Array<[number, number]>> = []
  for (let i = 0; i + 1 < rows.offsets.length; i++) {
    const row: Array<[number, number]> = []
    for (let k = rows.offsets[i]!; k < rows.offsets[i + 1]!; k++)
      row.push([rows.uids[k]!, rows.values[k]!])
    out.push(row)
  }
  return out
}

/** The output in the JSON format of the vectors: booleans, numbers, u64 amounts as strings. */
export function outputToJson(output: EpochOutput): EpochOutputJson {
  const booleans = (v: Uint8Array) => Array.from(v, (x) => x !== 0)
  const strings = (v: BigUint64Array) => Array.from(v, (x) => x.toString())
  return {
    active: booleans(output.active),
    validator_permit: booleans(output.validator_permit),
    stake_weight: Array.from(output.stake_weight),
    consensus: Array.from(output.consensus),
    validator_trust: Array.from(output.validator_trust),
    incentive: Array.from(output.incentive),
    dividends: Array.from(output.dividends),
    bonds: rowsToJson(output.bonds),
    server_emission: strings(output.server_emission),
    validator_emission: strings(output.validator_emission),
    emission: strings(output.emission),
  }
}
