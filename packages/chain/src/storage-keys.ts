import type { ApiPromise } from '@polkadot/api'
import { blake2b128, blake2b256, twox64, twox128, twox256 } from '@taokit/keys'
import { ChainError, ChainErrorCode } from './errors.js'
import type { PortableType } from './scale.js'

interface EntryMeta {
  meta: {
    type: {
      isPlain: boolean
      asMap: {
        hashers: Array<{ type: string }>
        key: { toNumber(): number }
      }
    }
  }
}

type Encode = (value: unknown) => Uint8Array
type Hash = (encoded: Uint8Array) => Uint8Array

const HASH: Record<string, Hash> = {
  Identity: (encoded) => encoded,
  Blake2_128: (encoded) => blake2b128(encoded),
  Blake2_256: (encoded) => blake2b256(encoded),
  Blake2_128Concat: (encoded) => concat(blake2b128(encoded), encoded),
  Twox128: (encoded) => twox128(encoded),
  Twox256: (encoded) => twox256(encoded),
  Twox64Concat: (encoded) => concat(twox64(encoded), encoded),
}

/**
 * Builds storage keys from the metadata's hashers with native hashing. polkadot-js's
 * `query.x.y.key(...)` spends ~30 µs a key; a batched read of a whole subnet needs thousands.
 * Keys of u16/u32/u64 and 32-byte account types are encoded here; any other key type goes
 * through polkadot-js's codec, which is exact but slower.
 */
export class StorageKeys {
  readonly #builders = new Map<string, (args: readonly unknown[]) => string>()
  readonly #types: Map<number, PortableType['type']>

  constructor(
    private readonly api: ApiPromise,
    types: readonly PortableType[],
  ) {
    this.#types = new Map(types.map((t) => [t.id, t.type]))
  }

  key(pallet: string, item: string, args: readonly unknown[]): string {
    const id = `${pallet}.${item}`
    let build = this.#builders.get(id)
    if (build === undefined) {
      build = this.#compile(pallet, item)
      this.#builders.set(id, build)
    }
    return build(args)
  }

  #compile(pallet: string, item: string): (args: readonly unknown[]) => string {
    const entry = (this.api.query[pallet] as Record<string, unknown> | undefined)?.[item] as
      | { creator: EntryMeta; key(...args: unknown[]): string; keyPrefix(): string }
      | undefined
    if (entry === undefined) {
      throw new ChainError(
        ChainErrorCode.NotInMetadata,
        `the node's metadata has no storage item ${pallet}.${item}`,
      )
    }
    const type = entry.creator.meta.type
    if (type.isPlain) {
      const key = entry.key()
      return (args) => {
        checkArity(pallet, item, args, 0)
        return key
      }
    }
    const hashers = type.asMap.hashers.map((h) => HASH[h.type])
    const count = hashers.length
    const keyType = type.asMap.key.toNumber()
    const keyTypes = count === 1 ? [keyType] : (this.#types.get(keyType)?.def.tuple ?? [])
    const encoders = keyTypes.map((id) => this.#encoder(id))
    if (hashers.some((h) => h === undefined) || encoders.length !== count) {
      return (args) => {
        checkArity(pallet, item, args, count)
        return entry.key(...args)
      }
    }
    const prefix = entry.keyPrefix().slice(2)
    return (args) => {
      // Fewer arguments would make a prefix, whose missing value reads as the default.
      checkArity(pallet, item, args, count)
      let out = `0x${prefix}`
      for (let i = 0; i < count; i++) {
        out += Buffer.from(hashers[i]!(encoders[i]!(args[i]))).toString('hex')
      }
      return out
    }
  }

  #encoder(typeId: number): Encode {
    const width = this.#uintWidth(typeId)
    if (width !== undefined) return (value) => uintLe(value, width)
    if (this.#isAccount(typeId)) {
      return (value) => {
        if (value instanceof Uint8Array && value.length === 32) return value
        return this.api.registry.createType('AccountId32', value).toU8a()
      }
    }
    const name = this.api.registry.createLookupType(typeId)
    return (value) => this.api.registry.createType(name, value).toU8a()
  }

  #uintWidth(typeId: number): number | undefined {
    const def = this.#types.get(typeId)?.def
    const primitive = def?.primitive?.toLowerCase()
    if (primitive === 'u8' || primitive === 'u16' || primitive === 'u32' || primitive === 'u64') {
      return Number(primitive.slice(1)) / 8
    }
    const fields = def?.composite?.fields
    return fields?.length === 1 ? this.#uintWidth(fields[0]!.type) : undefined
  }

  #isAccount(typeId: number): boolean {
    const def = this.#types.get(typeId)?.def
    const fields = def?.composite?.fields
    if (fields?.length !== 1) return false
    const inner = this.#types.get(fields[0]!.type)?.def.array
    return inner?.len === 32 && this.#uintWidth(inner.type) === 1
  }
}

function checkArity(pallet: string, item: string, args: readonly unknown[], count: number): void {
  if (args.length === count) return
  throw new ChainError(
    ChainErrorCode.InvalidInput,
    `args: ${pallet}.${item} takes ${count} key${count === 1 ? '' : 's'}, got ${args.length}`,
    { field: 'args' },
  )
}

function uintLe(value: unknown, width: number): Uint8Array {
  const whole =
    typeof value === 'bigint' ||
    (typeof value === 'number' && Number.isInteger(value)) ||
    (typeof value === 'string' && /^\d+$/.test(value))
  let n = whole ? BigInt(value as bigint | number | string) : -1n
  if (n < 0n || n >= 1n << BigInt(width * 8)) {
    throw new ChainError(
      ChainErrorCode.InvalidInput,
      `storage key: ${String(value)} does not fit in ${width * 8} bits`,
    )
  }
  const out = new Uint8Array(width)
  for (let i = 0; i < width; i++) {
    out[i] = Number(n & 0xffn)
    n >>= 8n
  }
  return out
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length)
  out.set(a)
  out.set(b, a.length)
  return out
}
