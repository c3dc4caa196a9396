import { describe, expect, it } from 'vitest'
import { ReplayGuard } from '../src/index.js'

describe('ReplayGuard', () => {
  it('refuses a request seen before until it expires', () => {
    const guard = new ReplayGuard()
    expect(guard.accept('5Alice', 'u1', 1_000, 0)).toBe(true)
    expect(guard.accept('5Alice', 'u1', 1_000, 500)).toBe(false)
    expect(guard.accept('5Bob', 'u1', 1_000, 500)).toBe(true)
    expect(guard.accept('5Alice', 'u1', 2_000, 1_001)).toBe(true)
  })

  it('stays within its capacity, dropping stale entries first, then the oldest, a tenth at once', () => {
    const guard = new ReplayGuard(10)
    guard.accept('a', 'stale', 10, 0)
    for (let i = 1; i <= 9; i++) guard.accept('a', String(i), 100, 0)
    expect(guard.size).toBe(10)
    guard.accept('a', '10', 100, 50)
    // Over capacity: the stale entry goes, then the oldest down to 90%, so the next
    // requests cost no scan until the guard is full again.
    expect(guard.size).toBe(9)
    expect(guard.accept('a', '2', 100, 60)).toBe(false)
    expect(guard.accept('a', '1', 100, 60)).toBe(true)
    expect(guard.size).toBe(10)
  })

  it('keeps the request it just accepted, even with room for one', () => {
    const guard = new ReplayGuard(1)
    expect(guard.accept('a', '1', 100, 0)).toBe(true)
    expect(guard.accept('a', '2', 100, 0)).toBe(true)
    expect(guard.accept('a', '2', 100, 0)).toBe(false)
  })
})
