import { describe, expect, it } from 'vitest'
import { ReceivedBytes } from '../src/received-bytes.js'

describe('ReceivedBytes', () => {
  it('gives the bytes in order, in a buffer of their own size, and starts over', () => {
    const bytes = new ReceivedBytes()
    const piece = Buffer.alloc(10_000, 7)
    for (let i = 0; i < 5; i++) bytes.append(piece)
    bytes.append(Buffer.from([1, 2, 3]))
    expect(bytes.size).toBe(50_003)
    const taken = bytes.take()
    expect(taken.length).toBe(50_003)
    // Not a view of the larger buffer it grew in, which would stay alive with it.
    expect(taken.buffer.byteLength).toBe(50_003)
    expect(taken.subarray(-4)).toEqual(Buffer.from([7, 1, 2, 3]))
    expect(bytes.size).toBe(0)
    bytes.append(Buffer.from('next'))
    expect(bytes.take().toString()).toBe('next')
  })

  it("never hands out a view of Node's shared pool", () => {
    const small = new ReceivedBytes()
    small.append(Buffer.from([1, 2]))
    small.append(Buffer.from([3]))
    const taken = small.take()
    // A pooled slice would let `taken.buffer` show other requests' bytes.
    expect([taken.byteOffset, taken.buffer.byteLength]).toEqual([0, 3])
    // Nor one empty buffer shared by every empty body.
    expect(small.take()).not.toBe(small.take())
  })

  it('grows no further than its limit', () => {
    const bytes = new ReceivedBytes(300)
    for (let i = 0; i < 3; i++) bytes.append(Buffer.alloc(100, i))
    const taken = bytes.take()
    expect(taken.buffer.byteLength).toBe(300)
    expect([taken[0], taken[150], taken[299]]).toEqual([0, 1, 2])
  })

  it('fills a reserved length without growing', () => {
    const bytes = new ReceivedBytes()
    bytes.reserve(20_000)
    bytes.append(Buffer.alloc(12_000, 1))
    bytes.append(Buffer.alloc(8_000, 2))
    const taken = bytes.take()
    expect(taken.buffer.byteLength).toBe(20_000)
    expect(taken[11_999]).toBe(1)
    expect(taken[12_000]).toBe(2)
  })
})
