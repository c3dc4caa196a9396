import { utf8, withSignal } from '@taokit/core'
import * as addon from '@taokit/native'
import { invalidInput, native, read } from './errors.js'
import { type Keypair, keypairFromHandle } from './keypair.js'
import { ss58Encode } from './ss58.js'

/**
 * Keyfiles as bittensor-wallet writes them: keypair JSON, plain or `$NACL`-encrypted
 * (Argon2i, then XSalsa20-Poly1305). Only bytes here; `@taokit/wallet` handles the files.
 */

/** How a keyfile is stored. The legacy Ansible Vault and Fernet forms are recognised only. */
export type KeyfileFormat = 'plain' | 'nacl' | 'ansible-vault' | 'fernet'

export function keyfileFormat(file: Uint8Array): KeyfileFormat {
  return addon.keyfileFormat(file) as KeyfileFormat
}

/** A public-only keyfile's key (`coldkeypub.txt`, `<hotkey>pub.txt`). */
export interface PublicKeyOnly {
  readonly publicKey: Uint8Array
  readonly ss58: string
}

function passwordBytes(password: string | Uint8Array): Uint8Array {
  if (password instanceof Uint8Array) return password
  if (typeof password !== 'string') throw invalidInput('password', 'a string or a Uint8Array')
  return utf8(password)
}

let nativeKeyOf: (key: KeyfileKey) => addon.NaclKey

function handleOf(key: unknown): addon.NaclKey {
  if (!(key instanceof KeyfileKey)) throw invalidInput('key', 'a KeyfileKey (KeyfileKey.derive)')
  return nativeKeyOf(key)
}

/**
 * The key a password gives for `$NACL` keyfiles. Deriving it is deliberately slow (Argon2i
 * over 512 MiB, seconds), so derive once and reuse it; it stays in native memory.
 */
export class KeyfileKey {
  readonly #native: addon.NaclKey

  private constructor(handle: addon.NaclKey) {
    this.#native = handle
  }

  /** Derives the key off the main thread. */
  static async derive(
    password: string | Uint8Array,
    options: { signal?: AbortSignal } = {},
  ): Promise<KeyfileKey> {
    const bytes = passwordBytes(password)
    try {
      return await withSignal(
        read,
        options.signal,
        async (signal) => new KeyfileKey(await addon.deriveNaclKey(bytes, signal)),
      )
    } finally {
      if (bytes !== password) bytes.fill(0)
    }
  }

  /** Derives the key on the calling thread, blocking it for seconds. */
  static deriveSync(password: string | Uint8Array): KeyfileKey {
    const bytes = passwordBytes(password)
    try {
      return new KeyfileKey(addon.deriveNaclKeySync(bytes))
    } finally {
      if (bytes !== password) bytes.fill(0)
    }
  }

  static {
    nativeKeyOf = (key) => key.#native
  }
}

/**
 * The key a keyfile holds: the keypair, or only the public key of a public-only file. An
 * encrypted file needs the `KeyfileKey` of its password.
 */
export function readKeyfile(file: Uint8Array, key?: KeyfileKey): Keypair | PublicKeyOnly {
  if (!(file instanceof Uint8Array)) throw invalidInput('file', "a keyfile's bytes (Uint8Array)")
  const loaded = native.call(() =>
    addon.loadKeyfile(file, key === undefined ? undefined : handleOf(key)),
  )
  if (loaded instanceof Uint8Array) return { publicKey: loaded, ss58: ss58Encode(loaded) }
  return keypairFromHandle(loaded)
}

/** `$NACL`-encrypts keyfile JSON with a fresh random nonce. */
export function encryptKeyfile(plaintext: Uint8Array, key: KeyfileKey): Uint8Array {
  if (!(plaintext instanceof Uint8Array)) throw invalidInput('plaintext', 'keyfile JSON bytes')
  return addon.encryptKeyfile(plaintext, handleOf(key))
}

/**
 * The password bittensor-wallet users may keep in the environment for the keyfile at
 * `path` (absolute): the variable `BT_PW_<PATH>` holding base64 of the password XOR-ed with
 * the variable's name. Undefined when the variable is not set.
 */
export function keyfilePasswordFromEnv(
  path: string,
  env: NodeJS.ProcessEnv = process.env,
): Uint8Array | undefined {
  const name = addon.passwordEnvName(path)
  const value = env[name]
  if (value === undefined) return undefined
  const password = addon.passwordFromEnvValue(name, value)
  if (password === null) throw invalidInput(name, 'base64 (as bittensor-wallet writes it)')
  return password
}
