/** Token buckets keyed by caller (hotkey or IP): `burst` tokens, refilled at `perSecond`. */
export interface RateLimit {
  burst: number
  perSecond: number
}

interface Bucket {
  tokens: number
  at: number
}

// Past this many tracked keys, buckets that have refilled completely are forgotten: a full
// bucket is what a new key gets anyway, so dropping it changes no verdict.
const PRUNE_ABOVE = 10_000
// A slow refill can leave most buckets unfilled, so a prune may free little. The next one
// waits until the map has doubled (each scan is paid for by as many new keys), and past
// this many keys the oldest buckets go: their keys start again from a full bucket.
const MAX_KEYS = 100_000

export class TokenBuckets {
  readonly #limit: RateLimit
  readonly #now: () => number
  readonly #buckets = new Map<string, Bucket>()
  #pruneAt = PRUNE_ABOVE

  constructor(limit: RateLimit, now: () => number = () => performance.now()) {
    this.#limit = limit
    this.#now = now
  }

  /** Takes one token for `key`; false when the bucket is empty. */
  take(key: string): boolean {
    const now = this.#now()
    const { burst, perSecond } = this.#limit
    let bucket = this.#buckets.get(key)
    if (bucket === undefined) {
      if (this.#buckets.size >= this.#pruneAt) this.#prune(now)
      bucket = { tokens: burst, at: now }
      this.#buckets.set(key, bucket)
    } else {
      bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * perSecond)
      bucket.at = now
    }
    if (bucket.tokens < 1) return false
    bucket.tokens -= 1
    return true
  }

  get size(): number {
    return this.#buckets.size
  }

  #prune(now: number): void {
    const { burst, perSecond } = this.#limit
    const buckets = this.#buckets
    for (const [key, bucket] of buckets) {
      if (bucket.tokens + ((now - bucket.at) / 1000) * perSecond >= burst) buckets.delete(key)
    }
    for (const key of buckets.keys()) {
      if (buckets.size < MAX_KEYS * 0.9) break
      buckets.delete(key)
    }
    this.#pruneAt = Math.min(MAX_KEYS, Math.max(PRUNE_ABOVE, buckets.size * 2))
  }
}
