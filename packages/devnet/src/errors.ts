import { TaokitError } from '@taokit/core'

export const DevnetErrorCode = {
  /** The devnet binary was not built (run `npm install` at the repository root). */
  BinaryMissing: 'DEVNET_BINARY_MISSING',
  /** The devnet process exited or timed out before it was ready; the message has its output. */
  StartFailed: 'DEVNET_START_FAILED',
  /** An option of the wrong form; see `field`. */
  InvalidInput: 'DEVNET_INVALID_INPUT',
} as const

export class DevnetError extends TaokitError {
  override readonly name = 'DevnetError'
}
