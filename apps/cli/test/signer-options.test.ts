import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { argon2Timeout } from '@taokit/testing'
import { Wallet } from '@taokit/wallet'
import { expect, it } from 'vitest'
import { run } from '../src/program.js'
import { terminalTyping } from './terminal.js'

async function cli(...argv: string[]) {
  const stderr: string[] = []
  const code = await run(argv, { stdout: () => {}, stderr: (t) => stderr.push(t) })
  return { code, stderr: stderr.join('\n') }
}

it('names the option behind a wallet, password or URI the CLI cannot use', async () => {
  const root = mkdtempSync(join(tmpdir(), 'taokit-signer-'))
  const file = join(root, 'a-file')
  writeFileSync(file, 'x')
  mkdirSync(join(root, 'w', 'hotkeys', 'adir'), { recursive: true })
  const serve = ['axon', 'serve', '--port', '0', '--quiet']
  const cases: Array<[string[], RegExp]> = [
    [
      ['--wallet.name', ''],
      /^taokit: --wallet\.name: expected a name without slashes or control characters, not blank/,
    ],
    [['--wallet.hotkey', '..'], /^taokit: --wallet\.hotkey: expected a name/],
    [
      ['--wallet.path', file, '--wallet.name', 'x'],
      /cannot read it: a file stands where a folder on this path should be/,
    ],
    [
      ['--wallet.path', root, '--wallet.name', 'w', '--wallet.hotkey', 'adir'],
      /adir: cannot read it: it is a folder, not a key file/,
    ],
    [
      ['--wallet.path', root, '--wallet.name', 'nobody'],
      /no such key file \(check --wallet\.path, --wallet\.name and --wallet\.hotkey; `taokit wallet create` makes a wallet\)/,
    ],
    [
      ['--wallet.path', root, '--password-env', 'TAOKIT_TEST_UNSET_VARIABLE'],
      /^taokit: --password-env: the environment variable TAOKIT_TEST_UNSET_VARIABLE is not set/,
    ],
    [
      ['--wallet.path', root, '--password-file', join(root, 'missing')],
      /^taokit: --password-file: cannot read .*missing \(ENOENT\)/,
    ],
    [
      ['--wallet.path', root, '--password-file', root],
      /^taokit: --password-file: cannot read .* \(not a file\)/,
    ],
    [['--wallet.name', 'n'.repeat(300)], /cannot read it: the path is too long/],
    // An unset $VARIABLE would otherwise serve as the public dev phrase's key.
    [['--uri', ' '], /^taokit: --uri: expected a secret URI such as \/\/Alice, got nothing/],
    [['--uri', 'not a phrase at all'], /^taokit: --uri: not a valid BIP39 mnemonic/],
    [['--uri', '//Bob', '--netuid', '1', '--timeout', '3000000000'], /^taokit: --timeout: /],
    [['--uri', '//Bob', '--netuid', '1', '--timeout', '0'], /^taokit: --timeout: /],
  ]
  for (const [args, message] of cases) {
    const result = await cli(...serve, ...args)
    expect({ args, code: result.code }).toEqual({ args, code: 2 })
    expect(result.stderr).toMatch(message)
    expect(result.stderr).not.toMatch(/internal error|\n\s+at /)
  }
})

it('takes a --uri key as the hotkey only where a hotkey is made, and not over a named wallet', async () => {
  const root = mkdtempSync(join(tmpdir(), 'taokit-uri-hotkey-'))
  const noWallet =
    /w2\/hotkeys\/default: no such key file|default\/hotkeys\/default: no such key file/
  for (const args of [
    ['register', '--netuid', '1', '--uri', '//Bob', '--wallet.path', root, '--wallet.name', 'w2'],
    ['stake', 'add', '--netuid', '1', '--amount', '1', '--uri', '//Bob', '--wallet.path', root],
  ]) {
    const result = await cli(...args, '--network', 'ws://127.0.0.1:9')
    expect({ args, code: result.code }).toEqual({ args, code: 2 })
    expect(result.stderr).toMatch(noWallet)
  }
})

it('names the environment variable a bad wallet setting came from', async () => {
  const saved = { ...process.env }
  try {
    for (const [variable, value] of [
      ['BT_WALLET_NAME', 'a/b'],
      ['BT_WALLET_HOTKEY', '..'],
    ] as const) {
      process.env = { ...saved, [variable]: value }
      const result = await cli('axon', 'serve', '--port', '0', '--quiet')
      expect({ variable, code: result.code }).toEqual({ variable, code: 2 })
      expect(result.stderr).toMatch(new RegExp(`^taokit: ${variable}: expected a`))
    }
    // An empty variable is unset, as bittensor-wallet reads it: the default wallet is used.
    process.env = { ...saved, BT_WALLET_NAME: '' }
    const empty = await cli('axon', 'serve', '--port', '0', '--quiet', '--wallet.path', tmpdir())
    expect(empty.stderr).toMatch(/default\/hotkeys\/default: no such key file/)
    // An option still wins over the variable, and is the one named.
    process.env = { ...saved, BT_WALLET_NAME: 'fine' }
    const result = await cli('axon', 'serve', '--port', '0', '--quiet', '--wallet.name', '..')
    expect(result.stderr).toMatch(/^taokit: --wallet\.name: expected a name/)
  } finally {
    process.env = saved
  }
})

it(
  'says so while an encrypted key unlocks, and nothing for a plain one',
  async () => {
    const root = mkdtempSync(join(tmpdir(), 'taokit-unlock-'))
    const passwordFile = join(root, 'password')
    writeFileSync(passwordFile, 'a password\n')
    const wallet = new Wallet({ name: 'enc', path: root })
    await wallet.create({ password: 'a password' })
    const stdout: string[] = []
    const stderr: string[] = []
    const sign = (...extra: string[]) =>
      run(['sign', '--message', 'hi', '--wallet.path', root, '--wallet.name', 'enc', ...extra], {
        stdout: (t) => stdout.push(t),
        stderr: (t) => stderr.push(t),
      })
    expect(await sign('--password-file', passwordFile)).toBe(0)
    expect(stderr).toEqual(['unlocking the coldkey (this takes a few seconds)…'])
    stderr.length = 0
    // Under --json, stderr is kept for errors, as the chain commands keep it.
    expect(await sign('--password-file', passwordFile, '--json')).toBe(0)
    expect(stderr).toEqual([])
    expect(await sign('--use-hotkey')).toBe(0)
    expect(stderr).toEqual([])
    expect(stdout).toHaveLength(3)
    // No password option and no terminal to ask on: the message says which options to use.
    expect(await sign()).toBe(2)
    expect(stderr).toHaveLength(1)
    expect(stderr[0]).toMatch(
      /coldkey is encrypted .*: give --password-file FILE or --password-env VARIABLE, or run on a terminal/,
    )
  },
  argon2Timeout(3),
)

it(
  'says a typed password is trimmed when it does not open a key encrypted with spaces at its ends',
  async () => {
    const root = mkdtempSync(join(tmpdir(), 'taokit-trimmed-'))
    const wallet = new Wallet({ path: root, name: 'spaced' })
    await wallet.regenerateColdkey({ words: 12 }, { password: ' pw ' })
    terminalTyping([' pw '])
    const signed = await cli('sign', '-m', 'hi', '--wallet.path', root, '--wallet.name', 'spaced')
    expect(signed.code).toBe(2)
    expect(signed.stderr).toMatch(/wrong password/)
    expect(signed.stderr).toMatch(/give a password with spaces at its ends with --password-file/)
  },
  argon2Timeout(2),
)
