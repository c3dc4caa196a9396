import { TaokitError } from '@taokit/core'

export const AxonErrorCode = {
  /** An option or argument of the wrong form; see `field`. */
  InvalidInput: 'AXON_INVALID_INPUT',
  /** A route was attached twice, or after `start()`. */
  RouteConflict: 'AXON_ROUTE_CONFLICT',
  /** `start()` on a running axon, or an operation that needs a running axon. */
  InvalidState: 'AXON_INVALID_STATE',
  /** The worker pool was closed, or a worker died while running a task. */
  WorkerFailed: 'AXON_WORKER_FAILED',
} as const

export type AxonErrorCode = (typeof AxonErrorCode)[keyof typeof AxonErrorCode]

export class AxonError extends TaokitError {
  override readonly name = 'AxonError'
}
