import { TaokitError } from '@taokit/core'

export const ChainErrorCode = {
  /** An argument of the wrong form; see `field`. */
  InvalidInput: 'CHAIN_INVALID_INPUT',
  /** A network name that is neither known nor a ws:// or wss:// URL. */
  UnknownNetwork: 'CHAIN_UNKNOWN_NETWORK',
  /** No endpoint could be reached within the deadline. */
  Unreachable: 'CHAIN_UNREACHABLE',
  /** An RPC did not answer within its deadline. */
  Timeout: 'CHAIN_TIMEOUT',
  /** The client was closed. */
  Closed: 'CHAIN_CLOSED',
  /** The node's metadata lacks a call, storage item or runtime API this client needs. */
  NotInMetadata: 'CHAIN_NOT_IN_METADATA',
  /** The subnet does not exist. */
  SubnetNotFound: 'CHAIN_SUBNET_NOT_FOUND',
  /** The hotkey has no uid on the subnet. */
  NotRegistered: 'CHAIN_NOT_REGISTERED',
  /** Weights from a hotkey without a validator permit. */
  NoValidatorPermit: 'CHAIN_NO_VALIDATOR_PERMIT',
  /** Weights again before the subnet's weights rate limit has passed. */
  WeightsTooFast: 'CHAIN_WEIGHTS_TOO_FAST',
  /** A weights version key below the subnet's. */
  WeightsVersion: 'CHAIN_WEIGHTS_VERSION',
  /** Fewer weights than the subnet's minimum, or an invalid set of uids. */
  InvalidWeights: 'CHAIN_INVALID_WEIGHTS',
  /** set_weights on a commit-reveal subnet, or commit/reveal where it does not apply. */
  CommitReveal: 'CHAIN_COMMIT_REVEAL',
  /** The paying account cannot cover the amount and the fee. */
  InsufficientBalance: 'CHAIN_INSUFFICIENT_BALANCE',
  /** The node refused the transaction (bad nonce, signature, era, payment). */
  TransactionInvalid: 'CHAIN_TRANSACTION_INVALID',
  /** The transaction was dropped, or its era ran out before inclusion. */
  TransactionDropped: 'CHAIN_TRANSACTION_DROPPED',
  /**
   * The transaction was sent, but no block was seen including it in time, or its outcome
   * could not be read: it may have landed or still land, so look it up before sending it
   * again. (A plain `Timeout` means a request got no answer; nothing was sent.)
   */
  TransactionPending: 'CHAIN_TRANSACTION_PENDING',
  /** The transaction was included and failed; the message names the module error. */
  DispatchFailed: 'CHAIN_DISPATCH_FAILED',
  /** The node answered a request with a JSON-RPC error (e.g. a pruned block's state). */
  NodeError: 'CHAIN_NODE_ERROR',
} as const

export type ChainErrorCode = (typeof ChainErrorCode)[keyof typeof ChainErrorCode]

export class ChainError extends TaokitError {
  override readonly name = 'ChainError'
}
