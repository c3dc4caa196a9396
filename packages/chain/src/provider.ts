import { EventEmitter } from 'node:events'
import type {
  ProviderInterface,
  ProviderInterfaceCallback,
  ProviderInterfaceEmitCb,
  ProviderInterfaceEmitted,
} from '@polkadot/rpc-provider/types'
import WebSocket from 'ws'
import { endpointLabel } from './endpoint-label.js'
import { ChainError, ChainErrorCode } from './errors.js'

export interface ProviderOptions {
  /** Tried in order; on a drop the next one is tried, wrapping around. */
  endpoints: readonly string[]
  /** Deadline of every request, and of each attempt to open a socket. */
  timeoutMs: number
  /** Longest pause between reconnection attempts. */
  maxBackoffMs?: number
}

interface Pending {
  resolve: (value: unknown) => void
  reject: (error: Error) => void
  timer: NodeJS.Timeout | undefined
  method: string
  params: unknown[]
  subscription?: Subscription
}

interface Subscription {
  type: string
  method: string
  params: unknown[]
  callback: ProviderInterfaceCallback
  /** The id the caller holds; stays the same across re-subscriptions. */
  id: string | number
  /** The id the node gave on the current socket. */
  liveId: string | number
  /** Set by unsubscribe(): the method to end a renewal that was already on its way. */
  cancelledWith?: string
}

interface JsonRpcMessage {
  id?: number
  method?: string
  result?: unknown
  error?: { code: number; message: string; data?: unknown }
  params?: { subscription: string | number; result?: unknown; error?: unknown }
}

// Substrate notifies some subscriptions under the British spelling.
const NOTIFICATION_ALIASES: Record<string, string> = {
  chain_finalisedHead: 'chain_finalizedHead',
}

/**
 * A WebSocket JSON-RPC provider for @polkadot/api that does not hang: every request has a
 * deadline, a request that times out on a silent socket recycles the socket, drops reconnect
 * with backoff across the endpoints, subscriptions are renewed on the new socket under the ids
 * callers already hold, and `disconnect()` leaves no socket, timer or listener behind.
 */
export class ResilientProvider implements ProviderInterface {
  readonly hasSubscriptions = true
  readonly isClonable = true
  readonly #options: Required<ProviderOptions>
  readonly #events = new EventEmitter()
  readonly #pending = new Map<number, Pending>()
  /** Subscription requests to send once a socket is open. */
  #waiting: Pending[] = []
  readonly #subscriptions = new Map<string, Subscription>()
  /** `${notification type}::${live id}` to the key in #subscriptions. */
  readonly #liveIds = new Map<string, string>()
  #socket: WebSocket | null = null
  #endpointIndex = -1
  #nextId = 1
  #sent = 0
  #connected = false
  #closed = false
  #attempt = 0
  #reconnectTimer: NodeJS.Timeout | null = null
  #probeTimer: NodeJS.Timeout | null = null

  constructor(options: ProviderOptions) {
    if (options.endpoints.length === 0) {
      throw new ChainError(ChainErrorCode.InvalidInput, 'endpoints: expected at least one URL', {
        field: 'endpoints',
      })
    }
    this.#options = { maxBackoffMs: 2_000, ...options }
  }

  get isConnected(): boolean {
    return this.#connected
  }

  /** Requests written to a socket so far, across reconnections. */
  get requestsSent(): number {
    return this.#sent
  }

  get endpoint(): string {
    return this.#options.endpoints[Math.max(0, this.#endpointIndex)] ?? ''
  }

  clone(): ResilientProvider {
    return new ResilientProvider(this.#options)
  }

  async connect(): Promise<void> {
    this.#closed = false
    this.#open()
  }

  async disconnect(): Promise<void> {
    this.#closed = true
    if (this.#reconnectTimer !== null) clearTimeout(this.#reconnectTimer)
    this.#reconnectTimer = null
    this.#dropSocket(new ChainError(ChainErrorCode.Closed, 'the connection was closed'))
    this.#subscriptions.clear()
    this.#liveIds.clear()
    this.#events.removeAllListeners()
  }

  /**
   * Disconnects without settling the requests in flight: for a session that failed to
   * start, whose requests are polkadot-js's own. It logs each one rejected to the console,
   * where a CLI's single line of explanation should be all the user sees.
   */
  async abandon(): Promise<void> {
    for (const pending of this.#pending.values()) clearTimeout(pending.timer)
    this.#pending.clear()
    this.#waiting = []
    await this.disconnect()
  }

  /** Leaves the current endpoint for the next one in the list (after the usual backoff). */
  skipEndpoint(): void {
    if (this.#closed || this.#socket === null) return
    this.#dropSocket(
      new ChainError(ChainErrorCode.Unreachable, `left ${endpointLabel(this.endpoint)}`),
    )
    this.#scheduleReconnect()
  }

  on(type: ProviderInterfaceEmitted, listener: ProviderInterfaceEmitCb): () => void {
    this.#events.on(type, listener)
    return () => this.#events.off(type, listener)
  }

  send<T = unknown>(method: string, params: unknown[]): Promise<T> {
    return this.#request(method, params) as Promise<T>
  }

  async subscribe(
    type: string,
    method: string,
    params: unknown[],
    callback: ProviderInterfaceCallback,
  ): Promise<number | string> {
    const subscription: Subscription = { type, method, params, callback, id: '', liveId: '' }
    const id = (await this.#request(method, params, subscription)) as string | number
    return id
  }

  async unsubscribe(type: string, method: string, id: number | string): Promise<boolean> {
    const key = `${type}::${id}`
    const subscription = this.#subscriptions.get(key)
    if (subscription === undefined) return false
    subscription.cancelledWith = method
    this.#subscriptions.delete(key)
    this.#liveIds.delete(`${type}::${subscription.liveId}`)
    if (!this.#connected) return true
    try {
      return (await this.#request(method, [subscription.liveId])) as boolean
    } catch {
      return false
    }
  }

  #request(method: string, params: unknown[], subscription?: Subscription): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (this.#closed) {
        // polkadot-js has no error handler on its own subscriptions; a rejection there
        // would surface as an uncaught exception, so after close() they just never start.
        if (subscription === undefined) {
          reject(new ChainError(ChainErrorCode.Closed, `${method}: the connection was closed`))
        }
        return
      }
      const pending: Pending = { resolve, reject, timer: undefined, method, params }
      if (subscription !== undefined) pending.subscription = subscription
      if (this.#socket !== null && this.#connected) {
        this.#send(pending)
      } else if (subscription !== undefined) {
        this.#waiting.push(pending)
      } else {
        reject(
          new ChainError(
            ChainErrorCode.Unreachable,
            `${method}: not connected to ${endpointLabel(this.endpoint)}`,
          ),
        )
      }
    })
  }

  #send(pending: Pending): void {
    const socket = this.#socket!
    const id = this.#nextId++
    pending.timer = setTimeout(() => {
      // Silence since the request went out means the socket is dead without knowing it
      // (a half-open TCP connection); a fresh one is the only way forward.
      if (this.#socket === socket) this.#probe(socket)
      // A subscription waits for the next socket instead of failing (see #request).
      if (pending.subscription !== undefined) return
      this.#pending.delete(id)
      pending.reject(
        new ChainError(
          ChainErrorCode.Timeout,
          `${pending.method}: no answer from ${endpointLabel(this.endpoint)} within ${this.#options.timeoutMs} ms`,
        ),
      )
    }, this.#options.timeoutMs)
    this.#pending.set(id, pending)
    this.#sent += 1
    socket.send(
      JSON.stringify({ jsonrpc: '2.0', id, method: pending.method, params: pending.params }),
    )
  }

  #open(): void {
    if (this.#closed || this.#socket !== null) return
    this.#endpointIndex = (this.#endpointIndex + 1) % this.#options.endpoints.length
    let socket: WebSocket
    try {
      socket = new WebSocket(this.endpoint, {
        handshakeTimeout: this.#options.timeoutMs,
        maxPayload: 256 * 1024 * 1024,
      })
    } catch {
      // A URL the socket refuses outright: a failed attempt like any other. Thrown here, it
      // would escape from the reconnect timer and end the process.
      this.#scheduleReconnect()
      return
    }
    this.#socket = socket
    socket.on('open', () => {
      this.#connected = true
      this.#attempt = 0
      this.#events.emit('connected')
      this.#resubscribe()
    })
    socket.on('message', (data) => {
      this.#onMessage(data.toString())
    })
    // Failures show up as 'close', which reconnects; polkadot-js would treat an 'error'
    // event as fatal while starting.
    socket.on('error', () => {})
    socket.on('close', () => {
      if (this.#socket !== socket) return
      this.#dropSocket(
        new ChainError(ChainErrorCode.Unreachable, `lost ${endpointLabel(this.endpoint)}`),
      )
      this.#scheduleReconnect()
    })
  }

  /**
   * A request went unanswered: ping the node, and replace the socket if nothing at all comes
   * back, as with a half-open TCP connection, which would otherwise never close.
   */
  #probe(socket: WebSocket): void {
    if (this.#probeTimer !== null) return
    const alive = () => {
      if (this.#probeTimer !== null) clearTimeout(this.#probeTimer)
      this.#probeTimer = null
      forget()
    }
    // Whichever comes first ends the probe: the other listener must go too, or a node that
    // answers pings but no requests would gather one per timed-out request.
    const forget = () => {
      socket.off('pong', alive)
      socket.off('message', alive)
    }
    socket.once('pong', alive)
    socket.once('message', alive)
    this.#probeTimer = setTimeout(
      () => {
        this.#probeTimer = null
        forget()
        if (this.#socket === socket) socket.terminate()
      },
      Math.min(this.#options.timeoutMs, 2_000),
    )
    socket.ping()
  }

  #dropSocket(reason: ChainError): void {
    if (this.#probeTimer !== null) clearTimeout(this.#probeTimer)
    this.#probeTimer = null
    const socket = this.#socket
    this.#socket = null
    const wasConnected = this.#connected
    this.#connected = false
    if (socket !== null) {
      socket.removeAllListeners()
      socket.on('error', () => {})
      socket.terminate()
    }
    for (const [id, pending] of this.#pending) {
      clearTimeout(pending.timer)
      this.#pending.delete(id)
      if (pending.subscription === undefined) {
        pending.reject(new ChainError(reason.code, `${pending.method}: ${reason.message}`))
      } else if (
        !this.#closed &&
        pending.subscription.id === '' &&
        !pending.subscription.type.startsWith('author_')
      ) {
        // Never established, so no caller holds its id yet: send it again on the next socket.
        // Established ones are renewed from #subscriptions.
        this.#waiting.push(pending)
      }
      // A transaction watch is not renewed: the node would take it as a new submission.
      // submit() notices the drop through the 'disconnected' event instead.
    }
    if (this.#closed) this.#waiting = []
    this.#liveIds.clear()
    if (wasConnected) this.#events.emit('disconnected')
  }

  #scheduleReconnect(): void {
    if (this.#closed || this.#reconnectTimer !== null) return
    const delay = Math.min(this.#options.maxBackoffMs, 100 * 2 ** this.#attempt)
    this.#attempt += 1
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = null
      this.#open()
    }, delay)
  }

  #resubscribe(): void {
    const waiting = this.#waiting
    this.#waiting = []
    for (const pending of waiting) this.#send(pending)
    for (const [key, subscription] of this.#subscriptions) {
      if (subscription.type.startsWith('author_')) {
        this.#subscriptions.delete(key)
        continue
      }
      this.#request(subscription.method, subscription.params, subscription).catch(() => {})
    }
  }

  #onMessage(text: string): void {
    let message: JsonRpcMessage
    try {
      message = JSON.parse(text) as JsonRpcMessage
    } catch {
      return
    }
    if (message.id !== undefined) this.#onResponse(message.id, message)
    else if (message.method !== undefined && message.params !== undefined) {
      const type = NOTIFICATION_ALIASES[message.method] ?? message.method
      const key = this.#liveIds.get(`${type}::${message.params.subscription}`)
      const subscription = key === undefined ? undefined : this.#subscriptions.get(key)
      if (subscription === undefined) return
      if (message.params.error !== undefined) {
        subscription.callback(new Error(JSON.stringify(message.params.error)), undefined)
      } else {
        subscription.callback(null, message.params.result)
      }
    }
  }

  #onResponse(id: number, message: JsonRpcMessage): void {
    const pending = this.#pending.get(id)
    if (pending === undefined) return
    this.#pending.delete(id)
    clearTimeout(pending.timer)
    if (message.error !== undefined) {
      pending.reject(new RpcError(pending.method, message.error))
      return
    }
    const subscription = pending.subscription
    if (subscription?.cancelledWith !== undefined) {
      // Unsubscribed while this renewal was on its way: end it on the node too.
      this.#request(subscription.cancelledWith, [message.result]).catch(() => {})
    } else if (subscription !== undefined) {
      const liveId = message.result as string | number
      if (subscription.id === '') subscription.id = liveId
      subscription.liveId = liveId
      const key = `${subscription.type}::${subscription.id}`
      this.#subscriptions.set(key, subscription)
      this.#liveIds.set(`${subscription.type}::${liveId}`, key)
    }
    pending.resolve(message.result)
  }
}

/** The longest piece of a node's own text that goes into a message. */
const MAX_NODE_TEXT = 300

/**
 * Text the node chose, fit for a log line: control characters (a forged newline, terminal
 * escapes) shown as `?`, and cut to a few hundred characters.
 */
function nodeText(value: unknown): string {
  const text = String(value).replace(/\p{Cc}/gu, '?')
  return text.length > MAX_NODE_TEXT
    ? `${text.slice(0, MAX_NODE_TEXT)}… (${text.length} characters)`
    : text
}

/** An error the node answered with; `rpcCode` is the JSON-RPC error code (`data` is kept whole). */
export class RpcError extends ChainError {
  readonly rpcCode: number
  readonly data: unknown

  constructor(method: string, error: { code: number; message: string; data?: unknown }) {
    const detail = error.data === undefined ? '' : `: ${nodeText(error.data)}`
    super(
      ChainErrorCode.NodeError,
      `${error.code}: ${nodeText(error.message)}${detail} (${method})`,
    )
    this.rpcCode = error.code
    this.data = error.data
  }
}
