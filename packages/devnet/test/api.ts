import '@polkadot/api-augment'
import { request } from 'node:http'
import { ApiPromise, WsProvider } from '@polkadot/api'
import type { ProviderInterface } from '@polkadot/rpc-provider/types'

/** subtensor's own transaction extensions carry no data; this silences polkadot-js about them. */
export const signedExtensions = Object.fromEntries(
  [
    'SudoTransactionExtension',
    'CheckShieldedTxValidity',
    'SubtensorTransactionExtension',
    'DrandPriority',
  ].map((name) => [name, { extrinsic: {}, payload: {} }]),
)

export function connect(url: string): Promise<ApiPromise> {
  // WsProvider's `ttl` is `number | null | undefined`, which the interface does not allow
  // under exactOptionalPropertyTypes; the value is the same either way.
  const provider = new WsProvider(url) as unknown as ProviderInterface
  return ApiPromise.create({ provider, signedExtensions, noInitWarn: true })
}

/** A JSON-RPC call over HTTP, as any client would make it. */
export async function rpc(
  httpUrl: string,
  method: string,
  params: unknown[] = [],
): Promise<{ result?: unknown; error?: { code: number; message: string; data?: unknown } }> {
  const response = await fetch(httpUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  })
  return (await response.json()) as { result?: unknown; error?: { code: number; message: string } }
}

/**
 * POSTs a body and resolves with the status the server answers with, or `'closed'` when it
 * drops the connection before answering, which servers may do to an oversized body.
 */
export function postStatus(httpUrl: string, body: string): Promise<number | 'closed'> {
  return new Promise((resolve) => {
    const req = request(httpUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    })
    req.on('response', (response) => {
      response.resume()
      resolve(response.statusCode ?? 0)
    })
    req.on('error', () => resolve('closed'))
    req.end(body)
  })
}
