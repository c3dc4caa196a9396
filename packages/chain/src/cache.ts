/**
 * A TTL cache whose concurrent misses for one key share a single load: a hundred callers
 * asking for the same metagraph cause one RPC. Failed loads are not cached.
 */
export class TtlCache {
  readonly #entries = new Map<string, { expires: number; value: Promise<unknown> }>()

  constructor(private readonly ttlMs: number) {}

  get<T>(key: string, load: () => Promise<T>): Promise<T> {
    const now = Date.now()
    const hit = this.#entries.get(key)
    if (hit !== undefined && hit.expires > now) return hit.value as Promise<T>
    if (this.#entries.size >= 1024) this.#sweep(now)
    const value = load()
    this.#entries.set(key, { expires: now + this.ttlMs, value })
    value.catch(() => {
      if (this.#entries.get(key)?.value === value) this.#entries.delete(key)
    })
    return value
  }

  #sweep(now: number): void {
    for (const [key, entry] of this.#entries) if (entry.expires <= now) this.#entries.delete(key)
  }

  clear(): void {
    this.#entries.clear()
  }
}
