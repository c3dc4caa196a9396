import { Reader } from '@taokit/core'
import { ChainError, ChainErrorCode } from '../errors.js'

/** Weights as numbers (float64, as `np.array` of Python floats) or a typed float array. */
export type WeightsInput = readonly number[] | Float32Array | Float64Array

/** Uids as numbers or any typed integer array. */
export type UidsInput = ArrayLike<number>

export const U16_MAX = 65535

export const reader = new Reader(
  (message, field) => new ChainError(ChainErrorCode.InvalidInput, message, { field }),
)

export function invalid(field: string, message: string): ChainError {
  return new ChainError(ChainErrorCode.InvalidInput, `${field}: ${message}`, { field })
}

/** Every uid an integer that fits a u16, as the chain stores them. */
export function checkUids(uids: UidsInput, field = 'uids'): void {
  for (let i = 0; i < uids.length; i++) {
    const uid = uids[i]
    if (typeof uid !== 'number' || !Number.isInteger(uid) || uid < 0 || uid > U16_MAX) {
      throw invalid(field, `expected integers in 0..${U16_MAX} (u16), got ${uid} at index ${i}`)
    }
  }
}

/**
 * Every weight finite and not negative. The SDK would raise on a negative weight when
 * emitting, skip it silently when processing, and turn NaN or infinity into garbage.
 */
export function checkWeights(weights: ArrayLike<number>, field = 'weights'): void {
  for (let i = 0; i < weights.length; i++) {
    const weight = weights[i]
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0) {
      throw invalid(field, `expected finite non-negative numbers, got ${weight} at index ${i}`)
    }
  }
}

export function checkSameLength(uids: UidsInput, weights: ArrayLike<number>): void {
  if (uids.length !== weights.length) {
    throw invalid(
      'weights',
      `expected one weight per uid, got ${uids.length} uids and ${weights.length} weights`,
    )
  }
}

/** `np.array(weights, dtype)`: a fresh copy, rounded to float32 if asked. */
export function toDtype(weights: ArrayLike<number>, dtype: 'float32', field?: string): Float32Array
export function toDtype(
  weights: ArrayLike<number>,
  dtype: 'float32' | 'float64',
  field?: string,
): Float32Array | Float64Array
export function toDtype(
  weights: ArrayLike<number>,
  dtype: 'float32' | 'float64',
  field = 'weights',
): Float32Array | Float64Array {
  checkWeights(weights, field)
  if (dtype === 'float64') return Float64Array.from(weights)
  const single = Float32Array.from(weights)
  const overflow = single.findIndex((value) => !Number.isFinite(value))
  if (overflow >= 0) {
    throw invalid(
      field,
      `expected values within float32 range, got ${weights[overflow]} at index ${overflow}`,
    )
  }
  return single
}
