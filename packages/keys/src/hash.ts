import * as addon from '@taokit/native'
import { type BytesLike, bytesOf } from './bytes.js'
import { invalidInput, native } from './errors.js'

/** The hash functions by name. */
export const HASHES = {
  'blake2b-128': addon.Hash.Blake2b128,
  'blake2b-256': addon.Hash.Blake2b256,
  'blake2b-512': addon.Hash.Blake2b512,
  'twox-64': addon.Hash.Twox64,
  'twox-128': addon.Hash.Twox128,
  'twox-256': addon.Hash.Twox256,
  'keccak-256': addon.Hash.Keccak256,
  sha256: addon.Hash.Sha256,
  'sha3-256': addon.Hash.Sha3_256,
} as const

export type HashName = keyof typeof HASHES

/**
 * Short inputs are copied into `input`, and every digest is written into `output` and
 * copied out. Reading a fresh small Uint8Array from Rust, or handing JS a buffer made in
 * Rust, costs about a microsecond each (V8 must move the array off its heap); copying a few
 * dozen bytes costs a few dozen nanoseconds. Calls are synchronous, so sharing is safe.
 */
const SMALL_INPUT = 64
const input = new Uint8Array(SMALL_INPUT)
const output = new Uint8Array(64)

function hashWith(kind: addon.Hash, length: number): (data: BytesLike) => Uint8Array {
  const out = output.subarray(0, length)
  return (data) => {
    const bytes = bytesOf('data', data)
    if (bytes.length <= SMALL_INPUT) {
      input.set(bytes)
      addon.hashInto(kind, input, bytes.length, out)
    } else {
      addon.hashInto(kind, bytes, bytes.length, out)
    }
    return out.slice()
  }
}

/** blake2b with a 16-byte digest (the Blake2_128 storage hasher). */
export const blake2b128 = hashWith(addon.Hash.Blake2b128, 16)
/** blake2b with a 32-byte digest: account ids, extrinsic hashes, commit hashes. */
export const blake2b256 = hashWith(addon.Hash.Blake2b256, 32)
export const blake2b512 = hashWith(addon.Hash.Blake2b512, 64)
/** xxHash64 with seed 0: the Twox64Concat storage hasher. */
export const twox64 = hashWith(addon.Hash.Twox64, 8)
/** xxHash64 with seeds 0 and 1: storage prefixes of pallets and items. */
export const twox128 = hashWith(addon.Hash.Twox128, 16)
export const twox256 = hashWith(addon.Hash.Twox256, 32)
/** The original Keccak-256 (not SHA3-256), as the PoW seal uses it. */
export const keccak256 = hashWith(addon.Hash.Keccak256, 32)
export const sha256 = hashWith(addon.Hash.Sha256, 32)
/** SHA3-256: axon/dendrite body hashes. */
export const sha3_256 = hashWith(addon.Hash.Sha3_256, 32)

function kindOf(name: HashName): addon.Hash {
  const kind = Object.hasOwn(HASHES, name) ? HASHES[name] : undefined
  if (kind === undefined) throw invalidInput('hash', `one of ${Object.keys(HASHES).join(', ')}`)
  return kind
}

/**
 * The digests of `data` cut into `itemLength`-byte items, concatenated. For many short
 * inputs (storage keys of every uid, say) one call costs far less than one call per item.
 */
export function hashEach(hash: HashName, data: Uint8Array, itemLength: number): Uint8Array {
  const kind = kindOf(hash)
  if (!(data instanceof Uint8Array)) throw invalidInput('data', 'a Uint8Array')
  // The addon takes a u32: a larger length would wrap.
  if (!Number.isSafeInteger(itemLength) || itemLength < 0 || itemLength > 0xffff_ffff) {
    throw invalidInput('itemLength', `a whole number of bytes, got ${itemLength}`)
  }
  return native.call(() => addon.hashEach(kind, data, itemLength))
}

/** The hashers of storage map keys, as chain metadata names them. */
export const STORAGE_HASHERS = {
  Identity: addon.Hasher.Identity,
  Blake2_128: addon.Hasher.Blake2_128,
  Blake2_256: addon.Hasher.Blake2_256,
  Blake2_128Concat: addon.Hasher.Blake2_128Concat,
  Twox128: addon.Hasher.Twox128,
  Twox256: addon.Hasher.Twox256,
  Twox64Concat: addon.Hasher.Twox64Concat,
} as const

export type StorageHasherName = keyof typeof STORAGE_HASHERS

/** One key of a storage map: its SCALE encoding and the hasher the metadata gives it. */
export interface StorageKeyPart {
  hasher: StorageHasherName
  key: Uint8Array
}

/**
 * `twox128(pallet) ++ twox128(item) ++ hasher(key)…`: the key of a storage value, or of a
 * map's entry when keys are given, or the map's prefix when they are not.
 */
export function storageKey(pallet: string, item: string, ...keys: StorageKeyPart[]): Uint8Array {
  if (typeof pallet !== 'string') throw invalidInput('pallet', 'a pallet name')
  if (typeof item !== 'string') throw invalidInput('item', 'a storage item name')
  const parts = keys.map((part, i) => {
    if (typeof part !== 'object' || part === null) {
      throw invalidInput(`keys[${i}]`, '{ hasher, key }')
    }
    const hasher = Object.hasOwn(STORAGE_HASHERS, part.hasher)
      ? STORAGE_HASHERS[part.hasher]
      : undefined
    if (hasher === undefined) {
      throw invalidInput(`keys[${i}].hasher`, `one of ${Object.keys(STORAGE_HASHERS).join(', ')}`)
    }
    if (!(part.key instanceof Uint8Array)) {
      throw invalidInput(`keys[${i}].key`, "the key's SCALE encoding (Uint8Array)")
    }
    return { hasher, key: part.key }
  })
  return addon.storageKey(pallet, item, parts)
}
