/**
 * One POST through undici's dispatcher API, with a hard deadline that resolves the call even
 * while undici is still connecting, and the moment the request was handed to the socket
 * (undici's `onRequestStart` runs just before it writes the request).
 */
import { decodeUtf8, pyJsonLoads } from '@taokit/synapse'
import type { Dispatcher } from 'undici'
import { ReceivedBytes } from './received-bytes.js'
import {
  CancelledError,
  DeadlineError,
  IncompleteBodyError,
  isDisconnect,
  ResponseTooLargeError,
} from './status.js'

const MAX_RESERVED_BYTES = 256 * 1024

export interface RawResponse {
  status: number
  /** Lowercase names; of a repeated header, the last value (as a Python dict keeps it). */
  headers: Record<string, string>
  body: Uint8Array
}

export type Outcome = { ok: true; response: RawResponse } | { ok: false; error: unknown }

export interface Exchange {
  outcome: Outcome
  /** `performance.now()` when the request went to the socket; undefined if it never did. */
  sentAt: number | undefined
  /** Milliseconds from the call to the end of the response (or the failure). */
  latencyMs: number
}

export interface PostOptions {
  origin: string
  path: string
  headers: Record<string, string>
  body: string | Uint8Array
  timeoutMs: number
  maxResponseBytes: number
  signal: AbortSignal
  /**
   * End with the headers when the answer is `text/event-stream`, with an empty body: a
   * stream read whole would hold the call (and the socket) until the deadline.
   */
  endOnEventStream?: boolean
}

export function isEventStream(headers: Record<string, string>): boolean {
  return (headers['content-type'] ?? '').toLowerCase().startsWith('text/event-stream')
}

/** aiohttp's `response.json()` content types: application/json and application/*+json. */
const JSON_CONTENT_TYPE = /^application\/(?:[\w.+-]+?\+)?json/i

/**
 * Whether the SDK's dendrite would read this answer (and so give it a process time): a 200
 * it merged, or a refusal whose body is a JSON object of a JSON content type. Anything else
 * (a proxy's HTML error page, an empty 500) fails its `response.json()`.
 */
export function sdkReadsAnswer(response: RawResponse): boolean {
  if (response.status === 200) return true
  const contentType = response.headers['content-type'] ?? ''
  if (!JSON_CONTENT_TYPE.test(contentType)) return false
  const text = textAsAiohttpReads(response.body, contentType)
  if (text === undefined) return false
  try {
    // Read as Python reads it, building only `message`: the SDK assigns it to a pydantic
    // field of type Optional[str], which refuses anything else.
    const json = pyJsonLoads(text, MESSAGE)
    if (!(json instanceof Map)) return false
    const message = json.get('message')
    return message === undefined || message === null || typeof message === 'string'
  } catch {
    return false
  }
}

const MESSAGE: ReadonlySet<string> = new Set(['message'])

const CHARSET = /;\s*charset\s*=\s*"?([^";\s]+)/i
/** What Python's `bytes.strip()` removes: ASCII whitespace, vertical tab and form feed too. */
const isStripped = (byte: number) => byte === 32 || (byte >= 9 && byte <= 13)

/**
 * The body as aiohttp's `response.json()` reads it: stripped as bytes, then decoded
 * strictly in the declared charset (UTF-8 by default, a BOM kept, as Python keeps it).
 * Undefined where Python's decoding fails, or for an empty body (`json()` gives None).
 */
function textAsAiohttpReads(body: Uint8Array, contentType: string): string | undefined {
  let start = 0
  let end = body.length
  while (start < end && isStripped(body[start]!)) start++
  while (end > start && isStripped(body[end - 1]!)) end--
  if (start === end) return undefined
  const charset = CHARSET.exec(contentType)?.[1]?.toLowerCase() ?? 'utf-8'
  const stripped = body.subarray(start, end)
  if (charset === 'utf-8' || charset === 'utf8') return decodeUtf8(stripped)
  // Python's names (latin-1, utf_16) differ from the web's (latin1, utf-16) by a separator.
  const labels = [charset, charset.replace(/[-_]/g, ''), charset.replaceAll('_', '-')]
  const decoder = labels.map(strictDecoder).find((found) => found !== undefined)
  try {
    return decoder?.decode(stripped)
  } catch {
    return undefined
  }
}

function strictDecoder(label: string): { decode(bytes: Uint8Array): string } | undefined {
  try {
    return new TextDecoder(label, { fatal: true })
  } catch {
    return undefined
  }
}

/**
 * Lowercase names, one value each. Of a repeated header the last value counts, as in the
 * dict the SDK's dendrite reads headers into: joined values would not parse as one.
 */
export function flattenHeaders(headers: Record<string, string | string[] | undefined>) {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue
    const last = Array.isArray(value) ? value.at(-1) : value
    if (last !== undefined) out[name.toLowerCase()] = last
  }
  return out
}

/** Never rejects: every failure comes back as an outcome. */
export function post(dispatcher: Dispatcher, options: PostOptions): Promise<Exchange> {
  return new Promise((resolve) => {
    const start = performance.now()
    let sentAt: number | undefined
    let controller: Dispatcher.DispatchController | undefined
    let done = false
    let status = 0
    let headers: Record<string, string> = {}
    const body = new ReceivedBytes(options.maxResponseBytes)

    const finish = (outcome: Outcome) => {
      if (done) return
      done = true
      clearTimeout(timer)
      options.signal.removeEventListener('abort', onAbort)
      resolve({ outcome, sentAt, latencyMs: performance.now() - start })
    }
    // Undici can only abort once the request reached a socket; before that, the request is
    // aborted in onRequestStart, and the result does not wait for it.
    const fail = (error: unknown) => {
      finish({ ok: false, error })
      if (controller !== undefined && !controller.aborted) controller.abort(error as Error)
    }
    const onAbort = () => fail(new CancelledError(options.signal.reason))
    // The failure waits for the next check phase: after a long synchronous block (another
    // target's large answer being parsed), an answer already waiting in the socket is read
    // first, rather than refused as late because its timer ran before its socket was read.
    const timer = setTimeout(
      () =>
        setImmediate(() => fail(new DeadlineError(`no response within ${options.timeoutMs} ms`))),
      options.timeoutMs,
    )
    if (options.signal.aborted) {
      onAbort()
      return
    }
    options.signal.addEventListener('abort', onAbort, { once: true })

    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(c) {
        controller = c
        if (done) {
          c.abort(new DeadlineError('request abandoned before it was sent'))
          return
        }
        sentAt = performance.now()
      },
      onResponseStart(c, statusCode, responseHeaders) {
        // An informational head (102, 103) is not the answer; aiohttp skips them too.
        if (statusCode < 200) return
        status = statusCode
        headers = flattenHeaders(responseHeaders)
        if (options.endOnEventStream === true && isEventStream(headers)) {
          finish({ ok: true, response: { status, headers, body: new Uint8Array(0) } })
          c.abort(new Error('a stream is not read by query()'))
          return
        }
        // Room for a declared length up front, but only a small one: a miner declaring 16 MiB
        // and sending none must not make every query allocate it.
        const declared = Number(headers['content-length'])
        if (
          Number.isSafeInteger(declared) &&
          declared <= Math.min(options.maxResponseBytes, MAX_RESERVED_BYTES)
        ) {
          body.reserve(declared)
        }
      },
      onResponseData(_c, chunk) {
        if (done) return
        if (body.size + chunk.length > options.maxResponseBytes) {
          fail(new ResponseTooLargeError(`response body over ${options.maxResponseBytes} bytes`))
          return
        }
        body.append(chunk)
      },
      onResponseEnd() {
        finish({ ok: true, response: { status, headers, body: body.take() } })
      },
      onResponseError(_c, error) {
        // Lost after the head: the answer was begun and not completed, as aiohttp says.
        const cut = status !== 0 && isDisconnect(error)
        finish({ ok: false, error: cut ? new IncompleteBodyError(error) : error })
      },
    }

    try {
      dispatcher.dispatch(
        {
          origin: options.origin,
          path: options.path,
          method: 'POST',
          headers: options.headers,
          body: options.body,
          // The deadline above governs; undici's own timers would only race it.
          headersTimeout: 0,
          bodyTimeout: 0,
        },
        handler,
      )
    } catch (error) {
      finish({ ok: false, error })
    }
  })
}
