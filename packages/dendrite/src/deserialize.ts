import { CancelledError, DeadlineError, type MappedStatus, mapFailure } from './status.js'
import type { TargetResult } from './types.js'

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  )
}

type Deserialized = TargetResult & {
  deserialized?: unknown
  synapse?:
    | { dendrite?: { status_code?: number | null; status_message?: string | null } | null }
    | undefined
}

/** A result's status, and its synapse's dendrite status, which SDK-style code reads. */
function markFailed(result: Deserialized, mapped: MappedStatus): void {
  result.status = mapped.status
  result.statusMessage = mapped.message
  const dendrite = result.synapse?.dendrite
  if (dendrite) {
    dendrite.status_code = mapped.status
    dendrite.status_message = mapped.message
  }
}

function failureKind(error: unknown) {
  if (error instanceof DeadlineError) return 'timeout'
  return error instanceof CancelledError ? 'aborted' : 'parse'
}

/**
 * Sets `result.deserialized` to `deserialize(input)`. An async one is awaited until the
 * query's deadline (`remainingMs` from now) or its cancellation (`signal`); a failure,
 * thrown or rejected, makes the result a 422, and one still pending at the deadline or
 * the cancellation a 408 (never an unhandled rejection).
 */
export async function deserializeInto(
  result: Deserialized,
  deserialize: (input: never) => unknown,
  input: unknown,
  context: Parameters<typeof mapFailure>[2],
  limits: { remainingMs: number; signal: AbortSignal },
): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  let onAbort: (() => void) | undefined
  try {
    let value = deserialize(input as never)
    if (isThenable(value)) {
      const { signal } = limits
      const cut = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new DeadlineError('deserialize did not finish by the deadline')),
          Math.max(0, limits.remainingMs),
        )
        onAbort = () => reject(new CancelledError(signal.reason))
        if (signal.aborted) onAbort()
        else signal.addEventListener('abort', onAbort, { once: true })
      })
      value = await Promise.race([value, cut])
    }
    result.deserialized = value
  } catch (error) {
    markFailed(result, mapFailure(failureKind(error), error, context))
  } finally {
    clearTimeout(timer)
    if (onAbort !== undefined) limits.signal.removeEventListener('abort', onAbort)
  }
}
