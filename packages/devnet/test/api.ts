import '@polkadot/api-augment'
import { request } from 'node:http'
import { ApiPromise, WsProvider } from '@polkadot/api'
import type { ApiDecoration, SubmittableExtrinsic } from '@polkadot/api/types'
import type { ProviderInterface } from '@polkadot/rpc-provider/types'
import type { Codec, ISubmittableResult } from '@polkadot/types/types'
import { expect } from 'vitest'

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
    // The unsent rest of the body fails with EPIPE on the socket once the server has
    // closed it, possibly after the answer; that is the expected end, not an error.
    req.on('socket', (socket) => socket.on('error', () => resolve('closed')))
    req.end(body)
  })
}

/**
 * Signs and sends; resolves with the result once the transaction is in a block. Under load
 * @polkadot/api may skip the `inBlock` update when `finalized` follows close behind (as it
 * does on the devnet), so either counts.
 */
export function send(
  tx: SubmittableExtrinsic<'promise'>,
  signer: Parameters<SubmittableExtrinsic<'promise'>['signAndSend']>[0],
): Promise<ISubmittableResult> {
  return new Promise((resolve, reject) => {
    tx.signAndSend(signer, (result) => {
      if (result.status.isInBlock || result.status.isFinalized) resolve(result)
      if (result.isError) reject(new Error(`transaction ${result.status.type}`))
    }).catch(reject)
  })
}

/**
 * A codec as the tests read it. polkadot-js types SubtensorModule and AdminUtils only at
 * runtime (from metadata); the tests name the few accessors they use.
 */
export interface Value extends Codec {
  toNumber(): number
  toBigInt(): bigint
  readonly isTrue: boolean
  readonly isNone: boolean
  unwrap(): Value
  map<T>(f: (item: Value) => T): T[]
}

type Accessor<T> = (name: string, ...args: unknown[]) => T

function member<T>(section: unknown, what: string): Accessor<T> {
  return (name, ...args) => {
    const fn = (section as Record<string, ((...a: unknown[]) => T) | undefined> | undefined)?.[name]
    if (fn === undefined) throw new Error(`${what}.${name} is not in the metadata`)
    return fn(...args)
  }
}

/** A value's field, e.g. `field(metagraph, 'numUids')`. */
export function field(value: Value, name: string): Value {
  const found = (value as unknown as Record<string, Value | undefined>)[name]
  if (found === undefined) throw new Error(`no field ${name}`)
  return found
}

/** Storage queries of a pallet, at the head or at a past block (`api.at(hash)`). */
export function query(
  on: ApiPromise | ApiDecoration<'promise'>,
  pallet: string,
): Accessor<Promise<Value>> {
  return member(on.query[pallet], pallet)
}

export function tx(api: ApiPromise, pallet: string): Accessor<SubmittableExtrinsic<'promise'>> {
  return member(api.tx[pallet], pallet)
}

/** Runtime API calls, e.g. `call(api, 'subnetInfoRuntimeApi')('getMetagraph', 1)`. */
export function call(api: ApiPromise, runtimeApi: string): Accessor<Promise<Value>> {
  return member(api.call[runtimeApi], runtimeApi)
}

/** Sends and expects success, throwing the module error's `section.Name` otherwise. */
export async function sendOk(
  api: ApiPromise,
  tx: SubmittableExtrinsic<'promise'>,
  signer: Parameters<SubmittableExtrinsic<'promise'>['signAndSend']>[0],
): Promise<ISubmittableResult> {
  const result = await send(tx, signer)
  if (result.dispatchError?.isModule) {
    const error = api.registry.findMetaError(result.dispatchError.asModule)
    throw new Error(`${error.section}.${error.name}`)
  }
  expect(result.dispatchError).toBeUndefined()
  return result
}
