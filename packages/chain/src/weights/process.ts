import { quantileFloat32 } from './float32.js'
import { normalizeInPlace } from './normalize-max-weight.js'
import {
  checkSameLength,
  checkUids,
  invalid,
  reader,
  toDtype,
  U16_MAX,
  type UidsInput,
  type WeightsInput,
} from './validate.js'

export interface ProcessWeightsOptions {
  /** Neurons on the subnet (the metagraph's `n`). */
  n: number
  /** The subnet's `MinAllowedWeights`. */
  minAllowedWeights: number
  /** The subnet's `MaxWeightsLimit` as a fraction: its u16 value / 65535, as the SDK passes it. */
  maxWeightLimit: number
  /** Share of the lowest non-zero weights to drop, as a u16 (65535 = all); default 0. */
  excludeQuantile?: number
}

/**
 * Processed weights with the dtype numpy gives them: float32 on the normal path, float64
 * where the SDK falls back to uniform weights or pads with 1e-5.
 */
export type ProcessedWeights =
  | { uids: Uint16Array; weights: Float32Array; dtype: 'float32' }
  | { uids: Uint16Array; weights: Float64Array; dtype: 'float64' }

/** The SDK's `max_weight_limit`: the subnet's u16 `MaxWeightsLimit` as a fraction. */
export function maxWeightLimitFromU16(value: number): number {
  return reader.integer('maxWeightLimit', value, 0, U16_MAX) / U16_MAX
}

/**
 * The SDK's `process_weights_for_netuid` (its `process_weights`) given the subnet's values,
 * bit for bit as numpy 2 computes it:
 * - no weight above 0, or `n < minAllowedWeights`: uniform `1/n` over uids `0..n-1` (float64);
 * - fewer non-zero weights than `minAllowedWeights`: every neuron gets 1e-5, the non-zero
 *   weights are added at their positions in `weights`, as the SDK does (not at their uids),
 *   then `normalizeMaxWeight` in float64 over uids `0..n-1`;
 * - otherwise the lowest `excludeQuantile / 65535` of the non-zero weights (never leaving
 *   fewer than `minAllowedWeights`) are dropped and the rest go through `normalizeMaxWeight`
 *   in float32, keeping their uids.
 * Weights are cast to float32 first.
 */
export function processWeightsForNetuid(
  uids: UidsInput,
  weights: WeightsInput,
  options: ProcessWeightsOptions,
): ProcessedWeights {
  const n = reader.integer('n', options.n, 0, U16_MAX + 1)
  const minAllowed = reader.integer(
    'minAllowedWeights',
    options.minAllowedWeights,
    0,
    Number.MAX_SAFE_INTEGER,
  )
  const limit = options.maxWeightLimit
  if (typeof limit !== 'number' || !Number.isFinite(limit)) {
    throw invalid('maxWeightLimit', `expected a finite number (u16 value / 65535), got ${limit}`)
  }
  const excludeQuantile = reader.integer(
    'excludeQuantile',
    options.excludeQuantile ?? 0,
    0,
    U16_MAX,
  )
  checkUids(uids)
  const single = toDtype(weights, 'float32')
  checkSameLength(uids, single)

  const positions: number[] = []
  for (let i = 0; i < single.length; i++) if (single[i]! > 0) positions.push(i)

  if (positions.length === 0 || n < minAllowed) {
    return { uids: arange(n), weights: new Float64Array(n).fill(1 / n), dtype: 'float64' }
  }

  if (positions.length < minAllowed) {
    const padded = new Float64Array(n).fill(1e-5)
    for (const position of positions) {
      if (position >= n) {
        throw invalid(
          'weights',
          `expected no non-zero weight at index ${n} or later when fewer than minAllowedWeights ` +
            `are non-zero (they are added to an n = ${n} row by position), got one at index ${position}`,
        )
      }
      padded[position] = padded[position]! + single[position]!
    }
    return {
      uids: arange(n),
      weights: normalizeInPlace(padded, limit, 'float64'),
      dtype: 'float64',
    }
  }

  const nonZero = Float32Array.from(positions, (position) => single[position]!)
  const maxExclude = Math.max(0, nonZero.length - minAllowed) / nonZero.length
  const cut = quantileFloat32(nonZero, Math.min(excludeQuantile / U16_MAX, maxExclude))
  const kept = positions.filter((position) => cut <= single[position]!)
  return {
    uids: Uint16Array.from(kept, (position) => uids[position]!),
    weights: normalizeInPlace(
      Float32Array.from(kept, (position) => single[position]!),
      limit,
      'float32',
    ),
    dtype: 'float32',
  }
}

function arange(n: number): Uint16Array {
  return Uint16Array.from({ length: n }, (_, i) => i)
}
