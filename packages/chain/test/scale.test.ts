import { describe, expect, it } from 'vitest'
import { ChainError, type PortableType, ScaleDecoder } from '../src/index.js'

type Def = PortableType['type']['def']

/** A registry of the given definitions, ids in order, paths empty unless given. */
function registry(...defs: Array<Def | [string[], Def]>): ScaleDecoder {
  return new ScaleDecoder(
    defs.map((def, id) => {
      const [path, body] = Array.isArray(def) ? def : [[], def]
      return { id, type: { path, def: body } }
    }),
  )
}

const bytes = (...values: number[]) => Uint8Array.from(values)

describe('ScaleDecoder', () => {
  it('reads the four compact modes', () => {
    const decoder = registry({ primitive: 'u64' }, { compact: { type: 0 } })
    expect(decoder.decode(1, bytes(0xfc))).toBe(63n)
    expect(decoder.decode(1, bytes(0x01, 0x01))).toBe(64n)
    expect(decoder.decode(1, bytes(0x02, 0x00, 0x01, 0x00))).toBe(16_384n)
    expect(decoder.decode(1, bytes(0x13, 1, 2, 3, 4, 5, 6, 7, 8))).toBe(0x0807060504030201n)
  })

  it('reads signed 128-bit and newtypes as their inner value', () => {
    const decoder = registry(
      { primitive: 'i128' },
      { composite: { fields: [{ name: 'bits', type: 0 }] } },
    )
    const minusTwo = new Uint8Array(16).fill(0xff)
    minusTwo[0] = 0xfe
    expect(decoder.decode(1, minusTwo)).toBe(-2n)
  })

  it('reads numeric vectors into typed arrays, others into arrays', () => {
    const decoder = registry(
      { primitive: 'u16' },
      { sequence: { type: 0 } },
      { primitive: 'u128' },
      { compact: { type: 2 } },
      { sequence: { type: 3 } },
      { primitive: 'i16' },
      { sequence: { type: 5 } },
    )
    expect(decoder.decode(1, bytes(0x08, 0x01, 0x00, 0xff, 0xff))).toEqual(
      Uint16Array.from([1, 65535]),
    )
    // Compact u128 values above 2^64 keep every bit.
    const big = bytes(0x04, 0x17, ...new Array(8).fill(0), 0x01)
    expect(decoder.decode(4, big)).toEqual([1n << 64n])
    expect(decoder.decode(6, bytes(0x04, 0xff, 0xff))).toEqual([-1])
  })

  it('reads Option as the value or undefined, and enums by variant name', () => {
    const decoder = registry(
      { primitive: 'u8' },
      [
        ['Option'],
        {
          variant: {
            variants: [
              { name: 'None', index: 0, fields: [] },
              { name: 'Some', index: 1, fields: [{ name: null, type: 0 }] },
            ],
          },
        },
      ],
      {
        variant: {
          variants: [
            { name: 'Idle', index: 0, fields: [] },
            { name: 'Busy', index: 3, fields: [{ name: 'load', type: 0 }] },
          ],
        },
      },
    )
    expect(decoder.decode(1, bytes(0))).toBeUndefined()
    expect(decoder.decode(1, bytes(1, 7))).toBe(7)
    expect(decoder.decode(2, bytes(0))).toBe('Idle')
    expect(decoder.decode(2, bytes(3, 9))).toEqual({ Busy: { load: 9 } })
    expect(() => decoder.decode(2, bytes(5))).toThrow(/has no variant 5/)
  })

  it('names truncated input, left-over bytes and unknown types', () => {
    const decoder = registry({ primitive: 'u32' })
    expect(() => decoder.decode(0, bytes(1, 2))).toThrow(ChainError)
    expect(() => decoder.decode(0, bytes(1, 2))).toThrow(/needed 4 bytes at offset 0 of 2/)
    expect(() => decoder.decode(0, bytes(1, 2, 3, 4, 5))).toThrow(/1 bytes left over/)
    expect(() => decoder.decode(9, bytes())).toThrow(/type 9 is not in the metadata/)
  })

  it('does not keep a half-built reader after a type fails to compile', () => {
    const decoder = registry({ primitive: 'f64' }, { sequence: { type: 0 } })
    expect(() => decoder.decode(1, bytes(0))).toThrow(/primitive f64 is not supported/)
    expect(() => decoder.decode(1, bytes(0))).toThrow(/primitive f64 is not supported/)
  })
})
