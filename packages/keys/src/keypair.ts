import { inspect } from 'node:util'
import { fromHex, toHex } from '@taokit/core'
import * as addon from '@taokit/native'
import { type BytesLike, bytesOf } from './bytes.js'
import { invalidInput, KeyError, native } from './errors.js'
import { verify } from './verify.js'

/** Options of `sign`, as `@polkadot/api` passes them when it signs an extrinsic. */
export interface SignOptions {
  /** Prefix the signature with its type byte (1 = sr25519), making a `MultiSignature`. */
  withType?: boolean
}

export type MnemonicWords = 12 | 15 | 18 | 21 | 24

const SR25519_TYPE_BYTE = 1

let wrapHandle: (handle: addon.Sr25519Keypair) => Keypair

/** A `Keypair` around a keypair the addon made (from a keyfile); not exported by the package. */
export function keypairFromHandle(handle: addon.Sr25519Keypair): Keypair {
  return wrapHandle(handle)
}
const MNEMONIC_WORDS: readonly number[] = [12, 15, 18, 21, 24]

function seedBytes(seed: Uint8Array | string): Uint8Array {
  const expected = '32 bytes (or a 64-byte secret key), as a Uint8Array or hex'
  const bytes =
    seed instanceof Uint8Array
      ? seed
      : typeof seed === 'string'
        ? fromHex(seed.startsWith('0x') ? seed : `0x${seed}`)
        : undefined
  if (bytes === undefined) throw invalidInput('seed', expected)
  if (bytes.length !== 32 && bytes.length !== 64) {
    throw invalidInput('seed', `${expected}, got ${bytes.length} bytes`)
  }
  return bytes
}

/**
 * An sr25519 keypair, derived as Substrate and bittensor-wallet derive it. The secret stays
 * in native memory: this object can sign but cannot hand the secret out, and it prints as
 * its address.
 *
 * It is also a signer `@polkadot/api` accepts (`tx.signAndSend(keypair)`): it has the
 * `address`, `addressRaw`, `publicKey`, `type` and `sign(data, { withType })` of a
 * polkadot-js `KeyringPair`.
 */
export class Keypair {
  readonly type = 'sr25519' as const
  /** The SS58 address, prefix 42. */
  readonly address: string
  /** The 32-byte public key. Shared, not copied: do not modify it. */
  readonly publicKey: Uint8Array
  readonly #native: addon.Sr25519Keypair

  private constructor(handle: addon.Sr25519Keypair) {
    this.#native = handle
    this.publicKey = handle.publicKey
    this.address = handle.ss58
  }

  static {
    wrapHandle = (handle) => new Keypair(handle)
  }

  /**
   * From an English BIP39 mnemonic. `password` is the BIP39-style password of a
   * `mnemonic///password` URI, not a wallet password; bittensor wallets do not use one.
   */
  static fromMnemonic(mnemonic: string, options: { password?: string } = {}): Keypair {
    if (typeof mnemonic !== 'string') throw invalidInput('mnemonic', 'a string of words')
    const password = options?.password
    // Checked here: the addon's own type error would print the value, a secret.
    if (password !== undefined && typeof password !== 'string') {
      throw invalidInput('password', 'a string')
    }
    const phrase = mnemonic.trim().split(/\s+/).join(' ')
    return new Keypair(native.call(() => addon.Sr25519Keypair.fromMnemonic(phrase, password)))
  }

  /** From a secret URI: `//Alice`, `<mnemonic>//hard/soft`, `0x<seed>//hard`, `…///password`. */
  static fromUri(uri: string): Keypair {
    if (typeof uri !== 'string') throw invalidInput('uri', 'a secret URI string such as //Alice')
    return new Keypair(native.call(() => addon.Sr25519Keypair.fromUri(uri)))
  }

  /**
   * From a keyfile's `secretSeed`, as bittensor-wallet's `create_from_seed` reads one: a
   * 32-byte mini secret, or a 64-byte secret key (`fromPrivateKey`). Hex may omit `0x`.
   */
  static fromSeed(seed: Uint8Array | string): Keypair {
    const bytes = seedBytes(seed)
    if (bytes.length === 64) {
      try {
        return Keypair.fromPrivateKey(bytes)
      } catch (error) {
        if (error instanceof KeyError)
          throw invalidInput('seed', 'a 64-byte secret key in canonical form (or 32 bytes)')
        throw error
      }
    }
    return new Keypair(native.call(() => addon.Sr25519Keypair.fromSeed(bytes)))
  }

  /**
   * From a keyfile's 64-byte `privateKey` (schnorrkel's canonical form); 32 bytes are taken
   * as a seed, as bittensor-wallet takes them. polkadot-js's form of a 64-byte key (scalar
   * × 8) is refused, as bittensor-wallet refuses it.
   */
  static fromPrivateKey(privateKey: Uint8Array | string): Keypair {
    const bytes = typeof privateKey === 'string' ? fromHex(privateKey) : privateKey
    if (!(bytes instanceof Uint8Array) || (bytes.length !== 64 && bytes.length !== 32)) {
      throw invalidInput('privateKey', '64 bytes (or a 32-byte seed), as a Uint8Array or 0x hex')
    }
    return new Keypair(native.call(() => addon.Sr25519Keypair.fromPrivateKey(bytes)))
  }

  /** A new keypair with a new mnemonic from the OS's random source. */
  static generate(words: MnemonicWords = 12): { keypair: Keypair; mnemonic: string } {
    if (!MNEMONIC_WORDS.includes(words)) throw invalidInput('words', '12, 15, 18, 21 or 24')
    const mnemonic = native.call(() => addon.generateMnemonic(words))
    return { keypair: Keypair.fromMnemonic(mnemonic), mnemonic }
  }

  /** The SS58 address, prefix 42 (the same as `address`). */
  get ss58(): string {
    return this.address
  }

  /** The public key, as polkadot-js names it for signers. */
  get addressRaw(): Uint8Array {
    return this.publicKey
  }

  /** Whether the key still has its mnemonic (a keyfile written from it records it). */
  get hasMnemonic(): boolean {
    return this.#native.hasMnemonic
  }

  /** The sr25519 signature of `message` (64 bytes; 65 with `withType`). Randomised. */
  sign(message: BytesLike, options: SignOptions = {}): Uint8Array {
    const signature = this.#native.sign(bytesOf('message', message))
    if (options.withType !== true) return signature
    const typed = new Uint8Array(65)
    typed[0] = SR25519_TYPE_BYTE
    typed.set(signature, 1)
    return typed
  }

  /** Whether `signature` is this key's signature of `message`. */
  verify(message: BytesLike, signature: Uint8Array | string): boolean {
    return verify(message, signature, this.publicKey)
  }

  /**
   * The keyfile JSON bittensor-wallet writes for this key, as UTF-8 bytes. Unless
   * `publicOnly`, it holds the secret: write it, then `fill(0)` it.
   */
  keyfileJson(options: { publicOnly?: boolean } = {}): Uint8Array {
    return this.#native.keyfileJson(options.publicOnly === true)
  }

  toJSON(): { ss58: string; publicKey: string } {
    return { ss58: this.address, publicKey: toHex(this.publicKey) }
  }

  toString(): string {
    return this.address
  }

  [inspect.custom](): string {
    return `Keypair(${this.address})`
  }
}
