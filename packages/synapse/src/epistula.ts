/**
 * Epistula v2: signed plain HTTP, as many subnets speak it instead of the synapse protocol.
 * The sender signs `{sha256_hex(body)}.{uuid}.{timestamp_ms}.{signed_for or ''}` and sends
 * the signature and its inputs in `Epistula-*` headers.
 */
import { randomUUID } from 'node:crypto'
import { utf8 } from '@taokit/core'
import { sha256, verify } from '@taokit/keys'
import { invalidInput } from './errors.js'
import { firstHeader, type HeaderInput } from './headers.js'
import { pyFloatRepr } from './python-str.js'
import {
  hotkeyPublicKey,
  parseSignatureText,
  type SignatureCheck,
  type Signer,
  signatureText,
  signingBytes,
} from './signature.js'

export const EPISTULA_VERSION = '2'

/** How old a request may be: refused when `timestamp + 8000 < now` (milliseconds). */
export const EPISTULA_ALLOWED_DELTA_MS = 8000

/** The header names, as senders write them (receivers match them case-insensitively). */
export const EpistulaHeader = {
  Version: 'Epistula-Version',
  Timestamp: 'Epistula-Timestamp',
  Uuid: 'Epistula-Uuid',
  SignedBy: 'Epistula-Signed-By',
  SignedFor: 'Epistula-Signed-For',
  RequestSignature: 'Epistula-Request-Signature',
} as const

function bodyBytes(body: string | Uint8Array): Uint8Array {
  if (typeof body === 'string') return utf8(body)
  if (body instanceof Uint8Array) return body
  throw invalidInput('body', 'the raw body as a string or Uint8Array')
}

/** The lowercase hex sha256 of the body bytes. */
export function sha256Hex(body: string | Uint8Array): string {
  const digest = sha256(bodyBytes(body))
  return Buffer.from(digest.buffer, digest.byteOffset, digest.length).toString('hex')
}

/** The signed text: `{sha256_hex(body)}.{uuid}.{timestamp}.{signedFor or ''}`. */
export function epistulaMessage(parts: {
  body: string | Uint8Array
  uuid: string
  /** Milliseconds, exactly as the header writes them. */
  timestamp: string | number | bigint
  signedFor?: string | null
}): string {
  return `${sha256Hex(parts.body)}.${parts.uuid}.${parts.timestamp}.${parts.signedFor ?? ''}`
}

/**
 * How the optional `Epistula-Secret-Signature-{0,1,2}` texts are written. The Python
 * reference signs `"{interval + k}.{signed_for}"` with `interval = ceil(ts / 1e4) * 1e4` as
 * a float (`"1761000010000.0"`); the Go client in targon uses the integer `ceil(ts / 1e4)`.
 */
export type SecretSignatureStyle = 'python' | 'go'

/** The three secret-signature texts, for k = -1, 0, +1. */
export function epistulaSecretMessages(
  timestampMs: number | bigint,
  signedFor: string,
  style: SecretSignatureStyle = 'python',
): [string, string, string] {
  const ticks = Math.ceil(Number(timestampMs) / 1e4)
  const text = (k: number) =>
    style === 'python' ? pyFloatRepr(ticks * 1e4 + k) : String(ticks + k)
  return [`${text(-1)}.${signedFor}`, `${text(0)}.${signedFor}`, `${text(1)}.${signedFor}`]
}

export interface EpistulaSignOptions {
  signer: Signer
  /** The exact bytes that will be sent (a string is sent as its UTF-8). */
  body: string | Uint8Array
  /** The receiver's hotkey (SS58). Without it the request is unaddressed: anyone may accept it. */
  signedFor?: string
  /** Default: a random uuid4. */
  uuid?: string
  /** Milliseconds since the epoch; default now. */
  timestampMs?: number | bigint
  /**
   * Add `Epistula-Secret-Signature-{0,1,2}` (only with `signedFor`), in the given style.
   * Receivers seen so far ignore them. Default: 'python' when addressed.
   */
  secretSignatures?: SecretSignatureStyle | false
}

/** The `Epistula-*` headers of a request. */
export function epistulaHeaders(options: EpistulaSignOptions): Record<string, string> {
  const { signer } = options
  if (signer === null || typeof signer !== 'object' || typeof signer.sign !== 'function') {
    throw invalidInput('signer', 'a Keypair or { address, sign(message) }')
  }
  const timestamp = options.timestampMs ?? Date.now()
  if (
    (typeof timestamp !== 'number' && typeof timestamp !== 'bigint') ||
    (typeof timestamp === 'number' && (!Number.isSafeInteger(timestamp) || timestamp < 0)) ||
    (typeof timestamp === 'bigint' && timestamp < 0n)
  ) {
    throw invalidInput('timestampMs', 'whole milliseconds since the epoch')
  }
  const uuid = options.uuid ?? randomUUID()
  const message = epistulaMessage({
    body: options.body,
    uuid,
    timestamp,
    signedFor: options.signedFor ?? null,
  })
  const headers: Record<string, string> = {
    [EpistulaHeader.Version]: EPISTULA_VERSION,
    [EpistulaHeader.Timestamp]: String(timestamp),
    [EpistulaHeader.Uuid]: uuid,
    [EpistulaHeader.SignedBy]: signer.address,
    [EpistulaHeader.RequestSignature]: signatureText(signer.sign(utf8(message))),
  }
  if (options.signedFor !== undefined) {
    headers[EpistulaHeader.SignedFor] = options.signedFor
    const style = options.secretSignatures ?? 'python'
    if (style !== false) {
      epistulaSecretMessages(timestamp, options.signedFor, style).forEach((text, i) => {
        headers[`Epistula-Secret-Signature-${i}`] = signatureText(signer.sign(utf8(text)))
      })
    }
  }
  return headers
}

export interface EpistulaVerifyOptions {
  /**
   * The receiver's own hotkey: the message is rebuilt with it, so a request addressed to
   * anyone else fails. `null` accepts only unaddressed requests.
   */
  ownHotkey: string | null
  /** The receiver's clock, milliseconds since the epoch. */
  nowMs: number | bigint
  /** Default 8000, as the reference verifiers use. */
  allowedDeltaMs?: number
  /**
   * Also refuse timestamps more than this far ahead of `nowMs`. The reference verifiers
   * have no such bound (a sender can pre-sign requests); default: none.
   */
  maxFutureMs?: number
}

export type EpistulaRejection =
  | 'missing_header'
  | 'bad_timestamp'
  | 'invalid_signed_by'
  | 'stale'
  | 'future'
  | 'bad_signature_format'
  | 'signature_mismatch'

export type EpistulaVerdict = EpistulaAccepted | EpistulaRefused

export interface EpistulaAccepted {
  valid: true
  /** The signer, as a Bittensor (prefix 42) address whatever prefix the header used. */
  signedBy: string
  /** The receiver the signature covers: the verifier's `ownHotkey`. */
  signedFor: string | null
  uuid: string
  timestampMs: bigint
}

export interface EpistulaRefused {
  valid: false
  reason: EpistulaRejection
  detail: string
}

/** A request that passed every check but the signature itself (see `beginEpistulaVerification`). */
export interface EpistulaPending {
  valid: 'pending'
  check: SignatureCheck
  /** The verdict once the signature verifies. */
  accepted: EpistulaAccepted
}

/** The clock as a number, once it and the windows are checked: NaN would pass every check. */
function checkedWindows(options: EpistulaVerifyOptions): number {
  const { nowMs } = options
  // Number(null), Number('') and Number([]) are 0: a clock in 1970 would accept old requests.
  const now = typeof nowMs === 'number' || typeof nowMs === 'bigint' ? Number(nowMs) : Number.NaN
  if (!Number.isFinite(now)) throw invalidInput('nowMs', 'milliseconds since the epoch')
  const { allowedDeltaMs, maxFutureMs } = options
  for (const [field, value] of [
    ['allowedDeltaMs', allowedDeltaMs],
    ['maxFutureMs', maxFutureMs],
  ] as const) {
    if (value !== undefined && !(typeof value === 'number' && value >= 0 && value < Infinity)) {
      throw invalidInput(field, 'milliseconds, a finite number, 0 or more')
    }
  }
  return now
}

/**
 * `verifyEpistula` up to the signature check, which is left to the caller (servers verify
 * signatures in batches): the headers are present, the timestamp is whole milliseconds and
 * not stale, `Signed-By` is an SS58 address, and the signature is 64 bytes of hex.
 */
export function beginEpistulaVerification(
  headers: HeaderInput,
  body: string | Uint8Array,
  options: EpistulaVerifyOptions,
): EpistulaPending | EpistulaRefused {
  const now = checkedWindows(options)
  const get = (name: string) => firstHeader(headers, name.toLowerCase())
  const timestamp = get(EpistulaHeader.Timestamp)
  const uuid = get(EpistulaHeader.Uuid)
  const signedBy = get(EpistulaHeader.SignedBy)
  const signature = get(EpistulaHeader.RequestSignature)
  const missing =
    timestamp === undefined
      ? EpistulaHeader.Timestamp
      : uuid === undefined
        ? EpistulaHeader.Uuid
        : signedBy === undefined
          ? EpistulaHeader.SignedBy
          : signature === undefined
            ? EpistulaHeader.RequestSignature
            : undefined
  if (missing !== undefined) {
    return { valid: false, reason: 'missing_header', detail: `${missing} is missing` }
  }
  if (!/^[0-9]+$/.test(timestamp!)) {
    return { valid: false, reason: 'bad_timestamp', detail: 'Invalid Timestamp' }
  }
  const key = hotkeyPublicKey(signedBy)
  if (!key.ok) return { valid: false, reason: 'invalid_signed_by', detail: key.message }
  // Compared as numbers: a clock or window may have a fraction of a millisecond, and a
  // timestamp loses precision only past 2^53 ms (285,000 years), far outside any window.
  const ts = Number(timestamp)
  if (ts + (options.allowedDeltaMs ?? EPISTULA_ALLOWED_DELTA_MS) < now) {
    return { valid: false, reason: 'stale', detail: 'Request is too stale' }
  }
  if (options.maxFutureMs !== undefined && ts > now + options.maxFutureMs) {
    return { valid: false, reason: 'future', detail: 'Request is from the future' }
  }
  const parsed = parseSignatureText(signature!)
  if (!parsed.ok) return { valid: false, reason: 'bad_signature_format', detail: parsed.message }
  const message = epistulaMessage({
    body: bodyBytes(body),
    uuid: uuid!,
    timestamp: timestamp!,
    signedFor: options.ownHotkey,
  })
  return {
    valid: 'pending',
    check: { message: signingBytes(message), signature: parsed.bytes, publicKey: key.publicKey },
    accepted: {
      valid: true,
      // What the signature proves: the key (one spelling of it) and the receiver the
      // message was rebuilt with, not what the unsigned Signed-For header claims.
      signedBy: key.canonical,
      signedFor: options.ownHotkey,
      uuid: uuid!,
      timestampMs: BigInt(timestamp!),
    },
  }
}

/** The verdict, given whether the pending request's signature verified. */
export function finishEpistulaVerification(
  pending: EpistulaPending,
  signatureValid: boolean,
): EpistulaVerdict {
  if (!signatureValid) {
    return { valid: false, reason: 'signature_mismatch', detail: 'Signature Mismatch' }
  }
  return pending.accepted
}

/**
 * Checks an Epistula v2 request: the headers are present, the timestamp is whole
 * milliseconds and not stale, `Signed-By` is an SS58 address, and the signature verifies
 * over the message rebuilt from the body, the headers and `ownHotkey`.
 */
export function verifyEpistula(
  headers: HeaderInput,
  body: string | Uint8Array,
  options: EpistulaVerifyOptions,
): EpistulaVerdict {
  const pending = beginEpistulaVerification(headers, body, options)
  if (pending.valid !== 'pending') return pending
  const { message, signature, publicKey } = pending.check
  return finishEpistulaVerification(pending, verify(message, signature, publicKey))
}
