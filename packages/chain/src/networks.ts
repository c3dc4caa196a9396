import { endpointLabel } from './endpoint-label.js'
import { ChainError, ChainErrorCode } from './errors.js'

/** The Python SDK's endpoints for its network names. */
export const NETWORKS = {
  finney: 'wss://entrypoint-finney.opentensor.ai:443',
  test: 'wss://test.finney.opentensor.ai:443',
  archive: 'wss://archive.chain.opentensor.ai:443',
  local: 'ws://127.0.0.1:9944',
} as const

export type NetworkName = keyof typeof NETWORKS

/** A network name, or a ws:// or wss:// URL of a node. */
export type Network = NetworkName | (string & {})

/** The endpoint of `network`, which is a name in {@link NETWORKS} or a WebSocket URL. */
export function resolveEndpoint(network: Network, field = 'network'): string {
  const named = (NETWORKS as Record<string, string>)[network]
  if (named !== undefined) return named
  let url: URL
  try {
    url = new URL(network)
  } catch {
    throw unknownNetwork(network, field)
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') throw unknownNetwork(network, field)
  if (network.includes('#')) {
    throw new ChainError(
      ChainErrorCode.UnknownNetwork,
      `${field}: a WebSocket URL cannot have a #fragment, got ${endpointLabel(network)}`,
      { field },
    )
  }
  return network
}

function unknownNetwork(network: string, field: string): ChainError {
  // A URL may carry credentials: it is shown without them.
  const shown = /[@/?]/.test(network) ? endpointLabel(network) : JSON.stringify(network)
  return new ChainError(
    ChainErrorCode.UnknownNetwork,
    `${field}: expected one of ${Object.keys(NETWORKS).join(', ')} or a ws:// or wss:// URL, got ${shown}`,
    { field },
  )
}
