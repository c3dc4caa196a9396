import { Readable } from 'node:stream'
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

/** How a stream ended: sent in full, cut at the deadline, failed, or left by the caller. */
export type StreamOutcome = 'done' | 'timeout' | 'failed' | 'closed'

/**
 * Sends `chunks` as the body of `reply` (its status and headers already set), with
 * backpressure. At `deadlineMs` the connection is cut, so the caller sees a truncated
 * answer, not a complete one. `stop` runs as soon as the stream is cut or left, before
 * the source is asked to stop, since a source busy in an `await` only stops when that
 * settles. `onEnd` runs once, when the response is over for whatever reason.
 */
export function sendStream(
  reply: FastifyReply,
  chunks: StreamChunks,
  options: { deadlineMs: number; stop: () => void; onEnd: (outcome: StreamOutcome) => void },
): FastifyReply {
  const body = Readable.from(chunks, { objectMode: false })
  let outcome: StreamOutcome | undefined
  const timer = setTimeout(() => {
    outcome ??= 'timeout'
    options.stop()
    reply.raw.destroy()
  }, options.deadlineMs)
  body.once('error', () => {
    outcome ??= 'failed'
  })
  body.once('end', () => {
    outcome ??= 'done'
  })
  reply.raw.once('close', () => {
    clearTimeout(timer)
    outcome ??= 'closed'
    if (outcome !== 'done') options.stop()
    if (!body.destroyed) body.destroy()
    options.onEnd(outcome)
  })
  return reply.send(body)
}
