/**
 * Streaming calls (the SDK's `call_stream` on a `StreamingSynapse`): the axon answers 200
 * with `text/event-stream`, and the chunk format is the subnet's, so chunks are passed on raw.
 */
import { STATUS_CODES } from 'node:http'
import {
  type FieldMap,
  mergeStreamingResponse,
  mergeSynapseResponse,
  type PreparedRequest,
  type SynapseData,
  type SynapseType,
} from '@taokit/synapse'
import type { Agent } from 'undici'
import { DendriteError, DendriteErrorCode } from './errors.js'
import { CancelledError, classifyError, DeadlineError, mapFailure } from './status.js'
import type { AxonTarget, TargetResult } from './types.js'

export interface StreamOptions {
  /** The deadline for the whole stream, in milliseconds. Default 12000. */
  timeoutMs?: number
  signal?: AbortSignal
}

/**
 * An open stream. Iterate it for the body chunks (only a 200 has any). The deadline covers
 * the whole stream: passing it mid-stream ends the iteration with a `DENDRITE_TIMEOUT`
 * error. `latencyMs` is the time to the response headers.
 */
export interface SynapseStream<F extends FieldMap = FieldMap>
  extends TargetResult,
    AsyncIterable<Uint8Array> {
  headers: Record<string, string>
  /**
   * The synapse as sent, with the outcome merged in: a refusal's or failure's status, or
   * for a stream that began, 200 and the axon's headers (the body is the subnet's to read).
   */
  synapse: SynapseData<F>
  /** Stops the stream and frees its connection. */
  cancel(): void
  /**
   * The body as UTF-8 text, piece by piece as it arrives; a character split between two
   * chunks comes out whole. Invalid UTF-8 becomes U+FFFD.
   */
  text(): AsyncIterable<string>
}

async function* utf8Pieces(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder()
  for await (const chunk of chunks) {
    const piece = decoder.decode(chunk, { stream: true })
    if (piece !== '') yield piece
  }
  const rest = decoder.decode()
  if (rest !== '') yield rest
}

/** `mergeStreamingResponse`, or without the headers if they do not parse as a synapse's. */
function streamedSynapse<F extends FieldMap>(
  sent: SynapseData<F>,
  headers: Record<string, string>,
) {
  try {
    return mergeStreamingResponse(sent, headers)
  } catch {
    return mergeStreamingResponse(sent, {})
  }
}

/** `stream` with its `text()` view. */
function withText<F extends FieldMap>(stream: Omit<SynapseStream<F>, 'text'>): SynapseStream<F> {
  return Object.assign(stream, {
    text: () => utf8Pieces(stream),
  })
}

function flatten(headers: Record<string, string | string[] | undefined>) {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value
  }
  return out
}

export async function openStream<F extends FieldMap>(
  agent: Agent,
  options: {
    origin: string
    axon: AxonTarget
    type: SynapseType<F>
    request: PreparedRequest<F>
    timeoutMs: number
    signal?: AbortSignal | undefined
  },
): Promise<SynapseStream<F>> {
  const { axon, type, request, timeoutMs } = options
  const start = performance.now()
  const controller = new AbortController()
  const timer = setTimeout(
    () => controller.abort(new DeadlineError(`no response within ${timeoutMs} ms`)),
    timeoutMs,
  )
  const onAbort = () => controller.abort(new CancelledError(options.signal?.reason))
  if (options.signal?.aborted) onAbort()
  else options.signal?.addEventListener('abort', onAbort, { once: true })
  const cleanup = () => {
    clearTimeout(timer)
    options.signal?.removeEventListener('abort', onAbort)
  }
  const context = {
    ip: axon.ip,
    port: axon.port,
    name: type.name,
    timeoutSeconds: timeoutMs / 1000,
  }
  const failed = (error: unknown): SynapseStream<F> => {
    cleanup()
    const mapped = mapFailure(classifyError(error), error, context)
    const synapse = structuredClone(request.synapse)
    synapse.dendrite!.status_code = mapped.status
    synapse.dendrite!.status_message = mapped.message
    return withText({
      axon,
      status: mapped.status,
      statusMessage: mapped.message,
      latencyMs: performance.now() - start,
      processTime: undefined,
      headers: {},
      synapse,
      cancel() {},
      async *[Symbol.asyncIterator]() {},
    })
  }
  let response: Awaited<ReturnType<Agent['request']>>
  try {
    response = await agent.request({
      origin: options.origin,
      path: request.path,
      method: 'POST',
      headers: { ...request.headers, 'content-type': 'application/json' },
      body: request.body,
      signal: controller.signal,
      headersTimeout: 0,
      bodyTimeout: 0,
    })
  } catch (error) {
    return failed(controller.signal.aborted ? controller.signal.reason : error)
  }
  const latencyMs = performance.now() - start
  const headers = flatten(response.headers)
  if (response.statusCode !== 200) {
    let body: Uint8Array
    try {
      body = new Uint8Array(await response.body.arrayBuffer())
    } catch (error) {
      return failed(controller.signal.aborted ? controller.signal.reason : error)
    }
    cleanup()
    let synapse: SynapseData<F>
    try {
      synapse = mergeSynapseResponse(type, request.synapse, {
        status: response.statusCode,
        headers,
        body,
      })
    } catch (error) {
      return failed(error)
    }
    const status = synapse.dendrite?.status_code ?? response.statusCode
    return withText({
      axon,
      status,
      statusMessage: synapse.dendrite?.status_message ?? STATUS_CODES[status] ?? '',
      latencyMs,
      processTime: synapse.axon?.process_time ?? undefined,
      headers,
      synapse,
      cancel() {},
      async *[Symbol.asyncIterator]() {},
    })
  }
  const body = response.body
  let cancelled = false
  const synapse = streamedSynapse(request.synapse, headers)
  return withText({
    axon,
    status: synapse.dendrite?.status_code ?? 200,
    statusMessage: synapse.dendrite?.status_message ?? 'Success',
    latencyMs,
    processTime: synapse.axon?.process_time ?? undefined,
    headers,
    synapse,
    cancel() {
      cancelled = true
      cleanup()
      body.destroy()
    },
    async *[Symbol.asyncIterator]() {
      try {
        for await (const chunk of body) yield chunk as Uint8Array
      } catch (error) {
        // A stream the caller cancelled just ends.
        if (cancelled) return
        if (!controller.signal.aborted) {
          throw new DendriteError(
            DendriteErrorCode.StreamCut,
            `the axon at ${axon.ip}:${axon.port} closed the stream before its end`,
            { cause: error },
          )
        }
        const reason = controller.signal.reason
        if (reason instanceof DeadlineError) {
          throw new DendriteError(
            DendriteErrorCode.Timeout,
            `stream not done within ${timeoutMs} ms`,
            { cause: reason },
          )
        }
        throw reason
      } finally {
        cleanup()
        body.destroy()
      }
    },
  })
}
