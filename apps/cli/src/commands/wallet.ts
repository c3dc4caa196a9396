import { toHex } from '@taokit/core'
import type { KeyfileFormat, Keypair, MnemonicWords } from '@taokit/keys'
import { type CreatedKey, Wallet, type WalletInfo } from '@taokit/wallet'
import { type Command, Option } from 'commander'
import { UsageError, withOptionNames } from '../errors.js'
import { examples, prose, shareExamples } from '../help.js'
import type { Output } from '../io.js'
import { printable } from '../printable.js'
import {
  addPasswordOptions,
  addSecretOptions,
  addWalletOptions,
  locationOf,
  type PasswordOptions,
  passwordOptionNames,
  passwordSource,
  type SecretOptions,
  secretOf,
  type WalletOptions,
  walletAt,
} from './wallet-options.js'

interface CommonOptions extends WalletOptions, PasswordOptions {
  json?: boolean
  overwrite?: boolean
}

const keyJson = (keypair: Keypair, path: string, encrypted: boolean) => ({
  ss58: keypair.ss58,
  publicKey: toHex(keypair.publicKey),
  path,
  encrypted,
})

/**
 * A password option given for a key that will be stored in plain text: the user expects it
 * encrypted. `why` says what makes it plain, `encrypt` what would encrypt it.
 */
function refusePasswordForPlainKey(
  options: PasswordOptions,
  what: string,
  why: string,
  encrypt: string,
) {
  if (options.passwordFile === undefined && options.passwordEnv === undefined) return
  const given = options.passwordFile !== undefined ? '--password-file' : '--password-env'
  throw new UsageError(
    `${given}: ${why} the ${what} is stored in plain text, with no password; drop ${given}, or ${encrypt}`,
    given.slice(2),
  )
}

/** The password for a new encrypted key, or false for a plain one. */
function newKeyPassword(options: PasswordOptions & { usePassword?: boolean }, what: string) {
  if (options.usePassword === false) {
    refusePasswordForPlainKey(options, what, 'with --no-use-password', 'drop --no-use-password')
    return false as const
  }
  const source = passwordSource(options, true)
  if (source === undefined) {
    throw new UsageError(
      `the ${what} is encrypted, so it needs a password: pass --password-file or --password-env (or --no-use-password to store it in plain text)`,
      'password',
    )
  }
  return source
}

/** Prints a written key: one line, or its JSON with `extra` fields. */
function reportKey(
  out: Output,
  json: boolean,
  what: string,
  written: { created: CreatedKey; path: string; encrypted: boolean },
  extra: Record<string, string>,
): void {
  const { created, path, encrypted } = written
  if (json) {
    out.stdout(JSON.stringify({ ...keyJson(created.keypair, path, encrypted), ...extra }))
  } else {
    out.stdout(
      `${what} ${created.keypair.ss58} written to ${path}${encrypted ? ' (encrypted)' : ''}`,
    )
  }
}

function describeStorage(format: KeyfileFormat): string {
  if (format === 'nacl') return 'encrypted'
  if (format === 'plain') return 'in plain text'
  return `in legacy ${format} encryption`
}

function renderWallet(info: WalletInfo): string {
  const coldkey = info.coldkeypub?.ss58 ?? 'no coldkeypub.txt'
  const state =
    info.coldkey === null
      ? 'no coldkey file'
      : `coldkey ${describeStorage(info.coldkey.encryption)}`
  // Names come from whatever is in the folder: shown without control characters.
  const name = printable(info.name)
  if (info.problem !== undefined) return `${name}  (cannot be read: ${printable(info.problem)})`
  const lines = [`${name}  ${coldkey}  (${state})`]
  info.hotkeys.forEach((hotkey, i) => {
    const branch = i === info.hotkeys.length - 1 ? '└──' : '├──'
    const shown =
      hotkey.problem !== undefined
        ? `(cannot be read: ${printable(hotkey.problem)})`
        : `${hotkey.key?.ss58 ?? '(address unknown)'}${hotkey.encryption === 'plain' ? '' : `  (${hotkey.encryption})`}`
    lines.push(`  ${branch} ${printable(hotkey.name)}  ${shown}`)
  })
  return lines.join('\n')
}

const WORDS = ['12', '15', '18', '21', '24']

const SECRET_OPTIONS = { mnemonic: '--mnemonic', seed: '--seed' }

const WALLET_EXAMPLES = [
  'taokit wallet create --wallet.name validator --password-file ./pw',
  'taokit wallet regen-coldkey --wallet.name validator --mnemonic - --password-file ./pw',
  'taokit wallet regen-hotkey --wallet.name validator --wallet.hotkey miner1 --mnemonic -',
  'taokit wallet list',
  'taokit wallet show --wallet.name validator --json',
]

export function registerWallet(program: Command, out: Output): void {
  const wallet = program
    .command('wallet')
    .summary('create, regenerate, list and show btcli wallets')
    .description(
      prose(
        'Wallets in the folders and file formats btcli and bittensor-wallet use:',
        '<wallet.path>/<wallet.name>/coldkey ($NACL-encrypted), coldkeypub.txt, and',
        'hotkeys/<wallet.hotkey> (plain) with hotkeys/<wallet.hotkey>pub.txt. Files are written',
        'atomically with mode 0600, and existing keys are kept unless --overwrite is given.',
        '',
        'Passwords come from --password-file, --password-env or a prompt on the terminal.',
        "To unlock, bittensor-wallet's BT_PW_<PATH> variables work too.",
      ),
    )
    .addHelpText('after', examples(...WALLET_EXAMPLES))

  addPasswordOptions(
    addWalletOptions(
      wallet
        .command('create')
        .summary('a new coldkey and hotkey from fresh mnemonics')
        .addOption(
          new Option('--n-words <count>', 'words per mnemonic').choices(WORDS).default('12'),
        )
        .option('--no-use-password', 'store the coldkey in plain text (not recommended)')
        .option('--overwrite', 'replace existing key files')
        .option('--json', 'print JSON, mnemonics included'),
    ),
  ).action(async (options: CommonOptions & { nWords: string; usePassword?: boolean }) => {
    const target = walletAt(options)
    const password = newKeyPassword(options, 'coldkey')
    const { coldkey, hotkey } = await withOptionNames(passwordOptionNames(options), () =>
      target.create({
        words: Number(options.nWords) as MnemonicWords,
        password,
        overwrite: options.overwrite === true,
      }),
    )
    const encrypted = password !== false
    if (options.json === true) {
      out.stdout(
        JSON.stringify({
          wallet: { name: target.name, path: target.path },
          coldkey: {
            ...keyJson(coldkey.keypair, target.coldkeyPath, encrypted),
            coldkeypubPath: target.coldkeypubPath,
            mnemonic: coldkey.mnemonic,
          },
          hotkey: {
            ...keyJson(hotkey.keypair, target.hotkeyPath(), false),
            name: target.hotkeyName,
            mnemonic: hotkey.mnemonic,
          },
        }),
      )
      return
    }
    out.stdout(
      `coldkey ${coldkey.keypair.ss58} written to ${target.coldkeyPath}${encrypted ? ' (encrypted)' : ''}`,
    )
    out.stdout(`hotkey ${hotkey.keypair.ss58} written to ${target.hotkeyPath()}`)
    out.stdout('')
    out.stdout(
      'Write these mnemonics down and keep them safe: anyone who has one controls the key,',
    )
    out.stdout('and they are the only way to recover it.')
    out.stdout(`  coldkey: ${coldkey.mnemonic}`)
    out.stdout(`  hotkey:  ${hotkey.mnemonic}`)
  })

  addPasswordOptions(
    addWalletOptions(
      addSecretOptions(wallet.command('regen-coldkey'))
        .summary('write a coldkey (and coldkeypub.txt) from its mnemonic or seed')
        .option('--no-use-password', 'store the coldkey in plain text (not recommended)')
        .option('--overwrite', 'replace existing key files')
        .option('--json', 'print JSON'),
      false,
    ),
  ).action(async (options: CommonOptions & SecretOptions & { usePassword?: boolean }) => {
    const target = walletAt(options)
    const password = newKeyPassword(options, 'coldkey')
    const secret = await secretOf(options)
    const names = { ...SECRET_OPTIONS, ...passwordOptionNames(options) }
    const created = await withOptionNames(names, () =>
      target.regenerateColdkey(secret, { password, overwrite: options.overwrite === true }),
    )
    reportKey(
      out,
      options.json === true,
      'coldkey',
      { created, path: target.coldkeyPath, encrypted: password !== false },
      { coldkeypubPath: target.coldkeypubPath },
    )
  })

  addPasswordOptions(
    addWalletOptions(
      addSecretOptions(wallet.command('regen-hotkey'))
        .summary('write a hotkey (and its pub file) from its mnemonic or seed')
        .option('--use-password', 'encrypt the hotkey (btcli stores hotkeys in plain text)')
        .option('--overwrite', 'replace existing key files')
        .option('--json', 'print JSON'),
    ),
  ).action(async (options: CommonOptions & SecretOptions & { usePassword?: boolean }) => {
    const target = walletAt(options)
    if (options.usePassword !== true) {
      refusePasswordForPlainKey(options, 'hotkey', 'without --use-password', 'add --use-password')
    }
    const secret = await secretOf(options)
    const password = options.usePassword === true ? newKeyPassword(options, 'hotkey') : false
    const names = { ...SECRET_OPTIONS, ...passwordOptionNames(options) }
    const created = await withOptionNames(names, () =>
      target.regenerateHotkey(secret, { password, overwrite: options.overwrite === true }),
    )
    reportKey(
      out,
      options.json === true,
      'hotkey',
      { created, path: target.hotkeyPath(), encrypted: password !== false },
      { name: target.hotkeyName },
    )
  })

  wallet
    .command('list')
    .summary('every wallet in the wallet folder, with its addresses')
    .option(
      '--wallet.path <path>',
      'the folder holding wallets (default ~/.bittensor/wallets, or $BT_WALLET_PATH)',
    )
    .option('--json', 'print JSON: an array of the objects `wallet show --json` prints')
    .action(async (options: WalletOptions & { json?: boolean }) => {
      const location = locationOf(options)
      const wallets = await Wallet.list(location.path === undefined ? {} : { path: location.path })
      if (options.json === true) out.stdout(JSON.stringify(wallets))
      else out.stdout(wallets.length === 0 ? 'no wallets' : wallets.map(renderWallet).join('\n'))
    })

  addWalletOptions(
    wallet
      .command('show')
      .summary("a wallet's files and addresses (no password needed, no secret shown)")
      .option('--json', 'print JSON (see the CLI README for the fields)'),
    false,
  ).action(async (options: WalletOptions & { json?: boolean }) => {
    const info = await walletAt(options).describe()
    if (info.coldkey === null && info.coldkeypub === null && info.hotkeys.length === 0) {
      throw new UsageError(`no wallet at ${info.path}`, 'wallet.name')
    }
    out.stdout(options.json === true ? JSON.stringify(info) : renderWallet(info))
  })
  shareExamples(wallet, WALLET_EXAMPLES)
}
