import { CancelledError, DeadlineError } from './status.js'

export interface Slot {
  /** Whether the request waited for its turn (and so should be signed again). */
  waited: boolean
  /** Milliseconds spent waiting. */
  waitedMs: number
  /** Gives the slot to the next request waiting for this origin. Idempotent. */
  release(): void
}

interface Origin {
  busy: number
  waiting: Array<() => void>
}

/**
 * At most `size` requests in flight per origin (the pool's connections to it); the rest
 * wait here, in order, rather than in undici's queue. A request signed with a clock
 * (Epistula's timestamp) is signed again when its turn comes, so a busy miner never gets
 * it stale, and nothing that undici was given has to be taken back.
 */
export class OriginSlots {
  readonly #size: number
  readonly #origins = new Map<string, Origin>()

  constructor(size: number) {
    this.#size = size
  }

  /**
   * A slot for `origin`: at once when one is free, else when a request ahead ends. Waiting
   * ends with a `DeadlineError` after `timeoutMs`, or a `CancelledError` when `signal`
   * aborts; nothing is sent then.
   */
  take(
    origin: string,
    options: { signal: AbortSignal; timeoutMs: number },
  ): Promise<Slot | DeadlineError | CancelledError> {
    let entry = this.#origins.get(origin)
    if (entry === undefined) {
      entry = { busy: 0, waiting: [] }
      this.#origins.set(origin, entry)
    }
    const held = entry
    const slotFor = (waitedMs: number): Slot => {
      let released = false
      return {
        waited: waitedMs > 0,
        waitedMs,
        release: () => {
          if (released) return
          released = true
          this.#handOn(origin, held)
        },
      }
    }
    if (held.busy < this.#size) {
      held.busy++
      return Promise.resolve(slotFor(0))
    }
    const { signal, timeoutMs } = options
    if (signal.aborted) return Promise.resolve(new CancelledError(signal.reason))
    const start = performance.now()
    return new Promise((resolve) => {
      const onTurn = () => {
        clearTimeout(timer)
        signal.removeEventListener('abort', onAbort)
        const waitedMs = performance.now() - start
        // Its turn came after its deadline (the loop was busy when the timer was due): the
        // slot goes on to the next in line, and nothing is sent.
        if (waitedMs >= timeoutMs) {
          this.#handOn(origin, held)
          resolve(new DeadlineError(`no connection came free within ${timeoutMs} ms`))
          return
        }
        resolve(slotFor(Math.max(waitedMs, Number.MIN_VALUE)))
      }
      const stop = (outcome: DeadlineError | CancelledError) => {
        clearTimeout(timer)
        signal.removeEventListener('abort', onAbort)
        const at = held.waiting.indexOf(onTurn)
        if (at !== -1) held.waiting.splice(at, 1)
        resolve(outcome)
      }
      const onAbort = () => stop(new CancelledError(signal.reason))
      const timer = setTimeout(
        () => stop(new DeadlineError(`no connection came free within ${timeoutMs} ms`)),
        timeoutMs,
      )
      signal.addEventListener('abort', onAbort, { once: true })
      held.waiting.push(onTurn)
    })
  }

  #handOn(origin: string, entry: Origin): void {
    const next = entry.waiting.shift()
    // The slot passes on as it is: `busy` counts it still.
    if (next !== undefined) {
      next()
      return
    }
    entry.busy--
    if (entry.busy === 0) this.#origins.delete(origin)
  }
}
