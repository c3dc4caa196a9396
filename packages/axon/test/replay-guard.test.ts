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

  it('stays within its capacity, dropping stale entries first, then the oldest', () => {
    const guard = new ReplayGuard(3)
    guard.accept('a', '1', 10, 0)
    guard.accept('a', '2', 100, 0)
    guard.accept('a', '3', 100, 0)
    guard.accept('a', '4', 100, 50)
    expect(guard.size).toBe(3)
    expect(guard.accept('a', '2', 100, 60)).toBe(false)
    guard.accept('a', '5', 100, 60)
    expect(guard.size).toBe(3)
    expect(guard.accept('a', '2', 100, 60)).toBe(true)
  })
})
