import { mapFailure } from './status.js'
import type { TargetResult } from './types.js'

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  )
}

/**
 * An async `deserialize` is awaited: its value becomes the result's, and its failure the
 * result's 422, as a `deserialize` that throws is (never an unhandled rejection).
 */
export async function settleDeserialized(
  results: (TargetResult & { deserialized?: unknown })[],
  name: string,
  timeoutSeconds: number,
): Promise<void> {
  await Promise.all(
    results.map(async (result) => {
      if (!isThenable(result.deserialized)) return
      try {
        result.deserialized = await result.deserialized
      } catch (error) {
        const { ip, port } = result.axon
        const mapped = mapFailure('parse', error, { ip, port, name, timeoutSeconds })
        result.status = mapped.status
        result.statusMessage = mapped.message
        delete result.deserialized
      }
    }),
  )
}
