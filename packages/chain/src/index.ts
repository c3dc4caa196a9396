export { sendCall } from './admin.js'
export { TtlCache } from './cache.js'
export {
  type BlockRef,
  type Hyperparameters,
  type Neuron,
  type ReadOptions,
  type StakeEntry,
  type SubnetSummary,
  Subtensor,
} from './client.js'
export type { ConnectOptions } from './connect.js'
export { endpointLabel } from './endpoint-label.js'
export {
  type EpochPreview,
  nextEpochBlock,
  type PreviewOptions,
  previewEpoch,
} from './epoch-preview.js'
export { ChainError, ChainErrorCode } from './errors.js'
export {
  type ChainEvent,
  type DispatchFailure,
  ExtrinsicResult,
  type SendEstimate,
  type SubmissionStage,
  type SubmitOptions,
  submit,
} from './extrinsic.js'
export { LiveMetagraph, type LiveMetagraphOptions } from './live-metagraph.js'
export {
  type AxonInfo,
  formatIp,
  type Metagraph,
  type MetagraphOptions,
  toMetagraph,
} from './metagraph.js'
export { NETWORKS, type Network, type NetworkName, resolveEndpoint } from './networks.js'
export { type ProviderOptions, ResilientProvider } from './provider.js'
export { RawReader, type StorageRead } from './raw.js'
export { type RevealOutcome, RevealScheduler } from './reveal-scheduler.js'
export { type Decoded, type PortableType, ScaleDecoder } from './scale.js'
export {
  type CommitOptions,
  commitWeights,
  revealWeights,
  revealWindow,
  setWeights,
  type WeightsCommit,
  type WeightsParams,
} from './set-weights.js'
export { KeypairSigner } from './signer.js'
export * from './weights/index.js'
export {
  addStake,
  burnedRegister,
  formatTao,
  registerNetwork,
  removeStake,
  type ServeAxonParams,
  type StakeParams,
  serveAxon,
  type TransferParams,
  transfer,
} from './writes.js'
