/**
 * A bounded gate in front of the forward handlers: at most `concurrency` run at once, at most
 * `maxQueue` wait, and the waiters with the highest priority go first. When the queue is
 * full, the lowest-priority waiter (or the newcomer, if it is the lowest) is dropped.
 */
export type GateResult =
  | { ok: true; release: () => void }
  | { ok: false; reason: 'queue_full' | 'timeout' }

interface Waiter {
  priority: number
  seq: number
  resolve: (result: GateResult) => void
  timer: NodeJS.Timeout | undefined
}

export class PriorityGate {
  readonly concurrency: number
  readonly maxQueue: number
  #running = 0
  #seq = 0
  // Kept sorted: highest priority first, then oldest first.
  readonly #queue: Waiter[] = []

  constructor(concurrency: number, maxQueue: number) {
    this.concurrency = concurrency
    this.maxQueue = maxQueue
  }

  get running(): number {
    return this.#running
  }

  get waiting(): number {
    return this.#queue.length
  }

  /** A slot now, if one is free and nobody waits for it; its release function. */
  tryAcquire(): (() => void) | undefined {
    if (this.#running >= this.concurrency || this.#queue.length > 0) return undefined
    this.#running++
    return this.#releaser()
  }

  /**
   * Waits for a slot, up to `timeoutMs`. A waiter whose `signal` aborts (its caller left)
   * gives up its place at once, with `timeout`.
   */
  acquire(priority: number, timeoutMs: number, signal?: AbortSignal): Promise<GateResult> {
    const release = this.tryAcquire()
    if (release !== undefined) return Promise.resolve({ ok: true, release })
    if (signal?.aborted === true) return Promise.resolve({ ok: false, reason: 'timeout' })
    // ±Infinity order as they read ("always first", "always last"); NaN or a value that is
    // not a number (a user's function in plain JS) has no place, and counts as 0.
    const p = typeof priority === 'number' && !Number.isNaN(priority) ? priority : 0
    if (this.#queue.length >= this.maxQueue) {
      const lowest = this.#queue[this.#queue.length - 1]
      if (lowest === undefined || lowest.priority >= p) {
        return Promise.resolve({ ok: false, reason: 'queue_full' })
      }
      this.#queue.pop()
      clearTimeout(lowest.timer)
      lowest.resolve({ ok: false, reason: 'queue_full' })
    }
    return new Promise<GateResult>((resolve) => {
      const leave = () => {
        clearTimeout(waiter.timer)
        const index = this.#queue.indexOf(waiter)
        if (index >= 0) this.#queue.splice(index, 1)
        waiter.resolve({ ok: false, reason: 'timeout' })
      }
      const waiter: Waiter = {
        priority: p,
        seq: this.#seq++,
        resolve: (result) => {
          signal?.removeEventListener('abort', leave)
          resolve(result)
        },
        timer: undefined,
      }
      waiter.timer = setTimeout(leave, timeoutMs)
      signal?.addEventListener('abort', leave, { once: true })
      let index = this.#queue.findIndex((w) => w.priority < p)
      if (index < 0) index = this.#queue.length
      this.#queue.splice(index, 0, waiter)
    })
  }

  /** Refuses every waiter (on shutdown). */
  drain(): void {
    for (const waiter of this.#queue.splice(0)) {
      clearTimeout(waiter.timer)
      waiter.resolve({ ok: false, reason: 'queue_full' })
    }
  }

  #releaser(): () => void {
    let released = false
    return () => {
      if (released) return
      released = true
      const next = this.#queue.shift()
      if (next === undefined) {
        this.#running--
        return
      }
      clearTimeout(next.timer)
      next.resolve({ ok: true, release: this.#releaser() })
    }
  }
}
