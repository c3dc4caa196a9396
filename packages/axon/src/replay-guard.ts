/**
 * Remembers each accepted Epistula request, by signer and uuid, until its timestamp leaves
 * the freshness window: a signed request captured on the wire cannot be sent again while it
 * would still pass as fresh, unless more than the capacity's worth of fresh requests came in
 * after it (then the oldest are forgotten first).
 */
export class ReplayGuard {
  readonly #expiries = new Map<string, number>()
  readonly #capacity: number

  constructor(capacity = 100_000) {
    this.#capacity = capacity
  }

  /**
   * Records `signedBy`'s request `uuid`, fresh until `expiresAtMs`; false when it was seen
   * before and is still fresh (a replay).
   */
  accept(signedBy: string, uuid: string, expiresAtMs: number, nowMs: number): boolean {
    const key = `${signedBy}:${uuid}`
    const seen = this.#expiries.get(key)
    if (seen !== undefined && seen >= nowMs) return false
    this.#expiries.delete(key)
    this.#expiries.set(key, expiresAtMs)
    if (this.#expiries.size > this.#capacity) this.#evict(nowMs)
    return true
  }

  get size(): number {
    return this.#expiries.size
  }

  /**
   * Forgets the stale entries, then, while still over 90% of the capacity (a flood of
   * validly signed requests, or timestamps far ahead), the oldest accepted: the next scan
   * is then a tenth of the capacity away, so a full guard costs no scan per request.
   */
  #evict(nowMs: number): void {
    for (const [key, expiry] of this.#expiries) {
      if (expiry < nowMs) this.#expiries.delete(key)
    }
    const target = Math.max(1, Math.floor(this.#capacity * 0.9))
    for (const key of this.#expiries.keys()) {
      if (this.#expiries.size <= target) break
      this.#expiries.delete(key)
    }
  }
}
