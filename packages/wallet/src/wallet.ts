import { join, relative } from 'node:path'
import { toHex } from '@taokit/core'
import {
  encryptKeyfile,
  KeyError,
  type KeyfileFormat,
  KeyfileKey,
  Keypair,
  keyfileFormat,
  keyfilePasswordFromEnv,
  type MnemonicWords,
  type PublicKeyOnly,
  readKeyfile,
} from '@taokit/keys'
import { inKeyfile, invalidInput, WalletError, WalletErrorCode } from './errors.js'
import {
  ensureAbsent,
  isFolder,
  type KeyfileWrite,
  readFolder,
  readKeyfileBytes,
  readKeyfileIfPresent,
  writeKeyfiles,
} from './files.js'
import {
  checkName,
  type ResolvedLocation,
  resolveLocation,
  type WalletLocation,
} from './location.js'
import { type PasswordSource, readPassword } from './password.js'

/** A key's public side, as the CLI's JSON shows it. */
export interface KeyInfo {
  ss58: string
  publicKey: string
}

export interface HotkeyInfo {
  name: string
  path: string
  /** Null when the file cannot be read; `problem` says why. */
  encryption: KeyfileFormat | null
  /** Null when the key is encrypted and has no pub file, or its files do not parse. */
  key: KeyInfo | null
  problem?: string
}

export interface WalletInfo {
  name: string
  path: string
  coldkey: { path: string; encryption: KeyfileFormat } | null
  coldkeypub: (KeyInfo & { path: string }) | null
  hotkeys: HotkeyInfo[]
  /** In a listing: why this wallet could not be read (then the rest may be empty). */
  problem?: string
}

/** What a new key is made from: a fresh mnemonic, or one the user already has. */
export type KeySecret =
  | { words?: MnemonicWords }
  | { mnemonic: string }
  | { seed: string | Uint8Array }

export interface WriteKeyOptions {
  /** Replace existing key files. Without it, nothing is written if any exists. */
  overwrite?: boolean
}

export interface ColdkeyOptions extends WriteKeyOptions {
  /** The password to encrypt with, or false to store the coldkey in plain text. */
  password: PasswordSource | false
}

export interface HotkeyOptions extends WriteKeyOptions {
  /** Hotkeys are plain text, as btcli writes them, unless a password is given. */
  password?: PasswordSource | false
}

export interface UnlockOptions {
  /**
   * Where the password comes from. When absent or a prompt, bittensor-wallet's
   * `BT_PW_<PATH>` variable is tried first (a prompt is asked only without one); with
   * neither, unlocking an encrypted key fails with WALLET_PASSWORD_REQUIRED.
   */
  password?: PasswordSource
  /**
   * Called once an encrypted key's password is read, before its key derivation (Argon2,
   * seconds long) starts: time to tell a user why nothing seems to happen.
   */
  onDeriving?: () => void
}

/** A new or regenerated key: its address, and the mnemonic when one was generated. */
export interface CreatedKey {
  keypair: Keypair
  mnemonic?: string
}

const keyInfo = (key: Keypair | PublicKeyOnly): KeyInfo => ({
  ss58: key.ss58,
  publicKey: toHex(key.publicKey),
})

function keypairOf(secret: KeySecret): CreatedKey {
  if ('mnemonic' in secret) return { keypair: Keypair.fromMnemonic(secret.mnemonic) }
  if ('seed' in secret) return { keypair: Keypair.fromSeed(secret.seed) }
  return Keypair.generate(secret.words ?? 12)
}

/**
 * One btcli wallet: `<path>/<name>/coldkey` ($NACL-encrypted), `coldkeypub.txt`, and
 * `hotkeys/<hotkey>` with `hotkeys/<hotkey>pub.txt`, in bittensor-wallet's formats.
 */
export class Wallet {
  readonly root: string
  readonly name: string
  readonly hotkeyName: string
  readonly #env: NodeJS.ProcessEnv
  readonly #givenRoot: string

  constructor(location: WalletLocation = {}, env: NodeJS.ProcessEnv = process.env) {
    const resolved: ResolvedLocation = resolveLocation(location, env)
    this.root = resolved.root
    this.#givenRoot = resolved.givenRoot
    this.name = resolved.name
    this.hotkeyName = resolved.hotkey
    this.#env = env
  }

  get path(): string {
    return join(this.root, this.name)
  }
  get coldkeyPath(): string {
    return join(this.path, 'coldkey')
  }
  get coldkeypubPath(): string {
    return join(this.path, 'coldkeypub.txt')
  }
  hotkeyPath(name: string = this.hotkeyName): string {
    return join(this.path, 'hotkeys', checkName('hotkey', name))
  }
  hotkeypubPath(name: string = this.hotkeyName): string {
    return `${this.hotkeyPath(name)}pub.txt`
  }

  /**
   * A new coldkey and hotkey, each from a new 12-word mnemonic unless told otherwise. All
   * four files are written, or none: a coldkey on disk whose mnemonic was never returned
   * would be a key nobody can recover.
   */
  async create(
    options: ColdkeyOptions & { words?: MnemonicWords; hotkeyPassword?: PasswordSource | false },
  ): Promise<{ coldkey: CreatedKey; hotkey: CreatedKey }> {
    const words = options.words ?? 12
    const overwrite = options.overwrite === true
    await this.#checkFree(
      [this.coldkeyPath, this.coldkeypubPath, this.hotkeyPath(), this.hotkeypubPath()],
      overwrite,
    )
    const coldkey = await this.#coldkeyFiles({ words }, options.password)
    const hotkey = await this.#hotkeyFiles({ words }, options.hotkeyPassword ?? false).catch(
      (error: unknown) => {
        for (const file of coldkey.files) file.data.fill(0)
        throw error
      },
    )
    await this.#write([...coldkey.files, ...hotkey.files], overwrite)
    return { coldkey: coldkey.created, hotkey: hotkey.created }
  }

  /** Writes the coldkey (encrypted unless `password` is false) and `coldkeypub.txt`. */
  async regenerateColdkey(secret: KeySecret, options: ColdkeyOptions): Promise<CreatedKey> {
    const overwrite = options.overwrite === true
    await this.#checkFree([this.coldkeyPath, this.coldkeypubPath], overwrite)
    const { created, files } = await this.#coldkeyFiles(secret, options.password)
    await this.#write(files, overwrite)
    return created
  }

  /** Writes the hotkey (plain text unless a password is given) and its pub file. */
  async regenerateHotkey(secret: KeySecret, options: HotkeyOptions = {}): Promise<CreatedKey> {
    const overwrite = options.overwrite === true
    await this.#checkFree([this.hotkeyPath(), this.hotkeypubPath()], overwrite)
    const { created, files } = await this.#hotkeyFiles(secret, options.password ?? false)
    await this.#write(files, overwrite)
    return created
  }

  async #coldkeyFiles(secret: KeySecret, password: PasswordSource | false) {
    const created = keypairOf(secret)
    const data = await this.#sealed(created.keypair, password, 'coldkey')
    const pub = created.keypair.keyfileJson({ publicOnly: true })
    const files: KeyfileWrite[] = [
      { path: this.coldkeyPath, data },
      { path: this.coldkeypubPath, data: pub },
    ]
    return { created, files }
  }

  async #hotkeyFiles(secret: KeySecret, password: PasswordSource | false) {
    const created = keypairOf(secret)
    const data = await this.#sealed(created.keypair, password, 'hotkey')
    const pub = created.keypair.keyfileJson({ publicOnly: true })
    const files: KeyfileWrite[] = [
      { path: this.hotkeyPath(), data },
      { path: this.hotkeypubPath(), data: pub },
    ]
    return { created, files }
  }

  /** Writes `files`, all or none, then wipes their bytes (they hold secrets). */
  async #write(files: KeyfileWrite[], overwrite: boolean): Promise<void> {
    try {
      await writeKeyfiles(files, overwrite)
    } finally {
      for (const file of files) file.data.fill(0)
    }
  }

  /** The coldkey's public side, from `coldkeypub.txt`; no password needed. */
  async coldkeypub(): Promise<PublicKeyOnly> {
    const path = this.coldkeypubPath
    const bytes = await readKeyfileBytes(path)
    return publicOf(inKeyfile(path, () => readKeyfile(bytes)))
  }

  /** The coldkey, decrypted. Deriving the key from the password takes seconds. */
  async unlockColdkey(options: UnlockOptions = {}): Promise<Keypair> {
    return this.#unlock(this.coldkeyPath, 'coldkey', options)
  }

  /** The hotkey `name` (the wallet's hotkey by default). */
  async hotkey(options: UnlockOptions & { name?: string } = {}): Promise<Keypair> {
    return this.#unlock(this.hotkeyPath(options.name), 'hotkey', options)
  }

  /** A hotkey's public side: from its pub file, else from the hotkey file when plain. */
  async hotkeypub(name: string = this.hotkeyName): Promise<PublicKeyOnly> {
    const pubPath = this.hotkeypubPath(name)
    const pub = await readKeyfileIfPresent(pubPath)
    if (pub !== undefined) return publicOf(inKeyfile(pubPath, () => readKeyfile(pub)))
    const path = this.hotkeyPath(name)
    const bytes = await readKeyfileBytes(path)
    return publicOf(inKeyfile(path, () => readKeyfile(bytes)))
  }

  /** The wallet's files and public keys, never a secret. */
  async describe(): Promise<WalletInfo> {
    const coldkey = await readKeyfileIfPresent(this.coldkeyPath)
    const info: WalletInfo = {
      name: this.name,
      path: this.path,
      coldkey:
        coldkey === undefined
          ? null
          : { path: this.coldkeyPath, encryption: keyfileFormat(coldkey) },
      coldkeypub: null,
      hotkeys: [],
    }
    const coldkeypub = await this.coldkeypub().catch(notParsed)
    if (coldkeypub !== null) info.coldkeypub = { ...keyInfo(coldkeypub), path: this.coldkeypubPath }
    for (const name of await this.#hotkeyNames()) {
      const path = join(this.path, 'hotkeys', name)
      // One file in hotkeys/ that is no usable key (a stray file, a name no --wallet.hotkey
      // could give) is flagged; the wallet and its other hotkeys stay listed.
      const flagged = (problem: string) =>
        info.hotkeys.push({ name, path, encryption: null, key: null, problem })
      try {
        checkName('hotkey', name)
      } catch {
        flagged('its name is blank or has control characters, so it cannot be chosen')
        continue
      }
      let bytes: Uint8Array
      try {
        bytes = await readKeyfileBytes(path)
      } catch (error) {
        if (!(error instanceof WalletError)) throw error
        flagged(error.message)
        continue
      }
      // One hotkey whose pub file cannot be used shows no address; the wallet stays listed.
      const key = await this.hotkeypub(name).catch(noKey)
      info.hotkeys.push({
        name,
        path,
        encryption: keyfileFormat(bytes),
        key: key === null ? null : keyInfo(key),
      })
    }
    return info
  }

  /** Every wallet under `path` (btcli's wallet folder by default), described. */
  static async list(
    location: Pick<WalletLocation, 'path'> = {},
    env: NodeJS.ProcessEnv = process.env,
  ): Promise<WalletInfo[]> {
    const { root } = resolveLocation({ ...location, name: 'default', hotkey: 'default' }, env)
    const entries = await readFolder(root)
    const names = entries
      .filter((e) => (e.isDirectory() || e.isSymbolicLink()) && !e.name.startsWith('.'))
      .map((e) => e.name)
      .sort()
    const wallets = await Promise.all(
      names.map(async (name): Promise<WalletInfo | undefined> => {
        let wallet: Wallet
        try {
          // A folder no --wallet.name could name (a backslash in it) is not a wallet.
          wallet = new Wallet({ path: root, name }, env)
        } catch {
          return undefined
        }
        // A link to a folder is a wallet, as `show` finds it; a link to anything else is not.
        if (!(await isFolder(wallet.path))) return undefined
        // One wallet that cannot be read must not hide the others.
        return wallet.describe().catch((error: unknown) => {
          if (!(error instanceof WalletError)) throw error
          return {
            name,
            path: wallet.path,
            coldkey: null,
            coldkeypub: null,
            hotkeys: [],
            problem: error.message,
          }
        })
      }),
    )
    return wallets.filter((info) => info !== undefined)
  }

  async #hotkeyNames(): Promise<string[]> {
    const entries = await readFolder(join(this.path, 'hotkeys'))
    return (
      entries
        // A link is a hotkey too, as `sign --use-hotkey` reads it through the link.
        .filter(
          (e) =>
            (e.isFile() || e.isSymbolicLink()) &&
            !e.name.startsWith('.') &&
            !e.name.endsWith('pub.txt'),
        )
        .map((e) => e.name)
        .sort()
    )
  }

  /**
   * bittensor-wallet's `BT_PW_` password for the key file at `path`. Its variable is named
   * after the path as the wallet folder was given (`rel/w/coldkey`, not the absolute path),
   * so that spelling is tried first.
   */
  #passwordFromEnv(path: string): Uint8Array | undefined {
    const rest = relative(this.root, path)
    const given = this.#givenRoot
    const asGiven = given.endsWith('/') ? `${given}${rest}` : `${given}/${rest}`
    return (
      keyfilePasswordFromEnv(asGiven, this.#env) ??
      (asGiven === path ? undefined : keyfilePasswordFromEnv(path, this.#env))
    )
  }

  async #checkFree(paths: string[], overwrite: boolean): Promise<void> {
    if (!overwrite) await ensureAbsent(paths)
  }

  /** The keyfile bytes for `keypair`: encrypted with the password's key, or plain. */
  async #sealed(
    keypair: Keypair,
    password: PasswordSource | false,
    what: string,
  ): Promise<Uint8Array> {
    if (password === false) return keypair.keyfileJson()
    const bytes = await readPassword(password, `Password to encrypt the ${what}: `, this.#env)
    // Anyone could open a key "encrypted" with nothing.
    if (bytes.length === 0)
      throw invalidInput('password', `a password to encrypt the ${what} with, not an empty one`)
    const json = keypair.keyfileJson()
    try {
      const key = await KeyfileKey.derive(bytes)
      return encryptKeyfile(json, key)
    } finally {
      if (bytes !== password) bytes.fill(0)
      json.fill(0)
    }
  }

  async #unlock(path: string, what: string, options: UnlockOptions): Promise<Keypair> {
    const bytes = await readKeyfileBytes(path)
    let key: KeyfileKey | undefined
    let usedEnv = false
    if (keyfileFormat(bytes) === 'nacl') {
      // A prompt is asked only without a BT_PW_ variable, as bittensor-wallet asks.
      const source = options.password
      const asks = source === undefined || (typeof source === 'object' && 'prompt' in source)
      const fromEnv = asks ? this.#passwordFromEnv(path) : undefined
      usedEnv = fromEnv !== undefined
      const password =
        fromEnv ??
        (source === undefined
          ? undefined
          : await readPassword(source, `Password to unlock the ${what}: `, this.#env))
      if (password === undefined) {
        throw new WalletError(
          WalletErrorCode.PasswordRequired,
          `${path}: the ${what} is encrypted and no password was given (nor a BT_PW_ variable for it)`,
        )
      }
      try {
        options.onDeriving?.()
        key = await KeyfileKey.derive(password)
      } finally {
        if (password !== options.password) password.fill(0)
      }
    }
    const loaded = inKeyfile(path, () => {
      try {
        return readKeyfile(bytes, key)
      } catch (error) {
        // A stale variable would otherwise look like a mistyped password nobody typed.
        if (usedEnv && error instanceof KeyError && error.code === 'KEYFILE_WRONG_PASSWORD') {
          throw new KeyError(
            error.code,
            `${error.message} (the password came from bittensor-wallet's BT_PW_ variable for this file)`,
          )
        }
        throw error
      }
    })
    if (!(loaded instanceof Keypair)) {
      throw new WalletError('KEYFILE_CORRUPT', `${path}: holds only a public key, not the ${what}`)
    }
    return loaded
  }
}

function publicOf(key: Keypair | PublicKeyOnly): PublicKeyOnly {
  return { publicKey: key.publicKey, ss58: key.ss58 }
}

function noKey(error: unknown): null {
  if (error instanceof WalletError) return null
  throw error
}

/** A key that is missing or does not parse is unknown; one the system will not read is a failure. */
function notParsed(error: unknown): null {
  if (error instanceof WalletError && error.code !== WalletErrorCode.Unreadable) return null
  throw error
}
