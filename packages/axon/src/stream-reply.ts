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

/** An Epistula handler's body that is sent as a stream: an async iterable, not an array. */
export function isAsyncChunkSource(body: unknown): body is AsyncIterable<string | Uint8Array> {
  return typeof body === 'object' && body !== null && Symbol.asyncIterator in body
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
 * Whether node can send `status` and `headers` (a status of three digits; header names and
 * values without line breaks or characters above U+00FF). Checked before a stream takes the
 * response over, while a refusal can still be sent instead.
 */
export function isSendableHead(status: number, headers: Record<string, string>): boolean {
  if (!Number.isInteger(status) || status < 100 || status > 999) return false
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
 * complete one; a source that fails, or yields something that is not text or bytes, cuts it
 * too. `stop` runs as soon as the stream is cut or the caller leaves, since a source busy in
 * an `await` only stops when that settles. `onEnd` runs exactly once, when the response is
 * over for whatever reason: also when the caller had left before the stream began, and for a
 * pipelined response still waiting for its turn on a connection that closes.
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
    // A pipelined response not yet given the connection closes only with the connection.
    if (response.socket === null) connection.destroy()
    else response.destroy()
  }
  if (response.destroyed || connection.destroyed) {
    discardChunks(chunks)
    settle()
    return reply
  }
  response.once('close', settle)
  connection.once('close', settle)
  timer = setTimeout(() => cut('timeout'), options.deadlineMs)
  response.writeHead(options.status, options.headers)
  response.flushHeaders()
  began = true
  void (async () => {
    try {
      for await (const chunk of chunks) {
        if (settled) return
        if (typeof chunk !== 'string' && !(chunk instanceof Uint8Array)) return cut('failed')
        if (!response.write(chunk)) await drained(response, connection)
      }
      if (settled) return
      outcome ??= 'done'
      clearTimeout(timer)
      response.end()
    } catch {
      cut('failed')
    }
  })()
  return reply
}
