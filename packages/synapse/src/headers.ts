/**
 * `Synapse.to_headers()` and `Synapse.from_headers()`: the `bt_header_*` map a request (and a
 * response) carries, and the header-only synapse the axon checks before it reads the body.
 */
import { bodyHashOf } from './body-hash.js'
import { invalidInput } from './errors.js'
import { decodeUtf8, pyJsonLoads } from './json.js'
import { type PyDict, type PyValue, pyStr } from './python-str.js'
import {
  dumpTerminal,
  type FieldMap,
  type SynapseData,
  type SynapseType,
  TERMINAL_FIELDS,
  type TerminalInfo,
} from './synapse.js'

/**
 * Headers as a server framework hands them over: a record (node's `IncomingHttpHeaders`;
 * an array value is a repeated header) or name/value pairs (`Headers`, undici's). Names are
 * matched case-insensitively, as Starlette matches them. Node's record joins a repeated
 * custom header's values with `, ` where Starlette takes the first; pass its `rawHeaders` as
 * pairs to read them as the SDK does.
 */
export type HeaderInput =
  | Readonly<Record<string, string | readonly string[] | undefined>>
  | Iterable<readonly [string, string]>

/** The headers as lowercase-name pairs, repeated headers as repeated pairs. */
export function headerPairs(headers: HeaderInput): [string, string][] {
  const out: [string, string][] = []
  if (headers === null || typeof headers !== 'object') {
    throw invalidInput('headers', 'a header record or [name, value] pairs')
  }
  if (Symbol.iterator in headers) {
    for (const [name, value] of headers as Iterable<readonly [string, string]>) {
      out.push([String(name).toLowerCase(), String(value)])
    }
    return out
  }
  const record = headers as Readonly<Record<string, string | readonly string[] | undefined>>
  for (const name of Object.keys(record)) {
    const value = record[name]
    if (value === undefined) continue
    const lower = name.toLowerCase()
    if (typeof value === 'string') out.push([lower, value])
    else for (const item of value) out.push([lower, item])
  }
  return out
}

/**
 * The first value of header `name` (lowercase) without building every pair: node hands
 * over lowercase names, so a record is looked up directly before it is scanned.
 */
export function firstHeader(headers: HeaderInput, name: string): string | undefined {
  if (headers !== null && typeof headers === 'object' && !(Symbol.iterator in headers)) {
    const value = (headers as Readonly<Record<string, string | readonly string[] | undefined>>)[
      name
    ]
    if (typeof value === 'string') return value
    if (value !== undefined) return value[0]
  }
  return headerValue(headerPairs(headers), name)
}

/** The first value of a header, as Starlette's `headers.get` returns it. */
export function headerValue(pairs: readonly [string, string][], name: string): string | undefined {
  const lower = name.toLowerCase()
  for (const [key, value] of pairs) if (key === lower) return value
  return undefined
}

const PLACEHOLDER_BASE64 = Object.fromEntries(
  ['0', '0.0', '""', 'false', '[]', '{}'].map((json) => [json, btoa(json)]),
) as Record<'0' | '0.0' | '""' | 'false' | '[]' | '{}', string>

/** `type(value)()` as JSON: the placeholder `bt_header_input_obj_*` carries. */
function placeholderJson(value: PyValue): keyof typeof PLACEHOLDER_BASE64 | undefined {
  switch (typeof value) {
    case 'bigint':
      return '0'
    case 'number':
      return '0.0'
    case 'string':
      return '""'
    case 'boolean':
      return 'false'
  }
  if (Array.isArray(value)) return '[]'
  if (value instanceof Map) return '{}'
  return undefined
}

export interface ToHeadersOptions {
  /**
   * The `header_size` header. The SDK sends CPython's `sys.getsizeof` of its header dict, a
   * number no receiver uses; the default is the headers' byte count so far.
   */
  headerSize?: number
  /**
   * The `total_size` header. The SDK sends a recursive CPython `getsizeof` of the synapse,
   * which no receiver uses either; the default is the byte length of the JSON body
   * (`toJson`) with this very value in its `total_size` field.
   */
  totalSize?: number
  /** `type.dump(synapse)`, when the caller has it already (it is not recomputed). */
  dumped?: PyDict
}

// The names built once: constant keys let every header object share one shape.
const headerNames = (prefix: string) =>
  TERMINAL_FIELDS.map((key) => [key, `${prefix}${key}`] as const)
const AXON_HEADERS = headerNames('bt_header_axon_')
const DENDRITE_HEADERS = headerNames('bt_header_dendrite_')

function terminalHeaders(
  out: Record<string, string>,
  names: readonly (readonly [string, string])[],
  info: TerminalInfo | null,
  dumpedInfo: PyValue | undefined,
) {
  if (info === null) return
  const dumped = dumpedInfo instanceof Map ? dumpedInfo : dumpTerminal(info)
  for (const [key, name] of names) {
    const value = dumped.get(key)!
    if (value !== null) out[name] = pyStr(value)
  }
}

/** The UTF-8 length of `text` (a lone surrogate counts as U+FFFD), without a native call. */
function byteLength(text: string): number {
  let length = text.length
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i)
    if (unit < 0x80) continue
    if (unit < 0x800) {
      length += 1
      continue
    }
    const next = text.charCodeAt(i + 1)
    if (unit >= 0xd800 && unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) i++
    length += 2
  }
  return length
}

/**
 * The body length with `total_size` set to itself. Serialized once with `0` there; only
 * that field's digits change the length afterwards.
 */
function selfSizedBodyLength<F extends FieldMap>(type: SynapseType<F>, synapse: SynapseData<F>) {
  const rest = byteLength(type.toJson({ ...synapse, total_size: 0 })) - 1
  let size = rest + 1
  for (;;) {
    const next = rest + String(size).length
    if (next === size) return size
    size = next
  }
}

/**
 * `synapse.to_headers()`, in the SDK's order: `name`, `timeout`, `bt_header_axon_*` and
 * `bt_header_dendrite_*` (the non-null `TerminalInfo` fields), `bt_header_input_obj_*` for
 * each required field with a value (base64 of the JSON of `type(value)()`: `0`, `""`, `[]`
 * …, never the value), `header_size`, `total_size`, `computed_body_hash`.
 */
export function toHeaders<F extends FieldMap>(
  type: SynapseType<F>,
  synapse: SynapseData<F>,
  options: ToHeadersOptions = {},
): Record<string, string> {
  const headers: Record<string, string> = {
    name: synapse.name,
    timeout: pyStr(synapse.timeout),
  }
  const dumped = options.dumped ?? type.dump(synapse)
  terminalHeaders(headers, AXON_HEADERS, synapse.axon, dumped.get('axon'))
  terminalHeaders(headers, DENDRITE_HEADERS, synapse.dendrite, dumped.get('dendrite'))
  for (const name of type.requiredFields) {
    const value = dumped.get(name)
    if (value === undefined || value === null || Object.hasOwn(headers, name)) continue
    const json = placeholderJson(value)
    if (json === undefined) continue
    headers[`bt_header_input_obj_${name}`] = PLACEHOLDER_BASE64[json]!
  }
  let headerSize = options.headerSize
  if (headerSize === undefined) {
    headerSize = 0
    for (const key in headers) headerSize += key.length + byteLength(headers[key]!)
  }
  headers.header_size = String(headerSize)
  headers.total_size = String(options.totalSize ?? selfSizedBodyLength(type, synapse))
  headers.computed_body_hash = bodyHashOf(dumped, type.requiredHashFields)
  return headers
}

const CANONICAL_BASE64 = /^[A-Za-z0-9+/]*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

/**
 * Python's lenient `base64.b64decode`: characters outside the alphabet are dropped, decoding
 * stops at the first complete padding, and bad padding is an error (undefined).
 */
export function pyBase64Decode(text: string): Uint8Array | undefined {
  // Well-formed base64 (what every SDK sends) decodes the same either way.
  if (text.length % 4 === 0 && CANONICAL_BASE64.test(text)) {
    return Uint8Array.from(Buffer.from(text, 'base64'))
  }
  let data = ''
  let pads = 0
  let done = false
  for (const ch of text) {
    if (ch === '=') {
      if (data.length % 4 >= 2) {
        pads++
        if ((data.length % 4) + pads >= 4) {
          done = true
          break
        }
      }
    } else if (/[A-Za-z0-9+/]/.test(ch)) {
      if (pads > 0) pads = 0
      data += ch
    }
  }
  if (!done && data.length % 4 !== 0) return undefined
  return Uint8Array.from(Buffer.from(data, 'base64'))
}

const AXON_PREFIX = 'bt_header_axon_'
const DENDRITE_PREFIX = 'bt_header_dendrite_'
const INPUT_PREFIX = 'bt_header_input_obj_'
/** The synapse fields sent as headers of their own name, in the order the SDK reads them. */
const PLAIN_HEADERS = new Set([
  'timeout',
  'name',
  'header_size',
  'total_size',
  'computed_body_hash',
])

/** `key.split(prefix)[1]` without the array: the text between the first two `prefix`es. */
function afterPrefix(key: string, at: number, prefix: string): string {
  const from = at + prefix.length
  const to = key.indexOf(prefix, from)
  return to === -1 ? key.slice(from) : key.slice(from, to)
}

// A dendrite sends the same few placeholders (`MA==` is `0`) on every request.
const PLACEHOLDER_CACHE_SIZE = 256
const PLACEHOLDER_MAX_LENGTH = 64
const placeholders = new Map<string, PyValue>()

/** A `bt_header_input_obj_*` value's JSON, or undefined when it does not decode. */
function decodeInputObj(value: string): PyValue | undefined {
  const cached = placeholders.get(value)
  if (cached !== undefined) return cached
  const bytes = pyBase64Decode(value)
  const text = bytes === undefined ? undefined : decodeUtf8(bytes)
  if (text === undefined) return undefined
  let decoded: PyValue
  try {
    decoded = pyJsonLoads(text)
  } catch {
    // json.JSONDecodeError: logged and skipped by the SDK.
    return undefined
  }
  // Only immutable values are shared between requests.
  if (value.length <= PLACEHOLDER_MAX_LENGTH && (decoded === null || typeof decoded !== 'object')) {
    if (placeholders.size >= PLACEHOLDER_CACHE_SIZE) placeholders.clear()
    placeholders.set(value, decoded)
  }
  return decoded
}

/**
 * `parse_headers_to_inputs`: the dict `from_headers` builds, before validation. `axon` and
 * `dendrite` hold header strings; each `bt_header_input_obj_*` that decodes is its JSON
 * value; a header that does not decode is skipped, as the SDK skips it.
 */
export function headerInputs(headers: HeaderInput): Map<string, unknown> {
  return collectHeaderInputs(headers, undefined)
}

/**
 * `headerInputs`, decoding only the `bt_header_input_obj_*` headers of `fields`: the others
 * would be dropped by validation anyway, and decoding them is work an unverified caller
 * could ask for in bulk before the blacklist runs.
 */
function collectHeaderInputs(
  headers: HeaderInput,
  fields: FieldMap | undefined,
): Map<string, unknown> {
  const axon = new Map<string, string>()
  const dendrite = new Map<string, string>()
  const inputs = new Map<string, unknown>([
    ['axon', axon],
    ['dendrite', dendrite],
  ])
  const plain = new Map<string, string>()
  // Substring matches and split()[1], exactly as the SDK reads them.
  const take = (key: string, value: string) => {
    if (PLAIN_HEADERS.has(key)) {
      if (!plain.has(key)) plain.set(key, value)
      return
    }
    let at = key.indexOf(AXON_PREFIX)
    if (at !== -1) {
      axon.set(afterPrefix(key, at, AXON_PREFIX), value)
      return
    }
    at = key.indexOf(DENDRITE_PREFIX)
    if (at !== -1) {
      dendrite.set(afterPrefix(key, at, DENDRITE_PREFIX), value)
      return
    }
    at = key.indexOf(INPUT_PREFIX)
    if (at === -1) return
    const name = afterPrefix(key, at, INPUT_PREFIX)
    if (inputs.has(name) || (fields !== undefined && !Object.hasOwn(fields, name))) return
    const decoded = decodeInputObj(value)
    if (decoded !== undefined) inputs.set(name, decoded)
  }
  if (headers !== null && typeof headers === 'object' && !(Symbol.iterator in headers)) {
    // A record (node's headers): read in place rather than as a list of pairs.
    const record = headers as Readonly<Record<string, string | readonly string[] | undefined>>
    for (const name of Object.keys(record)) {
      const value = record[name]
      if (value === undefined) continue
      const key = name.toLowerCase()
      if (typeof value === 'string') take(key, value)
      else for (const item of value) take(key, item)
    }
  } else {
    for (const [key, value] of headerPairs(headers)) take(key, value)
  }
  for (const name of PLAIN_HEADERS) inputs.set(name, plain.get(name) ?? null)
  return inputs
}

/**
 * `Cls.from_headers(headers)`: the header-only synapse. Required fields get the
 * placeholders of their `bt_header_input_obj_*` headers; without one, a required field
 * fails validation (`SYNAPSE_VALIDATION`), which the Python axon answers with a 500.
 */
export function fromHeaders<F extends FieldMap>(
  type: SynapseType<F>,
  headers: HeaderInput,
): SynapseData<F> {
  return type.parse(collectHeaderInputs(headers, type.fields))
}
