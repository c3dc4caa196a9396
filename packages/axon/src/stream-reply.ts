import { type ServerResponse, validateHeaderName, validateHeaderValue } from 'node:http'
import type { Socket } from 'node:net'
import type { SynapseData } from '@taokit/synapse'
import type { FastifyReply } from 'fastify'
import { AxonError, AxonErrorCode } from './errors.js'

/** The body of a streamed answer: text or bytes, chunk by chunk, as they are made. */
export type StreamChunks = AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>

/** A forward's streamed answer: see `streamReply`. */
export class SynapseStreamReply<S extends SynapseData = SynapseData> {
  constructor(
    readonly synapse: S,
    readonly chunks: StreamChunks,
  ) {}
}

function isChunkSource(value: unknown): value is StreamChunks {
  if (typeof value === 'string' || value instanceof Uint8Array) return false
  return (
    typeof value === 'object' &&
    value !== null &&
    (Symbol.asyncIterator in value || Symbol.iterator in value)
  )
}

/**
 * What a forward returns to stream its answer, as a `StreamingSynapse` does in the SDK: the
 * response starts at once with status 200, `text/event-stream` and `synapse`'s headers,
 * then sends each chunk as it comes. The format of the chunks is the subnet's.
 */
export function streamReply<S extends SynapseData>(
  synapse: S,
  chunks: StreamChunks,
): SynapseStreamReply<S> {
  if (!isChunkSource(chunks)) {
    throw new AxonError(
      AxonErrorCode.InvalidInput,
      'chunks: expected an iterable or async iterable of strings or Uint8Arrays (a generator, for example)',
      { field: 'chunks' },
    )
  }
  return new SynapseStreamReply(synapse, chunks)
}

/**
 * An Epistula handler's body that is sent as a stream: an async iterable, or a generator
 * (not an array or another plain iterable, which are sent as JSON).
 */
export function isStreamBody(body: unknown): body is StreamChunks {
  if (typeof body !== 'object' || body === null) return false
  return (
    Symbol.asyncIterator in body || Object.prototype.toString.call(body) === '[object Generator]'
  )
}

/** Lets a source nobody will read go: a generator's `finally` runs, a stream is destroyed. */
export function discardChunks(chunks: StreamChunks): void {
  const source = chunks as {
    return?: () => unknown
    destroy?: () => unknown
  }
  try {
    if (typeof source.destroy === 'function') source.destroy()
    else if (typeof source.return === 'function')
      void Promise.resolve(source.return()).catch(() => {})
  } catch {
    // A source that fails to close has nothing more to give either.
  }
}

/** How a stream ended: sent in full, cut at the deadline, failed, or left by the caller. */
export type StreamOutcome = 'done' | 'timeout' | 'failed' | 'closed'

/** Resolves when `response` can take more, or will take nothing more. */
function drained(response: ServerResponse, connection: Socket): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      response.off('drain', done)
      response.off('close', done)
      connection.off('close', done)
      resolve()
    }
    response.on('drain', done)
    response.on('close', done)
    connection.on('close', done)
  })
}

/**
 * Whether node can send `status` and `headers` as the head of a stream (a status of three
 * digits that carries a body: not 1xx, 204 or 304, whose bodies node drops, so a stream
 * would never wait; header names and values without line breaks or characters above
 * U+00FF). Checked before a stream takes the response over, while a refusal can still be
 * sent instead.
 */
export function isSendableHead(status: number, headers: Record<string, string>): boolean {
  if (!Number.isInteger(status) || status < 200 || status > 999) return false
  if (status === 204 || status === 304) return false
  return areSendableHeaders(headers)
}

/** Whether node can send these headers (it throws on a bad name or value while sending). */
export function areSendableHeaders(headers: Record<string, string>): boolean {
  try {
    for (const [name, value] of Object.entries(headers)) {
      validateHeaderName(name)
      validateHeaderValue(name, value)
    }
    return true
  } catch {
    return false
  }
}

/**
 * Takes the response over from fastify and streams `chunks` as its body: the status and
 * headers (checked with `isSendableHead` first) go out at once, before the first chunk, as
 * the SDK's streaming response sends them; then each chunk as it comes, with backpressure.
 *
 * At `deadlineMs` the connection is cut, so the caller sees a truncated answer, not a
 * complete one, as it does when the connection sits idle past the server's idle timeout; a
 * source that fails, or yields something that is not text or bytes, cuts it too, after the
 * chunks it yielded before. `stop` runs as soon as the stream is cut or the caller leaves,
 * since a source busy in an `await` only stops when that settles. `onEnd` runs exactly once,
 * when the response is over for whatever reason: also when the caller had left before the
 * stream began, and for a pipelined response still waiting for its turn on a connection that
 * closes. `onSourceDone` runs once the source has finished or been closed: a source still
 * working after the response ended is work in progress, and keeps its forward slot.
 */
export function sendStream(
  reply: FastifyReply,
  chunks: StreamChunks,
  options: {
    status: number
    headers: Record<string, string>
    deadlineMs: number
    stop: () => void
    /** `began`: whether the status and headers were sent. */
    onEnd: (outcome: StreamOutcome, began: boolean) => void
    onSourceDone: () => void
  },
): FastifyReply {
  reply.hijack()
  const response = reply.raw
  const connection = reply.request.raw.socket
  let outcome: StreamOutcome | undefined
  let timer: NodeJS.Timeout | undefined
  let settled = false
  let began = false
  const settle = () => {
    if (settled) return
    settled = true
    clearTimeout(timer)
    response.off('close', settle)
    connection.off('close', settle)
    const how = outcome ?? 'closed'
    if (how !== 'done') options.stop()
    options.onEnd(how, began)
  }
  const cut = (how: StreamOutcome) => {
    outcome ??= how
    // A pipelined response still waiting for the connection is cut when it gets it: the
    // responses ahead of it on that connection are not cut with it.
    response.destroy()
  }
  /**
   * Cuts once what was written has left: node holds a response's writes until the next
   * turn, and destroying it at once would drop the chunks the source yielded before it
   * failed. A stalled reader is cut at the deadline instead.
   */
  const cutAfterWrites = (how: StreamOutcome) => {
    outcome ??= how
    const written = response.writableNeedDrain ? drained(response, connection) : Promise.resolve()
    void written.then(() => setImmediate(() => cut(how)))
  }
  if (response.destroyed || connection.destroyed) {
    discardChunks(chunks)
    settle()
    options.onSourceDone()
    return reply
  }
  response.once('close', settle)
  connection.once('close', settle)
  // The server's idle timeout destroys the socket right after this; the stream was cut.
  const onIdle = () => {
    outcome ??= 'timeout'
  }
  connection.once('timeout', onIdle)
  timer = setTimeout(() => cut('timeout'), options.deadlineMs)
  response.writeHead(options.status, options.headers)
  response.flushHeaders()
  began = true
  void (async () => {
    let sinceYield = 0
    try {
      for await (const chunk of chunks) {
        if (settled) return
        if (typeof chunk !== 'string' && !(chunk instanceof Uint8Array)) {
          return cutAfterWrites('failed')
        }
        if (!response.write(chunk)) await drained(response, connection)
        else if (++sinceYield === YIELD_EVERY) {
          // A source that never waits (and chunks the socket always takes) would otherwise
          // keep the event loop to itself: no timer, not even the deadline, would fire.
          sinceYield = 0
          await new Promise((resolve) => setImmediate(resolve))
        }
      }
      if (settled) return
      outcome ??= 'done'
      clearTimeout(timer)
      response.end()
    } catch {
      cutAfterWrites('failed')
    } finally {
      connection.off('timeout', onIdle)
      options.onSourceDone()
    }
  })()
  return reply
}

const YIELD_EVERY = 64
