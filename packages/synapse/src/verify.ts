/**
 * The Python axon's request checks as pure functions, in its order: route and headers
 * (`preprocess`), then `default_verify` (signature and nonce), then the body
 * (`verify_body_integrity` and FastAPI's parsing). Blacklist and priority hooks, which run
 * between the header stage and verification in the SDK, belong to the server.
 */
import { randomUUID } from 'node:crypto'
import { verify } from '@taokit/keys'
import { bodyHash } from './body-hash.js'
import { SynapseError } from './errors.js'
import { firstHeader, fromHeaders, type HeaderInput } from './headers.js'
import {
  containerLimitErrors,
  decodeUtf8,
  jsonLimitErrors,
  MAX_JSON_CONTAINERS,
  pyJsonLoads,
} from './json.js'
import { checkNonce, type NonceRejection, type NonceStore, nonceKey } from './nonce.js'
import { type PyValue, pyRepr } from './python-str.js'
import {
  dendriteSigningMessage,
  hotkeyPublicKey,
  parseSignatureText,
  type SignatureCheck,
  signingBytes,
} from './signature.js'
import type { FieldMap, SynapseData, SynapseType } from './synapse.js'
import { V_7_2_0 } from './version.js'

/** Why a request was refused. */
export type RejectionReason =
  | 'invalid_request_name'
  | 'unknown_synapse'
  | 'invalid_headers'
  | 'invalid_hotkey'
  | NonceRejection
  | 'missing_signature'
  | 'bad_signature_format'
  | 'signature_mismatch'
  | 'body_unreadable'
  | 'body_too_complex'
  | 'body_not_json'
  | 'body_invalid'
  | 'body_hash_mismatch'

/**
 * A refusal, with the status and `{"message": …}` text the Python axon sends. 500s carry the
 * SDK's `Internal Server Error #<uuid4>`; `detail` says what went wrong, for logs only.
 */
export interface Rejection {
  ok: false
  status: number
  reason: RejectionReason
  message: string
  detail?: string
}

/** The synapses an axon serves, by name (a Map, or a list of declared types). */
export type SynapseRegistry = ReadonlyMap<string, SynapseType> | readonly SynapseType[]

function lookupType(synapses: SynapseRegistry, name: string): SynapseType | undefined {
  if (synapses instanceof Map) return synapses.get(name)
  return (synapses as readonly SynapseType[]).find((type) => type.name === name)
}

function typeNames(synapses: SynapseRegistry): string[] {
  if (synapses instanceof Map) return [...synapses.keys()]
  return (synapses as readonly SynapseType[]).map((type) => type.name)
}

function internalError(reason: RejectionReason, detail: string, errorId?: () => string): Rejection {
  const id = errorId === undefined ? randomUUID() : errorId()
  return { ok: false, status: 500, reason, message: `Internal Server Error #${id}`, detail }
}

function notVerified(reason: RejectionReason, text: string): Rejection {
  return { ok: false, status: 401, reason, message: `Not Verified with error: ${text}` }
}

/** What the header stage yields: the class and the header-only synapse. */
export interface ParsedRequest {
  ok: true
  type: SynapseType
  /** The synapse built from the headers alone (what blacklist, verify and priority see). */
  synapse: SynapseData
}

export interface ParseRequestOptions {
  /** The id in `Internal Server Error #<id>` (default: a random uuid4). */
  errorId?: () => string
}

/**
 * The header stage: the route's first path segment names the class (404 when it is not
 * served), and `from_headers` builds the header-only synapse (500 when it does not validate,
 * e.g. a required field's `bt_header_input_obj_*` is missing).
 */
export function parseSynapseRequest(
  request: { path: string; headers: HeaderInput },
  synapses: SynapseRegistry,
  options: ParseRequestOptions = {},
): ParsedRequest | Rejection {
  const raw = request.path.split('?')[0]!
  let path = raw
  try {
    path = decodeURIComponent(raw)
  } catch {
    // Not percent-encoded UTF-8: taken as it is.
  }
  const segments = path.split('/')
  if (segments.length < 2) {
    const message = `Improperly formatted request. Could not parser request ${path}.`
    return { ok: false, status: 400, reason: 'invalid_request_name', message }
  }
  const name = segments[1]!
  const type = lookupType(synapses, name)
  if (type === undefined) {
    const available = pyRepr(typeNames(synapses))
    const message = `Synapse name '${name}' not found. Available synapses ${available}`
    return { ok: false, status: 404, reason: 'unknown_synapse', message }
  }
  try {
    return { ok: true, type, synapse: fromHeaders(type, request.headers) }
  } catch (error) {
    if (!(error instanceof SynapseError)) throw error
    return internalError('invalid_headers', error.message, options.errorId)
  }
}

export interface VerifyRequestOptions {
  /** The axon's own hotkey (SS58): the message is rebuilt with it, not with the header's. */
  axonHotkey: string
  nonces: NonceStore
  /** The axon's clock, nanoseconds since the epoch. */
  nowNs: bigint
  /**
   * Refuse a missing or empty signature (401). The SDK skips the signature check then and
   * accepts the request as whoever its hotkey header names; default true.
   */
  strict?: boolean
  /**
   * Apply the nonce window to the first nonce of every pair, whatever the version header
   * says, counting the timeout header up to this many seconds. Neither header is signed: under
   * the SDK's rule (the default) a captured request sent again without a version, or with a
   * huge timeout, to an axon that no longer remembers its pair (restarted, or past its
   * capacity) passes the nonce check.
   */
  nonceWindowMaxTimeoutS?: number | undefined
}

/** The version and timeout the nonce rules see (see `nonceWindowMaxTimeoutS`). */
function nonceInputs(
  synapse: SynapseData,
  maxTimeoutS: number | undefined,
): { version: number | null; timeout: number | null } {
  const version = synapse.dendrite?.version ?? null
  if (maxTimeoutS === undefined) return { version, timeout: synapse.timeout }
  const timeout = synapse.timeout ?? 0
  return {
    version: Math.max(version ?? 0, V_7_2_0),
    timeout: Number.isNaN(timeout) ? maxTimeoutS : Math.min(timeout, maxTimeoutS),
  }
}

/** A verified request: the nonce has been stored under `nonceKey`. */
export interface VerifiedRequest {
  ok: true
  nonceKey: string
  nonce: bigint
}

/**
 * A request that passed every check but the signature itself (see
 * `beginRequestVerification`). `check` is null for an unsigned request that `strict: false`
 * lets through.
 */
export interface PendingVerification {
  ok: true
  check: SignatureCheck | null
  /** For the 401 text of a mismatch. */
  messageText: string
  signatureText: string
  nonceKey: string
  nonce: bigint
  /** What the nonce rules saw (see `nonceWindowMaxTimeoutS`). */
  version: number | null
  timeout: number | null
}

/**
 * The first half of `verifySynapseRequest`, for servers that verify signatures in batches:
 * everything up to the signature check, which is left to the caller. Nothing is stored.
 */
export function beginRequestVerification(
  synapse: SynapseData,
  options: VerifyRequestOptions,
): PendingVerification | Rejection {
  const dendrite = synapse.dendrite
  if (dendrite === null) return notVerified('invalid_hotkey', 'Dendrite is None')
  const key = hotkeyPublicKey(dendrite.hotkey)
  if (!key.ok) return notVerified('invalid_hotkey', key.message)
  const messageText = dendriteSigningMessage({
    nonce: dendrite.nonce,
    dendriteHotkey: dendrite.hotkey,
    axonHotkey: options.axonHotkey,
    uuid: dendrite.uuid,
    bodyHash: synapse.computed_body_hash,
  })
  const endpoint = nonceKey(dendrite.hotkey, dendrite.uuid)
  const { version, timeout } = nonceInputs(synapse, options.nonceWindowMaxTimeoutS)
  const nonceCheck = checkNonce({
    nonce: dendrite.nonce,
    version,
    timeout,
    stored: options.nonces.get(endpoint),
    nowNs: options.nowNs,
  })
  if (!nonceCheck.ok) return notVerified(nonceCheck.reason, nonceCheck.message)
  const pending = {
    ok: true as const,
    messageText,
    signatureText: dendrite.signature ?? '',
    nonceKey: endpoint,
    nonce: dendrite.nonce!,
    version,
    timeout,
  }
  if (dendrite.signature === null || dendrite.signature === '') {
    if (options.strict ?? true) {
      return notVerified('missing_signature', 'Missing or empty signature')
    }
    return { ...pending, check: null }
  }
  const parsed = parseSignatureText(dendrite.signature)
  if (!parsed.ok) return notVerified('bad_signature_format', parsed.message)
  const check = {
    message: signingBytes(messageText),
    signature: parsed.bytes,
    publicKey: key.publicKey,
  }
  return { ...pending, check }
}

/**
 * The second half: given whether the signature verified (wrapped `<Bytes>` signatures
 * count), checks the nonce again (a request verified in the same batch may have used it)
 * and stores it.
 */
export function finishRequestVerification(
  pending: PendingVerification,
  signatureValid: boolean,
  options: Pick<VerifyRequestOptions, 'nonces' | 'nowNs'>,
): VerifiedRequest | Rejection {
  const nonceCheck = checkNonce({
    nonce: pending.nonce,
    version: pending.version,
    timeout: pending.timeout,
    stored: options.nonces.get(pending.nonceKey),
    nowNs: options.nowNs,
  })
  if (!nonceCheck.ok) return notVerified(nonceCheck.reason, nonceCheck.message)
  if (pending.check !== null && !signatureValid) {
    return notVerified(
      'signature_mismatch',
      `Signature mismatch with ${pending.messageText} and ${pending.signatureText}`,
    )
  }
  options.nonces.set(pending.nonceKey, pending.nonce)
  return { ok: true, nonceKey: pending.nonceKey, nonce: pending.nonce }
}

/**
 * `Axon.default_verify` on the header-only synapse, with its 401 texts: the dendrite hotkey
 * must be an SS58 address, the nonce must pass the rules of `checkNonce`, and the signature
 * must verify over the message rebuilt with this axon's hotkey and the `computed_body_hash`
 * header. On success the nonce is stored.
 */
export function verifySynapseRequest(
  synapse: SynapseData,
  options: VerifyRequestOptions,
): VerifiedRequest | Rejection {
  const pending = beginRequestVerification(synapse, options)
  if (!pending.ok) return pending
  const { check } = pending
  const valid = check === null || verify(check.message, check.signature, check.publicKey)
  return finishRequestVerification(pending, valid, options)
}

export interface CheckBodyOptions extends ParseRequestOptions {
  /**
   * The request's `content-type`. JSON (or none, as FastAPI before 0.132 and the shared
   * vectors take it) is parsed first as FastAPI parses it (a syntax error is a 422); any other
   * type is refused with a 500, after the body-hash check, as the SDK's route fails on it.
   */
  contentType?: string
}

function isJsonContentType(contentType: string | undefined): boolean {
  // FastAPI's `if not content_type_value`: an empty header is no header.
  if (contentType === undefined || contentType === '') return true
  const [main, sub = ''] = contentType.split(';')[0]!.trim().toLowerCase().split('/')
  return main === 'application' && (sub === 'json' || sub.endsWith('+json'))
}

/**
 * The body stage: FastAPI's JSON parsing (422 for a syntax error, 400 for bytes it cannot
 * decode), then the SDK's `verify_body_integrity` (500 when the body does not validate as
 * the class, or its hash differs from the `computed_body_hash` header). Returns the synapse
 * the forward handler gets: the one parsed from the body.
 */
export function checkSynapseBody<F extends FieldMap>(
  type: SynapseType<F>,
  request: { headers: HeaderInput; body: string | Uint8Array },
  options: CheckBodyOptions = {},
): { ok: true; synapse: SynapseData<F> } | Rejection {
  const bytes = typeof request.body === 'string' ? Buffer.from(request.body, 'utf8') : request.body
  const contentType = options.contentType ?? firstHeader(request.headers, 'content-type')
  // What FastAPI parsed, when the SDK's own parse of the same text must give the same.
  let parsedByFastApi: PyValue | undefined
  let decoded: string | undefined
  if (bytes.length > 0 && isJsonContentType(contentType)) {
    // Starlette's request.json(): json.loads on bytes, which drops a UTF-8 BOM.
    const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0
    const text = decodeUtf8(bytes.subarray(start))
    if (text === undefined) {
      const message = 'There was an error parsing the body'
      return { ok: false, status: 400, reason: 'body_unreadable', message }
    }
    if (start === 0) decoded = text
    try {
      // Cls(**body) reads only the class's keys: the others are checked, never built.
      const value = pyJsonLoads(text, type.keys)
      if (start === 0) parsedByFastApi = value
    } catch (error) {
      if (!(error instanceof SynapseError)) throw error
      if (containerLimitErrors.has(error)) {
        const message = `Too many arrays and objects in the body (at most ${MAX_JSON_CONTAINERS})`
        return {
          ok: false,
          status: 413,
          reason: 'body_too_complex',
          message,
          detail: error.message,
        }
      }
      if (jsonLimitErrors.has(error)) {
        const message = 'There was an error parsing the body'
        return { ok: false, status: 400, reason: 'body_unreadable', message, detail: error.message }
      }
      return {
        ok: false,
        status: 422,
        reason: 'body_not_json',
        message: 'JSON decode error',
        detail: error.message,
      }
    }
  }
  // verify_body_integrity: body.decode() (a BOM stays), json.loads, Cls(**body), rehash.
  const text = decoded ?? decodeUtf8(bytes)
  if (text === undefined) return internalError('body_invalid', 'body is not UTF-8', options.errorId)
  let parsed: PyValue
  let synapse: SynapseData<F>
  try {
    parsed = parsedByFastApi ?? pyJsonLoads(text, type.keys)
    if (!(parsed instanceof Map)) {
      return internalError('body_invalid', 'body is not a JSON object', options.errorId)
    }
    synapse = type.parse(parsed)
  } catch (error) {
    if (!(error instanceof SynapseError)) throw error
    return internalError('body_invalid', error.message, options.errorId)
  }
  let hash: string
  try {
    hash = bodyHash(type, synapse)
  } catch (error) {
    if (!(error instanceof SynapseError)) throw error
    return internalError('body_invalid', error.message, options.errorId)
  }
  const claimed = firstHeader(request.headers, 'computed_body_hash') ?? ''
  if (hash !== claimed) {
    const detail = `Hash mismatch between header body hash ${claimed} and parsed body hash ${hash}`
    return internalError('body_hash_mismatch', detail, options.errorId)
  }
  // FastAPI hands the SDK's route the raw bytes of a body of another type, and the route
  // fails on them (a 500) after the hash was checked.
  if (!isJsonContentType(contentType)) {
    return internalError('body_invalid', 'content-type: not JSON', options.errorId)
  }
  return { ok: true, synapse }
}

/** An incoming request, as a server sees it. */
export interface SynapseRequest {
  /** The URL path, e.g. `/TextPrompt` (a query string is ignored). */
  path: string
  headers: HeaderInput
  body: string | Uint8Array
  /** Defaults to the `content-type` header. */
  contentType?: string
}

export interface ProcessRequestOptions extends VerifyRequestOptions, ParseRequestOptions {
  synapses: SynapseRegistry
}

/** An accepted request: the class, the header-only synapse and the body synapse. */
export interface AcceptedRequest {
  ok: true
  status: 200
  type: SynapseType
  /** Built from the headers (what verification saw). */
  headerSynapse: SynapseData
  /** Built from the body: what the forward handler gets. */
  synapse: SynapseData
  nonceKey: string
}

/**
 * All the SDK's checks on one request, in its order (headers, verification, body), with no
 * blacklist or priority hook: the verdict the Python axon would give, or a stricter one
 * when `strict` (the default) refuses an unsigned request. As in the SDK, the nonce is
 * stored once verification passes, even if the body is then refused.
 */
export function processSynapseRequest(
  request: SynapseRequest,
  options: ProcessRequestOptions,
): AcceptedRequest | Rejection {
  const parsed = parseSynapseRequest(request, options.synapses, options)
  if (!parsed.ok) return parsed
  const verified = verifySynapseRequest(parsed.synapse, options)
  if (!verified.ok) return verified
  const body = checkSynapseBody(parsed.type, request, {
    ...(request.contentType === undefined ? {} : { contentType: request.contentType }),
    ...(options.errorId === undefined ? {} : { errorId: options.errorId }),
  })
  if (!body.ok) return body
  return {
    ok: true,
    status: 200,
    type: parsed.type,
    headerSynapse: parsed.synapse,
    synapse: body.synapse,
    nonceKey: verified.nonceKey,
  }
}
