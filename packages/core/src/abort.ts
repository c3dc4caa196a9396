import type { Reader } from './parse.js'

/**
 * Runs `call` with an AbortSignal of its own that follows the caller's `signal`. napi-rs
 * sets `onabort` on the signal it is given (a caller's own handler was lost), and once one
 * call on a signal has finished, aborting it no longer reaches later calls on that signal;
 * a signal per call avoids both. An already aborted signal throws its reason at once, as
 * `fetch` does, instead of running the work anyway.
 */
export async function withSignal<T>(
  read: Reader,
  signal: unknown,
  call: (signal: AbortSignal | undefined) => Promise<T>,
): Promise<T> {
  if (signal === undefined) return call(undefined)
  if (!(signal instanceof AbortSignal)) read.fail('signal', 'an AbortSignal', signal)
  signal.throwIfAborted()
  const own = new AbortController()
  const follow = () => own.abort(signal.reason)
  signal.addEventListener('abort', follow, { once: true })
  try {
    return await call(own.signal)
  } finally {
    signal.removeEventListener('abort', follow)
  }
}
