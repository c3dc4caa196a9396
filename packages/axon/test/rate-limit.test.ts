import { describe, expect, it } from 'vitest'
import { TokenBuckets } from '../src/index.js'

describe('TokenBuckets', () => {
  it('gives each key its burst, then refills at the rate', () => {
    let now = 0
    const buckets = new TokenBuckets({ burst: 2, perSecond: 4 }, () => now)
    expect([buckets.take('a'), buckets.take('a'), buckets.take('a')]).toEqual([true, true, false])
    expect(buckets.take('b')).toBe(true)
    now = 249
    expect(buckets.take('a')).toBe(false)
    now = 250
    expect(buckets.take('a')).toBe(true)
  })

  it('forgets refilled buckets, and stays bounded when a slow refill leaves none full', () => {
    let now = 0
    const slow = new TokenBuckets({ burst: 60, perSecond: 1 }, () => now)
    for (let i = 0; i < 250_000; i++) slow.take(`ip${i}`)
    expect(slow.size).toBeLessThanOrEqual(100_000)
    // The keys kept are the newest: an old key starts again from a full bucket.
    for (let i = 0; i < 60; i++) slow.take('ip249999')
    expect(slow.take('ip249999')).toBe(false)
    now = 60_000
    const fast = new TokenBuckets({ burst: 1, perSecond: 1000 }, () => now)
    for (let i = 0; i < 30_000; i++) {
      now += 1
      fast.take(`ip${i}`)
    }
    expect(fast.size).toBeLessThanOrEqual(10_000)
  })
})
