import type { Reader } from './parse.js'

/**
 * Runs `call` with an AbortSignal of its own that follows the caller's `signal`, and settles
 * with the caller's abort reason as soon as that signal aborts, as `fetch` does.
 *
 * napi-rs sets `onabort` on the signal it is given (a caller's own handler was lost), and
 * once one call on a signal has finished, aborting it no longer reaches later calls on it;
 * a signal per call (`AbortSignal.any`, which adds no listener to the caller's) avoids both.
 * Work a thread has already taken cannot be stopped: it runs to its end, unseen.
 */
export async function withSignal<T>(
  read: Reader,
  signal: unknown,
  call: (signal: AbortSignal | undefined) => Promise<T>,
): Promise<T> {
  if (signal === undefined || signal === null) return call(undefined)
  if (!(signal instanceof AbortSignal)) read.fail('signal', 'an AbortSignal', signal)
  signal.throwIfAborted()
  const own = AbortSignal.any([signal])
  let stop: (() => void) | undefined
  const aborted = new Promise<never>((_, reject) => {
    stop = () => reject(signal.reason)
    own.addEventListener('abort', stop, { once: true })
  })
  const work = call(own)
  // Whatever the work does after an abort, nobody is waiting for it.
  work.catch(() => {})
  try {
    return await Promise.race([work, aborted])
  } finally {
    own.removeEventListener('abort', stop!)
    // napi-rs set it; while it is set, Node keeps `own` alive as long as the caller's
    // signal lives (a process-wide one: forever), a leak per call.
    own.onabort = null
  }
}
