import { randomUUID } from 'node:crypto'
import { setMaxListeners } from 'node:events'
import { STATUS_CODES } from 'node:http'
import { isIP, Socket } from 'node:net'
import { isBittensorAddress } from '@taokit/keys'
import {
  type AxonTarget,
  castPyFloat,
  epistulaHeaders,
  type FieldMap,
  mergeSynapseResponse,
  type PreparedRequest,
  prepareSynapseRequest,
  type Signer,
  type SynapseData,
  type SynapseType,
} from '@taokit/synapse'
import { Agent, buildConnector } from 'undici'
import { deserializeInto } from './deserialize.js'
import { DendriteError, DendriteErrorCode, invalidInput } from './errors.js'
import { Lanes } from './lanes.js'
import { checkedSigner, signerErrorOf } from './signer.js'
import { OriginSlots } from './slots.js'
import { classifyError, mapFailure, messageOf } from './status.js'
import { openStream, type StreamOptions, type SynapseStream } from './stream.js'
import { type Exchange, isEventStream, post, sdkReadsAnswer } from './transport.js'
import type {
  BatchResult,
  EpistulaQueryOptions,
  EpistulaResult,
  QueryOptions,
  SynapseResult,
  TargetResult,
} from './types.js'

export interface DendriteOptions {
  /** The validator's hotkey: a `Keypair` from `@taokit/keys`, or any `Signer`. */
  keypair: Signer
  /**
   * This machine's public IP: sent as `bt_header_dendrite_ip`, and a target at this IP is
   * reached on loopback, as the SDK does.
   */
  externalIp?: string
  /** Keep-alive connections per axon (origin). Default 8. */
  connections?: number
  /** How long an idle connection stays open, in milliseconds. Default 30000. */
  keepAliveTimeoutMs?: number
  /**
   * TCP connect timeout, in milliseconds. Default 15000, above the default deadline, so a
   * miner that drops SYNs is the SDK's 408 at the deadline. A connection attempt keeps the
   * process alive until it ends (or `close()`), so not much longer.
   */
  connectTimeoutMs?: number
  /** Larger responses fail with 400. Default 16 MiB. */
  maxResponseBytes?: number
  /** The dendrite uuid the axons track nonces by. Default: a random one per instance. */
  uuid?: string
  /** `bt_header_dendrite_version`. Default: the SDK's (10.2.0). */
  version?: number
}

const DEFAULT_TIMEOUT_MS = 12_000
/** Node's timers hold at most this; a longer delay fires at once. */
const MAX_TIMER_MS = 2 ** 31 - 1

/** A whole number of `field` in 1..`max`, or `fallback` when undefined. */
function checkCount(value: unknown, field: string, fallback: number, max: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw invalidInput(field, `a whole number in 1..${max}`)
  }
  return value
}

interface CallOptions {
  timeoutMs?: number
  signal?: AbortSignal
  deserialize?: unknown
}

/** The per-call options, checked before anything is sent: the deadline in milliseconds. */
function checkCallOptions(options: CallOptions | undefined): number {
  if (options === null || typeof options !== 'object') {
    throw invalidInput('options', '{ timeoutMs?, signal?, ... }')
  }
  const value = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > MAX_TIMER_MS) {
    throw invalidInput('timeoutMs', `milliseconds, above 0 and at most ${MAX_TIMER_MS}`)
  }
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
    throw invalidInput('signal', 'an AbortSignal')
  }
  if (options.deserialize !== undefined && typeof options.deserialize !== 'function') {
    throw invalidInput('deserialize', 'a function')
  }
  return value
}

/** A header value node will send as it is: visible ASCII, no spaces. */
const HEADER_TOKEN = /^[!-~]+$/

/** Axons refuse longer uuids: they key their nonce memory by them. */
const MAX_UUID_LENGTH = 128

/** A request path undici will send: it fails later, holding a connection, on anything else. */
const REQUEST_PATH = /^\/[!-~]*$/

/** Signs nothing: a synapse's request is built once with it to check the synapse. */
const PROBE_SIGNER: Signer = { address: '', sign: () => new Uint8Array(64) }
const PROBE_AXON: AxonTarget = { ip: '0.0.0.0', port: 0, hotkey: '' }

const TARGET =
  '{ ip: an IPv4 or IPv6 address, port: 0 to 65535, hotkey: a Bittensor (prefix 42) SS58 address }'

/**
 * An IP literal (never a name to look up in DNS, whose answer the signature would not
 * cover), and a hotkey undici can send as a header: a bad header value fails inside undici
 * after it has taken one of the origin's connections, which it then never gives back.
 */
function isTarget(axon: unknown): axon is AxonTarget {
  if (axon === null || typeof axon !== 'object') return false
  const { ip, port, hotkey } = axon as Record<string, unknown>
  return (
    typeof ip === 'string' &&
    isIP(ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip) !== 0 &&
    typeof hotkey === 'string' &&
    HEADER_TOKEN.test(hotkey) &&
    // The axon signs and checks its own prefix-42 address: any other spelling of its key
    // could only come back as a 401 "Signature mismatch".
    isBittensorAddress(hotkey) &&
    typeof port === 'number' &&
    Number.isInteger(port) &&
    port >= 0 &&
    port < 65536
  )
}

/** How a target's failures are reported: its address, the request's name and deadline. */
function contextOf(axon: AxonTarget, name: string, timeoutMs: number) {
  return { ip: axon.ip, port: axon.port, name, timeoutSeconds: timeoutMs / 1000 }
}

/** The result of a target no request could be built for (a bad entry). */
function clientFailure(axon: AxonTarget, error: unknown, latencyMs = 0): TargetResult {
  const message = messageOf(error)
  return {
    axon,
    status: 500,
    statusMessage: `Client error: ${message}`,
    latencyMs,
    processTime: undefined,
  }
}

/** A fan-out's batch, once every target's result is in. */
async function batchOf<R extends TargetResult>(
  pending: Promise<R>[],
  call: { dispose: () => void },
  timing: { startedAt: number; start: number; sentAt: (number | undefined)[] },
): Promise<BatchResult<R>> {
  const results = await Promise.all(pending).finally(call.dispose)
  return {
    results,
    startedAt: timing.startedAt,
    deliverySpreadMs: spreadOf(timing.sentAt),
    durationMs: performance.now() - timing.start,
  }
}

function spreadOf(sent: readonly (number | undefined)[]): number | undefined {
  let first = Number.POSITIVE_INFINITY
  let last = Number.NEGATIVE_INFINITY
  for (const at of sent) {
    if (at === undefined) continue
    if (at < first) first = at
    if (at > last) last = at
  }
  return last >= first ? last - first : undefined
}

function headerFloat(headers: Record<string, string>, name: string): number | undefined {
  const text = headers[name]
  if (text === undefined) return undefined
  try {
    return castPyFloat(text, name)
  } catch {
    return undefined
  }
}

/**
 * A validator's client: signs synapses (or Epistula requests) and fans them out to axons
 * over a keep-alive pool, each target with its own deadline and its own result.
 */
export class Dendrite {
  readonly uuid: string
  readonly hotkey: string
  readonly externalIp: string | undefined
  readonly #signer: Signer
  readonly #agent: Agent
  readonly #maxResponseBytes: number
  readonly #version: number | undefined
  readonly #lanes: Lanes
  /** Epistula requests in flight per axon, at most its connections; see OriginSlots. */
  readonly #epistulaSlots: OriginSlots
  /** Sockets still connecting: close() ends them, which undici's destroy() does not. */
  readonly #connecting = new Set<Socket>()
  /** Aborted by close(): every request in flight ends with it. */
  readonly #lifetime = new AbortController()
  #closed = false

  constructor(options: DendriteOptions) {
    if (options === null || typeof options !== 'object') {
      throw invalidInput('options', '{ keypair, ... }')
    }
    const signer = checkedSigner(options.keypair)
    const connections = checkCount(options.connections, 'connections', 8, 65_536)
    const keepAliveTimeout = checkCount(
      options.keepAliveTimeoutMs,
      'keepAliveTimeoutMs',
      30_000,
      MAX_TIMER_MS,
    )
    const connectTimeout = checkCount(
      options.connectTimeoutMs,
      'connectTimeoutMs',
      15_000,
      MAX_TIMER_MS,
    )
    this.#maxResponseBytes = checkCount(
      options.maxResponseBytes,
      'maxResponseBytes',
      16 * 1024 * 1024,
      Number.MAX_SAFE_INTEGER,
    )
    const { uuid, version, externalIp } = options
    if (
      uuid !== undefined &&
      (typeof uuid !== 'string' || !HEADER_TOKEN.test(uuid) || uuid.length > MAX_UUID_LENGTH)
    ) {
      throw invalidInput(
        'uuid',
        `a string of 1 to ${MAX_UUID_LENGTH} visible ASCII characters (a uuid)`,
      )
    }
    if (version !== undefined && (!Number.isSafeInteger(version) || version < 0)) {
      throw invalidInput('version', 'a whole number, at least 0 (e.g. 10002000 for 10.2.0)')
    }
    if (externalIp !== undefined && (typeof externalIp !== 'string' || isIP(externalIp) === 0)) {
      throw invalidInput('externalIp', 'an IPv4 or IPv6 address')
    }
    this.#signer = signer
    this.hotkey = signer.address
    this.uuid = uuid ?? randomUUID()
    this.#lanes = new Lanes(this.uuid)
    this.#epistulaSlots = new OriginSlots(connections)
    this.externalIp = externalIp
    this.#version = version
    // One listener per call in flight.
    setMaxListeners(0, this.#lifetime.signal)
    this.#agent = new Agent({
      connections,
      // One request at a time per connection: a slow miner cannot stall others behind it.
      pipelining: 1,
      keepAliveTimeout: keepAliveTimeout,
      connect: this.#connector(connectTimeout),
    })
  }

  /**
   * undici's connector, keeping track of the sockets it is still connecting, which undici's
   * destroy() leaves to run out `connectTimeoutMs`: close() ends them, so that a closed
   * dendrite does not keep the process alive for a miner that drops SYNs.
   */
  #connector(timeout: number): buildConnector.connector {
    const connect = buildConnector({ timeout })
    return (options, callback) => {
      // It returns the socket, though its types say void.
      const socket: unknown = (connect as (...args: Parameters<typeof connect>) => unknown)(
        options,
        callback,
      )
      if (!(socket instanceof Socket)) return
      this.#connecting.add(socket)
      const settled = () => this.#connecting.delete(socket)
      socket.once('connect', settled)
      socket.once('close', settled)
    }
  }

  get closed(): boolean {
    return this.#closed
  }

  /**
   * Where to connect for a target: `http://ip:port`, or loopback when the target is this
   * machine's own external IP (the SDK's `0.0.0.0` rule).
   */
  originOf(axon: AxonTarget): string {
    const ip = this.externalIp !== undefined && axon.ip === this.externalIp ? '127.0.0.1' : axon.ip
    const host = ip.includes(':') && !ip.startsWith('[') ? `[${ip}]` : ip
    return `http://${host}:${axon.port}`
  }

  #assertOpen(): void {
    if (this.#closed) throw new DendriteError(DendriteErrorCode.Closed, 'the dendrite is closed')
  }

  /**
   * One signal for a call's requests: aborted by the caller's `signal` or by close(). One
   * listener on each source per call, however many targets.
   */
  #callSignal(signal: AbortSignal | undefined): { signal: AbortSignal; dispose: () => void } {
    const controller = new AbortController()
    setMaxListeners(0, controller.signal)
    const sources = [this.#lifetime.signal, ...(signal === undefined ? [] : [signal])]
    const onAbort = (event: Event) => controller.abort((event.target as AbortSignal).reason)
    for (const source of sources) {
      if (source.aborted) controller.abort(source.reason)
      else source.addEventListener('abort', onAbort, { once: true })
    }
    const dispose = () => {
      for (const source of sources) source.removeEventListener('abort', onAbort)
    }
    return { signal: controller.signal, dispose }
  }

  /**
   * Builds `synapse`'s request once, unsigned, so that a synapse that cannot be sent is the
   * caller's error, not a failure reported for every target.
   */
  #checkSynapse<F extends FieldMap>(type: SynapseType<F>, synapse: SynapseData<F>): void {
    if (
      type === null ||
      typeof type !== 'object' ||
      typeof type.name !== 'string' ||
      typeof type.toJson !== 'function'
    ) {
      throw invalidInput('type', 'a synapse type, such as Dummy or one from defineSynapse')
    }
    try {
      // parse() checks each field against its type, naming the field; the request then
      // checks what a synapse must be to be sent.
      type.parse(synapse)
      prepareSynapseRequest(type, synapse, {
        signer: PROBE_SIGNER,
        axon: PROBE_AXON,
        uuid: 'probe',
      })
    } catch (error) {
      const message = messageOf(error)
      throw new DendriteError(
        DendriteErrorCode.InvalidInput,
        `synapse: cannot be sent as a ${type.name}: ${message}`,
        { field: 'synapse', cause: error },
      )
    }
  }

  #prepare<F extends FieldMap>(
    type: SynapseType<F>,
    synapse: SynapseData<F>,
    axon: AxonTarget,
    timeoutMs: number,
    uuid: string,
  ): PreparedRequest<F> {
    return prepareSynapseRequest(type, synapse, {
      signer: this.#signer,
      axon: { ip: axon.ip, port: axon.port, hotkey: axon.hotkey },
      uuid,
      timeout: timeoutMs / 1000,
      ...(this.externalIp === undefined ? {} : { externalIp: this.externalIp }),
      ...(this.#version === undefined ? {} : { version: this.#version }),
    })
  }

  /**
   * Sends `synapse` to every axon at once, signed per the legacy protocol with a fresh
   * nonce each, and resolves when every target has answered or hit its deadline. Never
   * rejects for a target's failure: each result carries the SDK's status for it.
   */
  async query<F extends FieldMap, T = SynapseData<F>>(
    axons: readonly AxonTarget[],
    type: SynapseType<F>,
    synapse: SynapseData<F>,
    options: QueryOptions<F, T> = {},
  ): Promise<BatchResult<SynapseResult<F, T>>> {
    this.#assertOpen()
    if (!Array.isArray(axons)) throw invalidInput('axons', 'an array of { ip, port, hotkey }')
    const timeoutMs = checkCallOptions(options)
    this.#checkSynapse(type, synapse)
    const startedAt = Date.now()
    const start = performance.now()
    // Holes in a sparse array are bad entries too, not skipped ones.
    const targets = Array.from(axons)
    // Sign everything first, then dispatch in one tight loop: the delivery spread is then
    // the time to hand requests to sockets, not to sign them.
    const prepared = targets.map((axon) => {
      let lane: ReturnType<Lanes['take']> | undefined
      try {
        const origin = this.#originOfTarget(axon)
        lane = this.#lanes.take(origin)
        const request = this.#prepare(type, synapse, axon, timeoutMs, lane.uuid)
        return { ok: true as const, origin, request, release: lane.release }
      } catch (error) {
        lane?.release()
        return { ok: false as const, error }
      }
    })
    const signerError = signerErrorOf(prepared)
    if (signerError !== undefined) {
      for (const entry of prepared) if (entry.ok) entry.release()
      throw signerError
    }
    const call = this.#callSignal(options.signal)
    const sentAt: (number | undefined)[] = []
    // Each answer is merged (and deserialized) as it comes, while the others are awaited.
    const pending = prepared.map(async (entry, i): Promise<SynapseResult<F, T>> => {
      const axon = targets[i]!
      if (!entry.ok) {
        return { ...clientFailure(axon, entry.error), synapse: undefined }
      }
      const exchange = await post(this.#agent, {
        origin: entry.origin,
        path: entry.request.path,
        headers: { ...entry.request.headers, 'content-type': 'application/json' },
        body: entry.request.body,
        timeoutMs,
        maxResponseBytes: this.#maxResponseBytes,
        signal: call.signal,
        endOnEventStream: true,
      }).finally(entry.release)
      sentAt[i] = exchange.sentAt
      const result = this.#synapseResult<F, T>(type, axon, entry.request, exchange, timeoutMs)
      if (result.status === 200 && options.deserialize !== undefined) {
        const context = contextOf(axon, type.name, timeoutMs)
        const limits = { remainingMs: timeoutMs - (performance.now() - start), signal: call.signal }
        await deserializeInto(result, options.deserialize, result.synapse, context, limits)
      }
      return result
    })
    return batchOf(pending, call, { startedAt, start, sentAt })
  }

  #synapseResult<F extends FieldMap, T>(
    type: SynapseType<F>,
    axon: AxonTarget,
    request: PreparedRequest<F>,
    exchange: Exchange,
    timeoutMs: number,
  ): SynapseResult<F, T> {
    const { outcome, latencyMs } = exchange
    let synapse: SynapseData<F>
    let failure: unknown
    let processTime: number | undefined
    if (outcome.ok) {
      processTime = headerFloat(outcome.response.headers, 'bt_header_axon_process_time')
      try {
        synapse = mergeSynapseResponse(type, request.synapse, outcome.response)
      } catch (error) {
        synapse = structuredClone(request.synapse)
        failure = isEventStream(outcome.response.headers)
          ? new Error('the axon streamed its answer (text/event-stream): read it with stream()')
          : error
      }
    } else {
      synapse = structuredClone(request.synapse)
      failure = outcome.error
    }
    const dendrite = synapse.dendrite!
    if (failure !== undefined) {
      const mapped = mapFailure(
        classifyError(failure),
        failure,
        contextOf(axon, type.name, timeoutMs),
      )
      dendrite.status_code = mapped.status
      dendrite.status_message = mapped.message
    }
    // A server that is not an SDK axon may send no bt_header_axon_status_code; the SDK would
    // then report None (not a success), the HTTP status says more.
    if (dendrite.status_code === null && outcome.ok) {
      dendrite.status_code = outcome.response.status
      dendrite.status_message ??= STATUS_CODES[outcome.response.status] ?? null
    }
    // As the SDK: only an answer that was read and merged has a process time; a failed
    // query leaves it null, which validators score as the slowest.
    if (outcome.ok && failure === undefined && sdkReadsAnswer(outcome.response)) {
      dendrite.process_time = latencyMs / 1000
    }
    const status = dendrite.status_code ?? 500
    return {
      axon,
      status,
      statusMessage: dendrite.status_message ?? STATUS_CODES[status] ?? '',
      latencyMs,
      processTime: processTime ?? synapse.axon?.process_time ?? undefined,
      synapse,
    }
  }

  /**
   * Epistula v2: POSTs `body` to `path` on every axon at once, each request signed for its
   * axon's hotkey. Never rejects for a target's failure.
   */
  async queryEpistula<T = unknown>(
    axons: readonly AxonTarget[],
    path: string,
    body: string | Uint8Array,
    options: EpistulaQueryOptions<T> = {},
  ): Promise<BatchResult<EpistulaResult<T>>> {
    this.#assertOpen()
    if (!Array.isArray(axons)) throw invalidInput('axons', 'an array of { ip, port, hotkey }')
    if (typeof path !== 'string' || !REQUEST_PATH.test(path)) {
      throw invalidInput(
        'path',
        'a path starting with /, in visible ASCII (percent-encode the rest)',
      )
    }
    if (typeof body !== 'string' && !(body instanceof Uint8Array)) {
      throw invalidInput('body', 'a string or Uint8Array')
    }
    const timeoutMs = checkCallOptions(options)
    const contentType = options.contentType ?? 'application/json'
    if (typeof contentType !== 'string' || !/^[\t !-~]+$/.test(contentType)) {
      throw invalidInput('contentType', 'a media type such as application/json')
    }
    const startedAt = Date.now()
    const start = performance.now()
    const targets = Array.from(axons)
    const prepared = targets.map((axon) => {
      try {
        const origin = this.#originOfTarget(axon)
        const sign = () => ({
          ...epistulaHeaders({ signer: this.#signer, body, signedFor: axon.hotkey }),
          'content-type': contentType,
        })
        return { ok: true as const, origin, headers: sign(), sign }
      } catch (error) {
        return { ok: false as const, error }
      }
    })
    const signerError = signerErrorOf(prepared)
    if (signerError !== undefined) throw signerError
    const call = this.#callSignal(options.signal)
    const sentAt: (number | undefined)[] = []
    const pending = prepared.map(async (entry, i): Promise<EpistulaResult<T>> => {
      const axon = targets[i]!
      if (!entry.ok) return { ...clientFailure(axon, entry.error), headers: {}, body: undefined }
      const context = contextOf(axon, path.slice(1), timeoutMs)
      const failed = (error: unknown, latencyMs: number): EpistulaResult<T> => {
        const mapped = mapFailure(classifyError(error), error, context)
        return {
          axon,
          latencyMs,
          processTime: undefined,
          status: mapped.status,
          statusMessage: mapped.message,
          headers: {},
          body: undefined,
        }
      }
      // Waits here, not in undici's queue, when the axon's connections are all busy.
      const slot = await this.#epistulaSlots.take(entry.origin, { signal: call.signal, timeoutMs })
      if (!('release' in slot)) return failed(slot, performance.now() - start)
      let exchange: Exchange
      try {
        let headers = entry.headers
        if (slot.waited) {
          // Signed when its turn came, so that the axon does not find it stale.
          try {
            headers = entry.sign()
          } catch (error) {
            const latencyMs = performance.now() - start
            return { ...clientFailure(axon, error, latencyMs), headers: {}, body: undefined }
          }
        }
        exchange = await post(this.#agent, {
          origin: entry.origin,
          path,
          headers,
          body,
          timeoutMs: timeoutMs - slot.waitedMs,
          maxResponseBytes: this.#maxResponseBytes,
          signal: call.signal,
        })
      } finally {
        slot.release()
      }
      sentAt[i] = exchange.sentAt
      const latencyMs = slot.waitedMs + exchange.latencyMs
      const base = { axon, latencyMs, processTime: undefined }
      if (!exchange.outcome.ok) return failed(exchange.outcome.error, latencyMs)
      const { response } = exchange.outcome
      const result: EpistulaResult<T> = {
        ...base,
        status: response.status,
        statusMessage: STATUS_CODES[response.status] ?? '',
        headers: response.headers,
        body: response.body,
      }
      if (response.status >= 200 && response.status < 300 && options.deserialize !== undefined) {
        const limits = { remainingMs: timeoutMs - (performance.now() - start), signal: call.signal }
        await deserializeInto(result, options.deserialize, response.body, context, limits)
      }
      return result
    })
    return batchOf(pending, call, { startedAt, start, sentAt })
  }

  /**
   * One streaming call (the SDK's `call_stream`): the signed synapse is POSTed to the axon
   * and the response body comes back as chunks, as they arrive.
   */
  async stream<F extends FieldMap>(
    axon: AxonTarget,
    type: SynapseType<F>,
    synapse: SynapseData<F>,
    options: StreamOptions = {},
  ): Promise<SynapseStream<F>> {
    this.#assertOpen()
    if (!isTarget(axon)) throw invalidInput('axon', TARGET)
    const timeoutMs = checkCallOptions(options)
    this.#checkSynapse(type, synapse)
    const origin = this.#originOfTarget(axon)
    const lane = this.#lanes.take(origin)
    let request: PreparedRequest<F>
    try {
      request = this.#prepare(type, synapse, axon, timeoutMs, lane.uuid)
    } catch (error) {
      lane.release()
      throw error
    }
    const call = this.#callSignal(options.signal)
    return openStream(this.#agent, {
      origin,
      axon,
      type,
      request,
      timeoutMs,
      maxResponseBytes: this.#maxResponseBytes,
      signal: call.signal,
      onSettled: () => {
        call.dispose()
        lane.release()
      },
    })
  }

  /** `originOf` a target entry, refused (for that target) unless it makes a valid URL. */
  #originOfTarget(axon: unknown): string {
    if (!isTarget(axon)) throw invalidInput('axon', TARGET)
    const origin = this.originOf(axon)
    if (!URL.canParse(origin)) throw invalidInput('axon', `an IP and port, got ${origin}`)
    // One spelling per address (::1 and 0:0:0:0:0:0:0:1 are one axon): the lanes and the
    // connection pool are keyed by it.
    return new URL(origin).origin
  }

  /**
   * Closes every connection; requests and streams in flight end as cancelled. Idempotent.
   */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    // undici's Agent can lose track of a request dispatched just after a timed-out one on
    // the same origin, and destroy() would then leave it running: abort them all first.
    this.#lifetime.abort(new Error('the dendrite was closed'))
    for (const socket of this.#connecting) socket.destroy()
    // destroy, not close: a request stuck connecting to a dead miner would hold close().
    await this.#agent.destroy()
  }
}
