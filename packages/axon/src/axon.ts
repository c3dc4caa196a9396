import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import type { Keypair } from '@taokit/keys'
import {
  beginEpistulaVerification,
  beginRequestVerification,
  canonicalHotkey,
  checkSynapseBody,
  EPISTULA_ALLOWED_DELTA_MS,
  type EpistulaVerifyOptions,
  errorResponse,
  type FieldMap,
  finishEpistulaVerification,
  finishRequestVerification,
  MemoryNonceStore,
  type NonceStore,
  parseSynapseRequest,
  Synapse,
  type SynapseData,
  type SynapseResponse,
  type SynapseType,
  streamingResponseHeaders,
  synapseResponse,
  timeNs,
} from '@taokit/synapse'
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type HookHandlerDoneFunction,
} from 'fastify'
import {
  type BlacklistFn,
  type CallerContext,
  type MetagraphProvider,
  metagraphBlacklist,
  type PriorityFn,
  stakePriority,
} from './blacklist.js'
import { AxonError, AxonErrorCode } from './errors.js'
import { hostKey } from './host-key.js'
import { AxonMetrics } from './metrics.js'
import { checkAxonOptions, checkEpistulaRouteOptions, checkSynapseHandlers } from './options.js'
import { PriorityGate } from './priority.js'
import { type RateLimit, TokenBuckets } from './rate-limit.js'
import { type AxonRejectionReason, rejectionMessage, rejectionStatus } from './rejections.js'
import { ReplayGuard } from './replay-guard.js'
import { Deadline, SynapseForwardContext, VerifiedEpistulaRequest } from './request-context.js'
import { SignatureBatcher } from './signature-batch.js'
import {
  areSendableHeaders,
  discardChunks,
  isSendableHead,
  isStreamBody,
  type StreamChunks,
  SynapseStreamReply,
  sendStream,
} from './stream-reply.js'

export interface AxonOptions {
  /** The miner's hotkey: dendrites sign for its address. */
  keypair: Pick<Keypair, 'address'>
  /** Default 8091; 0 picks a free port (see `start()`). */
  port?: number
  /** Default '0.0.0.0', as the SDK binds. */
  host?: string
  /** The address to advertise on chain (informational here). */
  externalIp?: string
  externalPort?: number
  /** Request bodies above this are refused with 413 (default 1 MiB). */
  maxBodyBytes?: number
  /** The whole request (headers and body) must arrive within this (default 30 s). */
  requestTimeoutMs?: number
  /** The headers must arrive within this (default 10 s): the slowloris bound. */
  headersTimeoutMs?: number
  /** An idle connection is closed after this (default 60 s). */
  idleTimeoutMs?: number
  /**
   * Open connections from one IP (an IPv6 /64) at once (default 256; `false` for no limit). A new
   * connection past it is closed at once, so that one host cannot hold every socket (or,
   * with bodies in flight, much memory). Behind a reverse proxy every caller shares the
   * proxy's IP: raise it or turn it off there.
   */
  maxConnectionsPerIp?: number | false
  /** The synapse's `timeout` header is honoured up to this many seconds (default 60). */
  maxTimeoutS?: number
  /** Forwards running at once (default 8). */
  concurrency?: number
  /** Requests waiting for a forward slot; beyond it the lowest priority gets 503 (default 64). */
  maxQueue?: number
  /**
   * Token buckets per caller IP (an IPv6 caller by its /64) and per (verified) hotkey;
   * `false` turns one off.
   */
  rateLimit?: { perIp?: RateLimit | false; perHotkey?: RateLimit | false }
  /**
   * The default blacklist (registered validators only) and priority (stake). Without it
   * there is no default blacklist, and every caller has priority 0; signatures are checked
   * either way.
   */
  metagraph?: MetagraphProvider
  /** Where the last nonce per (hotkey, uuid) is kept (default: in memory). */
  nonces?: NonceStore
  /**
   * `'strict'` (the default) applies the nonce window (4 s plus the synapse's timeout, up to
   * `maxTimeoutS`) to the first nonce of every (hotkey, uuid), so a captured request cannot
   * be sent again once the axon has forgotten its pair. `'sdk'` keeps the SDK's rule, which
   * skips the window when the (unsigned) version header is missing or older than 7.2.0 and
   * trusts any (unsigned) timeout.
   */
  nonceWindow?: 'strict' | 'sdk'
  /**
   * How many (hotkey, uuid) nonce pairs and fresh Epistula requests are remembered (default
   * 100,000 each): the bound on what callers can make the axon keep.
   */
  maxRememberedCallers?: number
  /** The clock for nonces, in nanoseconds (for tests). */
  nowNs?: () => bigint
  /** The clock for Epistula timestamps, in milliseconds (for tests). */
  nowMs?: () => number
  /** Serve Prometheus metrics at GET /metrics (default true). */
  metrics?: boolean
  /**
   * Told of every request once it is answered (or its caller left): for a request log.
   * It runs on the request path, so it should be quick; what it throws is ignored.
   */
  onRequestEnd?: (record: AxonRequestRecord) => void
}

/** One answered request, as `onRequestEnd` is told of it. */
export interface AxonRequestRecord {
  method: string
  /** The path, without the query. */
  path: string
  status: number
  /** Why the axon refused it; undefined when the route answered. */
  reason: AxonRejectionReason | undefined
  /**
   * The verified caller, else the hotkey the request claims (`bt_header_dendrite_hotkey`
   * or `Epistula-Signed-By`, cut to 64 characters), else undefined.
   */
  hotkey: string | undefined
  verified: boolean
  ip: string
  seconds: number
}

const CLAIMED_HOTKEY_CHARS = 64

function claimedHotkey(headers: IncomingHttpHeaders): string | undefined {
  const claimed = headers.bt_header_dendrite_hotkey ?? headers['epistula-signed-by']
  return typeof claimed === 'string' && claimed !== ''
    ? claimed.slice(0, CLAIMED_HOTKEY_CHARS)
    : undefined
}

/** A forward's answer: the synapse with its outputs filled in, or a stream. */
export type SynapseForwardResult<F extends FieldMap> =
  | SynapseData<F>
  | SynapseStreamReply<SynapseData<F>>

/** What a forward handler gets beside the synapse. */
export interface ForwardContext extends CallerContext {
  hotkey: string
  /**
   * Aborted when the request's deadline passes (the caller has had its 408) or, while a
   * stream is sent, when the stream is cut or the caller leaves.
   */
  signal: AbortSignal
  /** The synapse as the headers described it (what verification saw). */
  headerSynapse: SynapseData
}

export interface SynapseHandlers<F extends FieldMap> {
  /**
   * Fills in the synapse's outputs. Set `axon.status_code` to answer with another status, or
   * return `streamReply(synapse, chunks)` to stream the answer.
   */
  forward: (
    synapse: SynapseData<F>,
    context: ForwardContext,
  ) => SynapseForwardResult<F> | Promise<SynapseForwardResult<F>>
  /** Replaces the default (metagraph) blacklist for this synapse. */
  blacklist?: BlacklistFn
  /** Replaces the default (stake) priority for this synapse. */
  priority?: PriorityFn
  /**
   * An extra check after the signature and nonce have verified (they cannot be turned
   * off); `false` refuses with 401.
   */
  verify?: (
    synapse: SynapseData<F>,
    context: CallerContext & { hotkey: string },
  ) => boolean | Promise<boolean>
}

export interface EpistulaRequest extends CallerContext {
  body: Buffer
  headers: IncomingHttpHeaders
  /** The signer, as a Bittensor (prefix 42) address whatever prefix it was sent with. */
  signedBy: string
  /** The receiver the signature covers (the route's `ownHotkey`), not the header's claim. */
  signedFor: string | null
  uuid: string
  timestampMs: bigint
  signal: AbortSignal
}

export interface EpistulaReply {
  /** Default 200. */
  status?: number
  headers?: Record<string, string>
  /**
   * A string or bytes are sent as they are; an async iterable or a generator of strings or
   * bytes is streamed, as `text/event-stream` unless `headers` name another type; anything
   * else (an array too) is sent as JSON.
   */
  body?: unknown
}

export interface EpistulaRouteOptions {
  handler: (request: EpistulaRequest) => EpistulaReply | Promise<EpistulaReply>
  /** Default 'POST'. */
  method?: 'POST' | 'PUT' | 'GET'
  /**
   * The hotkey requests must be signed for (default: the axon's). `null` accepts only
   * unaddressed requests.
   */
  ownHotkey?: string | null
  /** How old a timestamp may be (default 8 s, as the reference verifiers allow). */
  allowedDeltaMs?: number
  /**
   * How far ahead of this clock a timestamp may be (default 60 s). The replay memory keeps a
   * request until its timestamp goes stale, so this also bounds how long it must be kept.
   */
  maxFutureMs?: number
  /** The handler's deadline (default 12 s), queue wait included. */
  timeoutMs?: number
  blacklist?: BlacklistFn
  priority?: PriorityFn
}

interface SynapseRoute {
  kind: 'synapse'
  type: SynapseType
  handlers: SynapseHandlers<FieldMap>
  /** The default `/Synapse` ping, which an attach of the user's own replaces. */
  builtIn?: true
}

interface EpistulaRoute {
  kind: 'epistula'
  path: string
  options: EpistulaRouteOptions
}

interface RequestState {
  route: string
  /** performance.now() at arrival. */
  start: number
  reason?: AxonRejectionReason
  hotkey?: string
  headerSynapse?: SynapseData
  /** Counted by the stream's own end, not by fastify's onResponse. */
  streamed?: boolean
  /** Counted already: each request is counted once, however it ended. */
  observed?: boolean
  /** The forward's deadline, once it has one: its signal also aborts if the caller leaves. */
  deadline?: Deadline
}

const DEFAULT_TIMEOUT_S = 12
const DEFAULT_MAX_BODY_BYTES = 1024 * 1024

/** A route's `config`: its label in the metrics and the request log. */
interface RouteLabel {
  label?: string
}
const DEFAULT_EPISTULA_MAX_FUTURE_MS = 60_000
// A dendrite keeps 8 connections per axon by default, the SDK's aiohttp up to 100 in all.
const DEFAULT_MAX_CONNECTIONS_PER_IP = 256

/** Closes each new connection from an IP that already holds `max` open ones. */
function limitConnectionsPerIp(server: Server, max: number, onRefused: () => void): void {
  const open = new Map<string, number>()
  server.on('connection', (socket: Socket) => {
    const ip = hostKey(socket.remoteAddress ?? '')
    const count = (open.get(ip) ?? 0) + 1
    if (count > max) {
      onRefused()
      socket.destroy()
      return
    }
    open.set(ip, count)
    socket.once('close', () => {
      const left = open.get(ip)! - 1
      if (left === 0) open.delete(ip)
      else open.set(ip, left)
    })
  })
}

/** The SDK and Epistula send 36-character uuids; the nonce and replay memories key by them. */
const MAX_UUID_LENGTH = 128
/**
 * Where a request's state lives: a property declared up front with decorateRequest, so
 * every request object keeps one shape (a WeakMap entry per request costs more GC work).
 */
const STATE = Symbol('taokit axon request state')
const stateOf = (request: FastifyRequest) => request as unknown as { [STATE]: RequestState | null }
const TIMED_OUT = Symbol('timed out')
/** The status metrics give a request whose caller left before anything was sent (nginx's). */
const CLIENT_CLOSED_REQUEST = 499

/** `headers` with a `content-type` of `type` unless they name one (in any case). */
function withDefaultType(headers: Record<string, string> | undefined, type: string) {
  const named = Object.keys(headers ?? {}).some((name) => name.toLowerCase() === 'content-type')
  return named ? { ...headers } : { 'content-type': type, ...headers }
}

/** A path of one segment names a synapse the SDK would look for. */
function unroutedReason(url: string): AxonRejectionReason {
  const path = url.split('?')[0] ?? ''
  return path.split('/').length === 2 ? 'unknown_synapse' : 'not_found'
}

/** A priority hook's rank for a caller (0 without one); undefined when the hook throws. */
function rankOf(
  priority: PriorityFn | undefined,
  hotkey: string,
  caller: CallerContext,
): number | undefined {
  if (priority === undefined) return 0
  try {
    return priority(hotkey, caller)
  } catch {
    return undefined
  }
}

function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  )
}

export class Axon {
  readonly hotkey: string
  readonly metrics = new AxonMetrics()
  /** Every request's signature goes through it; its `stats` show how well batches form. */
  readonly signatures = new SignatureBatcher()
  readonly nonces: NonceStore
  readonly #options: AxonOptions
  readonly #synapses = new Map<string, SynapseRoute>()
  readonly #epistula = new Map<string, EpistulaRoute>()
  readonly #gate: PriorityGate
  readonly #epistulaSeen: ReplayGuard
  readonly #perIp: TokenBuckets | undefined
  readonly #perHotkey: TokenBuckets | undefined
  readonly #nowNs: () => bigint
  readonly #nowMs: () => number
  #app: FastifyInstance | undefined
  #port: number | undefined

  constructor(options: AxonOptions) {
    if (typeof options?.keypair?.address !== 'string') {
      throw new AxonError(AxonErrorCode.InvalidInput, 'keypair must be a Keypair', {
        field: 'keypair',
      })
    }
    checkAxonOptions(options)
    this.#options = options
    this.hotkey = options.keypair.address
    const capacity = options.maxRememberedCallers ?? 100_000
    this.nonces = options.nonces ?? new MemoryNonceStore({ capacity })
    this.#epistulaSeen = new ReplayGuard(capacity)
    this.#nowNs = options.nowNs ?? timeNs
    this.#nowMs = options.nowMs ?? Date.now
    this.#gate = new PriorityGate(options.concurrency ?? 8, options.maxQueue ?? 64)
    const limits = options.rateLimit ?? {}
    const perIp = limits.perIp ?? { burst: 400, perSecond: 200 }
    const perHotkey = limits.perHotkey ?? { burst: 100, perSecond: 50 }
    this.#perIp = perIp === false ? undefined : new TokenBuckets(perIp)
    this.#perHotkey = perHotkey === false ? undefined : new TokenBuckets(perHotkey)
    // The SDK's axon answers a bare Synapse at /Synapse with the request itself, and
    // validators ping miners that way: a miner that answered 404 would look offline.
    this.#synapses.set(Synapse.name, {
      kind: 'synapse',
      type: Synapse as unknown as SynapseType,
      handlers: { forward: (synapse) => synapse },
      builtIn: true,
    })
  }

  /**
   * Serves `type` at `/<name>` (GET and POST, as the SDK registers it). Every axon already
   * answers the base `Synapse` at `/Synapse` (a ping, as the SDK's does); attaching
   * `Synapse` replaces that.
   */
  attach<F extends FieldMap>(type: SynapseType<F>, handlers: SynapseHandlers<F>): this {
    this.#assertStopped()
    checkSynapseHandlers(handlers as unknown as SynapseHandlers<never>)
    if (this.#synapses.get(type.name)?.builtIn !== true && this.#synapses.has(type.name)) {
      throw new AxonError(AxonErrorCode.RouteConflict, `synapse ${type.name} is already attached`)
    }
    this.#synapses.set(type.name, {
      kind: 'synapse',
      type: type as unknown as SynapseType,
      handlers: handlers as unknown as SynapseHandlers<FieldMap>,
    })
    return this
  }

  /** Serves an Epistula v2 signed route at `path` (e.g. '/score'). */
  attachEpistula(path: string, options: EpistulaRouteOptions): this {
    this.#assertStopped()
    if (!path.startsWith('/') || this.#epistula.has(path) || path === '/metrics') {
      throw new AxonError(AxonErrorCode.RouteConflict, 'the path must be new and start with /', {
        field: 'path',
      })
    }
    checkEpistulaRouteOptions(options)
    this.#epistula.set(path, { kind: 'epistula', path, options })
    return this
  }

  /** The bound port, once started. */
  get port(): number | undefined {
    return this.#port
  }

  /** Requests waiting in the priority queue for a forward slot. */
  get waiting(): number {
    return this.#gate.waiting
  }

  /** Starts listening; resolves with the bound port. */
  async start(): Promise<number> {
    this.#assertStopped()
    const app = this.#build()
    this.#app = app
    try {
      await app.listen({ port: this.#options.port ?? 8091, host: this.#options.host ?? '0.0.0.0' })
    } catch (error) {
      this.#app = undefined
      await app.close()
      throw error
    }
    this.#port = (app.server.address() as AddressInfo).port
    return this.#port
  }

  /** Closes the server and every connection; queued requests are refused. */
  async stop(): Promise<void> {
    const app = this.#app
    if (app === undefined) return
    this.#app = undefined
    this.#port = undefined
    this.#gate.drain()
    await app.close()
  }

  #assertStopped(): void {
    if (this.#app !== undefined) {
      throw new AxonError(AxonErrorCode.InvalidState, 'the axon is running: attach before start()')
    }
  }

  #build(): FastifyInstance {
    const o = this.#options
    const requestTimeout = o.requestTimeoutMs ?? 30_000
    const headersTimeout = Math.min(o.headersTimeoutMs ?? 10_000, requestTimeout)
    const app = Fastify({
      logger: false,
      // A HEAD of a synapse route would pass the checks, spend its nonce and answer nothing.
      exposeHeadRoutes: false,
      // A URL fastify cannot decode is answered before any hook runs; without this, its
      // answer would echo the URL, and no rate limit or metric would see the request.
      frameworkErrors: (_error, request, reply) => {
        this.#state(request)
        reply.raw.once('close', () => this.#observe(request, reply.raw.statusCode))
        const reason =
          this.#perIp?.take(hostKey(request.ip)) === false ? 'rate_limited_ip' : 'bad_request'
        this.#refuseUnread(request, reply, reason)
      },
      bodyLimit: o.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
      forceCloseConnections: true,
      return503OnClosing: true,
      // Node checks the header and request deadlines on a timer (30 s by default), which
      // would let a slow client hold a socket far longer than the configured bound.
      serverFactory: (handler) => {
        const server = createServer(
          {
            requestTimeout,
            headersTimeout,
            connectionsCheckingInterval: Math.max(50, Math.min(1000, headersTimeout / 4)),
            keepAliveTimeout: Math.min(o.idleTimeoutMs ?? 60_000, 5_000),
          },
          handler,
        )
        server.setTimeout(o.idleTimeoutMs ?? 60_000)
        const perIp = o.maxConnectionsPerIp ?? DEFAULT_MAX_CONNECTIONS_PER_IP
        if (perIp !== false) {
          limitConnectionsPerIp(server, perIp, () => this.metrics.refusedConnections.inc())
        }
        return server
      },
    })

    app.decorateRequest(STATE as unknown as string, null)
    // Callback-style hooks: they never wait, and a promise per hook per request adds up.
    app.addHook('onRequest', (request, reply, done) => {
      const state: RequestState = { route: 'unknown', start: performance.now() }
      stateOf(request)[STATE] = state
      // fastify's onResponse never runs for a caller that left before the answer.
      reply.raw.once('close', () => {
        const state = stateOf(request)[STATE]
        if (!reply.raw.writableFinished && state?.streamed !== true) {
          // Nobody will read the answer: a forward that honours its signal can stop.
          state?.deadline?.expire()
          this.#observe(request, CLIENT_CLOSED_REQUEST)
        }
      })
      if (this.#perIp !== undefined && !this.#perIp.take(hostKey(request.ip))) {
        // Counted on the route it was sent to; the route's own hooks, which would say, do not
        // run. (routeOptions builds an object per read: only refusals pay for it.)
        state.route = (request.routeOptions.config as RouteLabel).label ?? 'unknown'
        this.#refuseUnread(request, reply, 'rate_limited_ip')
      } else if (request.is404) {
        // Refused here, before fastify's default parsers would read and parse its body.
        this.#refuseUnread(request, reply, unroutedReason(request.url))
      }
      done()
    })
    app.addHook('onResponse', (request, reply, done) => {
      if (stateOf(request)[STATE]?.streamed !== true) this.#observe(request, reply.statusCode)
      done()
    })
    app.setNotFoundHandler(async (request, reply) =>
      this.#refuseUnread(request, reply, unroutedReason(request.url)),
    )
    app.setErrorHandler(async (error: { statusCode?: number; code?: string }, request, reply) => {
      const status = error.statusCode ?? 500
      if (status === 413) return this.#tooLarge(request, reply)
      return this.#reject(request, reply, status < 500 ? 'bad_request' : 'internal')
    })

    if (o.metrics ?? true) {
      app.get('/metrics', async (request, reply) => {
        this.#state(request).route = 'metrics'
        const text = await this.metrics.registry.metrics()
        return reply.type(this.metrics.registry.contentType).send(text)
      })
    }

    // The routes take their bodies as raw bytes: the body hash and the Epistula signature
    // are over the exact bytes sent.
    void app.register(async (scope) => {
      scope.removeAllContentTypeParsers()
      scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => {
        done(null, body)
      })
      for (const route of this.#synapses.values()) {
        // An Epistula route of the user's own at /Synapse takes the ping's place.
        if (route.builtIn && this.#epistula.has(`/${route.type.name}`)) continue
        this.#synapseRoute(scope, route)
      }
      for (const route of this.#epistula.values()) this.#epistulaRoute(scope, route)
    })
    return app
  }

  #observe(request: FastifyRequest, status: number): void {
    const state = stateOf(request)[STATE]
    if (state === null || state.observed === true) return
    state.observed = true
    const seconds = (performance.now() - state.start) / 1000
    if (state.route !== 'metrics') this.metrics.observe(state.route, status, seconds, state.reason)
    const onRequestEnd = this.#options.onRequestEnd
    if (onRequestEnd === undefined) return
    try {
      onRequestEnd({
        method: request.method,
        path: request.url.split('?')[0] ?? '',
        status,
        reason: state.reason,
        hotkey: state.hotkey ?? claimedHotkey(request.headers),
        verified: state.hotkey !== undefined,
        ip: request.ip,
        seconds,
      })
    } catch {
      // A log that fails must not fail the axon.
    }
  }

  #state(request: FastifyRequest): RequestState {
    const holder = stateOf(request)
    holder[STATE] ??= { route: 'unknown', start: performance.now() }
    return holder[STATE]
  }

  /**
   * The body of a request fastify did not parse. fastify reads none on GET, but the SDK's
   * axon (Starlette) does, and the SDK serves synapses on GET too, so a GET's body is read
   * here, under the same cap. Undefined when it is over the cap.
   */
  async #unparsedBody(request: FastifyRequest): Promise<Buffer | undefined> {
    if (request.method !== 'GET') return Buffer.alloc(0)
    const limit = this.#options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES
    if (Number(request.headers['content-length'] ?? 0) > limit) return undefined
    const chunks: Buffer[] = []
    let size = 0
    for await (const chunk of request.raw as AsyncIterable<Buffer>) {
      size += chunk.length
      if (size > limit) return undefined
      chunks.push(chunk)
    }
    return Buffer.concat(chunks, size)
  }

  /**
   * Refuses a request whose body nothing will read. A body within the cap is left to node
   * to drain, as an accepted one would be read: a client that sends its whole body before
   * reading (Python's requests) then gets the answer. A larger or unknown-length one costs
   * more than any accepted request, so the connection is closed instead.
   */
  #refuseUnread(
    request: FastifyRequest,
    reply: FastifyReply,
    reason: AxonRejectionReason,
  ): FastifyReply {
    const headers = request.headers
    const limit = this.#options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES
    if (headers['transfer-encoding'] !== undefined || Number(headers['content-length']) > limit) {
      reply.header('connection', 'close')
    }
    return this.#reject(request, reply, reason)
  }

  #tooLarge(request: FastifyRequest, reply: FastifyReply): FastifyReply {
    // Close rather than drain what the client still wants to send.
    reply.header('connection', 'close')
    return this.#reject(request, reply, 'body_too_large')
  }

  #reject(request: FastifyRequest, reply: FastifyReply, reason: AxonRejectionReason): FastifyReply {
    this.#state(request).reason = reason
    const response = errorResponse({
      status: rejectionStatus(reason),
      message: rejectionMessage(reason),
    })
    return this.#send(reply, response)
  }

  #send(reply: FastifyReply, response: SynapseResponse): FastifyReply {
    return reply
      .code(response.status)
      .headers(response.headers)
      .type('application/json')
      .send(response.body)
  }

  #blacklistOf(custom: BlacklistFn | undefined): BlacklistFn | undefined {
    if (custom !== undefined) return custom
    return this.#options.metagraph === undefined
      ? undefined
      : metagraphBlacklist(this.#options.metagraph)
  }

  #priorityOf(custom: PriorityFn | undefined): PriorityFn | undefined {
    if (custom !== undefined) return custom
    return this.#options.metagraph === undefined
      ? undefined
      : stakePriority(this.#options.metagraph)
  }

  /**
   * A caller policy hook's answer, within the request's deadline (counted from `started`).
   * A hook that throws fails closed (500, `hook_failed`, as the SDK answers a blacklist that
   * raises). One that has not answered by the deadline is a 408: a policy waiting on a slow
   * service must not hold requests, which `concurrency` does not count yet, for as long as
   * their sockets stay open.
   */
  async #consult<T>(
    hook: () => T | PromiseLike<T>,
    started: number,
    deadlineMs: number,
  ): Promise<{ ok: true; value: T } | { ok: false; reason: 'hook_failed' | 'timeout' }> {
    let timer: NodeJS.Timeout | undefined
    try {
      const answer = hook()
      if (!isThenable(answer)) return { ok: true, value: answer }
      const remaining = Math.max(0, deadlineMs - (performance.now() - started))
      // Unref'd: a hook left pending must not keep a stopped axon's process alive.
      const expired = new Promise<typeof TIMED_OUT>((resolve) => {
        timer = setTimeout(resolve, remaining, TIMED_OUT).unref()
      })
      const value = await Promise.race([answer, expired])
      return value === TIMED_OUT ? { ok: false, reason: 'timeout' } : { ok: true, value }
    } catch {
      return { ok: false, reason: 'hook_failed' }
    } finally {
      clearTimeout(timer)
    }
  }

  /**
   * Waits for a forward slot by priority, then runs `work` under the deadline. The
   * deadline counts from the request's arrival (`started`), so time spent in the caller
   * policy and queued is time the caller waited. A result
   * that is a stream (`streamOf` gives its chunks) keeps its slot until `release` is called;
   * a stream that comes after the deadline is let go unread.
   */
  async #run<T>(
    priority: number,
    started: number,
    deadlineMs: number,
    deadline: Deadline,
    work: () => T | Promise<T>,
    streamOf: (value: T) => StreamChunks | undefined = () => undefined,
  ): Promise<
    | { ok: true; value: T; remainingMs: number; release: () => void }
    | { ok: false; reason: AxonRejectionReason }
  > {
    let release = this.#gate.tryAcquire()
    if (release === undefined) {
      const waitMs = Math.max(0, deadlineMs - (performance.now() - started))
      const slot = await this.#gate.acquire(priority, waitMs, deadline.signal)
      if (!slot.ok) {
        return { ok: false, reason: slot.reason === 'timeout' ? 'timeout' : 'queue_full' }
      }
      release = slot.release
    }
    // The caller left while the request waited: nobody would read the answer.
    if (deadline.expired) {
      release()
      return { ok: false, reason: 'timeout' }
    }
    let timer: NodeJS.Timeout | undefined
    let held = false
    const done = (value: T) => {
      held = streamOf(value) !== undefined
      const remainingMs = Math.max(0, deadlineMs - (performance.now() - started))
      return { ok: true as const, value, remainingMs, release: release! }
    }
    try {
      // The queue can take the whole deadline; a forward started now could only be late.
      if (deadlineMs - (performance.now() - started) <= 0) return { ok: false, reason: 'timeout' }
      const outcomeOrPromise = work()
      // A synchronous handler has finished already: there is nothing to time out.
      if (!isThenable(outcomeOrPromise)) return done(outcomeOrPromise)
      const remaining = Math.max(0, deadlineMs - (performance.now() - started))
      const expired = new Promise<typeof TIMED_OUT>((resolve) => {
        timer = setTimeout(() => resolve(TIMED_OUT), remaining).unref()
      })
      const outcome = await Promise.race([outcomeOrPromise, expired])
      if (outcome === TIMED_OUT) {
        deadline.expire()
        // The caller is answered now, but the forward holds its slot until it settles:
        // otherwise callers with short deadlines could pile up unbounded work.
        held = true
        const slot = release!
        outcomeOrPromise.then(
          (late) => {
            const chunks = streamOf(late)
            if (chunks !== undefined) discardChunks(chunks)
            slot()
          },
          () => slot(),
        )
        return { ok: false, reason: 'timeout' }
      }
      return done(outcome as T)
    } catch {
      return { ok: false, reason: 'forward_failed' }
    } finally {
      clearTimeout(timer)
      if (!held) release()
    }
  }

  /**
   * Streams a forward's chunks, holding its forward slot until the stream is over. The
   * request's deadline covers the whole stream, and the handler's signal aborts when the
   * stream is cut or the caller leaves.
   */
  #stream(
    request: FastifyRequest,
    reply: FastifyReply,
    answer: { status: number; headers: Record<string, string>; chunks: StreamChunks },
    run: { remainingMs: number; release: () => void },
    deadline: Deadline,
  ): FastifyReply {
    if (!isSendableHead(answer.status, answer.headers)) {
      discardChunks(answer.chunks)
      run.release()
      return this.#reject(request, reply, 'forward_failed')
    }
    const state = this.#state(request)
    state.streamed = true
    return sendStream(reply, answer.chunks, {
      status: answer.status,
      headers: answer.headers,
      deadlineMs: run.remainingMs,
      stop: () => deadline.expire(),
      // The slot is held while the source works, as a late forward holds it (see #run).
      onSourceDone: run.release,
      onEnd: (outcome, began) => {
        if (outcome === 'timeout' || outcome === 'failed') {
          state.reason = outcome === 'timeout' ? 'timeout' : 'forward_failed'
        }
        this.#observe(request, began ? answer.status : CLIENT_CLOSED_REQUEST)
      },
    })
  }

  #longestEpistulaDeltaMs(): number {
    let longest = 0
    for (const { options } of this.#epistula.values()) {
      longest = Math.max(longest, options.allowedDeltaMs ?? EPISTULA_ALLOWED_DELTA_MS)
    }
    return longest
  }

  #synapseRoute(scope: FastifyInstance, route: SynapseRoute): void {
    const { type, handlers } = route
    const registry = new Map([[type.name, type]])
    const blacklist = this.#blacklistOf(handlers.blacklist)
    const priority = this.#priorityOf(handlers.priority)
    const maxTimeoutS = this.#options.maxTimeoutS ?? 60
    const nonceWindowMaxTimeoutS = this.#options.nonceWindow === 'sdk' ? undefined : maxTimeoutS
    const deadlineMsOf = (synapse: SynapseData) =>
      Math.min(Math.max(synapse.timeout ?? DEFAULT_TIMEOUT_S, 0), maxTimeoutS) * 1000

    const onRequest = async (request: FastifyRequest, reply: FastifyReply) => {
      const state = this.#state(request)
      state.route = type.name
      const parsed = parseSynapseRequest({ path: request.url, headers: request.headers }, registry)
      if (!parsed.ok) return this.#refuseUnread(request, reply, parsed.reason)
      const synapse = parsed.synapse
      // The axon keeps a nonce per (hotkey, uuid): a uuid of any length would make each cost more.
      if ((synapse.dendrite?.uuid?.length ?? 0) > MAX_UUID_LENGTH) {
        return this.#refuseUnread(request, reply, 'bad_request')
      }
      // One key has an address per SS58 prefix; policy and limits see one of them.
      const hotkey = canonicalHotkey(synapse.dendrite?.hotkey ?? '')
      const caller: CallerContext = { route: type.name, ip: request.ip }
      const deadlineMs = deadlineMsOf(synapse)
      if (blacklist !== undefined) {
        const refused = await this.#consult(
          () => blacklist(hotkey, caller),
          state.start,
          deadlineMs,
        )
        if (!refused.ok) return this.#refuseUnread(request, reply, refused.reason)
        if (refused.value) return this.#refuseUnread(request, reply, 'blacklisted')
      }
      const clock = {
        nonces: this.nonces,
        nowNs: this.#nowNs(),
        axonHotkey: this.hotkey,
        strict: true,
        nonceWindowMaxTimeoutS,
      }
      const pending = beginRequestVerification(synapse, clock)
      if (!pending.ok) return this.#refuseUnread(request, reply, pending.reason)
      const { check } = pending
      const valid =
        check === null ||
        (await this.signatures.verify(check.message, check.signature, check.publicKey))
      const verified = finishRequestVerification(pending, valid, clock)
      if (!verified.ok) return this.#refuseUnread(request, reply, verified.reason)
      state.hotkey = hotkey
      // Only verified hotkeys are counted, so nobody can spend another caller's tokens.
      if (this.#perHotkey !== undefined && !this.#perHotkey.take(hotkey)) {
        return this.#refuseUnread(request, reply, 'rate_limited_hotkey')
      }
      const verify = handlers.verify
      if (verify !== undefined) {
        const context = { ...caller, hotkey }
        const accepted = await this.#consult(
          () => verify(synapse, context),
          state.start,
          deadlineMs,
        )
        if (!accepted.ok) return this.#refuseUnread(request, reply, accepted.reason)
        if (!accepted.value) return this.#refuseUnread(request, reply, 'custom_verify')
      }
      state.headerSynapse = synapse
    }

    const handler = async (request: FastifyRequest, reply: FastifyReply) => {
      const state = this.#state(request)
      const headerSynapse = state.headerSynapse
      if (headerSynapse === undefined) return this.#reject(request, reply, 'internal')
      const hotkey = state.hotkey ?? ''
      const raw = Buffer.isBuffer(request.body) ? request.body : await this.#unparsedBody(request)
      if (raw === undefined) return this.#tooLarge(request, reply)
      const body = checkSynapseBody(type, { headers: request.headers, body: raw })
      if (!body.ok) return this.#reject(request, reply, body.reason)
      const caller: CallerContext = { route: type.name, ip: request.ip }
      const rank = rankOf(priority, hotkey, caller)
      if (rank === undefined) return this.#reject(request, reply, 'hook_failed')
      const deadline = new Deadline()
      state.deadline = deadline
      const context = new SynapseForwardContext(
        caller.route,
        caller.ip,
        hotkey,
        headerSynapse,
        deadline,
      )
      const result = await this.#run(
        rank,
        state.start,
        deadlineMsOf(headerSynapse),
        deadline,
        () => handlers.forward(body.synapse, context),
        (value) => (value instanceof SynapseStreamReply ? value.chunks : undefined),
      )
      if (!result.ok) return this.#reject(request, reply, result.reason)
      const processTime = (performance.now() - state.start) / 1000
      const answer = result.value
      if (answer instanceof SynapseStreamReply) {
        let headers: Record<string, string>
        try {
          headers = streamingResponseHeaders(type, answer.synapse, { processTime })
        } catch {
          discardChunks(answer.chunks)
          result.release()
          return this.#reject(request, reply, 'forward_failed')
        }
        return this.#stream(
          request,
          reply,
          { status: 200, headers, chunks: answer.chunks },
          result,
          deadline,
        )
      }
      let response: SynapseResponse
      try {
        response = synapseResponse(type, answer, { processTime })
      } catch {
        return this.#reject(request, reply, 'forward_failed')
      }
      return this.#send(reply, response)
    }

    const path = `/${type.name}`
    for (const method of ['GET', 'POST'] as const) {
      scope.route({ method, url: path, config: { label: type.name }, onRequest, handler })
    }
  }

  #epistulaRoute(scope: FastifyInstance, route: EpistulaRoute): void {
    const { path, options } = route
    const blacklist = this.#blacklistOf(options.blacklist)
    const priority = this.#priorityOf(options.priority)
    const ownHotkey = options.ownHotkey === undefined ? this.hotkey : options.ownHotkey
    const allowedDeltaMs = options.allowedDeltaMs ?? EPISTULA_ALLOWED_DELTA_MS
    const maxFutureMs = options.maxFutureMs ?? DEFAULT_EPISTULA_MAX_FUTURE_MS
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_S * 1000

    /** The claimed signer, or undefined once the request is refused for lacking one. */
    const signer = (request: FastifyRequest, reply: FastifyReply): string | undefined => {
      this.#state(request).route = path
      const { headers } = request
      const signedBy = headers['epistula-signed-by']
      const uuid = headers['epistula-uuid']
      // What needs no body is refused before any of it is read.
      if (
        typeof signedBy !== 'string' ||
        signedBy === '' ||
        typeof uuid !== 'string' ||
        headers['epistula-timestamp'] === undefined ||
        headers['epistula-request-signature'] === undefined
      ) {
        this.#refuseUnread(request, reply, 'epistula_missing_header')
        return undefined
      }
      if (uuid.length > MAX_UUID_LENGTH) {
        this.#refuseUnread(request, reply, 'bad_request')
        return undefined
      }
      return canonicalHotkey(signedBy)
    }
    // Without a blacklist nothing here waits, so the hook takes a callback, not a promise.
    const onRequest =
      blacklist === undefined
        ? (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
            signer(request, reply)
            done()
          }
        : async (request: FastifyRequest, reply: FastifyReply) => {
            const signedBy = signer(request, reply)
            if (signedBy === undefined) return
            const caller: CallerContext = { route: path, ip: request.ip }
            const start = this.#state(request).start
            const refused = await this.#consult(() => blacklist(signedBy, caller), start, timeoutMs)
            if (!refused.ok) return this.#refuseUnread(request, reply, refused.reason)
            if (refused.value) return this.#refuseUnread(request, reply, 'blacklisted')
          }

    const handler = async (request: FastifyRequest, reply: FastifyReply) => {
      const body = Buffer.isBuffer(request.body) ? request.body : await this.#unparsedBody(request)
      if (body === undefined) return this.#tooLarge(request, reply)
      const nowMs = this.#nowMs()
      const verifyOptions: EpistulaVerifyOptions = { ownHotkey, nowMs, allowedDeltaMs, maxFutureMs }
      const pending = beginEpistulaVerification(request.headers, body, verifyOptions)
      if (pending.valid === false) {
        return this.#reject(request, reply, `epistula_${pending.reason}`)
      }
      const { message, signature, publicKey } = pending.check
      const valid = await this.signatures.verify(message, signature, publicKey)
      const verdict = finishEpistulaVerification(pending, valid)
      if (!verdict.valid) return this.#reject(request, reply, `epistula_${verdict.reason}`)
      // Kept for the longest window of any route: the signature covers no path, so a
      // request accepted here could otherwise be replayed on a route with a longer one.
      const expiresAtMs = Number(verdict.timestampMs) + this.#longestEpistulaDeltaMs()
      if (!this.#epistulaSeen.accept(verdict.signedBy, verdict.uuid, expiresAtMs, nowMs)) {
        return this.#reject(request, reply, 'epistula_replayed')
      }
      const state = this.#state(request)
      state.hotkey = verdict.signedBy
      // A refused request stays remembered: forgetting it would let anyone who saw it send
      // it to another route (no path is signed). A retry is signed anew, with a new uuid.
      if (this.#perHotkey !== undefined && !this.#perHotkey.take(verdict.signedBy)) {
        return this.#reject(request, reply, 'rate_limited_hotkey')
      }
      const caller: CallerContext = { route: path, ip: request.ip }
      const rank = rankOf(priority, verdict.signedBy, caller)
      if (rank === undefined) return this.#reject(request, reply, 'hook_failed')
      const deadline = new Deadline()
      state.deadline = deadline
      const verified = new VerifiedEpistulaRequest(
        path,
        caller.ip,
        body,
        request.headers,
        verdict.signedBy,
        verdict.signedFor,
        verdict.uuid,
        verdict.timestampMs,
        deadline,
      )
      const result = await this.#run(
        rank,
        state.start,
        timeoutMs,
        deadline,
        () => options.handler(verified),
        (out) => (isStreamBody(out.body) ? out.body : undefined),
      )
      if (!result.ok) return this.#reject(request, reply, result.reason)
      const out = result.value
      if (isStreamBody(out.body)) {
        const headers = withDefaultType(out.headers, 'text/event-stream')
        const status = out.status ?? 200
        return this.#stream(request, reply, { status, headers, chunks: out.body }, result, deadline)
      }
      if (out.headers !== undefined && !areSendableHeaders(out.headers)) {
        return this.#reject(request, reply, 'forward_failed')
      }
      reply.code(out.status ?? 200)
      if (out.headers !== undefined) reply.headers(out.headers)
      if (typeof out.body === 'string' || out.body instanceof Uint8Array)
        return reply.send(out.body)
      return reply.type('application/json').send(JSON.stringify(out.body ?? null))
    }

    const config: RouteLabel = { label: path }
    scope.route({ method: options.method ?? 'POST', url: path, config, onRequest, handler })
  }
}
