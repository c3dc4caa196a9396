export { epoch, epochBatch, epochBatchSync, epochSync, simulate, simulateSync } from './epoch.js'
export { YumaError } from './errors.js'
export { type PreparedEpochInput, prepareEpochInput } from './input.js'
export * as fixed from './math.js'
export { outputToJson, rowsToJson } from './output.js'
export type {
  CallOptions,
  EpochInput,
  EpochOutput,
  EpochOutputJson,
  Hyperparams,
  SparseRows,
  SparseRowsJson,
  StepChange,
} from './types.js'
export { newSubnetHyperparams } from './types.js'
