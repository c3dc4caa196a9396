import { roundHalfEven } from './float32.js'
import {
  checkSameLength,
  checkUids,
  checkWeights,
  U16_MAX,
  type UidsInput,
  type WeightsInput,
} from './validate.js'

/** Weights in the chain's form: u16 values, max-upscaled so the largest is 65535. */
export interface EmitWeights {
  uids: Uint16Array
  weights: Uint16Array
}

/**
 * The SDK's `convert_weights_and_uids_for_emit`: divides by the largest weight, scales to
 * 65535 and rounds half to even (Python `round`), dropping entries that round to 0 together
 * with their uid. Uids keep their order and duplicates. All-zero (or empty) weights give
 * empty arrays: nothing to set.
 *
 * float32 input is widened to double before dividing, so a `Float32Array` and a number array
 * holding the same float32 values give the same result.
 */
export function convertWeightsAndUidsForEmit(uids: UidsInput, weights: WeightsInput): EmitWeights {
  checkWeights(weights)
  checkUids(uids)
  checkSameLength(uids, weights)

  let largest = 0
  for (let i = 0; i < weights.length; i++) largest = Math.max(largest, weights[i]!)
  if (largest === 0) return { uids: new Uint16Array(0), weights: new Uint16Array(0) }

  const keptUids: number[] = []
  const values: number[] = []
  for (let i = 0; i < weights.length; i++) {
    const value = roundHalfEven((weights[i]! / largest) * U16_MAX)
    if (value !== 0) {
      keptUids.push(uids[i]!)
      values.push(value)
    }
  }
  return { uids: Uint16Array.from(keptUids), weights: Uint16Array.from(values) }
}
