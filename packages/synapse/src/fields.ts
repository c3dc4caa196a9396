/**
 * Field types of a synapse, each with pydantic's lax-mode coercion (what the Python axon
 * accepts from JSON or headers) and its `model_dump()` value (what the body hash and the
 * JSON body are made from).
 */
import { validationError } from './errors.js'
import type { PyDict, PyKey, PyValue } from './python-str.js'

/** How one field's values are checked, coerced and dumped. */
export interface FieldType<T> {
  /** The Python annotation it stands for, e.g. `list[float]`, for messages and docs. */
  readonly annotation: string
  /**
   * The value as pydantic (lax mode) would validate it: from a JSON-decoded `PyValue` (a
   * body or header) or from the TS value a caller passes. Throws a `SynapseError`
   * (`SYNAPSE_VALIDATION`) naming `path`.
   */
  coerce(value: unknown, path: string): T
  /** `model_dump()` of the value, or `model_dump(mode='json')` (see `DumpMode`). */
  dump(value: T, mode?: DumpMode): PyValue
}

/**
 * pydantic's `model_dump` modes. They differ in one place here: in `json` mode, NaN and
 * ±Infinity held by an `Any` become null (a typed float keeps them, and JSON refuses them).
 */
export type DumpMode = 'python' | 'json'

/** NaN and ±Infinity as null, at any depth: an `Any` value in `json` mode. */
function nonFiniteToNull(value: PyValue): PyValue {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null
  if (Array.isArray(value)) return (value as readonly PyValue[]).map(nonFiniteToNull)
  if (value instanceof Map) {
    const out = new Map<PyKey, PyValue>()
    for (const [key, item] of value) out.set(key, nonFiniteToNull(item))
    return out
  }
  return value
}

/**
 * A declared field: its type and, when it has one, its default. A field without a default
 * is required, and is in the class's JSON-schema `required` list (which decides the
 * `bt_header_input_obj_*` headers).
 */
export class Field<T, HasDefault extends boolean = boolean> {
  readonly type: FieldType<T>
  readonly hasDefault: HasDefault
  readonly #makeDefault: (() => T) | undefined

  constructor(type: FieldType<T>, hasDefault: HasDefault, makeDefault?: () => T) {
    this.type = type
    this.hasDefault = hasDefault
    this.#makeDefault = makeDefault
  }

  /** A fresh copy of the default (pydantic copies mutable defaults too). */
  makeDefault(): T {
    if (this.#makeDefault === undefined) throw new Error('field has no default')
    return this.#makeDefault()
  }

  /** The field with a default, so callers may leave it out. */
  default(value: T): Field<T, true> {
    const type = this.type
    const checked = type.coerce(value, 'default')
    return new Field(type, true, () => type.coerce(clonePlain(checked), 'default'))
  }

  /** `Optional[T]`: null is accepted too. Still required unless it gets a default. */
  nullable(): Field<T | null, HasDefault> {
    const inner = this.type
    const type: FieldType<T | null> = {
      annotation: `Optional[${inner.annotation}]`,
      coerce: (value, path) => (value === null ? null : inner.coerce(value, path)),
      dump: (value, mode) => (value === null ? null : inner.dump(value, mode)),
    }
    const make = this.#makeDefault
    return new Field<T | null, HasDefault>(type, this.hasDefault, make)
  }

  /** `Optional[T] = None`, the usual shape of an output field. */
  optional(): Field<T | null, true> {
    return this.nullable().default(null)
  }
}

function clonePlain<T>(value: T): T {
  if (Array.isArray(value)) return value.map(clonePlain) as T
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [k, clonePlain(v)])) as T
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, clonePlain(v)])) as T
  }
  return value
}

function describe(value: unknown): string {
  if (value === null) return 'None'
  if (Array.isArray(value)) return 'a list'
  if (value instanceof Map) return 'a dict'
  if (typeof value === 'bigint') return 'an int'
  if (typeof value === 'number') return 'a number'
  return `a ${typeof value}`
}

const fail = (path: string, expected: string, value: unknown) =>
  validationError(path, `expected ${expected}, got ${describe(value)}`)

// Rust's char::is_whitespace, which pydantic-core strips. CPython's int() and float() strip
// the same set: str.isspace() without U+001C..U+001F. JS's trim() also strips U+FEFF and
// keeps U+0085.
const RUST_SPACE = '\\t-\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000'
const RUST_TRIM = new RegExp(`^[${RUST_SPACE}]+|[${RUST_SPACE}]+$`, 'g')

function rustTrim(text: string): string {
  return text.replace(RUST_TRIM, '')
}

const DECIMAL_DIGIT = /\p{Nd}/u
const DECIMAL_DIGITS = /\p{Nd}/gu

/** A decimal digit's value: Unicode encodes each script's digits as a run of 0 to 9. */
function digitValue(digit: string): number {
  let code = digit.codePointAt(0)!
  let value = 0
  while (DECIMAL_DIGIT.test(String.fromCodePoint(code - 1))) {
    code--
    value++
  }
  return value % 10
}

/** CPython's int() and float() read any script's decimal digits ('٣' is 3). */
function asciiDigits(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range is the point
  if (!/[^\x00-\x7f]/.test(text)) return text
  return text.replace(DECIMAL_DIGITS, (digit) =>
    /[0-9]/.test(digit) ? digit : String(digitValue(digit)),
  )
}

/** Python's `int(text)` for base 10 (whitespace, a sign and single underscores allowed). */
export function parsePyInt(text: string): bigint | undefined {
  const t = rustTrim(asciiDigits(text))
  if (!/^[+-]?[0-9]+(?:_[0-9]+)*$/.test(t)) return undefined
  const digits = t.replace(/^[+-]/, '').replaceAll('_', '')
  // CPython refuses to read more digits than sys.get_int_max_str_digits() (4300 by default).
  if (digits.length > PY_INT_MAX_STR_DIGITS) return undefined
  return BigInt(t.replaceAll('_', ''))
}

const PY_INT_MAX_STR_DIGITS = 4300

const PY_FLOAT =
  /^[+-]?(?:(?:[0-9]+(?:_[0-9]+)*)(?:\.(?:[0-9]+(?:_[0-9]+)*)?)?|\.[0-9]+(?:_[0-9]+)*)(?:[eE][+-]?[0-9]+(?:_[0-9]+)*)?$/
const PY_SPECIAL_FLOAT = /^([+-]?)(inf|infinity|nan)$/i

/** Python's `float(text)`: decimal or exponent forms, `inf`, `infinity`, `nan`. */
export function parsePyFloat(text: string): number | undefined {
  const t = rustTrim(asciiDigits(text))
  const special = PY_SPECIAL_FLOAT.exec(t)
  if (special !== null) {
    if (special[2]!.toLowerCase() === 'nan') return Number.NaN
    return special[1] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY
  }
  if (!PY_FLOAT.test(t)) return undefined
  return Number(t.replaceAll('_', ''))
}

const RUST_FLOAT = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/
const RUST_SPECIAL_FLOAT = /^[+-]?(?:inf|infinity|nan)$/i

/** Rust's `f64::from_str`, which pydantic-core parses with (no whitespace, no underscores). */
function parseRustFloat(text: string): number | undefined {
  if (RUST_FLOAT.test(text)) return Number(text)
  if (!RUST_SPECIAL_FLOAT.test(text)) return undefined
  if (/nan/i.test(text)) return Number.NaN
  return text.startsWith('-') ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY
}

/**
 * pydantic's float from a string: the trimmed text as Rust parses it, else the text as given
 * without its underscores, unless one leads, trails or is doubled ('1_e5' and 'i_nf' pass,
 * ' 1_0' does not).
 */
export function parsePydanticFloat(text: string): number | undefined {
  const direct = parseRustFloat(rustTrim(text))
  if (direct !== undefined || !text.includes('_')) return direct
  if (text.startsWith('_') || text.endsWith('_') || text.includes('__')) return undefined
  return parseRustFloat(text.replaceAll('_', ''))
}

const I64_MIN = -(2n ** 63n)
const I64_MAX = 2n ** 63n - 1n

/** pydantic's lax `int`: ints, bools, integral floats, and strings of an int (or `N.000`). */
export function coercePyInt(value: unknown, path: string): bigint {
  switch (typeof value) {
    case 'bigint':
      return value
    case 'boolean':
      return value ? 1n : 0n
    case 'number': {
      if (!Number.isFinite(value)) throw validationError(path, 'expected a finite number')
      if (!Number.isInteger(value)) {
        throw validationError(path, 'expected an integer, got a number with a fractional part')
      }
      const int = BigInt(value)
      if (int <= I64_MIN || int >= I64_MAX) throw validationError(path, 'integer out of range')
      return int
    }
    case 'string': {
      const whole = /^([+-]?[0-9]+(?:_[0-9]+)*)(?:\.0+)?$/.exec(rustTrim(value))
      if (whole === null) {
        throw validationError(
          path,
          'expected a valid integer, unable to parse string as an integer',
        )
      }
      return BigInt(whole[1]!.replaceAll('_', ''))
    }
  }
  throw fail(path, 'an int', value)
}

/** pydantic's lax `float`: floats, ints, bools and numeric strings. */
export function coercePyFloat(value: unknown, path: string): number {
  switch (typeof value) {
    case 'number':
      return value
    case 'bigint': {
      const float = Number(value)
      // Python refuses to round an int past the largest float to infinity.
      if (!Number.isFinite(float)) throw validationError(path, 'int too large to convert to float')
      return float
    }
    case 'boolean':
      return value ? 1 : 0
    case 'string': {
      const parsed = parsePydanticFloat(value)
      if (parsed === undefined) {
        throw validationError(path, 'expected a valid number, unable to parse string as a number')
      }
      return parsed
    }
  }
  throw fail(path, 'a float', value)
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER)
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER)

/** Whether a Python int is exactly a JS number. */
export function isSafeInt(int: bigint): boolean {
  return int <= MAX_SAFE && int >= MIN_SAFE
}

function safeNumber(int: bigint, path: string): number {
  if (!isSafeInt(int)) {
    throw validationError(path, `integer ${int} does not fit a JS number; declare field.bigint()`)
  }
  return Number(int)
}

// A Map, not an object literal: "constructor" must be no bool.
const BOOL_STRINGS = new Map<string, boolean>([
  ['0', false],
  ['off', false],
  ['f', false],
  ['false', false],
  ['n', false],
  ['no', false],
  ['1', true],
  ['on', true],
  ['t', true],
  ['true', true],
  ['y', true],
  ['yes', true],
])

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

function entriesOf(value: unknown): Iterable<[unknown, unknown]> | undefined {
  if (value instanceof Map) return value
  if (isPlainObject(value)) return Object.entries(value)
  return undefined
}

/** A JS value as a `PyValue`: plain objects become Maps, everything else must already be one. */
export function toPyValue(value: unknown, path: string): PyValue {
  if (value === null) return null
  switch (typeof value) {
    case 'boolean':
    case 'bigint':
    case 'number':
    case 'string':
      return value
  }
  if (Array.isArray(value)) return value.map((item, i) => toPyValue(item, `${path}[${i}]`))
  const entries = entriesOf(value)
  if (entries !== undefined) {
    const out = new Map<PyKey, PyValue>()
    for (const [key, item] of entries) {
      if (typeof key !== 'string' && typeof key !== 'bigint')
        throw fail(path, 'str or int keys', key)
      out.set(key, toPyValue(item, `${path}.${String(key)}`))
    }
    return out
  }
  throw fail(path, 'a JSON-like value', value)
}

/** The field map of a synapse (or nested model) declaration. */
export type FieldMap = Record<string, Field<unknown>>

/** The TS value of a field. */
export type FieldValue<F> = F extends Field<infer T> ? T : never

/** Fields without a default. */
export type RequiredKeys<F extends FieldMap> = {
  [K in keyof F]: F[K] extends Field<unknown, true> ? never : K
}[keyof F]

/** The TS object of a field map. */
export type ModelValue<F extends FieldMap> = { -readonly [K in keyof F]: FieldValue<F[K]> }

/** What a caller passes for a field map: required fields, and any of the others. */
export type ModelInput<F extends FieldMap> = {
  [K in RequiredKeys<F>]: FieldValue<F[K]>
} & {
  [K in Exclude<keyof F, RequiredKeys<F>>]?: FieldValue<F[K]>
}

/** Validates `value` (a Map or a plain object) against `fields`, as `Model(**value)`. */
export function coerceModel<F extends FieldMap>(
  fields: F,
  value: unknown,
  path: string,
): ModelValue<F> {
  const entries = entriesOf(value)
  if (entries === undefined) throw fail(path, 'a dict', value)
  const given = entries instanceof Map ? entries : new Map<unknown, unknown>(entries)
  const out: Record<string, unknown> = {}
  for (const [name, field] of Object.entries(fields)) {
    const where = path === '' ? name : `${path}.${name}`
    // An absent key and an explicit undefined both mean "not given" here.
    const raw = given.get(name)
    if (raw === undefined) {
      if (!field.hasDefault) throw validationError(where, 'field required')
      out[name] = field.makeDefault()
    } else {
      out[name] = field.type.coerce(raw, where)
    }
  }
  return out as ModelValue<F>
}

/** `model_dump()` of a value of `fields`, in declaration order. */
export function dumpModel<F extends FieldMap>(
  fields: F,
  value: ModelValue<F>,
  mode: DumpMode = 'python',
): PyDict {
  const out = new Map<PyKey, PyValue>()
  for (const [name, field] of Object.entries(fields)) {
    out.set(name, field.type.dump((value as Record<string, unknown>)[name], mode))
  }
  return out
}

function make<T>(type: FieldType<T>): Field<T, false> {
  return new Field(type, false)
}

function keyType(kind: 'str' | 'int'): FieldType<PyKey> {
  return kind === 'str'
    ? { annotation: 'str', coerce: (v, p) => stringType.coerce(v, p), dump: (v) => v }
    : { annotation: 'int', coerce: (v, p) => coercePyInt(v, p), dump: (v) => v }
}

const stringType: FieldType<string> = {
  annotation: 'str',
  coerce(value, path) {
    if (typeof value === 'string') return value
    throw fail(path, 'a str', value)
  },
  dump: (value) => value,
}

/** The field types of a synapse declaration. */
export const field = {
  /** `int`, as a JS number; values past 2^53 are refused (use `bigint()` for those). */
  int(): Field<number, false> {
    return make({
      annotation: 'int',
      coerce: (value, path) => safeNumber(coercePyInt(value, path), path),
      dump: (value) => BigInt(value),
    })
  },
  /** `int` of any size, as a JS bigint. */
  bigint(): Field<bigint, false> {
    return make({
      annotation: 'int',
      coerce: (value, path) => coercePyInt(value, path),
      dump: (value) => value,
    })
  },
  /** `float`. An int given for it becomes a float (`1` hashes as `1.0`). */
  float(): Field<number, false> {
    return make({ annotation: 'float', coerce: coercePyFloat, dump: (value) => value })
  },
  /** `str`. pydantic does not turn numbers into strings, and neither does this. */
  str(): Field<string, false> {
    return make(stringType)
  },
  /** `bool`; also 0/1 and pydantic's words (`"true"`, `"off"`, …). */
  bool(): Field<boolean, false> {
    return make({
      annotation: 'bool',
      coerce(value, path) {
        if (typeof value === 'boolean') return value
        if (value === 0 || value === 0n) return false
        if (value === 1 || value === 1n) return true
        // pydantic does not strip these: ' yes ' is no bool.
        if (typeof value === 'string') {
          const word = BOOL_STRINGS.get(value.toLowerCase())
          if (word !== undefined) return word
        }
        throw fail(path, 'a bool', value)
      },
      dump: (value) => value,
    })
  },
  /** `list[T]`. */
  list<T>(item: Field<T>): Field<T[], false> {
    const inner = item.type
    return make({
      annotation: `list[${inner.annotation}]`,
      coerce(value, path) {
        if (!Array.isArray(value)) throw fail(path, 'a list', value)
        return value.map((v, i) => inner.coerce(v, `${path}[${i}]`))
      },
      dump: (value, mode) => value.map((v) => inner.dump(v, mode)),
    })
  },
  /**
   * `dict[str, T]` (or `dict[int, T]` with `{ key: 'int' }`), as a Map: a JS object would
   * reorder integer-like keys, and Python hashes the dict in insertion order. Plain objects
   * are accepted as input.
   */
  dict<T, K extends 'str' | 'int' = 'str'>(
    value: Field<T>,
    options: { key?: K } = {},
  ): Field<Map<K extends 'int' ? bigint : string, T>, false> {
    const inner = value.type
    const keys = keyType(options.key ?? 'str')
    type Key = K extends 'int' ? bigint : string
    return make({
      annotation: `dict[${keys.annotation}, ${inner.annotation}]`,
      coerce(raw, path) {
        const entries = entriesOf(raw)
        if (entries === undefined) throw fail(path, 'a dict', raw)
        const out = new Map<Key, T>()
        for (const [k, v] of entries) {
          const key = keys.coerce(k, `${path}.${String(k)}`) as Key
          out.set(key, inner.coerce(v, `${path}.${String(k)}`))
        }
        return out
      },
      dump(map, mode) {
        const out = new Map<PyKey, PyValue>()
        for (const [k, v] of map) out.set(k, inner.dump(v, mode))
        return out
      },
    })
  },
  /**
   * `Any`: any JSON-like value, kept as a `PyValue` (bigint = int, number = float, Map =
   * dict; plain objects given here become Maps).
   */
  any(): Field<PyValue, false> {
    return make({
      annotation: 'Any',
      coerce: toPyValue,
      dump: (value, mode) => (mode === 'json' ? nonFiniteToNull(value) : value),
    })
  },
  /** A nested pydantic model: dumped as a dict of its fields in declaration order. */
  model<F extends FieldMap>(fields: F): Field<ModelValue<F>, false> {
    const annotation = `{${Object.entries(fields)
      .map(([k, f]) => `${k}: ${f.type.annotation}`)
      .join(', ')}}`
    return make({
      annotation,
      coerce: (value, path) => coerceModel(fields, value, path),
      dump: (value, mode) => dumpModel(fields, value, mode),
    })
  },
}
