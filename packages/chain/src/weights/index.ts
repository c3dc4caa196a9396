export {
  convertWeightsAndUidsForEmit,
  type EmitWeights,
} from './emit.js'
export type { FloatDtype } from './float32.js'
export { weightsFromU16 } from './inverse.js'
export { type NormalizeMaxWeightOptions, normalizeMaxWeight } from './normalize-max-weight.js'
export {
  maxWeightLimitFromU16,
  type ProcessedWeights,
  type ProcessWeightsOptions,
  processWeightsForNetuid,
} from './process.js'
export type { UidsInput, WeightsInput } from './validate.js'
