/**
 * Responses: what the Python axon sends back (the synapse as compact JSON plus its headers,
 * or `{"message": …}` on error) and how the Python dendrite folds a response into its
 * synapse (`process_server_response`).
 */
import { Synapse } from './builtin.js'
import { SynapseError, SynapseErrorCode } from './errors.js'
import { fromHeaders, type HeaderInput, toHeaders } from './headers.js'
import { decodeUtf8, pyJsonDumps, pyJsonLoads } from './json.js'
import type { PyDict, PyKey, PyValue } from './python-str.js'
import {
  emptyTerminal,
  type FieldMap,
  type SynapseData,
  type SynapseType,
  TERMINAL_FIELDS,
  type TerminalInfo,
} from './synapse.js'

export interface SynapseResponse {
  status: number
  headers: Record<string, string>
  /** JSON, as Starlette's JSONResponse writes it (compact, UTF-8 kept). */
  body: string
}

/** With the u flag, a pair is one code point: only a lone surrogate is of category Cs. */
const LONE_SURROGATE = /\p{Cs}/u

const RESPONSE_JSON = { separators: 'compact', ensureAscii: false, allowNan: false } as const

/**
 * The synapse as the axon answers it: `axon.status_code` defaults to 200, a 200 without a
 * message says `"Success"`, and `process_time` is set. Only `axon` changes, so a shallow
 * copy leaves the handler's object untouched.
 */
function answered<F extends FieldMap>(synapse: SynapseData<F>, processTime: number) {
  const axon: TerminalInfo = { ...(synapse.axon ?? emptyTerminal()) }
  const status = axon.status_code ?? 200
  axon.status_code = status
  if (status === 200 && !axon.status_message) axon.status_message = 'Success'
  axon.process_time = processTime
  return { synapse: { ...synapse, axon }, status }
}

/**
 * The body FastAPI writes: `jsonable_encoder` dumps in `json` mode, which only differs when
 * an `Any` holds NaN or ±Infinity, so that dump is made only when the usual one cannot be
 * written. A typed float's NaN still cannot (a 500 in the SDK).
 */
function responseJson<F extends FieldMap>(
  type: SynapseType<F>,
  synapse: SynapseData<F>,
  dumped: PyDict,
): string {
  let text: string
  try {
    text = pyJsonDumps(dumped, RESPONSE_JSON)
  } catch (error) {
    if (!(error instanceof SynapseError) || error.code !== SynapseErrorCode.Unencodable) {
      throw error
    }
    text = pyJsonDumps(type.dump(synapse, 'json'), RESPONSE_JSON)
  }
  // Starlette encodes the text as UTF-8, which a lone surrogate fails (a 500 in the SDK);
  // node would send U+FFFD in its place.
  if (LONE_SURROGATE.test(text)) {
    throw new SynapseError(SynapseErrorCode.Unencodable, 'body: a lone surrogate cannot be UTF-8')
  }
  return text
}

/**
 * The axon's answer for a handled request (`synapse_to_response`): the answered synapse as
 * JSON, with its `to_headers()` (its hash recomputed, `total_size` the body's byte length).
 */
export function synapseResponse<F extends FieldMap>(
  type: SynapseType<F>,
  synapse: SynapseData<F>,
  options: { processTime: number },
): SynapseResponse {
  const { synapse: out, status } = answered(synapse, options.processTime)
  const dumped = type.dump(out)
  const body = responseJson(type, out, dumped)
  // The SDK's total_size is a CPython getsizeof no receiver reads; the body's length says more.
  const totalSize = Buffer.byteLength(body, 'utf8')
  return { status, headers: toHeaders(type, out, { dumped, totalSize }), body }
}

/**
 * The headers a streaming synapse's answer starts with, as the SDK's axon sends them on its
 * `BTStreamingResponse` (`synapse_to_response` with a `response_override`):
 * `content-type: text/event-stream` and the answered synapse's `to_headers()`, its
 * `process_time` the time until the stream began. The HTTP status is 200 whatever
 * `axon.status_code` says; the headers carry the synapse's own.
 */
export function streamingResponseHeaders<F extends FieldMap>(
  type: SynapseType<F>,
  synapse: SynapseData<F>,
  options: { processTime: number },
): Record<string, string> {
  const { synapse: out } = answered(synapse, options.processTime)
  return { ...toHeaders(type, out), 'content-type': 'text/event-stream' }
}

/**
 * The axon's answer to a refused request (`create_error_response`): `{"message": …}` with
 * the status, and the headers of the synapse it had built from the request headers (with
 * `axon.status_code`/`status_message` set). Without one (an unknown route), a bare
 * `Synapse()` is used, as in the SDK.
 */
export function errorResponse<F extends FieldMap>(
  rejection: { status: number; message: string },
  context?: { type: SynapseType<F>; synapse: SynapseData<F>; processTime?: number },
): SynapseResponse {
  const type = (context?.type ?? Synapse) as SynapseType<F>
  const out = structuredClone(context?.synapse ?? (Synapse.create({}) as SynapseData<F>))
  const axon: TerminalInfo = out.axon ?? emptyTerminal()
  out.axon = axon
  axon.status_code = rejection.status
  axon.status_message = rejection.message
  if (context?.processTime !== undefined) axon.process_time = context.processTime
  const body = pyJsonDumps(new Map<PyKey, PyValue>([['message', rejection.message]]), RESPONSE_JSON)
  return { status: rejection.status, headers: toHeaders(type, out), body }
}

function mergeTerminal(local: TerminalInfo | null, remote: TerminalInfo | null): TerminalInfo {
  const merged = { ...(local ?? emptyTerminal()) }
  if (remote !== null) {
    for (const key of TERMINAL_FIELDS) {
      if (remote[key] !== null) (merged as Record<string, unknown>)[key] = remote[key]
    }
  }
  return merged
}

/**
 * The dendrite's `process_server_response`: on a 200, every field of the body's synapse
 * replaces the local one (`computed_body_hash` aside: it is frozen); otherwise
 * `axon.status_code` is the HTTP status and `axon.status_message` the body's `message`. Then
 * the response headers' non-null `bt_header_axon_*`/`bt_header_dendrite_*` fields win, and
 * the dendrite status copies the axon's. A 200 body that is not the class throws a
 * `SynapseError` (the SDK reports it as a failed request).
 */
export function mergeSynapseResponse<F extends FieldMap>(
  type: SynapseType<F>,
  local: SynapseData<F>,
  response: { status: number; headers: HeaderInput; body: string | Uint8Array },
): SynapseData<F> {
  let out = structuredClone(local)
  if (response.status === 200) {
    const remote = type.fromJson(response.body)
    out = { ...remote, computed_body_hash: out.computed_body_hash }
  } else {
    const axon: TerminalInfo = out.axon ?? emptyTerminal()
    out.axon = axon
    axon.status_code = response.status
    axon.status_message = errorMessageOf(response.body)
  }
  return mergeTerminalHeaders(out, response.headers)
}

/** The headers' non-null `TerminalInfo` fields win; the dendrite status copies the axon's. */
function mergeTerminalHeaders<F extends FieldMap>(out: SynapseData<F>, headers: HeaderInput) {
  const headerSynapse = fromHeaders(Synapse, headers)
  out.dendrite = mergeTerminal(out.dendrite, headerSynapse.dendrite)
  out.axon = mergeTerminal(out.axon, headerSynapse.axon)
  out.dendrite.status_code = out.axon.status_code
  out.dendrite.status_message = out.axon.status_message
  return out
}

/**
 * A streamed answer folded into the dendrite's synapse as far as its headers go (the body
 * is the subnet's to read): the `bt_header_axon_*`/`bt_header_dendrite_*` fields win, and
 * an axon that sent no status of its own (the SDK's streaming response sends none) is taken
 * to have answered 200 "Success", as its HTTP status says.
 */
export function mergeStreamingResponse<F extends FieldMap>(
  local: SynapseData<F>,
  headers: HeaderInput,
): SynapseData<F> {
  const out = structuredClone(local)
  const axon: TerminalInfo = out.axon ?? emptyTerminal()
  out.axon = axon
  axon.status_code = 200
  axon.status_message = 'Success'
  return mergeTerminalHeaders(out, headers)
}

const MESSAGE_KEY: ReadonlySet<string> = new Set(['message'])

function errorMessageOf(body: string | Uint8Array): string | null {
  const text = typeof body === 'string' ? body : decodeUtf8(body)
  if (text === undefined) return null
  try {
    const json = pyJsonLoads(text, MESSAGE_KEY)
    const message = json instanceof Map ? json.get('message') : undefined
    return typeof message === 'string' ? message : null
  } catch {
    return null
  }
}
