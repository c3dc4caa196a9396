import * as native from '@taokit/native'
import { callNative, INVALID_INPUT, YumaError } from './errors.js'

/**
 * The pure helpers of subtensor's epoch. Fixed-point values are I32F32 raw integers
 * (value × 2^32) in a BigInt64Array, so results are exact; `toRaw`/`fromRaw` convert.
 */

/** I32F32 raw value of a number, rounded to nearest, ties to even, as the chain's `from_num`. */
export function toRaw(value: number): bigint {
  const raw = Number.isFinite(value) ? BigInt(roundHalfEven(value * 2 ** 32)) : undefined
  if (raw === undefined || BigInt.asIntN(64, raw) !== raw) {
    invalid('value', 'a finite number in the I32F32 range (-2^31 to 2^31)')
  }
  return raw
}

/** Exact for every double: `x - floor` is computed without rounding where it matters. */
function roundHalfEven(x: number): number {
  const floor = Math.floor(x)
  const rest = x - floor
  if (rest !== 0.5) return rest < 0.5 ? floor : floor + 1
  return floor % 2 === 0 ? floor : floor + 1
}

export function fromRaw(raw: bigint): number {
  return Number(raw) / 2 ** 32
}

/** subtensor's `vec_max_upscale_to_u16`: scale so the largest value becomes 65535. */
export function maxUpscaleToU16(valuesRaw: BigInt64Array): Uint16Array {
  typed('valuesRaw', valuesRaw, BigInt64Array)
  return callNative(() => native.maxUpscaleToU16(valuesRaw))
}

/** What `set_weights` stores on chain for the given u16 weights. */
export function u16MaxUpscaleToU16(weights: Uint16Array): Uint16Array {
  typed('weights', weights, Uint16Array)
  return callNative(() => native.u16MaxUpscaleToU16(weights))
}

/** Sparse rows of I32F32 raw values. */
export interface FixedRows {
  offsets: Uint32Array
  uids: Uint16Array
  values_raw: BigInt64Array
}

/**
 * Consensus of each column: the stake-weighted κ-quantile (subtensor's
 * `weighted_median_col_sparse`). Rows with no stake are left out; missing entries score 0.
 */
export function weightedMedianCols(
  stakeRaw: BigInt64Array,
  weights: FixedRows,
  columns: number,
  kappaRaw: bigint,
): BigInt64Array {
  typed('stakeRaw', stakeRaw, BigInt64Array)
  if (typeof weights !== 'object' || weights === null)
    invalid('weights', '{ offsets, uids, values_raw }')
  // Each property read once, into an object of plain data: a getter run while the addon
  // converts its arguments could detach an array it already holds.
  const rows = { offsets: weights.offsets, uids: weights.uids, values_raw: weights.values_raw }
  typed('weights.offsets', rows.offsets, Uint32Array)
  typed('weights.uids', rows.uids, Uint16Array)
  typed('weights.values_raw', rows.values_raw, BigInt64Array)
  // Uids are u16, so no column past 65535 can have an entry.
  if (!Number.isSafeInteger(columns) || columns < 0 || columns > MAX_COLUMNS) {
    invalid('columns', `a whole number of columns, at most ${MAX_COLUMNS}`)
  }
  if (typeof kappaRaw !== 'bigint' || BigInt.asIntN(64, kappaRaw) !== kappaRaw) {
    invalid('kappaRaw', 'an I32F32 raw bigint in the i64 range (toRaw(0.5))')
  }
  return callNative(() => native.weightedMedianCols(stakeRaw, rows, columns, kappaRaw))
}

const MAX_COLUMNS = 65536

function invalid(field: string, expected: string): never {
  throw new YumaError(INVALID_INPUT, `${field}: expected ${expected}`, { field })
}

/**
 * The addon's own type errors would be plain Errors: checked here, with the field named. By
 * tag, not instanceof, so that another realm's typed arrays pass, as the addon takes them.
 */
function typed(field: string, value: unknown, type: { name: string }): void {
  if (
    !ArrayBuffer.isView(value) ||
    Object.prototype.toString.call(value) !== `[object ${type.name}]`
  ) {
    invalid(field, `a ${type.name}`)
  }
}
