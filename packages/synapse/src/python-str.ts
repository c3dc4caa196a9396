/**
 * Python's `str()` and `repr()` of the values a synapse carries, byte for byte: the body hash
 * is computed over `str(value)` on the Python side, so any difference is a rejected request.
 */
import { SynapseError, SynapseErrorCode } from './errors.js'

/**
 * A Python value as `model_dump()` or `json.loads` produces it. Python keeps `int` and `float`
 * apart (`1` and `1.0` hash differently), and so does this type: `bigint` is an `int`,
 * `number` is a `float`. A dict is a `Map`, because a JS object would reorder integer-like
 * keys and the hash depends on insertion order.
 */
export type PyValue = null | boolean | bigint | number | string | readonly PyValue[] | PyDict

/** Dict keys: `str`, or `int` for `dict[int, …]` fields. */
export type PyKey = string | bigint

export type PyDict = ReadonlyMap<PyKey, PyValue>

/** `repr(x)` of a float: the shortest text that reads back as `x`, in Python's layout. */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan'
  if (x === Number.POSITIVE_INFINITY) return 'inf'
  if (x === Number.NEGATIVE_INFINITY) return '-inf'
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0'
  const abs = Math.abs(x)
  // Here both languages write the same shortest digits without an exponent; Python adds
  // ".0" to a whole number.
  if (abs >= 1e-4 && abs < 1e16) return Number.isInteger(x) ? `${x}.0` : String(x)
  const sign = x < 0 ? '-' : ''
  // toExponential() without digits gives the same shortest round-trip digits as Python's
  // repr; only the layout differs.
  const [mantissa = '', exponent = '0'] = abs.toExponential().split('e')
  const digits = mantissa.replace('.', '')
  const exp = Number(exponent)
  // Python switches to exponent form when the decimal point would sit before position -4
  // or after position 16 (float_repr_style 'short', mode 'r').
  if (exp < -4 || exp >= 16) {
    const head = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits
    const magnitude = String(Math.abs(exp)).padStart(2, '0')
    return `${sign}${head}e${exp < 0 ? '-' : '+'}${magnitude}`
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`
  if (digits.length <= exp + 1) return `${sign}${digits}${'0'.repeat(exp + 1 - digits.length)}.0`
  return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`
}

/**
 * `format(x, '.{digits}f')`: rounds the exact binary value half to even, where JS `toFixed`
 * rounds ties up (`0.125` is `'0.12'` in Python, `'0.13'` in JS).
 */
export function pyFormatFixed(x: number, digits: number): string {
  if (Number.isNaN(x)) return 'nan'
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf'
  const negative = x < 0 || Object.is(x, -0)
  const abs = Math.abs(x)
  let whole: bigint
  let fraction: string
  if (abs >= 1e21) {
    whole = BigInt(abs)
    fraction = ''
  } else {
    // toFixed(100) is exact for every double that needs at most 100 fraction digits, which
    // covers all values whose rounding at `digits` could be a tie.
    const [w = '0', f = ''] = abs.toFixed(100).split('.')
    whole = BigInt(w)
    fraction = f
  }
  const kept = fraction.slice(0, digits).padEnd(digits, '0')
  const rest = fraction.slice(digits)
  let scaled = whole * 10n ** BigInt(digits) + BigInt(kept === '' ? '0' : kept)
  const first = rest.charCodeAt(0) - 48
  if (rest.length > 0) {
    const tie = first === 5 && /^50*$/.test(rest)
    if (first > 5 || (first === 5 && !tie) || (tie && scaled % 2n === 1n)) scaled += 1n
  }
  let text = scaled.toString().padStart(digits + 1, '0')
  if (digits > 0) text = `${text.slice(0, -digits)}.${text.slice(-digits)}`
  return negative ? `-${text}` : text
}

// str.isprintable() is false for these categories (the space character aside).
const NOT_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u

// Code points assigned in Unicode 15.0 to 17.0 and printable there. Python 3.11 (Unicode
// 14.0, the version the shared vectors were made with) has them unassigned, so repr()
// escapes them; the JS engine's tables are newer. Treating them as unassigned keeps the
// result the same on every Node version. (Python 3.12+ differs here: the repr of such a
// character inside a hashed list or dict depends on the Python build.)
const ASSIGNED_AFTER_UNICODE_14: readonly (readonly [number, number])[] = (
  '88f 897 c5c cdc cf3 ece 1acf-1add 1ae0-1aeb 1b4e-1b4f 1b7f 1c89-1c8a 20c1 2427-2429 ' +
  '2b96 2ffc-2fff 31e4-31e5 31ef a7cb-a7cf a7d2 a7d4 a7da-a7dc a7f1 fbc3-fbd2 fd90-fd91 ' +
  'fdc8-fdce 105c0-105f3 10940-10959 10d40-10d65 10d69-10d85 10d8e-10d8f 10ec2-10ec7 ' +
  '10ed0-10ed8 10efa-10eff 1123f-11241 11380-11389 1138b 1138e 11390-113b5 113b7-113c0 ' +
  '113c2 113c5 113c7-113ca 113cc-113d5 113d7-113d8 113e1-113e2 116d0-116e3 11b00-11b09 ' +
  '11b60-11b67 11bc0-11be1 11bf0-11bf9 11db0-11ddb 11de0-11de9 11f00-11f10 11f12-11f3a ' +
  '11f3e-11f5a 1342f 13440-13455 13460-143fa 16100-16139 16d40-16d79 16ea0-16eb8 ' +
  '16ebb-16ed3 16ff2-16ff6 187f8-187ff 18cff 18d09-18d1e 18d80-18df2 1b132 1b155 ' +
  '1cc00-1ccfc 1cd00-1ceb3 1ceba-1ced0 1cee0-1cef0 1d2c0-1d2d3 1df25-1df2a 1e030-1e06d ' +
  '1e08f 1e4d0-1e4f9 1e5d0-1e5fa 1e5ff 1e6c0-1e6de 1e6e0-1e6f5 1e6fe-1e6ff 1f6d8 1f6dc ' +
  '1f774-1f77f 1f7d9 1f8b2-1f8bb 1f8c0-1f8c1 1f8d0-1f8d8 1fa54-1fa57 1fa75-1fa77 ' +
  '1fa87-1fa8a 1fa8e-1fa8f 1faad-1faaf 1fabb-1fabf 1fac6 1fac8 1facd-1facf 1fada-1fadc ' +
  '1fadf 1fae8-1faea 1faef 1faf7-1faf8 1fbcb-1fbef 1fbfa 2b739-2b73f 2cea2-2cead ' +
  '2ebf0-2ee5d 31350-33479 '
)
  .trim()
  .split(' ')
  .map((range) => {
    const [from = '', to = from] = range.split('-')
    return [Number.parseInt(from, 16), Number.parseInt(to, 16)] as const
  })

function assignedAfterUnicode14(code: number): boolean {
  let lo = 0
  let hi = ASSIGNED_AFTER_UNICODE_14.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    const [from, to] = ASSIGNED_AFTER_UNICODE_14[mid]!
    if (code < from) hi = mid - 1
    else if (code > to) lo = mid + 1
    else return true
  }
  return false
}

/** Python 3.11's `ch.isprintable()` for one code point. */
export function pyIsPrintable(ch: string): boolean {
  const code = ch.codePointAt(0)!
  if (code === 0x20) return true
  return !NOT_PRINTABLE.test(ch) && !assignedAfterUnicode14(code)
}

function hex(code: number, width: number): string {
  return code.toString(16).padStart(width, '0')
}

/** `repr(s)` of a str: quotes as Python picks them, and Python's escapes. */
export function pyReprStr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'"
  let out = quote
  for (const ch of s) {
    const code = ch.codePointAt(0)!
    if (ch === quote || ch === '\\') out += `\\${ch}`
    else if (ch === '\t') out += '\\t'
    else if (ch === '\n') out += '\\n'
    else if (ch === '\r') out += '\\r'
    else if (code < 0x20 || code === 0x7f) out += `\\x${hex(code, 2)}`
    else if (code < 0x7f) out += ch
    else if (pyIsPrintable(ch)) out += ch
    else if (code <= 0xff) out += `\\x${hex(code, 2)}`
    else if (code <= 0xffff) out += `\\u${hex(code, 4)}`
    else out += `\\U${hex(code, 8)}`
  }
  return out + quote
}

function isArray(value: PyValue): value is readonly PyValue[] {
  return Array.isArray(value)
}

/** `repr(value)`. */
export function pyRepr(value: PyValue): string {
  if (value === null) return 'None'
  switch (typeof value) {
    case 'boolean':
      return value ? 'True' : 'False'
    case 'bigint':
      return value.toString()
    case 'number':
      return pyFloatRepr(value)
    case 'string':
      return pyReprStr(value)
  }
  if (isArray(value)) return `[${value.map(pyRepr).join(', ')}]`
  if (value instanceof Map) {
    const items: string[] = []
    for (const [key, item] of value) items.push(`${pyRepr(key)}: ${pyRepr(item)}`)
    return `{${items.join(', ')}}`
  }
  throw new SynapseError(SynapseErrorCode.InvalidInput, 'value: not a Python value', {
    field: 'value',
  })
}

/** `str(value)`: like `repr` except that a top-level str is its own text. */
export function pyStr(value: PyValue): string {
  return typeof value === 'string' ? value : pyRepr(value)
}
