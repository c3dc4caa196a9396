import { ApiPromise } from '@polkadot/api'
import { endpointLabel } from './endpoint-label.js'
import { ChainError, ChainErrorCode } from './errors.js'
import { type Network, resolveEndpoint } from './networks.js'
import { ResilientProvider } from './provider.js'

export interface ConnectOptions {
  /** `local` (default), `finney`, `test`, `archive`, or a ws:// / wss:// URL. */
  network?: Network
  /** Tried in turn when the main endpoint cannot be reached or drops. */
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

/**
 * Resolves once the node has answered a request: polkadot-js logs every error its own
 * start-up requests get (a refused API key, a rate limit, an endpoint that is no node) to
 * the console, so a node that answers with errors is caught, and named, before it starts.
 */
async function nodeAnswers(provider: ResilientProvider): Promise<void> {
  if (!provider.isConnected) {
    await new Promise<void>((resolve) => {
      const off = provider.on('connected', () => {
        off()
        resolve()
      })
    })
  }
  try {
    await provider.send('system_chain', [])
  } catch (error) {
    if (!(error instanceof ChainError) || error.code !== ChainErrorCode.NodeError) throw error
    throw new ChainError(
      ChainErrorCode.NodeError,
      `${endpointLabel(provider.endpoint)} refused to start a session: ${error.message}`,
      { cause: error },
    )
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
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new ChainError(
            ChainErrorCode.Unreachable,
            `could not connect to ${endpoints.map(endpointLabel).join(' or ')} within ${timeoutMs} ms`,
          ),
        ),
      timeoutMs,
    )
  })
  let api: ApiPromise | undefined
  try {
    await Promise.race([nodeAnswers(provider), deadline])
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
    clearTimeout(timer)
  }
  return { api, provider, endpoints, timeoutMs }
}
