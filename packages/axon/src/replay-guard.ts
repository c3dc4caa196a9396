/**
 * Remembers each accepted Epistula request, by signer and uuid, until its timestamp leaves
 * the freshness window: a signed request captured on the wire cannot be sent again while it
 * would still pass as fresh.
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

  #evict(nowMs: number): void {
    for (const [key, expiry] of this.#expiries) {
      if (expiry < nowMs) this.#expiries.delete(key)
    }
    // Still full of fresh requests: a flood of validly signed ones. The oldest go first;
    // their replays are refused again once their timestamps are stale.
    for (const key of this.#expiries.keys()) {
      if (this.#expiries.size <= this.#capacity) break
      this.#expiries.delete(key)
    }
  }
}
