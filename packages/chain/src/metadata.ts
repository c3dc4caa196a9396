import type { ApiPromise } from '@polkadot/api'
import type { ApiDecoration, SubmittableExtrinsicFunction } from '@polkadot/api/types'
import type { Codec } from '@polkadot/types/types'
import { ChainError, ChainErrorCode } from './errors.js'

/**
 * Calls, storage items and runtime APIs come from the node's metadata (polkadot-js decorates
 * them at connection time), so indices are never hard-coded here; these accessors only turn a
 * missing entry into an error that says which node lacks what.
 */

export type StorageQuery = ((...args: unknown[]) => Promise<Codec>) & {
  entries(...args: unknown[]): Promise<Array<[{ args: Codec[] }, Codec]>>
  key(...args: unknown[]): string
}

type Decorated = ApiPromise | ApiDecoration<'promise'>

function lookup<T>(section: unknown, name: string, what: string): T {
  const found = (section as Record<string, T | undefined> | undefined)?.[name]
  if (found === undefined) {
    throw new ChainError(ChainErrorCode.NotInMetadata, `the node's metadata has no ${what}`)
  }
  return found
}

export function storage(on: Decorated, pallet: string, item: string): StorageQuery {
  return lookup(on.query[pallet], item, `storage item ${pallet}.${item}`)
}

export function hasStorage(on: Decorated, pallet: string, item: string): boolean {
  return on.query[pallet]?.[item] !== undefined
}

export function extrinsic(
  api: ApiPromise,
  pallet: string,
  call: string,
): SubmittableExtrinsicFunction<'promise'> {
  return lookup(api.tx[pallet], call, `call ${pallet}.${call}`)
}

export function hasCall(api: ApiPromise, pallet: string, call: string): boolean {
  return api.tx[pallet]?.[call] !== undefined
}

export function runtimeCall(
  on: Decorated,
  runtimeApi: string,
  method: string,
): (...args: unknown[]) => Promise<Codec> {
  return lookup(on.call[runtimeApi], method, `runtime API ${runtimeApi}.${method}`)
}

export function constant(api: ApiPromise, pallet: string, name: string): Codec {
  return lookup(api.consts[pallet], name, `constant ${pallet}.${name}`)
}
