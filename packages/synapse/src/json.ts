/**
 * JSON as Python's `json` module reads and writes it. JS's JSON loses the int/float
 * distinction (`1.0` reads as `1`), rounds integers past 2^53 (nonces are ~1.7e18) and
 * reorders integer-like keys, and all three change a synapse's hash or body.
 */
import { SynapseError, SynapseErrorCode } from './errors.js'
import { type PyKey, type PyValue, pyFloatRepr } from './python-str.js'

// CPython refuses to convert longer decimal strings to int (sys.int_info.default_max_str_digits),
// and json.loads fails on them; Python recurses once per nesting level, and stops near 1000.
const MAX_INT_DIGITS = 4300
const MAX_DEPTH = 1000
/**
 * Python has no such limit; ours bounds what one body can cost. `[{},{},…]` is a container
 * per 3 bytes, and built as Maps a 16 MiB answer took a gigabyte and seconds of a
 * validator's event loop, however its field was typed. Containers only checked, not built
 * (`skip`), do not count.
 */
export const MAX_JSON_CONTAINERS = 1 << 18

/**
 * Errors Python raises as something other than JSONDecodeError (a ValueError or a
 * RecursionError), which FastAPI answers with 400 rather than 422.
 */
export const jsonLimitErrors = new WeakSet<SynapseError>()

/** Of those, the errors of our own limit, `MAX_JSON_CONTAINERS`, which Python lacks. */
export const containerLimitErrors = new WeakSet<SynapseError>()

function limitError(message: string, text: string, pos: number): SynapseError {
  const error = jsonError(message, text, pos)
  jsonLimitErrors.add(error)
  return error
}

function jsonError(message: string, text: string, pos: number): SynapseError {
  let line = 1
  let lineStart = 0
  for (let i = 0; i < pos && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++
      lineStart = i + 1
    }
  }
  return new SynapseError(
    SynapseErrorCode.InvalidJson,
    `${message}: line ${line} column ${pos - lineStart + 1} (char ${pos})`,
  )
}

const isDigit = (code: number) => code >= 48 && code <= 57
const HEX4 = /^[0-9a-fA-F]{4}$/

class Parser {
  pos = 0
  containers = 0
  constructor(readonly text: string) {}

  built(): void {
    if (++this.containers > MAX_JSON_CONTAINERS) {
      const error = limitError(
        `More than ${MAX_JSON_CONTAINERS} arrays and objects`,
        this.text,
        this.pos,
      )
      containerLimitErrors.add(error)
      throw error
    }
  }

  ws(): void {
    const t = this.text
    for (;;) {
      const c = t.charCodeAt(this.pos)
      if (c === 32 || c === 9 || c === 10 || c === 13) this.pos++
      else return
    }
  }

  value(depth: number): PyValue {
    if (depth > MAX_DEPTH) throw limitError('Nesting too deep', this.text, this.pos)
    const t = this.text
    const c = t[this.pos]
    switch (c) {
      case '{':
        return this.object(depth)
      case '[':
        return this.array(depth)
      case '"':
        return this.string()
      case 'n':
        return this.literal('null', null)
      case 't':
        return this.literal('true', true)
      case 'f':
        return this.literal('false', false)
      case 'N':
        return this.literal('NaN', Number.NaN)
      case 'I':
        return this.literal('Infinity', Number.POSITIVE_INFINITY)
    }
    if (c === '-' && t.startsWith('-Infinity', this.pos)) {
      this.pos += 9
      return Number.NEGATIVE_INFINITY
    }
    return this.number()
  }

  /** A number as Python's scanner reads it: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?`. */
  number(): bigint | number {
    const start = this.pos
    const integer = this.scanNumber()
    const raw = this.text.slice(start, this.pos)
    return integer ? BigInt(raw) : Number(raw)
  }

  /** Moves past a number, checked as `number` checks it; says whether it is an integer. */
  scanNumber(): boolean {
    const t = this.text
    const start = this.pos
    let i = start
    if (t.charCodeAt(i) === 45) i++
    const lead = t.charCodeAt(i)
    if (lead === 48) i++
    else if (lead >= 49 && lead <= 57) i = this.digitsFrom(i + 1)
    else throw jsonError('Expecting value', t, start)
    const intEnd = i
    if (t.charCodeAt(i) === 46 && isDigit(t.charCodeAt(i + 1))) i = this.digitsFrom(i + 2)
    const e = t.charCodeAt(i)
    if (e === 101 || e === 69) {
      let j = i + 1
      const sign = t.charCodeAt(j)
      if (sign === 43 || sign === 45) j++
      if (isDigit(t.charCodeAt(j))) i = this.digitsFrom(j + 1)
    }
    this.pos = i
    if (i !== intEnd) return false
    if (i - start - (t.charCodeAt(start) === 45 ? 1 : 0) > MAX_INT_DIGITS) {
      throw limitError('Integer string too long', t, start)
    }
    return true
  }

  digitsFrom(i: number): number {
    while (isDigit(this.text.charCodeAt(i))) i++
    return i
  }

  literal<T extends PyValue>(word: string, result: T): T {
    if (!this.text.startsWith(word, this.pos))
      throw jsonError('Expecting value', this.text, this.pos)
    this.pos += word.length
    return result
  }

  string(): string {
    const t = this.text
    const start = this.pos
    this.pos++
    let out = ''
    let chunk = this.pos
    for (;;) {
      if (this.pos >= t.length) throw jsonError('Unterminated string starting at', t, start)
      const c = t.charCodeAt(this.pos)
      if (c === 34) {
        out += t.slice(chunk, this.pos)
        this.pos++
        return out
      }
      if (c < 0x20) throw jsonError('Invalid control character at', t, this.pos)
      if (c !== 92) {
        this.pos++
        continue
      }
      out += t.slice(chunk, this.pos)
      const e = t[this.pos + 1]
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out += e
          this.pos += 2
          break
        case 'b':
          out += '\b'
          this.pos += 2
          break
        case 'f':
          out += '\f'
          this.pos += 2
          break
        case 'n':
          out += '\n'
          this.pos += 2
          break
        case 'r':
          out += '\r'
          this.pos += 2
          break
        case 't':
          out += '\t'
          this.pos += 2
          break
        case 'u': {
          const digits = t.slice(this.pos + 2, this.pos + 6)
          if (!HEX4.test(digits)) throw jsonError('Invalid \\uXXXX escape', t, this.pos + 1)
          // A high surrogate followed by an escaped low one is one code point; any other
          // surrogate stays a lone UTF-16 unit, as Python keeps it.
          out += String.fromCharCode(Number.parseInt(digits, 16))
          this.pos += 6
          break
        }
        default:
          throw jsonError('Invalid \\escape', t, this.pos)
      }
      chunk = this.pos
    }
  }

  array(depth: number, keep = true): PyValue[] {
    const t = this.text
    if (keep) this.built()
    this.pos++
    const out: PyValue[] = keep ? [] : SKIPPED_ARRAY
    this.ws()
    if (t[this.pos] === ']') {
      this.pos++
      return out
    }
    for (;;) {
      this.ws()
      if (keep) out.push(this.value(depth + 1))
      else this.skip(depth + 1)
      this.ws()
      const c = t[this.pos]
      if (c === ']') {
        this.pos++
        return out
      }
      if (c !== ',') throw jsonError("Expecting ',' delimiter", t, this.pos)
      this.pos++
    }
  }

  /**
   * An object; with `keys`, only those keys are built, and the others' values are read as
   * `skip` reads them. `keys` of an empty set reads the whole object without building it.
   */
  object(depth: number, keys?: ReadonlySet<string>): Map<PyKey, PyValue> {
    const t = this.text
    if (keys !== NO_KEYS) this.built()
    this.pos++
    const out = keys === NO_KEYS ? SKIPPED_MAP : new Map<PyKey, PyValue>()
    this.ws()
    if (t[this.pos] === '}') {
      this.pos++
      return out
    }
    for (;;) {
      this.ws()
      if (t[this.pos] !== '"') {
        throw jsonError('Expecting property name enclosed in double quotes', t, this.pos)
      }
      const key = this.string()
      this.ws()
      if (t[this.pos] !== ':') throw jsonError("Expecting ':' delimiter", t, this.pos)
      this.pos++
      this.ws()
      // Map.set keeps a repeated key where it first appeared and takes the last value:
      // what a Python dict does.
      if (keys === undefined || keys.has(key)) out.set(key, this.value(depth + 1))
      else this.skip(depth + 1)
      this.ws()
      const c = t[this.pos]
      if (c === '}') {
        this.pos++
        return out
      }
      if (c !== ',') throw jsonError("Expecting ',' delimiter", t, this.pos)
      this.pos++
    }
  }

  /**
   * A value nobody will read, checked as `value` checks it (the same errors at the same
   * places) without building its arrays and objects: a miner's 15 MiB of `[{},{},…]` under
   * an unknown key would otherwise cost a second of parsing and a gigabyte of Maps.
   */
  skip(depth: number): void {
    if (depth > MAX_DEPTH) throw limitError('Nesting too deep', this.text, this.pos)
    const c = this.text[this.pos]
    if (c === '[') this.array(depth, false)
    else if (c === '{') this.object(depth, NO_KEYS)
    else if (c === '-' || isDigit(this.text.charCodeAt(this.pos))) this.skipNumber()
    else this.value(depth)
  }

  skipNumber(): void {
    if (this.text.startsWith('-Infinity', this.pos)) this.pos += 9
    else this.scanNumber()
  }
}

const NO_KEYS: ReadonlySet<string> = new Set()
// What a skipped container reads as: shared, and never filled (skip keeps nothing).
const SKIPPED_ARRAY: PyValue[] = []
const SKIPPED_MAP = new Map<PyKey, PyValue>()

/**
 * `json.loads(text)`: ints as bigint, floats as number, objects as Maps in document order,
 * `NaN`/`Infinity` accepted, lone surrogates kept. With `keys`, for readers such as
 * `Cls(**body)` that read only those keys of a top-level object: the other values are checked
 * (a JSON error in one is still the same error) but never built, and a top-level value that
 * is not an object is checked and read as null.
 */
export function pyJsonLoads(text: string, keys?: ReadonlySet<string>): PyValue {
  if (typeof text !== 'string') {
    throw new SynapseError(SynapseErrorCode.InvalidInput, 'text: expected a string', {
      field: 'text',
    })
  }
  const parser = new Parser(text)
  if (text.charCodeAt(0) === 0xfeff) {
    throw jsonError('Unexpected UTF-8 BOM (decode using utf-8-sig)', text, 0)
  }
  parser.ws()
  let value: PyValue = null
  if (keys === undefined) value = parser.value(0)
  else if (text[parser.pos] === '{') value = parser.object(0, keys)
  else parser.skip(0)
  parser.ws()
  if (parser.pos !== text.length) throw jsonError('Extra data', text, parser.pos)
  return value
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/**
 * UTF-8 bytes as Python's `bytes.decode()` reads them: refuses invalid UTF-8 (returns
 * undefined) and keeps a BOM.
 */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(bytes)
  } catch {
    return undefined
  }
}

export interface PyJsonDumpsOptions {
  /**
   * `'default'` is `json.dumps`'s `", "` and `": "` (what the dendrite sends); `'compact'` is
   * `","` and `":"` (what Starlette's JSONResponse sends).
   */
  separators?: 'default' | 'compact'
  /** Escape every non-ASCII character as `\uXXXX` (json.dumps's default). */
  ensureAscii?: boolean
  /** Write NaN and ±Infinity (json.dumps's default); false makes them an error. */
  allowNan?: boolean
}

const SHORT_ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
}

function escapeUnit(ch: string): string {
  return SHORT_ESCAPES[ch] ?? `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`
}

// Per UTF-16 unit, as CPython's encoder writes astral characters: two \u escapes.
const ASCII_ESCAPED = /[^ !#-[\]-~]/
// Quotes, backslashes and units below U+0020: one class is faster than an alternation.
const UNICODE_ESCAPED = /[^ !#-[\]-\uffff]/

// Dict keys are a synapse's few field names: each is escaped once per encoding.
const KEY_CACHE_SIZE = 1024
const KEY_MAX_LENGTH = 64
const encodedKeys = [new Map<string, string>(), new Map<string, string>()]

function encodeKey(key: string, ensureAscii: boolean): string {
  const cache = encodedKeys[ensureAscii ? 1 : 0]!
  let encoded = cache.get(key)
  if (encoded !== undefined) return encoded
  if (key.length > KEY_MAX_LENGTH) return encodeString(key, ensureAscii)
  if (cache.size >= KEY_CACHE_SIZE) cache.clear()
  // A key parsed from a body is a slice of the whole body text: the cache keeps a copy, or
  // it would keep the body.
  const own = ownCopy(key)
  encoded = encodeString(own, ensureAscii)
  cache.set(own, encoded)
  return encoded
}

/** `text` in a string of its own, not a view into the larger string it was cut from. */
function ownCopy(text: string): string {
  return [...text].join('')
}

function encodeString(s: string, ensureAscii: boolean): string {
  const pattern = ensureAscii ? ASCII_ESCAPED : UNICODE_ESCAPED
  // Most strings (names, hotkeys, hashes) need no escape at all.
  if (!pattern.test(s)) return `"${s}"`
  return `"${s.replace(new RegExp(pattern.source, 'g'), escapeUnit)}"`
}

/** `json.dumps(value, …)` with the given Python options. */
export function pyJsonDumps(value: PyValue, options: PyJsonDumpsOptions = {}): string {
  const compact = options.separators === 'compact'
  const itemSep = compact ? ',' : ', '
  const keySep = compact ? ':' : ': '
  const ensureAscii = options.ensureAscii ?? true
  const allowNan = options.allowNan ?? true

  const float = (x: number): string => {
    if (Number.isFinite(x)) return pyFloatRepr(x)
    if (!allowNan) {
      throw new SynapseError(
        SynapseErrorCode.Unencodable,
        `Out of range float values are not JSON compliant: ${pyFloatRepr(x)}`,
      )
    }
    return Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity'
  }

  const encode = (v: PyValue): string => {
    if (v === null) return 'null'
    switch (typeof v) {
      case 'boolean':
        return v ? 'true' : 'false'
      case 'bigint':
        return v.toString()
      case 'number':
        return float(v)
      case 'string':
        return encodeString(v, ensureAscii)
    }
    if (Array.isArray(v)) return `[${(v as readonly PyValue[]).map(encode).join(itemSep)}]`
    // Concatenated as it goes: V8 joins such strings lazily, without an array of parts.
    let out = '{'
    let first = true
    for (const [key, item] of v as ReadonlyMap<PyKey, PyValue>) {
      const name = typeof key === 'string' ? encodeKey(key, ensureAscii) : `"${key}"`
      out += (first ? '' : itemSep) + name + keySep + encode(item)
      first = false
    }
    return `${out}}`
  }
  return encode(value)
}
