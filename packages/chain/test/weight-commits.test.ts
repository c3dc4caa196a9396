import { describe, expect, it } from 'vitest'
import { commitBlocks } from '../src/epoch-preview.js'
import {
  committedAt,
  isLiveAt,
  type StoredWeightCommit,
  storedRevealWindow,
} from '../src/weight-commits.js'

// Subnet 1, tempo 10, reveal period 1: epochs run at blocks 8, 19, 30, 41, 52 ...
const NETUID = 1
const TEMPO = 10
const PERIOD = 1n
const NONE = (1n << 64n) - 1n
const hash = new Uint8Array(32)

const blocksAt = (epochBlock: number, commits: StoredWeightCommit[]) =>
  commitBlocks([commits, undefined], 2, epochBlock, NETUID, TEMPO, PERIOD)

describe('the commit blocks an epoch masks with', () => {
  it("reads spec 393's (hash, commit block, first reveal, last reveal)", () => {
    // Committed in block 25: spec 393's epoch (25 + 2) / 11 = 2, revealed in epoch 3,
    // blocks 31..41, as its get_reveal_blocks stores them.
    const commit: StoredWeightCommit = [hash, 25n, 31n, 41n]
    // The epoch of block 41 still counts as epoch 3 there: the commit is live.
    expect(blocksAt(41, [commit])).toEqual(BigUint64Array.from([25n, NONE]))
    // By the next one (epoch 4) it has expired.
    expect(blocksAt(52, [commit])).toEqual(BigUint64Array.from([NONE, NONE]))
  })

  it("reads the devnet's (hash, commit epoch, commit block, 0)", () => {
    // Block 25 is in epoch (25 + 3) / 11 = 2 when the running epoch counts as begun.
    const commit: StoredWeightCommit = [hash, 2n, 25n, 0n]
    expect(blocksAt(30, [commit])).toEqual(BigUint64Array.from([25n, NONE]))
    expect(blocksAt(41, [commit])).toEqual(BigUint64Array.from([NONE, NONE]))
  })

  it('takes the first live commit of a queue, past expired ones', () => {
    const old: StoredWeightCommit = [hash, 3n, 4n, 14n]
    const live: StoredWeightCommit = [hash, 25n, 31n, 41n]
    const later: StoredWeightCommit = [hash, 28n, 31n, 41n]
    expect(blocksAt(41, [old, live, later])).toEqual(BigUint64Array.from([25n, NONE]))
  })
})

describe('a stored commit', () => {
  const spec393: StoredWeightCommit = [hash, 25n, 31n, 41n]
  const devnet: StoredWeightCommit = [hash, 2n, 25n, 0n]

  it('gives its commit block in either layout', () => {
    expect(committedAt(spec393)).toBe(25n)
    expect(committedAt(devnet)).toBe(25n)
  })

  it("keeps spec 393's own reveal window, which the later layout leaves to be computed", () => {
    expect(storedRevealWindow(spec393)).toEqual({ revealFrom: 31, revealUntil: 41 })
    expect(storedRevealWindow(devnet)).toBeUndefined()
  })

  it('is live until its reveal epoch has passed, as each runtime counts epochs', () => {
    const live = (commit: StoredWeightCommit, block: number) =>
      isLiveAt(commit, block, NETUID, TEMPO, PERIOD)
    // Spec 393: live through its last reveal block, 41.
    expect([40, 41, 42].map((b) => live(spec393, b))).toEqual([true, true, false])
    // The devnet: the epoch that runs at block 41 has begun, so 40 is the last.
    expect([39, 40, 41].map((b) => live(devnet, b))).toEqual([true, true, false])
  })
})
