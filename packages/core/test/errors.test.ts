import { describe, expect, it } from 'vitest'
import { isTaokitError, Reader, TaokitError } from '../src/index.js'

describe('TaokitError', () => {
  it('carries a code and the field at fault', () => {
    const error = new TaokitError('X_CODE', 'n: expected a number', { field: 'n' })
    expect(error).toBeInstanceOf(Error)
    expect(error.code).toBe('X_CODE')
    expect(error.field).toBe('n')
    expect(isTaokitError(error, 'X_CODE')).toBe(true)
    expect(isTaokitError(new Error('plain'))).toBe(false)
  })
})

describe('Reader', () => {
  const read = new Reader('TEST_INPUT')

  it('reads u64 values from bigints, decimal strings and safe integers', () => {
    expect(read.u64('a', 5n)).toBe(5n)
    expect(read.u64('a', '18446744073709551615')).toBe((1n << 64n) - 1n)
    expect(read.u64('a', 7)).toBe(7n)
  })

  it.each([
    [-1, 'a: expected an integer in 0..2^64-1'],
    ['1e3', 'a: expected an integer in 0..2^64-1'],
    [2 ** 60, 'a: expected an integer in 0..2^64-1'],
    ['18446744073709551616', 'a: expected an integer in 0..2^64-1'],
  ])('rejects %s as a u64, naming the field', (value, message) => {
    expect(() => read.u64('a', value)).toThrowError(message)
    try {
      read.u64('a', value)
    } catch (error) {
      expect(isTaokitError(error, 'TEST_INPUT')).toBe(true)
      expect((error as TaokitError).field).toBe('a')
    }
  })

  it('checks integer ranges and array lengths', () => {
    expect(() => read.integer('kappa', 70000, 0, 65535)).toThrowError(
      'kappa: expected an integer in 0..65535, got 70000',
    )
    expect(() => read.array('stake', [1, 2], 3)).toThrowError(
      'stake: expected 3 entries (one per uid), got an array of 2',
    )
  })
})
