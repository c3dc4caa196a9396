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
import type { Dispatcher } from 'undici'
import { DendriteError, DendriteErrorCode } from './errors.js'
import { ReceivedBytes } from './received-bytes.js'
import {
  CancelledError,
  classifyError,
  DeadlineError,
  IncompleteBodyError,
  isDisconnect,
  mapFailure,
  ResponseTooLargeError,
} from './status.js'
import { flattenHeaders } from './transport.js'
import type { AxonTarget, TargetResult } from './types.js'

export interface StreamOptions {
  /** The deadline for the whole stream, in milliseconds. Default 12000. */
  timeoutMs?: number
  signal?: AbortSignal
}

/**
 * An open stream. Iterate it for the body chunks (only a 200 has any). The deadline covers
 * the axon's sending of the whole stream: passing it before the axon has finished ends the
 * iteration with a `DENDRITE_TIMEOUT` error, while a stream that arrived in time can be read
 * at leisure. `latencyMs` is the time to the response headers.
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

/**
 * `mergeStreamingResponse`; if the headers do not parse as a synapse's, the synapse as sent
 * with the SDK's 422 for it (the stream can still be read, as the SDK yields its chunks).
 */
function streamedSynapse<F extends FieldMap>(
  sent: SynapseData<F>,
  headers: Record<string, string>,
  context: Parameters<typeof mapFailure>[2],
) {
  try {
    return mergeStreamingResponse(sent, headers)
  } catch (error) {
    const synapse = mergeStreamingResponse(sent, {})
    const mapped = mapFailure('parse', error, context)
    synapse.dendrite!.status_code = mapped.status
    synapse.dendrite!.status_message = mapped.message
    return synapse
  }
}

function withText<F extends FieldMap>(stream: Omit<SynapseStream<F>, 'text'>): SynapseStream<F> {
  return Object.assign(stream, { text: () => utf8Pieces(stream) })
}

/** What ends an iteration early, as the caller sees it. */
function iterationError(reason: unknown, axon: AxonTarget, timeoutMs: number): DendriteError {
  if (reason instanceof DeadlineError) {
    return new DendriteError(DendriteErrorCode.Timeout, `stream not done within ${timeoutMs} ms`, {
      cause: reason,
    })
  }
  if (reason instanceof ResponseTooLargeError) {
    return new DendriteError(DendriteErrorCode.TooLarge, `stream: ${reason.message}`, {
      cause: reason,
    })
  }
  if (reason instanceof CancelledError) {
    return new DendriteError(DendriteErrorCode.Cancelled, `stream cancelled: ${reason.message}`, {
      cause: reason,
    })
  }
  return new DendriteError(
    DendriteErrorCode.StreamCut,
    `the axon at ${axon.ip}:${axon.port} closed the stream before its end`,
    { cause: reason },
  )
}

interface Head {
  status: number
  headers: Record<string, string>
  latencyMs: number
}

/**
 * One streaming POST on undici's dispatch API. The deadline runs until the axon has sent the
 * last byte (undici's `onResponseEnd`), so chunks already received are never thrown away.
 * The socket is never paused: undici 7 asserts, and takes the process down, when a paused
 * socket is closed (nodejs/undici#5360). So what the reader has not taken yet is capped
 * at `maxResponseBytes` instead. A non-200 answer is read whole, under the same cap, and
 * merged as `query()` merges it.
 */
export function openStream<F extends FieldMap>(
  dispatcher: Dispatcher,
  options: {
    origin: string
    axon: AxonTarget
    type: SynapseType<F>
    request: PreparedRequest<F>
    timeoutMs: number
    maxResponseBytes: number
    signal: AbortSignal
    /** Called once the stream is over, however it ended. */
    onSettled: () => void
  },
): Promise<SynapseStream<F>> {
  const { axon, type, request, timeoutMs, signal } = options
  const start = performance.now()
  /** Bytes received and not yet taken by the reader. */
  const received = new ReceivedBytes(options.maxResponseBytes)
  let ended = false
  let failure: unknown
  let cancelled = false
  let controller: Dispatcher.DispatchController | undefined
  let wake: (() => void) | undefined
  let reading = false
  let head: Head | undefined
  let settleHead: ((head: Head | undefined) => void) | undefined
  const headArrived = new Promise<Head | undefined>((resolve) => {
    settleHead = resolve
  })
  /** The stream handed over: told its process time when it ends, its failure if it fails. */
  let handedOver: SynapseStream<F> | undefined
  let settled = false
  const settle = () => {
    if (settled) return
    settled = true
    clearTimeout(timer)
    signal.removeEventListener('abort', onAbort)
    options.onSettled()
  }
  const notify = () => {
    const resume = wake
    wake = undefined
    resume?.()
  }
  const fail = (error: unknown) => {
    if (ended || failure !== undefined) return
    failure = error
    // A stream that fails after its 200 is no success, as the SDK's last synapse reports it;
    // one the reader stopped or cancelled keeps its status.
    if (handedOver !== undefined && !cancelled) reportFailure(handedOver, error)
    settle()
    if (controller !== undefined && !controller.aborted) controller.abort(error as Error)
    settleHead?.(undefined)
    notify()
  }
  const onAbort = () => fail(new CancelledError(signal.reason))
  // As in transport.ts: data that arrived in time but is not read yet is read first.
  const timer = setTimeout(
    () => setImmediate(() => fail(new DeadlineError(`no response within ${timeoutMs} ms`))),
    timeoutMs,
  )
  if (signal.aborted) onAbort()
  else signal.addEventListener('abort', onAbort, { once: true })

  const handler: Dispatcher.DispatchHandler = {
    onRequestStart(c) {
      controller = c
      if (failure !== undefined) c.abort(failure as Error)
    },
    onResponseStart(_c, status, headers) {
      // An informational head (102, 103) is not the answer; aiohttp skips them too.
      if (status < 200) return
      head = { status, headers: flattenHeaders(headers), latencyMs: performance.now() - start }
      // A refusal is read whole before it is reported; a stream is handed over at once.
      if (status === 200) settleHead?.(head)
    },
    onResponseData(_c, chunk) {
      if (failure !== undefined) return
      if (received.size + chunk.length > options.maxResponseBytes) {
        const what = head?.status === 200 ? 'unread stream' : 'response body'
        fail(new ResponseTooLargeError(`${what} over ${options.maxResponseBytes} bytes`))
        return
      }
      received.append(chunk)
      notify()
    },
    onResponseEnd() {
      if (failure !== undefined) return
      ended = true
      // The SDK sets it once it has read the stream to its end; here, once it has all arrived.
      const dendrite = handedOver?.synapse.dendrite
      if (dendrite) dendrite.process_time = (performance.now() - start) / 1000
      settle()
      settleHead?.(head)
      notify()
    },
    onResponseError(_c, error) {
      // A refusal lost after its head is an incomplete answer (a stream's cut is its own error).
      const cut = head !== undefined && head.status !== 200 && isDisconnect(error)
      fail(cut ? new IncompleteBodyError(error) : error)
    },
  }
  // A signal aborted before the call leaves nothing to send.
  if (failure === undefined) {
    try {
      dispatcher.dispatch(
        {
          origin: options.origin,
          path: request.path,
          method: 'POST',
          headers: { ...request.headers, 'content-type': 'application/json' },
          body: request.body,
          // The deadline above governs; undici's own timers would only race it.
          headersTimeout: 0,
          bodyTimeout: 0,
        },
        handler,
      )
    } catch (error) {
      fail(error)
    }
  }

  const context = {
    ip: axon.ip,
    port: axon.port,
    name: type.name,
    timeoutSeconds: timeoutMs / 1000,
  }
  const noChunks = {
    cancel() {},
    async *[Symbol.asyncIterator]() {},
  }
  const reportFailure = (result: SynapseStream<F>, error: unknown) => {
    // Cut after its 200: aiohttp's "payload is not completed", not a refused connection.
    const reported = isDisconnect(error) ? new IncompleteBodyError(error) : error
    const mapped = mapFailure(classifyError(reported), reported, context)
    result.status = mapped.status
    result.statusMessage = mapped.message
    result.synapse.dendrite!.status_code = mapped.status
    result.synapse.dendrite!.status_message = mapped.message
  }
  const failed = (error: unknown): SynapseStream<F> => {
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
      ...noChunks,
    })
  }
  const refused = (answer: Head): SynapseStream<F> => {
    let synapse: SynapseData<F>
    const body = received.take()
    try {
      synapse = mergeSynapseResponse(type, request.synapse, { ...answer, body })
    } catch (error) {
      return failed(error)
    }
    // The SDK's call_stream never reads the refusal as JSON: it always has a process time.
    synapse.dendrite!.process_time = (performance.now() - start) / 1000
    const status = synapse.dendrite?.status_code ?? answer.status
    return withText({
      axon,
      status,
      statusMessage: synapse.dendrite?.status_message ?? STATUS_CODES[status] ?? '',
      latencyMs: answer.latencyMs,
      processTime: synapse.axon?.process_time ?? undefined,
      headers: answer.headers,
      synapse,
      ...noChunks,
    })
  }
  const streaming = (answer: Head): SynapseStream<F> => {
    const synapse = streamedSynapse(request.synapse, answer.headers, context)
    // A stream that already ended before the hand-over gets its process time now.
    if (ended) synapse.dendrite!.process_time = (performance.now() - start) / 1000
    const result: SynapseStream<F> = withText({
      axon,
      status: synapse.dendrite?.status_code ?? 200,
      statusMessage: synapse.dendrite?.status_message ?? 'Success',
      latencyMs: answer.latencyMs,
      processTime: synapse.axon?.process_time ?? undefined,
      headers: answer.headers,
      synapse,
      cancel() {
        cancelled = true
        received.take()
        if (ended || failure !== undefined) notify()
        else fail(new CancelledError('cancelled'))
      },
      async *[Symbol.asyncIterator]() {
        // One reader: a second loop would wait on a chunk the first one took.
        if (reading) {
          throw new DendriteError(
            DendriteErrorCode.InvalidInput,
            'stream: already being read; read it with one loop (or one text())',
            { field: 'stream' },
          )
        }
        reading = true
        try {
          while (true) {
            if (cancelled) return
            // All that arrived since the last read, as one piece.
            if (received.size > 0) {
              yield received.take()
              continue
            }
            if (ended) return
            if (failure !== undefined) {
              if (cancelled) return
              throw iterationError(failure, axon, timeoutMs)
            }
            await new Promise<void>((resolve) => {
              wake = resolve
            })
          }
        } finally {
          reading = false
          // A reader that stops early lets the rest go.
          if (!ended && failure === undefined) {
            cancelled = true
            fail(new CancelledError('the reader stopped'))
          }
        }
      },
    })
    handedOver = result
    // Failed in the same read as its head, before the hand-over: reported all the same.
    if (failure !== undefined && !cancelled) reportFailure(result, failure)
    return result
  }
  return headArrived.then((answer) => {
    if (answer === undefined) return failed(failure)
    return answer.status === 200 ? streaming(answer) : refused(answer)
  })
}
