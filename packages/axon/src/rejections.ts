import { randomUUID } from 'node:crypto'
import type { EpistulaRejection, RejectionReason } from '@taokit/synapse'

/** Every reason the axon refuses a request for (a metrics label and a fixed message). */
export type AxonRejectionReason =
  | RejectionReason
  | 'not_found'
  | 'blacklisted'
  | 'custom_verify'
  | 'rate_limited_ip'
  | 'rate_limited_hotkey'
  | 'body_too_large'
  | 'bad_request'
  | 'queue_full'
  | 'timeout'
  | 'forward_failed'
  | 'hook_failed'
  | 'internal'
  | `epistula_${EpistulaRejection | 'replayed'}`

const NOT_VERIFIED = 'Not Verified with error: '

// Small and fixed per reason: nothing the caller sent is echoed back, so an error costs the
// axon no more bytes than the request did. The 401 texts keep the SDK's prefix and, where
// the SDK's text is itself fixed, its exact wording.
const TABLE: Record<Exclude<AxonRejectionReason, `epistula_${string}`>, [number, string]> = {
  invalid_request_name: [400, 'Improperly formatted request.'],
  unknown_synapse: [404, 'Synapse name not found.'],
  not_found: [404, 'Not Found'],
  invalid_headers: [500, ''],
  blacklisted: [403, 'Forbidden. Key is blacklisted.'],
  invalid_hotkey: [401, `${NOT_VERIFIED}Invalid SS58 address`],
  missing_nonce: [401, `${NOT_VERIFIED}Missing Nonce`],
  stale_nonce: [401, `${NOT_VERIFIED}Nonce is too old`],
  nonce_not_increasing: [401, `${NOT_VERIFIED}Nonce is too old, a newer one was last processed`],
  missing_signature: [401, `${NOT_VERIFIED}Missing or empty signature`],
  bad_signature_format: [401, `${NOT_VERIFIED}Invalid signature`],
  signature_mismatch: [401, `${NOT_VERIFIED}Signature mismatch`],
  custom_verify: [401, `${NOT_VERIFIED}Refused by the verify hook`],
  rate_limited_ip: [429, 'Too Many Requests'],
  rate_limited_hotkey: [429, 'Too Many Requests for this hotkey'],
  body_too_large: [413, 'Payload Too Large'],
  body_unreadable: [400, 'There was an error parsing the body'],
  // Our own bound on what one body costs to parse (the SDK has none): MAX_JSON_CONTAINERS.
  body_too_complex: [413, 'Too many arrays and objects in the body (at most 262144)'],
  bad_request: [400, 'Bad Request'],
  body_not_json: [422, 'JSON decode error'],
  body_invalid: [500, ''],
  body_hash_mismatch: [500, ''],
  queue_full: [503, 'Service unavailable: the priority queue is full'],
  timeout: [408, 'Response timeout'],
  forward_failed: [500, ''],
  hook_failed: [500, ''],
  internal: [500, ''],
}

const EPISTULA: Record<EpistulaRejection | 'replayed', string> = {
  missing_header: 'Missing Epistula header',
  bad_timestamp: 'Invalid Epistula timestamp',
  invalid_signed_by: 'Invalid Epistula signer',
  stale: 'Request is too stale',
  future: 'Request is too far in the future',
  bad_signature_format: 'Invalid signature',
  signature_mismatch: 'Signature Mismatch',
  replayed: 'Request already received',
}

/** The HTTP status the axon answers `reason` with. */
export function rejectionStatus(reason: AxonRejectionReason): number {
  if (reason.startsWith('epistula_')) return 401
  return TABLE[reason as keyof typeof TABLE][0]
}

/**
 * The `message` the axon answers `reason` with. 500s read as the SDK's
 * `Internal Server Error #<uuid4>`, with a fresh id (the details go to the log, not the caller).
 */
export function rejectionMessage(reason: AxonRejectionReason): string {
  if (reason.startsWith('epistula_')) {
    return EPISTULA[reason.slice('epistula_'.length) as keyof typeof EPISTULA]
  }
  const [status, text] = TABLE[reason as keyof typeof TABLE]
  return status === 500 ? `Internal Server Error #${randomUUID()}` : text
}
