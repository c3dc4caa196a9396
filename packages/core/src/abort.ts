import type { Reader } from './parse.js'

/**
 * Runs `call` with an AbortSignal of its own that follows the caller's `signal`, and settles
 * with the caller's abort reason as soon as that signal aborts, as `fetch` does.
 *
 * napi-rs sets `onabort` on the signal it is given (a caller's own handler was lost), and
 * once one call on a signal has finished, aborting it no longer reaches later calls on it;
 * so each call gets a signal of its own. Work a thread has already taken cannot be stopped:
 * it runs to its end, unseen.
 */
export async function withSignal<T>(
  read: Reader,
  signal: unknown,
  call: (signal: AbortSignal | undefined) => Promise<T>,
): Promise<T> {
  if (signal === undefined || signal === null) return call(undefined)
  if (!(signal instanceof AbortSignal)) read.fail('signal', 'an AbortSignal', signal)
  signal.throwIfAborted()
  const own = follow(signal)
  let stop: (() => void) | undefined
  const aborted = new Promise<never>((_, reject) => {
    stop = () => reject(signal.reason)
    own.signal.addEventListener('abort', stop, { once: true })
  })
  const work = call(own.signal)
  // Whatever the work does after an abort, nobody is waiting for it.
  work.catch(() => {})
  try {
    return await Promise.race([work, aborted])
  } finally {
    own.signal.removeEventListener('abort', stop!)
    unfollow(signal, own)
  }
}

/**
 * The calls under way on each caller's signal, aborted by one listener on it. A listener
 * per call would warn of a leak past ten calls at once, and `AbortSignal.any` keeps an
 * entry per call on the caller's signal for good on Node 20.
 */
const followers = new WeakMap<AbortSignal, { calls: Set<AbortController>; abort: () => void }>()

function follow(signal: AbortSignal): AbortController {
  const own = new AbortController()
  let entry = followers.get(signal)
  if (entry === undefined) {
    const calls = new Set<AbortController>()
    const abort = () => {
      for (const call of calls) call.abort(signal.reason)
    }
    entry = { calls, abort }
    followers.set(signal, entry)
    signal.addEventListener('abort', abort, { once: true })
  }
  entry.calls.add(own)
  return own
}

function unfollow(signal: AbortSignal, own: AbortController): void {
  // napi-rs set it; cleared so that nothing of the call stays reachable from it.
  own.signal.onabort = null
  const entry = followers.get(signal)
  if (entry === undefined) return
  entry.calls.delete(own)
  if (entry.calls.size === 0) {
    signal.removeEventListener('abort', entry.abort)
    followers.delete(signal)
  }
}
