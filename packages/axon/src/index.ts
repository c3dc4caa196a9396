export {
  Axon,
  type AxonOptions,
  type AxonRequestRecord,
  type EpistulaReply,
  type EpistulaRequest,
  type EpistulaRouteOptions,
  type ForwardContext,
  type SynapseForwardResult,
  type SynapseHandlers,
} from './axon.js'
export {
  type BlacklistFn,
  type CallerContext,
  type MetagraphProvider,
  metagraphBlacklist,
  type PriorityFn,
  stakePriority,
} from './blacklist.js'
export { AxonError, AxonErrorCode } from './errors.js'
export { AxonMetrics } from './metrics.js'
export { type GateResult, PriorityGate } from './priority.js'
export { type RateLimit, TokenBuckets } from './rate-limit.js'
export { type AxonRejectionReason, rejectionMessage, rejectionStatus } from './rejections.js'
export { ReplayGuard } from './replay-guard.js'
export { SignatureBatcher } from './signature-batch.js'
export {
  type StreamChunks,
  type StreamOutcome,
  SynapseStreamReply,
  streamReply,
} from './stream-reply.js'
export { type RunOptions, serveTasks, WorkerPool, type WorkerPoolOptions } from './worker-pool.js'
