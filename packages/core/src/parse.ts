import { TaokitError } from './errors.js'

/**
 * Readers for the number formats of chain data: u64 values arrive as bigints, decimal
 * strings or safe integers; small integers must be integral and in range. Each failure is a
 * `TaokitError` with the given `code` naming the field and what was expected.
 */
export type U64Like = bigint | number | string

export const U64_MAX = (1n << 64n) - 1n

function describe(value: unknown): string {
  if (typeof value === 'string')
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)
  if (typeof value === 'bigint') return `${value}n`
  if (Array.isArray(value)) return `an array of ${value.length}`
  if (value === null) return 'null'
  if (typeof value === 'object') return 'an object'
  return String(value)
}

/** Builds the error a package throws for a bad `field`. */
export type InputErrorFactory = (message: string, field: string) => TaokitError

export class Reader {
  private readonly makeError: InputErrorFactory

  /** `code` for plain `TaokitError`s, or a factory for a package's own subclass. */
  constructor(code: string | InputErrorFactory) {
    this.makeError =
      typeof code === 'string'
        ? (message, field) => new TaokitError(code, message, { field })
        : code
  }

  /** Throws the error for `field`; pass the offending value to have it described. */
  fail(field: string, expected: string, ...got: [unknown?]): never {
    const suffix = got.length > 0 ? `, got ${describe(got[0])}` : ''
    throw this.makeError(`${field}: expected ${expected}${suffix}`, field)
  }

  u64(field: string, value: unknown): bigint {
    let result: bigint | undefined
    if (typeof value === 'bigint') result = value
    else if (typeof value === 'number' && Number.isSafeInteger(value)) result = BigInt(value)
    else if (typeof value === 'string' && /^\d+$/.test(value)) result = BigInt(value)
    if (result === undefined || result < 0n || result > U64_MAX) {
      this.fail(field, 'an integer in 0..2^64-1 (bigint, decimal string or safe integer)', value)
    }
    return result
  }

  integer(field: string, value: unknown, min: number, max: number): number {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.fail(field, `an integer in ${min}..${max}`, value)
    }
    return value
  }

  /** A finite number in `min..max`. */
  finite(field: string, value: unknown, min: number, max: number): number {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
      this.fail(field, `a finite number in ${min}..${max}`, value)
    }
    return value
  }

  boolean(field: string, value: unknown): boolean {
    if (typeof value !== 'boolean') this.fail(field, 'true or false', value)
    return value
  }

  array(field: string, value: unknown, length?: number): readonly unknown[] {
    if (!Array.isArray(value))
      this.fail(field, length === undefined ? 'an array' : `an array of ${length}`, value)
    if (length !== undefined && value.length !== length) {
      this.fail(field, `${length} entries (one per uid)`, value)
    }
    return value
  }

  object(field: string, value: unknown): Record<string, unknown> {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.fail(field, 'an object', value)
    }
    return value as Record<string, unknown>
  }
}
