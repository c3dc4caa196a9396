/**
 * The axon's replay protection (`Axon.default_verify`): nonces are nanosecond timestamps,
 * remembered per (dendrite hotkey, dendrite uuid); the first one of a pair must be recent,
 * later ones must only grow.
 */
import { invalidInput } from './errors.js'
import { pyFormatFixed, pyStr } from './python-str.js'
import { V_7_2_0 } from './version.js'

/** The SDK's `ALLOWED_DELTA`: 4 s, on top of the request's timeout. */
export const ALLOWED_DELTA_NS = 4_000_000_000n

const NS_PER_SECOND = 1_000_000_000

/** Where the axon keeps the last accepted nonce of each (hotkey, uuid). */
export interface NonceStore {
  get(key: string): bigint | undefined
  set(key: string, nonce: bigint): void
}

/**
 * An in-memory `NonceStore`, as the SDK keeps it (lost on restart), holding at most
 * `capacity` pairs: past that, the pair accepted least recently is forgotten, so callers
 * inventing fresh (hotkey, uuid) pairs cannot grow it without limit. A forgotten pair's old
 * requests still fail the nonce window (`nonceWindowStart`) when they carry a version
 * (≥ 7.2.0); `prune` forgets pairs older than a bound.
 */
export class MemoryNonceStore implements NonceStore {
  readonly #nonces = new Map<string, bigint>()
  readonly #capacity: number

  constructor(options: { capacity?: number } = {}) {
    const capacity = options.capacity ?? Number.POSITIVE_INFINITY
    if (!(capacity >= 1)) throw invalidInput('capacity', 'at least 1 pair')
    this.#capacity = capacity
  }

  get(key: string): bigint | undefined {
    return this.#nonces.get(key)
  }

  set(key: string, nonce: bigint): void {
    // Re-inserted, so the Map's order is the order of last acceptance.
    this.#nonces.delete(key)
    this.#nonces.set(key, nonce)
    if (this.#nonces.size > this.#capacity) {
      this.#nonces.delete(this.#nonces.keys().next().value!)
    }
  }

  delete(key: string): boolean {
    return this.#nonces.delete(key)
  }

  /** Forgets every pair whose last nonce is below `olderThanNs`; returns how many. */
  prune(olderThanNs: bigint): number {
    let removed = 0
    for (const [key, nonce] of this.#nonces) {
      if (nonce < olderThanNs) {
        this.#nonces.delete(key)
        removed++
      }
    }
    return removed
  }

  get size(): number {
    return this.#nonces.size
  }
}

/** The SDK's nonce key: `"{hotkey}:{uuid}"`. */
export function nonceKey(hotkey: string | null, uuid: string | null): string {
  return `${pyStr(hotkey)}:${pyStr(uuid)}`
}

/** Why a nonce was refused. */
export type NonceRejection = 'missing_nonce' | 'stale_nonce' | 'nonce_not_increasing'

export type NonceCheck = { ok: true } | { ok: false; reason: NonceRejection; message: string }

/**
 * `now - ALLOWED_DELTA - timeout * 1e9` as the SDK computes it: in integers when there is no
 * timeout, otherwise in doubles (Python turns the integer into a float first), so the edge
 * moves in steps of 256 ns near today's timestamps, exactly as in Python.
 */
export function nonceWindowStart(nowNs: bigint, timeout: number | null): bigint | number {
  const seconds = timeout ?? 0
  // `timeout or 0`: 0.0 (and -0.0) take the integer path; NaN is truthy in Python.
  if (seconds === 0) return nowNs - ALLOWED_DELTA_NS
  return Number(nowNs - ALLOWED_DELTA_NS) - seconds * NS_PER_SECOND
}

/** Python's `int <= float` (and `int <= int`): exact, false against NaN. */
function atOrBelow(nonce: bigint, bound: bigint | number): boolean {
  if (typeof bound === 'bigint') return nonce <= bound
  if (Number.isNaN(bound)) return false
  if (bound === Number.POSITIVE_INFINITY) return true
  if (bound === Number.NEGATIVE_INFINITY) return false
  return nonce <= BigInt(Math.floor(bound))
}

/**
 * Python's `int / int`: the quotient rounded once. `Number(n) / d` rounds twice once `n`
 * passes 2^53, which changes the last digits a message shows.
 */
function trueDivide(n: bigint, d: bigint): number {
  if (d < 0n) return trueDivide(-n, -d)
  if (n < 0n) return -trueDivide(-n, d)
  if (n === 0n) return 0
  // A quotient of about 62 bits, with a sticky bit for a remainder: one rounding to 53.
  const shift = 62 - (n.toString(2).length - d.toString(2).length)
  const scaled = shift >= 0 ? n << BigInt(shift) : n
  const divisor = shift >= 0 ? d : d << BigInt(-shift)
  const quotient = scaled / divisor
  const sticky = scaled % divisor === 0n ? 0n : 1n
  return Number(quotient | sticky) * 2 ** -shift
}

function staleMessage(nowNs: bigint, timeout: number | null, nonce: bigint): string {
  const seconds = timeout ?? 0
  const diff = trueDivide(nowNs - nonce, BigInt(NS_PER_SECOND))
  const allowed =
    seconds === 0
      ? Number(ALLOWED_DELTA_NS) / NS_PER_SECOND
      : (Number(ALLOWED_DELTA_NS) + seconds * NS_PER_SECOND) / NS_PER_SECOND
  return `Nonce is too old: acceptable delta is ${pyFormatFixed(allowed, 2)} seconds but request was ${pyFormatFixed(diff, 2)} seconds old`
}

/**
 * The SDK's nonce rules for one request, given the header-derived values, the nonce stored
 * for its (hotkey, uuid) and the axon's clock:
 *
 * - no nonce: refused;
 * - a dendrite version ≥ 7.2.0 and nothing stored: refused when at or before
 *   `nonceWindowStart(now, timeout)` (4 s + the timeout ago); a nonce from the future passes;
 * - something stored: refused unless strictly greater (with any version).
 */
export function checkNonce(input: {
  nonce: bigint | null
  version: number | null
  timeout: number | null
  stored: bigint | undefined
  nowNs: bigint
}): NonceCheck {
  const { nonce, version, timeout, stored, nowNs } = input
  if (nonce === null) return { ok: false, reason: 'missing_nonce', message: 'Missing Nonce' }
  if (version !== null && version >= V_7_2_0 && stored === undefined) {
    if (atOrBelow(nonce, nonceWindowStart(nowNs, timeout))) {
      return { ok: false, reason: 'stale_nonce', message: staleMessage(nowNs, timeout, nonce) }
    }
  }
  if (stored !== undefined && nonce <= stored) {
    return {
      ok: false,
      reason: 'nonce_not_increasing',
      message: 'Nonce is too old, a newer one was last processed',
    }
  }
  return { ok: true }
}

/**
 * A clock of nanoseconds since the epoch that never repeats or goes back within the
 * process: the wall clock at creation, advanced by the monotonic clock, and bumped by 1 ns
 * when two readings would tie (the axon refuses a nonce equal to the last one).
 */
export function createNonceClock(): () => bigint {
  const originNs = BigInt(Date.now()) * 1_000_000n
  const originHr = process.hrtime.bigint()
  let last = 0n
  return () => {
    let now = originNs + (process.hrtime.bigint() - originHr)
    if (now <= last) now = last + 1n
    last = now
    return now
  }
}

/** The process's nonce clock (see `createNonceClock`). */
export const timeNs: () => bigint = createNonceClock()
