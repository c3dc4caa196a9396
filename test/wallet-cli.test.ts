import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { KeyfileKey, Keypair, readKeyfile, verify } from '@taokit/keys'
import { argon2Timeout, describeWithShared, readSharedJson, sharedPath } from '@taokit/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { npxTaokit } from './npx.js'

interface Expected {
  wallets: {
    'bt-test-wallet': {
      coldkey: { mnemonic: string; password: string; plaintext: string; ss58: string }
      hotkeys: Record<string, { mnemonic: string; ss58: string }>
    }
  }
}

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'taokit-cli-wallet-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

function ok(args: string[], stdin?: string) {
  const result = npxTaokit(args, stdin)
  expect(result.stderr).toBe('')
  expect(result.status).toBe(0)
  return result.stdout
}

describeWithShared('npx taokit wallet makes the folder btcli makes', () => {
  const expected = readSharedJson<Expected>('vectors', 'keyfiles', 'expected.json').wallets[
    'bt-test-wallet'
  ]
  const shared = (...parts: string[]) =>
    readFile(sharedPath('vectors', 'keyfiles', 'wallets', 'bt-test-wallet', ...parts), 'utf8')
  const walletArgs = () => [
    '--wallet.path',
    join(dir, 'wallets'),
    '--wallet.name',
    'bt-test-wallet',
  ]

  it(
    'regen-coldkey writes the coldkey and coldkeypub.txt, and show --json reads them',
    async () => {
      const passwordFile = join(dir, 'password')
      await writeFile(passwordFile, `${expected.coldkey.password}\n`)
      const out = ok([
        'wallet',
        'regen-coldkey',
        ...walletArgs(),
        '--mnemonic',
        expected.coldkey.mnemonic,
        '--password-file',
        passwordFile,
        '--json',
      ])
      const folder = join(dir, 'wallets', 'bt-test-wallet')
      expect(JSON.parse(out)).toMatchObject({ ss58: expected.coldkey.ss58, encrypted: true })
      expect(await readFile(join(folder, 'coldkeypub.txt'), 'utf8')).toBe(
        await shared('coldkeypub.txt'),
      )
      const key = await KeyfileKey.derive(expected.coldkey.password)
      const coldkey = await readFile(join(folder, 'coldkey'))
      expect(readKeyfile(coldkey, key).ss58).toBe(expected.coldkey.ss58)
      expect((await stat(join(folder, 'coldkey'))).mode & 0o777).toBe(0o600)
      expect(out).not.toContain(expected.coldkey.mnemonic.split(' ')[0])

      const show = JSON.parse(ok(['wallet', 'show', ...walletArgs(), '--json']))
      expect(show).toEqual({
        name: 'bt-test-wallet',
        path: folder,
        coldkey: { path: join(folder, 'coldkey'), encryption: 'nacl' },
        coldkeypub: {
          ss58: expected.coldkey.ss58,
          publicKey: expect.stringMatching(/^0x[0-9a-f]{64}$/),
          path: join(folder, 'coldkeypub.txt'),
        },
        hotkeys: [],
      })
    },
    argon2Timeout(2),
  )

  it('regen-hotkey writes the hotkey files byte for byte, taking the mnemonic from stdin', async () => {
    const hotkey = expected.hotkeys.miner1!
    const out = ok(
      ['wallet', 'regen-hotkey', ...walletArgs(), '--wallet.hotkey', 'miner1', '--mnemonic', '-'],
      `${hotkey.mnemonic}\n`,
    )
    expect(out).toContain(hotkey.ss58)
    const folder = join(dir, 'wallets', 'bt-test-wallet', 'hotkeys')
    expect(await readFile(join(folder, 'miner1'), 'utf8')).toBe(await shared('hotkeys', 'miner1'))
    expect(await readFile(join(folder, 'miner1pub.txt'), 'utf8')).toBe(
      await shared('hotkeys', 'miner1pub.txt'),
    )
  })

  it('regen-hotkey takes a seed from stdin, keeping it out of the process list', async () => {
    const seed = `0x${'cd'.repeat(32)}`
    const out = ok(
      [
        'wallet',
        'regen-hotkey',
        '--wallet.path',
        join(dir, 'seeded'),
        '--wallet.hotkey',
        'from-seed',
        '--seed',
        '-',
      ],
      `${seed}\n`,
    )
    expect(out).toContain(Keypair.fromSeed(seed).ss58)
  })

  it('keeps the existing key: exit 2, one line, nothing written', async () => {
    const path = join(dir, 'wallets', 'bt-test-wallet', 'hotkeys', 'miner1')
    const before = await readFile(path)
    const result = npxTaokit([
      'wallet',
      'regen-hotkey',
      ...walletArgs(),
      '--wallet.hotkey',
      'miner1',
      '--mnemonic',
      expected.hotkeys.default!.mnemonic,
    ])
    expect(result.status).toBe(2)
    expect(result.stderr.trim().split('\n')).toHaveLength(1)
    expect(result.stderr).toContain('already exist')
    expect(result.stderr).toContain('(--overwrite replaces existing key files)')
    expect(await readFile(path)).toEqual(before)
  })

  it('signs with the hotkey and verifies the signature', () => {
    const signed = JSON.parse(
      ok([
        'sign',
        '--message',
        'hello',
        '--use-hotkey',
        ...walletArgs(),
        '--wallet.hotkey',
        'miner1',
        '--json',
      ]),
    ) as { ss58: string; signature: string }
    expect(signed.ss58).toBe(expected.hotkeys.miner1!.ss58)
    expect(verify('hello', signed.signature, signed.ss58)).toBe(true)
    expect(ok(['verify', '-m', 'hello', '-s', signed.signature, '-a', signed.ss58])).toBe('valid\n')
    const bad = npxTaokit([
      'verify',
      '-m',
      'hellO',
      '-s',
      signed.signature,
      '-a',
      signed.ss58,
      '--json',
    ])
    expect(bad.status).toBe(1)
    expect(JSON.parse(bad.stdout)).toEqual({ valid: false, address: signed.ss58 })
  })

  it('lists the wallets of a folder as JSON', () => {
    const list = JSON.parse(ok(['wallet', 'list', '--wallet.path', join(dir, 'wallets'), '--json']))
    expect(list.map((w: { name: string }) => w.name)).toEqual(['bt-test-wallet'])
    expect(list[0].hotkeys.map((h: { name: string }) => h.name)).toEqual(['miner1'])
  })
})

describe('npx taokit wallet on bad input', () => {
  it.each([
    [['wallet', 'regen-hotkey', '--mnemonic', 'not a real mnemonic at all'], 'mnemonic'],
    [['wallet', 'show', '--wallet.name', '../etc'], 'name'],
    [['wallet', 'create', '--n-words', '13'], 'n-words'],
    [
      ['verify', '-m', 'x', '-s', '0x00', '-a', '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY'],
      '--signature',
    ],
  ])('%j exits 2 naming %s, without a stack trace', (args, field) => {
    const result = npxTaokit(
      args[0] === 'wallet' ? [...args, '--wallet.path', join(dir, 'bad')] : args,
    )
    expect(result.status).toBe(2)
    expect(result.stderr).toContain(field)
    expect(result.stderr).not.toMatch(/\n\s+at /)
  })

  it('asks for a password source instead of waiting on a missing terminal', () => {
    const result = npxTaokit(['wallet', 'create', '--wallet.path', join(dir, 'nopw')], '')
    expect(result.status).toBe(2)
    expect(result.stderr).toContain('--password-file')
  })
})
