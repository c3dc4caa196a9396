import { TaokitError } from '@taokit/core'

export const DendriteErrorCode = {
  /** An argument of the wrong form; see `field`. */
  InvalidInput: 'DENDRITE_INVALID_INPUT',
  /** The dendrite was closed. */
  Closed: 'DENDRITE_CLOSED',
  /** A stream did not finish within its deadline. */
  Timeout: 'DENDRITE_TIMEOUT',
  /**
   * The axon closed a stream before its end: its own deadline passed, or its handler
   * failed mid-stream. What arrived before is all there is.
   */
  StreamCut: 'DENDRITE_STREAM_CUT',
  /** More of a stream than `maxResponseBytes` arrived and was not read yet. */
  TooLarge: 'DENDRITE_TOO_LARGE',
  /** The caller's signal aborted a stream mid-way, or the dendrite was closed. */
  Cancelled: 'DENDRITE_CANCELLED',
} as const

export type DendriteErrorCode = (typeof DendriteErrorCode)[keyof typeof DendriteErrorCode]

export class DendriteError extends TaokitError {
  override readonly name = 'DendriteError'
}

export function invalidInput(field: string, expected: string): DendriteError {
  return new DendriteError(DendriteErrorCode.InvalidInput, `${field}: expected ${expected}`, {
    field,
  })
}
