import { accessSync, constants, readFileSync, statSync } from 'node:fs'
import { isTaokitError } from '@taokit/core'
import { Keypair } from '@taokit/keys'
import {
  type PasswordSource,
  Wallet,
  WalletError,
  WalletErrorCode,
  type WalletLocation,
} from '@taokit/wallet'
import type { Command } from 'commander'
import { UsageError, withOptionNames } from '../errors.js'
import type { Output } from '../io.js'
import { ask, askNewPassword, askPassword, canPrompt } from '../prompt.js'
import { parseAddress } from './chain-options.js'

/** btcli's spellings of the wallet options; `run` rewrites them to the dotted form. */
export const WALLET_OPTION_ALIASES: Record<string, string> = {
  '--wallet-path': '--wallet.path',
  '--wallet_path': '--wallet.path',
  '--wallet-name': '--wallet.name',
  '--wallet_name': '--wallet.name',
  '--wallet-hotkey': '--wallet.hotkey',
  '--wallet_hotkey': '--wallet.hotkey',
}

export interface WalletOptions {
  'wallet.path'?: string
  'wallet.name'?: string
  'wallet.hotkey'?: string
}

export function addWalletOptions(command: Command, hotkey = true): Command {
  command
    .option(
      '--wallet.path <path>',
      'the folder holding wallets (default ~/.bittensor/wallets, or $BT_WALLET_PATH)',
    )
    .option('--wallet.name <name>', 'the wallet (default "default", or $BT_WALLET_NAME)')
  if (hotkey)
    command.option('--wallet.hotkey <name>', 'the hotkey (default "default", or $BT_WALLET_HOTKEY)')
  return command
}

/** The wallet library's names for what the CLI's options set. */
const WALLET_OPTION_OF: Record<string, string> = {
  path: '--wallet.path',
  name: '--wallet.name',
  hotkey: '--wallet.hotkey',
}

/** The wallet the options name; a malformed name or path is refused naming its option. */
export function walletAt(options: WalletOptions): Wallet {
  try {
    return new Wallet(locationOf(options))
  } catch (error) {
    const option = isTaokitError(error) ? WALLET_OPTION_OF[error.field ?? ''] : undefined
    if (option === undefined || !isTaokitError(error)) throw error
    throw new UsageError(`${option}${error.message.slice(error.field!.length)}`, option.slice(2))
  }
}

export function locationOf(options: WalletOptions): WalletLocation {
  const location: WalletLocation = {}
  if (options['wallet.path'] !== undefined) location.path = options['wallet.path']
  if (options['wallet.name'] !== undefined) location.name = options['wallet.name']
  if (options['wallet.hotkey'] !== undefined) location.hotkey = options['wallet.hotkey']
  return location
}

export interface PasswordOptions {
  passwordFile?: string
  passwordEnv?: string
}

export function addPasswordOptions(command: Command): Command {
  return command
    .option(
      '--password-file <file>',
      'read the password from this file (one trailing newline ignored)',
    )
    .option('--password-env <variable>', 'read the password from this environment variable')
}

/** The options a wallet error's password fields stand for, as the user typed them. */
export function passwordOptionNames(options: PasswordOptions): Record<string, string> {
  const used = options.passwordEnv !== undefined ? '--password-env' : '--password-file'
  return { password: used, passwordFile: '--password-file' }
}

/**
 * The password source the options name, else a terminal prompt (twice for a new
 * password), else undefined.
 */
export function passwordSource(
  options: PasswordOptions,
  isNew: boolean,
): PasswordSource | undefined {
  if (options.passwordFile !== undefined && options.passwordEnv !== undefined) {
    throw new UsageError('give at most one of --password-file and --password-env', 'password')
  }
  if (options.passwordFile !== undefined) {
    let reason: string | undefined
    try {
      accessSync(options.passwordFile, constants.R_OK)
      const stat = statSync(options.passwordFile)
      if (!stat.isFile() && !stat.isFIFO()) reason = 'not a file'
    } catch (error) {
      reason = (error as NodeJS.ErrnoException).code ?? 'unreadable'
    }
    if (reason !== undefined) {
      throw new UsageError(
        `--password-file: cannot read ${options.passwordFile} (${reason})`,
        'password-file',
      )
    }
    return { file: options.passwordFile }
  }
  if (options.passwordEnv !== undefined) {
    if (process.env[options.passwordEnv] === undefined) {
      throw new UsageError(
        `--password-env: the environment variable ${options.passwordEnv} is not set`,
        'password-env',
      )
    }
    return { env: options.passwordEnv }
  }
  if (!canPrompt()) return undefined
  return {
    prompt: (question) => (isNew ? askNewPassword(question) : askPassword(question)),
  }
}

export function addSecretOptions(command: Command): Command {
  return command
    .option(
      '--mnemonic <words>',
      'the mnemonic, quoted; - reads it from standard input; prompted when absent',
    )
    .option(
      '--seed <hex>',
      'the seed in hex instead of a mnemonic: 32 bytes, or a 64-byte secret key; - reads it from standard input, which keeps it out of the process list',
    )
}

export interface SecretOptions {
  mnemonic?: string
  seed?: string
}

/** `--<option> -`: on a terminal, typed input would be echoed, so it is asked for hidden. */
async function secretFromStandardInput(option: string, question: string): Promise<string> {
  if (canPrompt()) return ask(question, { hidden: true })
  try {
    return readFileSync(0, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error)
    throw new UsageError(`--${option}: cannot read it from standard input (${code})`, option)
  }
}

/** The mnemonic or seed to regenerate from: an option, standard input (`-`), or a prompt. */
export async function secretOf(
  options: SecretOptions,
): Promise<{ mnemonic: string } | { seed: string }> {
  if (options.mnemonic !== undefined && options.seed !== undefined) {
    throw new UsageError('give one of --mnemonic and --seed, not both', 'mnemonic')
  }
  if (options.seed === '-') {
    const seed = await secretFromStandardInput('seed', 'Seed (hex): ')
    if (seed.trim() === '') throw new UsageError('--seed: standard input was empty', 'seed')
    return { seed: seed.trim() }
  }
  if (options.seed !== undefined) return { seed: options.seed }
  let mnemonic = options.mnemonic
  if (mnemonic === '-') mnemonic = await secretFromStandardInput('mnemonic', 'Mnemonic: ')
  if (mnemonic === undefined) {
    if (!canPrompt()) {
      throw new UsageError(
        'give --mnemonic "<words>" (or - to read it from standard input) or --seed',
        'mnemonic',
      )
    }
    mnemonic = await ask('Mnemonic: ', { hidden: true })
  }
  return { mnemonic }
}

export interface SignerOptions extends WalletOptions, PasswordOptions {
  /** A development key such as //Alice, instead of the wallet's key. */
  uri?: string
}

export function addSignerOptions(command: Command, signs: 'coldkey' | 'hotkey'): Command {
  return addPasswordOptions(
    addWalletOptions(command).option(
      '--uri <uri>',
      `sign with a development key such as //Alice instead of the wallet's ${signs}`,
    ),
  )
}

/** Where `signerFrom` says it is unlocking: stderr, unless --json keeps it for errors. */
export function unlockNotice(
  out: Pick<Output, 'stderr'>,
  json: boolean | undefined,
): ((text: string) => void) | undefined {
  return json === true ? undefined : out.stderr
}

/**
 * The keypair that signs: `--uri`, else the wallet's coldkey (unlocked) or hotkey. An
 * encrypted key takes seconds to unlock; `notice` is told when that starts.
 */
export async function signerFrom(
  options: SignerOptions,
  key: 'coldkey' | 'hotkey',
  notice: ((text: string) => void) | undefined,
): Promise<Keypair> {
  if (options.uri !== undefined) {
    // An empty URI is the public dev phrase: an unset $VARIABLE, not a key anyone meant.
    if (options.uri.trim() === '') {
      throw new UsageError('--uri: expected a secret URI such as //Alice, got nothing', 'uri')
    }
    try {
      return Keypair.fromUri(options.uri)
    } catch (error) {
      if (!isTaokitError(error)) throw error
      // The key library names its own argument; the secret itself is never in the message.
      throw new UsageError(`--uri: ${error.message.replace(/^uri: /, '')}`, 'uri')
    }
  }
  const wallet = walletAt(options)
  const source = passwordSource(options, false)
  let typed = false
  const password =
    source !== undefined && typeof source === 'object' && 'prompt' in source
      ? {
          prompt: (question: string) => {
            typed = true
            return source.prompt(question)
          },
        }
      : source
  const unlock = {
    ...(password === undefined ? {} : { password }),
    onDeriving: () => notice?.(`unlocking the ${key} (this takes a few seconds)…`),
  }
  try {
    return await withOptionNames(passwordOptionNames(options), () =>
      key === 'hotkey' ? wallet.hotkey(unlock) : wallet.unlockColdkey(unlock),
    )
  } catch (error) {
    if (typed && error instanceof WalletError && error.code === 'KEYFILE_WRONG_PASSWORD') {
      // A wallet encrypted from a file, or by an older taokit, may keep spaces at the ends.
      throw new UsageError(
        `${error.message} (what is typed is trimmed, as btcli trims it: give a password with spaces at its ends with --password-file)`,
        'password',
      )
    }
    if (!(error instanceof WalletError) || error.code !== WalletErrorCode.PasswordRequired) {
      throw error
    }
    throw new UsageError(
      `${error.message}: give --password-file FILE or --password-env VARIABLE, or run on a terminal to be asked`,
      'password',
    )
  }
}

/** The address of the wallet's hotkey (no unlocking needed). */
export async function walletHotkeyAddress(options: WalletOptions): Promise<string> {
  return (await walletAt(options).hotkeypub()).ss58
}

/**
 * `--hotkey`, checked; else the wallet's hotkey. With `uriIsHotkey` (a command that makes a
 * hotkey, such as register), --uri without --wallet.name or --wallet.hotkey gives that key's
 * own address instead: a development key serves as its own hotkey.
 */
export async function hotkeyOption(
  options: SignerOptions & { hotkey?: string },
  uriIsHotkey = false,
): Promise<string> {
  if (options.hotkey !== undefined) return parseAddress(options.hotkey, '--hotkey')
  const walletNamed = options['wallet.name'] !== undefined || options['wallet.hotkey'] !== undefined
  if (uriIsHotkey && options.uri !== undefined && !walletNamed) {
    return (await signerFrom(options, 'hotkey', undefined)).ss58
  }
  try {
    return await walletHotkeyAddress(options)
  } catch (error) {
    // With --uri, the user may not think of a wallet at all: say what else would do.
    if (options.uri === undefined || !(error instanceof WalletError)) throw error
    if (error.code !== WalletErrorCode.NotFound) throw error
    throw new UsageError(
      `--hotkey: not given, and the wallet has no hotkey: ${error.message}`,
      'hotkey',
    )
  }
}
