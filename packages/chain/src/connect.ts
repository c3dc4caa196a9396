import { ApiPromise } from '@polkadot/api'
import { endpointLabel } from './endpoint-label.js'
import { ChainError, ChainErrorCode } from './errors.js'
import { type Network, resolveEndpoint } from './networks.js'
import { ResilientProvider } from './provider.js'

export interface ConnectOptions {
  /** `local` (default), `finney`, `test`, `archive`, or a ws:// / wss:// URL. */
  network?: Network
  /**
   * Tried in turn when the main endpoint cannot be reached, drops, refuses, or stays
   * silent. While connecting, each endpoint then has `timeoutMs` divided by the number of
   * endpoints (at least 1 s) to answer, so one slower than that to open is not reached:
   * give a slow node a larger `timeoutMs`.
   */
  fallbacks?: readonly Network[]
  /** Deadline of each RPC, and of connecting. Default 15 s. */
  timeoutMs?: number
}

// subtensor's own transaction extensions carry no data; naming them keeps polkadot-js from
// warning about unknown extensions.
const SUBTENSOR_EXTENSIONS = Object.fromEntries(
  [
    'SudoTransactionExtension',
    'CheckShieldedTxValidity',
    'SubtensorTransactionExtension',
    'DrandPriority',
    'CheckColdkeySwap',
  ].map((name) => [name, { extrinsic: {}, payload: {} }]),
)

export interface Connection {
  api: ApiPromise
  provider: ResilientProvider
  endpoints: string[]
  timeoutMs: number
}

/** Resolves at the provider's next 'connected' event, or at once if it is connected. */
function connected(provider: ResilientProvider): Promise<void> {
  if (provider.isConnected) return Promise.resolve()
  return new Promise<void>((resolve) => {
    const off = provider.on('connected', () => {
      off()
      resolve()
    })
  })
}

/** How a session's start is going, shared with the deadline that may end it. */
interface StartAttempt {
  over: boolean
  /** The last endpoint that answered with a refusal, for the deadline's message. */
  refusal?: ChainError
}

/** `work`, or 'late' once `ms` have passed (undefined: no limit of its own). */
async function within<T>(ms: number | undefined, work: Promise<T>): Promise<T | 'late'> {
  if (ms === undefined) return work
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), ms)
  })
  try {
    return await Promise.race([work, late])
  } finally {
    clearTimeout(timer)
  }
}

/**
 * Resolves once a node has answered a request: polkadot-js logs every error its own
 * start-up requests get (a refused API key, a rate limit, an endpoint that is no node) to
 * the console, so a node that answers with errors is caught, and named, before it starts.
 * An endpoint that drops the connection, refuses, or (with fallbacks) gives no answer
 * within its share of the deadline is left for the next one (alone, it is tried again)
 * until the deadline; once every endpoint in turn has refused, the last refusal is the
 * error.
 */
async function nodeAnswers(
  provider: ResilientProvider,
  endpoints: number,
  attempt: StartAttempt,
  timeoutMs: number,
): Promise<void> {
  // With fallbacks, a silent endpoint must not use up the whole deadline.
  const shareMs = endpoints > 1 ? Math.max(1_000, Math.floor(timeoutMs / endpoints)) : undefined
  let refusedInARow = 0
  for (;;) {
    try {
      const answered = await within(
        shareMs,
        connected(provider).then(() =>
          attempt.over ? undefined : provider.send('system_chain', []),
        ),
      )
      if (answered !== 'late' || attempt.over) return
      refusedInARow = 0
    } catch (error) {
      if (!(error instanceof ChainError) || attempt.over) throw error
      if (error.code === ChainErrorCode.NodeError) {
        attempt.refusal = new ChainError(
          ChainErrorCode.NodeError,
          `${endpointLabel(provider.endpoint)} refused to start a session: ${error.message}`,
          { cause: error },
        )
        if (++refusedInARow >= endpoints) throw attempt.refusal
      } else if (error.code === ChainErrorCode.Timeout) {
        refusedInARow = 0
      } else if (error.code === ChainErrorCode.Unreachable) {
        // The socket is gone and the provider is already on its way to the next endpoint.
        refusedInARow = 0
        continue
      } else {
        throw error
      }
    }
    if (endpoints > 1) provider.skipEndpoint()
  }
}

/** Opens @polkadot/api on a {@link ResilientProvider}, or fails within the deadline. */
export async function openConnection(options: ConnectOptions): Promise<Connection> {
  const timeoutMs = options.timeoutMs ?? 15_000
  // Node's timers fire at once past 2^31 - 1 ms.
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0 || timeoutMs > 2 ** 31 - 1) {
    throw new ChainError(
      ChainErrorCode.InvalidInput,
      `timeoutMs: expected milliseconds in 1..2147483647, got ${String(timeoutMs)}`,
      { field: 'timeoutMs' },
    )
  }
  const endpoints = [
    resolveEndpoint(options.network ?? 'local'),
    ...(options.fallbacks ?? []).map((network, i) => resolveEndpoint(network, `fallbacks[${i}]`)),
  ]
  const provider = new ResilientProvider({ endpoints, timeoutMs })
  await provider.connect()
  let timer: NodeJS.Timeout | undefined
  const attempt: StartAttempt = { over: false }
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      attempt.over = true
      const refused = attempt.refusal === undefined ? '' : ` (${attempt.refusal.message})`
      reject(
        new ChainError(
          ChainErrorCode.Unreachable,
          `could not connect to ${endpoints.map(endpointLabel).join(' or ')} within ${timeoutMs} ms${refused}`,
        ),
      )
    }, timeoutMs)
  })
  let api: ApiPromise | undefined
  try {
    await Promise.race([nodeAnswers(provider, endpoints.length, attempt, timeoutMs), deadline])
    api = new ApiPromise({
      provider,
      signedExtensions: SUBTENSOR_EXTENSIONS,
      noInitWarn: true,
      throwOnConnect: false,
    })
    // polkadot-js reports a failed start on this emitter as well as on isReadyOrError; keep
    // it from reaching the process as an unhandled 'error' event.
    api.on('error', () => {})
    await Promise.race([api.isReadyOrError, deadline])
  } catch (error) {
    await provider.abandon()
    await api?.disconnect().catch(() => {})
    throw error instanceof ChainError
      ? error
      : new ChainError(
          ChainErrorCode.Unreachable,
          `could not start a session on ${endpointLabel(provider.endpoint)}: ${error instanceof Error ? error.message : String(error)}`,
          { cause: error },
        )
  } finally {
    attempt.over = true
    clearTimeout(timer)
  }
  return { api, provider, endpoints, timeoutMs }
}
