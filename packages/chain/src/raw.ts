import type { ApiPromise } from '@polkadot/api'
import { isHex, toHex } from '@taokit/core'
import { ChainError, ChainErrorCode } from './errors.js'
import type { ResilientProvider } from './provider.js'
import { type Decoded, type PortableType, ScaleDecoder } from './scale.js'
import { StorageKeys } from './storage-keys.js'

/** One storage value to read: `SubtensorModule.Weights(netuid, uid)` is `['subtensorModule', 'weights', [netuid, uid]]`. */
export type StorageRead = readonly [pallet: string, item: string, args: readonly unknown[]]

interface StorageEntryCreator {
  meta: {
    type: {
      isPlain: boolean
      asPlain: { toNumber(): number }
      asMap: { value: { toNumber(): number } }
    }
    fallback: { toU8a(bare: boolean): Uint8Array }
    modifier: { isOptional: boolean }
  }
}

interface RuntimeApiMethod {
  name: { toString(): string }
  inputs: Array<{ type: { toNumber(): number } }>
  output: { toNumber(): number }
}

/**
 * Reads that skip polkadot-js's codec objects: JSON-RPC straight to the node, decoded with a
 * {@link ScaleDecoder} built from the node's metadata. This is the fast path for the
 * metagraph and for epoch inputs; the encoding of storage keys and call arguments still
 * comes from polkadot-js and the metadata.
 */
export class RawReader {
  #decoder: ScaleDecoder | undefined
  #keys: StorageKeys | undefined
  #specVersion = -1

  constructor(
    private readonly api: ApiPromise,
    private readonly provider: ResilientProvider,
  ) {}

  get decoder(): ScaleDecoder {
    return this.#forRuntime().decoder
  }

  get keys(): StorageKeys {
    return this.#forRuntime().keys
  }

  /** The decoder and key builder of the connected runtime, rebuilt after an upgrade. */
  #forRuntime(): { decoder: ScaleDecoder; keys: StorageKeys } {
    const spec = this.api.runtimeVersion.specVersion.toNumber()
    if (this.#decoder === undefined || this.#keys === undefined || spec !== this.#specVersion) {
      const types = this.api.runtimeMetadata.asLatest.lookup.types.toJSON() as unknown
      this.#decoder = new ScaleDecoder(types as PortableType[])
      this.#keys = new StorageKeys(this.api, types as PortableType[])
      this.#specVersion = spec
    }
    return { decoder: this.#decoder, keys: this.#keys }
  }

  /** A runtime API call, e.g. `call('SubnetInfoRuntimeApi', 'get_metagraph', [1], hash)`. */
  async call(
    runtimeApi: string,
    method: string,
    args: readonly unknown[],
    blockHash?: string,
  ): Promise<Decoded> {
    const found = this.#runtimeMethod(runtimeApi, method)
    if (args.length !== found.inputs.length) {
      throw new ChainError(
        ChainErrorCode.InvalidInput,
        `args: ${runtimeApi}.${method} takes ${found.inputs.length} argument${found.inputs.length === 1 ? '' : 's'}, got ${args.length}`,
        { field: 'args' },
      )
    }
    const encoded = found.inputs.map((input, i) =>
      this.api.registry
        .createType(this.api.registry.createLookupType(input.type.toNumber()), args[i])
        .toU8a(),
    )
    const data = toHex(concat(encoded))
    const params = [`${runtimeApi}_${method}`, data]
    const result = await this.provider.send<string>(
      'state_call',
      blockHash === undefined ? params : [...params, blockHash],
    )
    return this.decoder.decode(found.output.toNumber(), hexBytes(result, `${runtimeApi}_${method}`))
  }

  /**
   * Storage values at one block (default the latest), in one request; absent values decode
   * as their defaults (undefined for optional items).
   */
  async storage(reads: readonly StorageRead[], blockHash?: string): Promise<Decoded[]> {
    return (await this.storageWithBlock(reads, blockHash)).values
  }

  /** {@link storage}, plus the hash of the block the node read at. */
  async storageWithBlock(
    reads: readonly StorageRead[],
    blockHash?: string,
  ): Promise<{ block: string; values: Decoded[] }> {
    const entries = reads.map(([pallet, item, args]) => {
      const entry = (this.api.query[pallet] as Record<string, unknown> | undefined)?.[item] as
        | { creator: StorageEntryCreator; key(...args: unknown[]): string }
        | undefined
      if (entry === undefined) {
        throw new ChainError(
          ChainErrorCode.NotInMetadata,
          `the node's metadata has no storage item ${pallet}.${item}`,
        )
      }
      const creator = entry.creator
      const type = creator.meta.type
      const valueType = type.isPlain ? type.asPlain.toNumber() : type.asMap.value.toNumber()
      return {
        key: this.keys.key(pallet, item, args),
        valueType,
        fallback: creator.meta.fallback,
        optional: creator.meta.modifier.isOptional,
        pallet,
        item,
      }
    })
    if (entries.length === 0) return { block: blockHash ?? '', values: [] }
    const keys = entries.map((e) => e.key)
    const [changeSet] = await this.provider.send<
      Array<{ block: string; changes: Array<[string, string | null]> }>
    >('state_queryStorageAt', blockHash === undefined ? [keys] : [keys, blockHash])
    const values = new Map(changeSet?.changes ?? [])
    const decoded = entries.map(({ key, valueType, fallback, optional, pallet, item }) => {
      const hex = values.get(key)
      if ((hex === null || hex === undefined) && optional) return undefined
      const bytes =
        hex === null || hex === undefined
          ? fallback.toU8a(true)
          : hexBytes(hex, `${pallet}.${item}`)
      return this.decoder.decode(valueType, bytes)
    })
    return { block: changeSet?.block ?? blockHash ?? '', values: decoded }
  }

  #runtimeMethod(runtimeApi: string, method: string): RuntimeApiMethod {
    const apis = (
      this.api.runtimeMetadata.asLatest as unknown as {
        apis?: Array<{ name: { toString(): string }; methods: RuntimeApiMethod[] }>
      }
    ).apis
    const found = apis
      ?.find((a) => a.name.toString() === runtimeApi)
      ?.methods.find((m) => m.name.toString() === method)
    if (found === undefined) {
      throw new ChainError(
        ChainErrorCode.NotInMetadata,
        `the node's metadata has no runtime API ${runtimeApi}.${method}`,
      )
    }
    return found
  }
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0))
  let at = 0
  for (const part of parts) {
    out.set(part, at)
    at += part.length
  }
  return out
}

function hexBytes(hex: string, what: string): Uint8Array {
  if (typeof hex !== 'string' || !isHex(hex)) {
    throw new ChainError(
      ChainErrorCode.InvalidInput,
      `${what}: the node answered with no hex bytes`,
    )
  }
  const buffer = Buffer.from(hex.slice(2), 'hex')
  // A plain view, so that slices of it are Uint8Array copies rather than Buffer views.
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length)
}
