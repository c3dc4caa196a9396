export { Dendrite, type DendriteOptions } from './dendrite.js'
export { DendriteError, DendriteErrorCode } from './errors.js'
export { classifyError, type FailureKind, type MappedStatus, mapFailure } from './status.js'
export type { StreamOptions, SynapseStream } from './stream.js'
export type {
  AxonTarget,
  BatchResult,
  EpistulaQueryOptions,
  EpistulaResult,
  QueryOptions,
  SynapseResult,
  TargetResult,
} from './types.js'
