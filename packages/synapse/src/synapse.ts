/**
 * Declaring a synapse: its class name (the route), its fields and its hash fields, with the
 * pydantic `model_dump()` shape the Python SDK puts on the wire.
 */
import { invalidInput, SynapseError, SynapseErrorCode, validationError } from './errors.js'
import {
  coerceModel,
  coercePyFloat,
  type DumpMode,
  dumpModel,
  type FieldMap,
  isPlainObject,
  isSafeInt,
  type ModelInput,
  type ModelValue,
  parsePyFloat,
  parsePyInt,
} from './fields.js'
import { decodeUtf8, type PyJsonDumpsOptions, pyJsonDumps, pyJsonLoads } from './json.js'
import type { PyDict, PyKey, PyValue } from './python-str.js'

export type { FieldMap }

/**
 * `TerminalInfo`: one end of a call. A request carries the dendrite's (the caller) and the
 * axon's (the target); every field is optional and null when absent.
 */
export interface TerminalInfo {
  status_code: number | null
  status_message: string | null
  process_time: number | null
  ip: string | null
  port: number | null
  version: number | null
  /** Nanoseconds since the epoch on a request; past 2^53, hence a bigint. */
  nonce: bigint | null
  uuid: string | null
  /** SS58 address. */
  hotkey: string | null
  /** `0x` + 64-byte sr25519 signature in hex. */
  signature: string | null
}

/** The `TerminalInfo` field names in their declaration order (the header order). */
export const TERMINAL_FIELDS = [
  'status_code',
  'status_message',
  'process_time',
  'ip',
  'port',
  'version',
  'nonce',
  'uuid',
  'hotkey',
  'signature',
] as const satisfies readonly (keyof TerminalInfo)[]

/**
 * The fields every synapse has, in the order `model_dump()` gives them. (A type alias, not
 * an interface, so that any synapse value fits `SynapseData` with its string index.)
 */
export type SynapseBase = {
  /** Always the class name (a pydantic validator forces it). */
  name: string
  /** Seconds; 12.0 unless set. */
  timeout: number | null
  total_size: number | null
  header_size: number | null
  dendrite: TerminalInfo | null
  axon: TerminalInfo | null
  /** "" in bodies; the hash travels in the `computed_body_hash` header. */
  computed_body_hash: string | null
}

export const BASE_FIELDS = [
  'name',
  'timeout',
  'total_size',
  'header_size',
  'dendrite',
  'axon',
  'computed_body_hash',
] as const satisfies readonly (keyof SynapseBase)[]

/** A synapse value: the base fields and the declared ones. */
export type SynapseData<F extends FieldMap = FieldMap> = SynapseBase & ModelValue<F>

/** What `create` takes: the declared fields (required ones required) and any base field. */
export type SynapseInput<F extends FieldMap> = ModelInput<F> & {
  timeout?: number | null
  total_size?: number | null
  header_size?: number | null
  dendrite?: Partial<TerminalInfo> | null
  axon?: Partial<TerminalInfo> | null
  computed_body_hash?: string | null
}

/** Names a hash field may take: a declared field or a base one. */
export type HashFieldName<F extends FieldMap> = (keyof F & string) | keyof SynapseBase

export interface SynapseDefinitionOptions<F extends FieldMap> {
  /**
   * The SDK's `required_hash_fields` class variable: the fields the body hash covers, in
   * hashing order. Without it, the hash is that of nothing, and the body is not protected.
   */
  requiredHashFields?: readonly HashFieldName<F>[]
}

/** A declared synapse class. */
export interface SynapseType<F extends FieldMap = FieldMap> {
  /** The Python class name: the route is `/{name}`. */
  readonly name: string
  readonly fields: F
  readonly requiredHashFields: readonly string[]
  /**
   * The class's JSON-schema `required` list: declared fields without a default (an
   * `Optional[X]` without a default counts), in declaration order.
   */
  readonly requiredFields: readonly string[]
  /** The keys `parse` reads from a dict: the base fields, then the declared ones. */
  readonly keys: ReadonlySet<string>
  /** A new synapse from TS values, with defaults filled in (validated as pydantic would). */
  create(input: SynapseInput<F>): SynapseData<F>
  /**
   * `Cls(**value)`: a synapse from a JSON-decoded dict (a Map from `pyJsonLoads`) or a
   * plain object, with pydantic's lax coercions. Unknown keys are ignored, as pydantic
   * ignores them.
   */
  parse(value: unknown): SynapseData<F>
  /**
   * `model_dump()`: base fields, then declared ones, as Python values; with `json`,
   * `model_dump(mode='json')`, where an `Any`'s NaN and ±Infinity are null.
   */
  dump(synapse: SynapseData<F>, mode?: DumpMode): PyDict
  /**
   * `json.dumps(model_dump())`: by default with json.dumps's defaults, as the dendrite sends
   * it (`", "`/`": "`, non-ASCII escaped).
   */
  toJson(synapse: SynapseData<F>, options?: PyJsonDumpsOptions): string
  /** `parse(json.loads(text))`; bytes must be UTF-8. */
  fromJson(text: string | Uint8Array): SynapseData<F>
}

/** The synapse value type of a declared class: `SynapseInstance<typeof TextPrompt>`. */
export type SynapseInstance<T> = T extends SynapseType<infer F> ? SynapseData<F> : never

/** A `TerminalInfo` with every field null (pydantic's `TerminalInfo()`). */
export function emptyTerminal(): TerminalInfo {
  return {
    status_code: null,
    status_message: null,
    process_time: null,
    ip: null,
    port: null,
    version: null,
    nonce: null,
    uuid: null,
    hotkey: null,
    signature: null,
  }
}

/** Python's `int(x)`, which the SDK's `cast_int` validators call before pydantic checks types. */
export function castPyInt(value: unknown, path: string): bigint {
  switch (typeof value) {
    case 'bigint':
      return value
    case 'boolean':
      return value ? 1n : 0n
    case 'number':
      if (!Number.isFinite(value)) throw validationError(path, `cannot convert ${value} to int`)
      return BigInt(Math.trunc(value))
    case 'string': {
      const parsed = parsePyInt(value)
      if (parsed === undefined) {
        throw validationError(path, `invalid literal for int() with base 10: '${value}'`)
      }
      return parsed
    }
  }
  throw validationError(path, 'expected an int')
}

/** Python's `float(x)` (the SDK's `cast_float`). */
export function castPyFloat(value: unknown, path: string): number {
  if (typeof value === 'string') {
    const parsed = parsePyFloat(value)
    if (parsed === undefined) {
      throw validationError(path, `could not convert string to float: '${value}'`)
    }
    return parsed
  }
  return coercePyFloat(value, path)
}

function smallInt(value: unknown, path: string): number {
  const int = castPyInt(value, path)
  if (!isSafeInt(int)) {
    throw validationError(path, `integer ${int} out of range`)
  }
  return Number(int)
}

function optionalStr(value: unknown, path: string): string | null {
  if (value === null || typeof value === 'string') return value
  throw validationError(path, 'expected a str')
}

/** Reads keys of a Map or a plain object; `undefined` means absent. */
function lookup(value: unknown): ((key: string) => unknown) | undefined {
  if (value instanceof Map) return (key) => value.get(key)
  if (isPlainObject(value)) return (key) => (Object.hasOwn(value, key) ? value[key] : undefined)
  return undefined
}

/** `TerminalInfo(**value)`, with the SDK's int/float casts. */
export function coerceTerminal(value: unknown, path: string): TerminalInfo {
  const get = lookup(value)
  if (get === undefined) throw validationError(path, 'expected a dict')
  const opt = <T>(key: string, cast: (v: unknown, p: string) => T): T | null => {
    const raw = get(key)
    return raw === undefined || raw === null ? null : cast(raw, `${path}.${key}`)
  }
  return {
    status_code: opt('status_code', smallInt),
    status_message: opt('status_message', optionalStr),
    process_time: opt('process_time', castPyFloat),
    ip: opt('ip', optionalStr),
    port: opt('port', smallInt),
    version: opt('version', smallInt),
    nonce: opt('nonce', castPyInt),
    uuid: opt('uuid', optionalStr),
    hotkey: opt('hotkey', optionalStr),
    signature: opt('signature', optionalStr),
  }
}

/** `model_dump()` of a `TerminalInfo`. */
export function dumpTerminal(info: TerminalInfo): PyDict {
  const int = (v: number | null) => (v === null ? null : BigInt(v))
  // Set one by one: a Map built from an array of pairs allocates an array per pair.
  return new Map<PyKey, PyValue>()
    .set('status_code', int(info.status_code))
    .set('status_message', info.status_message)
    .set('process_time', info.process_time)
    .set('ip', info.ip)
    .set('port', int(info.port))
    .set('version', int(info.version))
    .set('nonce', info.nonce)
    .set('uuid', info.uuid)
    .set('hotkey', info.hotkey)
    .set('signature', info.signature)
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/
const RESERVED = new Set<string>([...BASE_FIELDS, 'required_hash_fields'])

/**
 * Declares a synapse class, as a Python subclass of `bittensor.Synapse` would:
 *
 * ```ts
 * const TextPrompt = defineSynapse('TextPrompt', {
 *   prompt: field.str(),
 *   temperature: field.float().default(0.7),
 *   completion: field.str().optional(),
 * }, { requiredHashFields: ['prompt', 'temperature'] })
 * ```
 */
export function defineSynapse<F extends FieldMap>(
  name: string,
  fields: F,
  options: SynapseDefinitionOptions<F> = {},
): SynapseType<F> {
  if (typeof name !== 'string' || !IDENTIFIER.test(name)) {
    throw invalidInput('name', 'a Python class name (letters, digits, _)')
  }
  for (const [key, value] of Object.entries(fields)) {
    if (!IDENTIFIER.test(key) || key.startsWith('_')) {
      throw new SynapseError(
        SynapseErrorCode.InvalidDefinition,
        `fields.${key}: not a pydantic field name (an identifier not starting with _)`,
        { field: `fields.${key}` },
      )
    }
    if (RESERVED.has(key)) {
      throw new SynapseError(
        SynapseErrorCode.InvalidDefinition,
        `fields.${key}: reserved by the base Synapse`,
        { field: `fields.${key}` },
      )
    }
    if (value === null || typeof value !== 'object' || !('type' in value)) {
      throw invalidInput(`fields.${key}`, 'a field (field.int(), field.str(), …)')
    }
  }
  const hashFields = [...(options.requiredHashFields ?? [])] as string[]
  for (const hashField of hashFields) {
    if (
      !Object.hasOwn(fields, hashField) &&
      !(BASE_FIELDS as readonly string[]).includes(hashField)
    ) {
      throw new SynapseError(
        SynapseErrorCode.InvalidDefinition,
        `requiredHashFields: ${hashField} is not a field of ${name}`,
        { field: 'requiredHashFields' },
      )
    }
  }
  const requiredFields = Object.entries(fields)
    .filter(([, f]) => !f.hasDefault)
    .map(([key]) => key)

  const keys: ReadonlySet<string> = new Set([...BASE_FIELDS, ...Object.keys(fields)])

  const parse = (value: unknown): SynapseData<F> => {
    const get = lookup(value)
    if (get === undefined) throw validationError(name, 'expected a dict of fields')
    const orNull = <T>(key: string, fallback: () => T, cast: (v: unknown, p: string) => T) => {
      const raw = get(key)
      if (raw === undefined) return fallback()
      return raw === null ? null : cast(raw, key)
    }
    const base: SynapseBase = {
      name,
      timeout: orNull('timeout', () => 12.0, castPyFloat),
      total_size: orNull('total_size', () => 0, smallInt),
      header_size: orNull('header_size', () => 0, smallInt),
      dendrite: orNull('dendrite', emptyTerminal, coerceTerminal),
      axon: orNull('axon', emptyTerminal, coerceTerminal),
      computed_body_hash: orNull('computed_body_hash', () => '', optionalStr),
    }
    const own = value instanceof Map ? value : new Map(Object.entries(value as object))
    return Object.assign(base, coerceModel(fields, own, '')) as SynapseData<F>
  }

  const dump = (synapse: SynapseData<F>, mode: DumpMode = 'python'): PyDict => {
    const out = new Map<PyKey, PyValue>()
      .set('name', synapse.name)
      .set('timeout', synapse.timeout)
      .set('total_size', synapse.total_size === null ? null : BigInt(synapse.total_size))
      .set('header_size', synapse.header_size === null ? null : BigInt(synapse.header_size))
      .set('dendrite', synapse.dendrite === null ? null : dumpTerminal(synapse.dendrite))
      .set('axon', synapse.axon === null ? null : dumpTerminal(synapse.axon))
      .set('computed_body_hash', synapse.computed_body_hash)
    for (const [key, value] of dumpModel(fields, synapse as ModelValue<F>, mode)) {
      out.set(key, value)
    }
    return out
  }

  return Object.freeze({
    name,
    fields,
    requiredHashFields: Object.freeze(hashFields),
    requiredFields: Object.freeze(requiredFields),
    keys,
    create: (input: SynapseInput<F>) => parse(input),
    parse,
    dump,
    toJson: (synapse: SynapseData<F>, jsonOptions?: PyJsonDumpsOptions) =>
      pyJsonDumps(dump(synapse), jsonOptions),
    fromJson(text: string | Uint8Array): SynapseData<F> {
      const decoded = typeof text === 'string' ? text : decodeUtf8(text)
      if (decoded === undefined) {
        throw new SynapseError(SynapseErrorCode.InvalidJson, 'text: not valid UTF-8')
      }
      return parse(pyJsonLoads(decoded, keys))
    },
  })
}
