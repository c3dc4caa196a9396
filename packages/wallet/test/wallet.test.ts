import { execFileSync } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { KeyfileKey, Keypair, readKeyfile } from '@taokit/keys'
import { argon2Timeout, describeWithShared, readSharedJson, sharedPath } from '@taokit/testing'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { readPassword, Wallet, WalletError } from '../src/index.js'

interface TestWallet {
  coldkey: { mnemonic: string; password: string; plaintext: string; ss58: string }
  hotkeys: Record<string, { mnemonic: string; ss58: string }>
}

let root: string
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'taokit-wallet-'))
})
afterEach(async () => {
  await rm(root, { recursive: true, force: true })
})

const mode = async (path: string) => (await stat(path)).mode & 0o777
const SLOW = argon2Timeout(2)

async function errorOf(promise: Promise<unknown>): Promise<WalletError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(WalletError)
  return error as WalletError
}

describeWithShared('writing the btcli layout', () => {
  const expected = readSharedJson<{ wallets: { 'bt-test-wallet': TestWallet } }>(
    'vectors',
    'keyfiles',
    'expected.json',
  ).wallets['bt-test-wallet']
  const shared = (...parts: string[]) =>
    readFile(sharedPath('vectors', 'keyfiles', 'wallets', 'bt-test-wallet', ...parts), 'utf8')

  it(
    'regenerates the coldkey bittensor-wallet would write, encrypted, mode 0600',
    async () => {
      const wallet = new Wallet({ path: root, name: 'bt-test-wallet' })
      const { coldkey } = expected
      // Two Argon2 derivations, at once: the wallet's, and the one that checks its file.
      const [created, key] = await Promise.all([
        wallet.regenerateColdkey({ mnemonic: coldkey.mnemonic }, { password: coldkey.password }),
        KeyfileKey.derive(coldkey.password),
      ])
      expect(created.keypair.ss58).toBe(coldkey.ss58)
      expect(await readFile(wallet.coldkeypubPath, 'utf8')).toBe(await shared('coldkeypub.txt'))
      const file = await readFile(wallet.coldkeyPath)
      expect(file.subarray(0, 5).toString()).toBe('$NACL')
      expect(readKeyfile(file, key).ss58).toBe(coldkey.ss58)
      expect(await mode(wallet.coldkeyPath)).toBe(0o600)
      expect(await mode(wallet.coldkeypubPath)).toBe(0o600)
      expect(await mode(wallet.path)).toBe(0o700)
      expect((await wallet.coldkeypub()).ss58).toBe(coldkey.ss58)
    },
    SLOW,
  )

  it('regenerates hotkeys byte for byte, in plain text', async () => {
    for (const name of ['default', 'miner1']) {
      const wallet = new Wallet({ path: root, name: 'bt-test-wallet', hotkey: name })
      await wallet.regenerateHotkey({ mnemonic: expected.hotkeys[name]!.mnemonic })
      expect(await readFile(wallet.hotkeyPath(), 'utf8')).toBe(await shared('hotkeys', name))
      expect(await readFile(wallet.hotkeypubPath(), 'utf8')).toBe(
        await shared('hotkeys', `${name}pub.txt`),
      )
      expect(await mode(wallet.hotkeyPath())).toBe(0o600)
      expect((await wallet.hotkey()).ss58).toBe(expected.hotkeys[name]!.ss58)
    }
  })
})

describe('never losing a key', () => {
  it('refuses to overwrite without overwrite, and leaves the files as they were', async () => {
    const wallet = new Wallet({ path: root, name: 'w' })
    const first = await wallet.regenerateHotkey({ words: 12 })
    const before = await readFile(wallet.hotkeyPath())
    const error = await errorOf(wallet.regenerateHotkey({ words: 24 }))
    expect(error.code).toBe('WALLET_EXISTS')
    expect(error.message).toContain(wallet.hotkeyPath())
    expect(await readFile(wallet.hotkeyPath())).toEqual(before)
    const second = await wallet.regenerateHotkey({ words: 12 }, { overwrite: true })
    expect((await wallet.hotkey()).ss58).toBe(second.keypair.ss58)
    expect(second.keypair.ss58).not.toBe(first.keypair.ss58)
  })

  it('refuses a coldkey regeneration before asking for a password when files exist', async () => {
    const wallet = new Wallet({ path: root, name: 'w' })
    await wallet.regenerateColdkey({ words: 12 }, { password: false })
    let asked = false
    const prompt = async () => {
      asked = true
      return 'pw'
    }
    const error = await errorOf(wallet.regenerateColdkey({ words: 12 }, { password: { prompt } }))
    expect(error.code).toBe('WALLET_EXISTS')
    expect(asked).toBe(false)
  })

  it('creates a coldkey and a hotkey with fresh 12-word mnemonics', async () => {
    const wallet = new Wallet({ path: root, name: 'fresh', hotkey: 'miner' })
    const { coldkey, hotkey } = await wallet.create({ password: false })
    expect(coldkey.mnemonic?.split(' ')).toHaveLength(12)
    expect(Keypair.fromMnemonic(hotkey.mnemonic!).ss58).toBe(hotkey.keypair.ss58)
    const info = await wallet.describe()
    expect(info.coldkeypub?.ss58).toBe(coldkey.keypair.ss58)
    expect(info.coldkey?.encryption).toBe('plain')
    expect(info.hotkeys.map((h) => [h.name, h.key?.ss58])).toEqual([['miner', hotkey.keypair.ss58]])
  })

  it('writes nothing of a new wallet when one of its files cannot be written', async () => {
    // A hotkey name the file system refuses, and a file where the hotkeys folder should be.
    const long = new Wallet({ path: root, name: 'long', hotkey: 'h'.repeat(250) })
    const tooLong = await errorOf(long.create({ password: false }))
    expect(tooLong.code).toBe('WALLET_UNWRITABLE')
    expect(tooLong.message).toMatch(/the path is too long.*nothing was written$/)
    const blocked = new Wallet({ path: root, name: 'blocked' })
    await mkdir(blocked.path, { recursive: true })
    await writeFile(join(blocked.path, 'hotkeys'), 'not a folder')
    const notDir = await errorOf(blocked.create({ password: false }))
    // Found while checking that its files are free, before anything is written.
    expect(notDir.code).toBe('WALLET_UNREADABLE')
    expect(notDir.message).toMatch(/a file stands where a folder/)
    // A long name the file system takes leaves room for the temporary files too.
    await new Wallet({ path: root, name: 'ok', hotkey: 'h'.repeat(248) }).create({
      password: false,
    })
    // Folders made for a wallet that was not written are removed again.
    await expect(stat(long.path)).rejects.toMatchObject({ code: 'ENOENT' })
    for (const wallet of [long, blocked]) {
      await expect(stat(wallet.coldkeyPath)).rejects.toMatchObject({ code: 'ENOENT' })
      await expect(stat(wallet.coldkeypubPath)).rejects.toMatchObject({ code: 'ENOENT' })
    }
  })

  it('replaces nothing with overwrite when one of the files cannot be replaced', async () => {
    const wallet = new Wallet({ path: root, name: 'w' })
    await wallet.create({ password: false })
    const before = await readFile(wallet.coldkeyPath)
    await rm(wallet.hotkeyPath())
    await mkdir(wallet.hotkeyPath())
    const error = await errorOf(wallet.create({ password: false, overwrite: true }))
    expect(error.code).toBe('WALLET_UNWRITABLE')
    expect(error.message).toMatch(/a folder stands in its place; nothing was written$/)
    expect(await readFile(wallet.coldkeyPath)).toEqual(before)
    const tooLong = new Wallet({ path: root, name: 'w', hotkey: 'h'.repeat(250) })
    await errorOf(tooLong.create({ password: false, overwrite: true }))
    expect(await readFile(wallet.coldkeyPath)).toEqual(before)
  })

  it('refuses to encrypt a key with an empty password', async () => {
    const wallet = new Wallet({ path: root, name: 'w' })
    const error = await errorOf(wallet.regenerateColdkey({ words: 12 }, { password: '' }))
    expect(error).toMatchObject({ code: 'WALLET_INVALID_INPUT', field: 'password' })
    await expect(stat(wallet.coldkeyPath)).rejects.toMatchObject({ code: 'ENOENT' })
  })

  it('lists every wallet it can, saying which one cannot be read, links included', async () => {
    const good = new Wallet({ path: root, name: 'good', hotkey: 'miner' })
    await good.create({ password: false })
    await mkdir(join(root, 'odd\\name'))
    const broken = new Wallet({ path: root, name: 'broken' })
    await mkdir(broken.coldkeyPath, { recursive: true })
    // A coldkeypub.txt that cannot be read is a problem, not a missing file.
    const blocked = new Wallet({ path: root, name: 'blocked' })
    await mkdir(blocked.coldkeypubPath, { recursive: true })
    // A hotkey pub file that cannot be read only hides that hotkey's address.
    await mkdir(good.hotkeypubPath('spare'), { recursive: true })
    await writeFile(good.hotkeyPath('spare'), await readFile(good.hotkeyPath()))
    await symlink(good.path, join(root, 'linked'))
    await symlink(good.hotkeyPath(), good.hotkeyPath('alias'))
    const listed = await Wallet.list({ path: root })
    expect(listed.map((w) => [w.name, w.problem === undefined])).toEqual([
      ['blocked', false],
      ['broken', false],
      ['good', true],
      ['linked', true],
    ])
    expect(listed[0]!.problem).toMatch(/coldkeypub\.txt: cannot read it: it is a folder/)
    expect(listed[1]!.problem).toMatch(/it is a folder, not a key file/)
    expect(listed[2]!.hotkeys.map((h) => [h.name, h.key === null])).toEqual([
      ['alias', false],
      ['miner', false],
      ['spare', true],
    ])
  })

  it('says why a folder of wallets cannot be listed', async () => {
    const file = join(root, 'file')
    await writeFile(file, '')
    const error = await errorOf(Wallet.list({ path: file }))
    expect(error.code).toBe('WALLET_UNREADABLE')
    expect(error.message).toMatch(/a file stands where a folder/)
  })

  it('rejects names that would leave the wallet folder', () => {
    for (const name of ['', '..', 'a/b', 'a\\b']) {
      expect(() => new Wallet({ path: root, name })).toThrow(
        expect.objectContaining({ code: 'WALLET_INVALID_INPUT', field: 'name' }),
      )
    }
  })

  it('rejects blank names and paths, and names with control characters', () => {
    for (const name of [' ', '\t', 'new\nline', 'bell\u0007']) {
      expect(() => new Wallet({ path: root, name })).toThrow(
        expect.objectContaining({ code: 'WALLET_INVALID_INPUT', field: 'name' }),
      )
      expect(() => new Wallet({ path: root, name: 'w', hotkey: name })).toThrow(
        expect.objectContaining({ code: 'WALLET_INVALID_INPUT', field: 'hotkey' }),
      )
    }
    expect(() => new Wallet({ path: '  ', name: 'w' })).toThrow(
      expect.objectContaining({ code: 'WALLET_INVALID_INPUT', field: 'path' }),
    )
    // Spaces inside a name are fine, as btcli allows them.
    expect(new Wallet({ path: root, name: 'my wallet' }).name).toBe('my wallet')
  })
})

describeWithShared('reading existing wallets', () => {
  const wallets = sharedPath('vectors', 'keyfiles', 'wallets')

  it('describes and lists wallets without any password', async () => {
    const list = await Wallet.list({ path: wallets })
    expect(list.map((w) => w.name)).toEqual(['bt-legacy-wallet', 'bt-test-wallet'])
    const [legacy, test] = list
    expect(test!.coldkey?.encryption).toBe('nacl')
    expect(test!.coldkeypub?.ss58).toBe('5GQV6UBXfWCRVPpv7hSmi7vtzqtJ5u94ZLagT12mtsxtyjAT')
    expect(test!.hotkeys.map((h) => [h.name, h.key?.ss58])).toEqual([
      ['default', '5D7yFSPj2Gx6o8kuv96TtbWPwgFSs6uQzF2VEw9SDkeBKCbC'],
      ['legacy_v6', '5Hh99yPZ8w3DLc57eWjxHEHESaVDXtL8JHSPick47pgxxDyG'],
      ['miner1', '5FPPgvYKKxNA7KA6hYacyXTaSAvmwomGSL5MbELnMcRgJJSa'],
    ])
    expect(legacy!.coldkey).toBeNull()
    expect(legacy!.coldkeypub?.ss58).toBe('5GQV6UBXfWCRVPpv7hSmi7vtzqtJ5u94ZLagT12mtsxtyjAT')
    expect(legacy!.hotkeys[0]?.key?.ss58).toBe('5Hh99yPZ8w3DLc57eWjxHEHESaVDXtL8JHSPick47pgxxDyG')
    expect(JSON.stringify(list)).not.toMatch(/secret|privateKey/i)
  })

  it(
    "unlocks with bittensor-wallet's BT_PW_ variable, and names the file on a wrong password",
    async () => {
      const wallet = new Wallet({ path: wallets, name: 'bt-test-wallet' })
      const variable = `BT_PW_${wallet.coldkeyPath.replace(/[/.]/g, '_').toUpperCase()}`
      const password = Buffer.from('Bittensor-Test-Pa55word!')
      const xored = password.map((byte, i) => byte ^ variable.charCodeAt(i % variable.length))
      const env = { [variable]: Buffer.from(xored).toString('base64') }
      // Two Argon2 derivations, at once.
      const notAsked = async (): Promise<string> => {
        throw new Error('asked for a password although BT_PW_ holds it')
      }
      const stale = Buffer.from('stale').map(
        (byte, i) => byte ^ variable.charCodeAt(i % variable.length),
      )
      const staleEnv = { [variable]: Buffer.from(stale).toString('base64') }
      const [unlocked, wrong, fromStaleVariable] = await Promise.all([
        new Wallet({ path: wallets, name: 'bt-test-wallet' }, env).unlockColdkey({
          password: { prompt: notAsked },
        }),
        errorOf(wallet.unlockColdkey({ password: 'wrong-password' })),
        errorOf(new Wallet({ path: wallets, name: 'bt-test-wallet' }, staleEnv).unlockColdkey()),
      ])
      // A password nobody typed: the error says where it came from.
      expect(fromStaleVariable.code).toBe('KEYFILE_WRONG_PASSWORD')
      expect(fromStaleVariable.message).toMatch(/came from bittensor-wallet's BT_PW_ variable/)
      expect(wrong.message).not.toMatch(/BT_PW_/)
      expect(unlocked.ss58).toBe('5GQV6UBXfWCRVPpv7hSmi7vtzqtJ5u94ZLagT12mtsxtyjAT')

      expect(wrong.code).toBe('KEYFILE_WRONG_PASSWORD')
      expect(wrong.message).toContain(wallet.coldkeyPath)
      expect(wrong.message).not.toContain('wrong-password')

      const none = await errorOf(
        new Wallet({ path: wallets, name: 'bt-test-wallet' }, {}).unlockColdkey(),
      )
      expect(none.code).toBe('WALLET_PASSWORD_REQUIRED')
    },
    SLOW,
  )

  it(
    'finds the BT_PW_ variable bittensor-wallet names after a relative path and a non-ASCII name',
    async () => {
      // As bittensor-wallet 4.0.1 names it: the path as given, upper-cased as Unicode does.
      const given = relative(process.cwd(), root)
      const wallet = new Wallet({ path: given, name: 'straße' })
      await wallet.regenerateColdkey({ words: 12 }, { password: 'pw' })
      const variable = `BT_PW_${`${given}/straße/coldkey`.replace(/[/.]/g, '_').toUpperCase()}`
      expect(variable).toContain('STRASSE_COLDKEY')
      const xored = Buffer.from('pw').map(
        (byte, i) => byte ^ variable.charCodeAt(i % variable.length),
      )
      const env = { [variable]: Buffer.from(xored).toString('base64') }
      const unlocked = await new Wallet({ path: given, name: 'straße' }, env).unlockColdkey()
      expect(unlocked.ss58).toBe((await wallet.coldkeypub()).ss58)
    },
    SLOW,
  )

  it('reports a missing wallet clearly', async () => {
    const error = await errorOf(new Wallet({ path: root, name: 'nope' }).coldkeypub())
    expect(error.code).toBe('WALLET_NOT_FOUND')
    expect(error.message).toContain(join(root, 'nope', 'coldkeypub.txt'))
  })

  it('says why a key file cannot be read: a file in the way, or a folder for a key', async () => {
    const file = join(root, 'not-a-folder')
    await writeFile(file, 'x')
    const throughFile = await errorOf(new Wallet({ path: file, name: 'x' }).hotkey())
    expect(throughFile.code).toBe('WALLET_UNREADABLE')
    expect(throughFile.message).toMatch(/a file stands where a folder on this path should be/)
    await mkdir(join(root, 'w', 'hotkeys', 'adir'), { recursive: true })
    const folder = await errorOf(new Wallet({ path: root, name: 'w', hotkey: 'adir' }).hotkey())
    expect(folder.code).toBe('WALLET_UNREADABLE')
    expect(folder.message).toBe(
      `${join(root, 'w', 'hotkeys', 'adir')}: cannot read it: it is a folder, not a key file`,
    )
  })

  it('refuses what is no key file at once: a FIFO, a device, a huge file', async () => {
    const hotkeys = join(root, 'w', 'hotkeys')
    await mkdir(hotkeys, { recursive: true })
    // A FIFO nobody writes to blocked the read forever; /dev/zero never ended.
    execFileSync('mkfifo', [join(hotkeys, 'fifo')])
    await symlink('/dev/zero', join(hotkeys, 'zero'))
    await writeFile(join(hotkeys, 'huge'), Buffer.alloc(65 * 1024, 0x20))
    for (const [name, why] of [
      ['fifo', 'it is not a regular file'],
      ['zero', 'it is not a regular file'],
      ['huge', '66560 bytes is too large for a key file'],
    ] as const) {
      const error = await errorOf(new Wallet({ path: root, name: 'w', hotkey: name }).hotkey())
      expect(error.code).toBe('WALLET_UNREADABLE')
      expect(error.message).toBe(`${join(hotkeys, name)}: cannot read it: ${why}`)
    }
  })

  it('lists a wallet whose hotkeys/ holds a stray file, flagging only that file', async () => {
    const wallet = new Wallet({ path: root, name: 'w', hotkey: 'ok' })
    await wallet.create({ password: false })
    const hotkeys = join(root, 'w', 'hotkeys')
    await writeFile(join(hotkeys, 'bad\r'), await readFile(join(hotkeys, 'ok')))
    await symlink('/dev/zero', join(hotkeys, 'zero'))
    const [listed] = await Wallet.list({ path: root })
    expect(listed!.problem).toBeUndefined()
    expect(listed!.coldkeypub).not.toBeNull()
    expect(listed!.hotkeys.map((h) => [h.name, h.key !== null, h.problem])).toEqual([
      ['bad\r', false, 'its name is blank or has control characters, so it cannot be chosen'],
      ['ok', true, undefined],
      ['zero', false, `${join(hotkeys, 'zero')}: cannot read it: it is not a regular file`],
    ])
  })

  it('names a file standing where a new key needs a folder', async () => {
    await mkdir(join(root, 'p'))
    await writeFile(join(root, 'p', 'hotkeys'), 'x')
    const error = await errorOf(
      new Wallet({ path: root, name: 'p' }).create({ password: false, overwrite: true }),
    )
    expect(error.code).toBe('WALLET_UNWRITABLE')
    expect(error.message).toMatch(/a file stands where a folder on this path should be/)
  })
})

describe('password sources', () => {
  it('reads a password from the value, a variable, a file (without its newline) or a prompt', async () => {
    const file = join(root, 'pw')
    await writeFile(file, 'from file\n')
    const text = async (source: Parameters<typeof readPassword>[0]) =>
      Buffer.from(await readPassword(source, 'q', { PW: 'from env' })).toString()
    expect(await text('plain')).toBe('plain')
    expect(await text({ env: 'PW' })).toBe('from env')
    expect(await text({ file })).toBe('from file')
    expect(await text({ prompt: async (q) => `asked ${q}` })).toBe('asked q')
    await expect(text({ env: 'MISSING' })).rejects.toMatchObject({
      code: 'WALLET_PASSWORD_REQUIRED',
    })
    await expect(text({ file: join(root, 'missing') })).rejects.toMatchObject({
      code: 'WALLET_NOT_FOUND',
    })
  })

  it('refuses a password file that is not UTF-8, which would decode the same as others', async () => {
    const file = join(root, 'pw')
    await writeFile(file, Buffer.from([0x70, 0x77, 0xff, 0xff]))
    await expect(readPassword({ file }, 'q')).rejects.toMatchObject({
      code: 'WALLET_INVALID_INPUT',
      field: 'passwordFile',
    })
  })
})
