import { availableParallelism } from 'node:os'
import { U64_MAX, type U64Like, withSignal } from '@taokit/core'
import * as addon from '@taokit/native'
import { fixedBytes } from './bytes.js'
import { native, read } from './errors.js'
import { publicKeyOf } from './ss58.js'

/**
 * The legacy registration proof of work. Subtensor now uses it only for the testnet and
 * devnet faucet; `seal = keccak256(sha256(u64_le(nonce) ‖ keccak256(blockHash ‖ hotkey)))`.
 */

/**
 * How a seal is compared with the difficulty: `chain-little-endian` is subtensor's rule
 * since May 2025 (the default); `sdk-big-endian` is the Python SDK's; the third is the
 * chain's rule before that.
 */
export type PowRule = 'chain-little-endian' | 'sdk-big-endian' | 'chain-big-endian-legacy'

const RULES: readonly PowRule[] = [
  'chain-little-endian',
  'sdk-big-endian',
  'chain-big-endian-legacy',
]

function ruleOf(rule: unknown): addon.PowRule {
  if (!RULES.includes(rule as PowRule)) read.fail('rule', RULES.join(', '), rule)
  return rule as addon.PowRule
}

/** `keccak256(blockHash ‖ hotkey)`, computed once per block. */
export function powBlockAndHotkeyHash(
  blockHash: Uint8Array | string,
  hotkey: Uint8Array | string,
): Uint8Array {
  const block = fixedBytes('blockHash', blockHash, 32)
  const key = publicKeyOf('hotkey', hotkey)
  return native.call(() => addon.powBlockAndHotkeyHash(block, key))
}

/** The seal of `nonce` for a block-and-hotkey hash. */
export function powSeal(nonce: U64Like, blockAndHotkeyHash: Uint8Array | string): Uint8Array {
  const bh = fixedBytes('blockAndHotkeyHash', blockAndHotkeyHash, 32)
  return native.call(() => addon.powSeal(read.u64('nonce', nonce), bh))
}

export function powMeetsDifficulty(
  seal: Uint8Array | string,
  difficulty: U64Like,
  rule: PowRule = 'chain-little-endian',
): boolean {
  const bytes = fixedBytes('seal', seal, 32)
  return native.call(() =>
    addon.powMeetsDifficulty(bytes, read.u64('difficulty', difficulty), ruleOf(rule)),
  )
}

export interface PowSearch {
  blockHash: Uint8Array | string
  /** The key whose registration (or faucet claim) the work is for. */
  hotkey: Uint8Array | string
  difficulty: U64Like
  rule?: PowRule
  /** Where to start counting; 0 unless given. */
  startNonce?: U64Like
  /** How many nonces to try before giving up; by default 2^64. */
  maxNonces?: U64Like
  /** Threads to search on; all cores by default. */
  threads?: number
  signal?: AbortSignal
}

export interface PowSolution {
  nonce: bigint
  seal: Uint8Array
}

function searchOf(search: PowSearch): addon.PowSearch {
  read.object('search', search)
  const result: addon.PowSearch = {
    blockAndHotkeyHash: powBlockAndHotkeyHash(search.blockHash, search.hotkey),
    difficulty: read.u64('difficulty', search.difficulty),
    rule: ruleOf(search.rule ?? 'chain-little-endian'),
    startNonce: read.u64('startNonce', search.startNonce ?? 0),
    maxNonces: read.u64('maxNonces', search.maxNonces ?? U64_MAX),
  }
  if (search.threads !== undefined)
    result.threads = read.integer('threads', search.threads, 1, 1024)
  return result
}

/**
 * Nonces per thread in one call to the addon. A search under way in Rust cannot be stopped,
 * and Node waits for it before exiting, so the work goes in slices of about a quarter of a
 * second here: `signal` is heeded, and the process can end, between them.
 */
const SLICE_PER_THREAD = 1n << 20n

/**
 * The first nonce from `startNonce` whose seal meets the difficulty, found on all cores
 * off the main thread; null when none of `maxNonces` does. Aborting `signal` ends the
 * search once the slice under way is done.
 */
export async function powSolve(search: PowSearch): Promise<PowSolution | null> {
  const input = searchOf(search)
  const slice = SLICE_PER_THREAD * BigInt(input.threads ?? availableParallelism())
  return withSignal(read, search.signal, async (signal) => {
    // Slices in order, so the first solution found is still the first nonce.
    for (let done = 0n; done < input.maxNonces; done += slice) {
      signal?.throwIfAborted()
      const part = {
        ...input,
        startNonce: BigInt.asUintN(64, input.startNonce + done),
        maxNonces: input.maxNonces - done < slice ? input.maxNonces - done : slice,
      }
      // No signal for the slice itself: napi-rs keeps a record per call on a signal, and
      // stops looking for queued calls once one has finished; an abort is heeded between
      // slices, and settles the call at once through withSignal.
      const found = await native.callAsync(() => addon.powSolve(part))
      if (found !== null) return found
    }
    return null
  })
}

/** `powSolve` blocking the calling thread. */
export function powSolveSync(search: PowSearch): PowSolution | null {
  const input = searchOf(search)
  return native.call(() => addon.powSolveSync(input))
}
