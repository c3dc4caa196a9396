import {
  allocate,
  cumulativeSum,
  type FloatDtype,
  max,
  type Round,
  rounding,
  sum,
} from './float32.js'
import { invalid, toDtype, type WeightsInput } from './validate.js'

export interface NormalizeMaxWeightOptions {
  /**
   * The dtype numpy computes in: float32 on the SDK's usual path, float64 where
   * `process_weights` pads with 1e-5. Defaults to float32 for a `Float32Array`, otherwise
   * float64 (what `np.array` makes of Python floats).
   */
  dtype?: FloatDtype
}

const EPSILON = 1e-7

/**
 * The SDK's `normalize_max_weight`: scales `x` to sum 1 with no entry above `limit` (default
 * 0.1, as in the SDK), bit for bit as numpy 2 computes it. Uniform when `x` sums to 0 or when
 * `x.length * limit <= 1`.
 */
export function normalizeMaxWeight(
  x: WeightsInput,
  limit: number | undefined,
  options: { dtype: 'float32' },
): Float32Array
export function normalizeMaxWeight(
  x: WeightsInput,
  limit: number | undefined,
  options: { dtype: 'float64' },
): Float64Array
export function normalizeMaxWeight(
  x: Float32Array,
  limit?: number,
  options?: { dtype?: 'float32' },
): Float32Array
export function normalizeMaxWeight(
  x: Float64Array | readonly number[],
  limit?: number,
  options?: { dtype?: 'float64' },
): Float64Array
export function normalizeMaxWeight(
  x: WeightsInput,
  limit?: number,
  options?: NormalizeMaxWeightOptions,
): Float32Array | Float64Array
export function normalizeMaxWeight(
  x: WeightsInput,
  limit = 0.1,
  options: NormalizeMaxWeightOptions = {},
): Float32Array | Float64Array {
  const dtype = options.dtype ?? (x instanceof Float32Array ? 'float32' : 'float64')
  if (typeof limit !== 'number' || !Number.isFinite(limit)) {
    throw invalid('limit', `expected a finite number, got ${limit}`)
  }
  return normalizeInPlace(toDtype(x, dtype, 'x'), limit, dtype)
}

/**
 * The algorithm on an array already in `dtype`, which it overwrites. `limit` stays a double:
 * numpy 2 (NEP 50) casts a Python float to float32 where it meets a float32 value, but the
 * cutoff's denominator meets an int64 count and so runs in float64.
 */
export function normalizeInPlace<T extends Float32Array | Float64Array>(
  weights: T,
  limit: number,
  dtype: FloatDtype,
): T {
  const round: Round = rounding(dtype)
  const length = weights.length
  if (sum(weights, round) === 0 || length * limit <= 1) {
    weights.fill(round(1 / length))
    return weights
  }

  const limitAsDtype = round(limit)
  const epsilon = round(EPSILON)
  const sorted = allocate(dtype, length)
  sorted.set(weights)
  sorted.sort()
  const sortedTotal = sum(sorted, round)
  const shares = allocate(dtype, length)
  for (let i = 0; i < length; i++) shares[i] = round(sorted[i]! / sortedTotal)

  if (max(shares) <= limitAsDtype) return divideInPlace(weights, round)

  const cumulative = cumulativeSum(shares, round)
  let below = 0
  for (let i = 0; i < length; i++) {
    const share = shares[i]!
    const rest = round(round(length - i - 1) * share)
    if (round(share / round(round(rest + cumulative[i]!) + epsilon)) < limitAsDtype) below++
  }
  // numpy reads index -1 as the last entry when no share is below the limit.
  const reached = cumulative[below === 0 ? length - 1 : below - 1]!
  const scale = round(round(limitAsDtype * reached) - epsilon) / (1 - limit * (length - below))
  // The cutoff is float64 (a float32 times a float64): compared in double, stored rounded.
  const cutoff = scale * sortedTotal
  const capped = round(cutoff)
  for (let i = 0; i < length; i++) if (weights[i]! > cutoff) weights[i] = capped
  return divideInPlace(weights, round)
}

function divideInPlace<T extends Float32Array | Float64Array>(weights: T, round: Round): T {
  const total = sum(weights, round)
  for (let i = 0; i < weights.length; i++) weights[i] = round(weights[i]! / total)
  return weights
}
