/**
 * The Python dendrite's `DENDRITE_ERROR_MAPPING`: how a request that got no usable answer is
 * reported, as an SDK status code and message. aiohttp's exception classes are matched here
 * by what undici and Node report for the same failure.
 */
import { pyFloatRepr } from '@taokit/synapse'

/** A client-side failure, classified. */
export type FailureKind =
  | 'timeout'
  | 'aborted'
  | 'connect'
  | 'disconnected'
  | 'server_timeout'
  | 'payload'
  | 'client'
  | 'parse'

export interface MappedStatus {
  status: number
  message: string
}

/**
 * What went wrong, as text, for any thrown value or abort reason: one without a string
 * form (a null-prototype object) must not turn a report into a crash.
 */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message
  try {
    return String(error)
  } catch {
    return Object.prototype.toString.call(error)
  }
}

/** Thrown into a request when its deadline passes. */
export class DeadlineError extends Error {
  override readonly name = 'DeadlineError'
}

/** Thrown into a request when the caller's signal aborts it. */
export class CancelledError extends Error {
  override readonly name = 'CancelledError'
  constructor(reason: unknown) {
    super(messageOf(reason ?? 'aborted'), { cause: reason })
  }
}

/** Thrown into a request whose response grows past the size cap. */
export class ResponseTooLargeError extends Error {
  override readonly name = 'ResponseTooLargeError'
}

/** A connection lost after the response's head: its body is incomplete. */
export class IncompleteBodyError extends Error {
  override readonly name = 'IncompleteBodyError'
  constructor(cause: unknown) {
    const why = messageOf(cause)
    super(`the response body was cut short (${why})`, { cause })
  }
}

const CONNECT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
])

const DISCONNECT_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED'])

const PAYLOAD_CODES = new Set([
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
  'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH',
  'UND_ERR_RES_EXCEEDED_MAX_SIZE',
  'UND_ERR_HEADERS_OVERFLOW',
  'HPE_INVALID_CONSTANT',
  'HPE_INVALID_CHUNK_SIZE',
  'HPE_INVALID_CONTENT_LENGTH',
  'HPE_UNEXPECTED_CONTENT_LENGTH',
])

/** A string property of the error, or of the first error it wraps that has one. */
function propertyOf(error: unknown, name: 'code' | 'syscall'): string | undefined {
  if (error === null || typeof error !== 'object') return undefined
  const value = (error as Record<string, unknown>)[name]
  if (typeof value === 'string') return value
  // Node wraps some connect failures (e.g. happy-eyeballs) in an AggregateError.
  const errors = (error as { errors?: unknown }).errors
  if (Array.isArray(errors)) return propertyOf(errors[0], name)
  return propertyOf((error as { cause?: unknown }).cause, name)
}

const codeOf = (error: unknown): string | undefined => propertyOf(error, 'code')

/** Whether `error` is the connection being lost (closed or reset by the other side). */
export function isDisconnect(error: unknown): boolean {
  const code = codeOf(error)
  return code !== undefined && DISCONNECT_CODES.has(code)
}

/** Which of the SDK's buckets a transport error falls in. */
export function classifyError(error: unknown): FailureKind {
  if (error instanceof DeadlineError) return 'timeout'
  if (error instanceof CancelledError) return 'aborted'
  if (error instanceof ResponseTooLargeError || error instanceof IncompleteBodyError) {
    return 'payload'
  }
  // undici's HTTPParserError carries no code (its lookup of llhttp's names misses).
  if (error instanceof Error && error.name === 'HTTPParserError') return 'payload'
  const code = codeOf(error)
  if (code === 'ERR_INVALID_URL') return 'client'
  // undici asserts, rather than reporting, on a 101 answer to a request that asked none.
  if (code === 'ERR_ASSERTION') return 'payload'
  // aiohttp reports any failure to connect (EPERM from a firewall, EINVAL, EACCES...)
  // as ClientConnectorError.
  if (propertyOf(error, 'syscall') === 'connect') return 'connect'
  if (code !== undefined) {
    if (CONNECT_CODES.has(code)) return 'connect'
    if (DISCONNECT_CODES.has(code)) return 'disconnected'
    if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
      return 'server_timeout'
    }
    if (PAYLOAD_CODES.has(code) || code.startsWith('HPE_')) return 'payload'
    if (code === 'UND_ERR_ABORTED' || code === 'ABORT_ERR') return 'aborted'
    if (code.startsWith('UND_ERR')) return 'client'
  }
  if (error instanceof Error && error.name === 'AbortError') return 'aborted'
  return 'parse'
}

function textOf(error: unknown): string {
  if (codeOf(error) === 'ERR_ASSERTION') {
    const why = /upgrade/.test(messageOf(error)) ? ' (an upgrade nobody asked for)' : ''
    return `the answer is not valid HTTP for this request${why}`
  }
  return messageOf(error)
}

/**
 * The status and message the SDK would give: `{bucket text}: {error}`, except for a refused
 * connection (`… at {ip}:{port}/{name}`) and the deadline (`… after {timeout} seconds`).
 */
export function mapFailure(
  kind: FailureKind,
  error: unknown,
  context: { ip: string; port: number; name: string; timeoutSeconds: number },
): MappedStatus {
  switch (kind) {
    case 'timeout':
      return {
        status: 408,
        message: `Request timeout after ${pyFloatRepr(context.timeoutSeconds)} seconds`,
      }
    case 'aborted':
      // Not an SDK case: the caller cancelled the whole query.
      return { status: 408, message: `Request cancelled: ${textOf(error)}` }
    case 'connect':
      return {
        status: 503,
        message: `Service unavailable at ${context.ip}:${context.port}/${context.name}`,
      }
    case 'disconnected':
      return { status: 503, message: `Service disconnected: ${textOf(error)}` }
    case 'server_timeout':
      return { status: 504, message: `Server timeout error: ${textOf(error)}` }
    case 'payload':
      return { status: 400, message: `Payload error: ${textOf(error)}` }
    case 'client':
      return { status: 500, message: `Client error: ${textOf(error)}` }
    case 'parse':
      return { status: 422, message: `Failed to parse response: ${textOf(error)}` }
  }
}
