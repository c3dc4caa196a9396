import { inspect } from 'node:util'
import { isTaokitError } from '@taokit/core'
import { argon2Timeout } from '@taokit/testing'
import { describe, expect, it } from 'vitest'
import {
  encryptKeyfile,
  hashEach,
  KeyError,
  KeyfileKey,
  Keypair,
  readKeyfile,
  ss58Decode,
  ss58Encode,
  storageKey,
  verify,
  verifyBatchSync,
  weightCommitHash,
} from '../src/index.js'

const MNEMONIC = 'legal winner thank year wave sausage worth useful legal winner thank yellow'

function errorOf(run: () => unknown): KeyError {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(KeyError)
    expect(isTaokitError(error)).toBe(true)
    return error as KeyError
  }
  throw new Error('expected a KeyError')
}

describe('bad input gives a typed error naming the field', () => {
  const alice = Keypair.fromUri('//Alice')

  it.each([
    ['empty signature', () => verify('m', new Uint8Array(), alice.address), 'signature'],
    ['63-byte signature', () => verify('m', new Uint8Array(63), alice.address), 'signature'],
    ['signature without 0x', () => verify('m', 'ab'.repeat(64), alice.address), 'signature'],
    ['31-byte public key', () => verify('m', new Uint8Array(64), new Uint8Array(31)), 'signer'],
    [
      'bad SS58 checksum',
      () => verify('m', new Uint8Array(64), `${alice.address.slice(0, -1)}Z`),
      'signer',
    ],
    ['non-hex 0x message', () => alice.sign('0xzz'), 'message'],
    ['31-byte seed', () => Keypair.fromSeed(new Uint8Array(31)), 'seed'],
    ['private key of 48 bytes', () => Keypair.fromPrivateKey(new Uint8Array(48)), 'privateKey'],
    [
      'bytes as a BIP39 password',
      () => Keypair.fromMnemonic(MNEMONIC, { password: new Uint8Array([104]) as never }),
      'password',
    ],
    ['reserved SS58 prefix', () => ss58Encode(alice.publicKey, 46), 'prefix'],
    [
      'fractional hash item length',
      () => hashEach('sha256', new Uint8Array(10), 1.5),
      'itemLength',
    ],
    ['negative hash item length', () => hashEach('sha256', new Uint8Array(10), -1), 'itemLength'],
    [
      'hash item length past u32',
      () => hashEach('sha256', new Uint8Array(4), 2 ** 32 + 2),
      'itemLength',
    ],
    [
      'storage key part missing',
      () => storageKey('System', 'Account', undefined as never),
      'keys[0]',
    ],
    ['batch item null', () => verifyBatchSync([null as never]), 'items[0]'],
    ['keyfile key not a KeyfileKey', () => readKeyfile(new Uint8Array(5), {} as never), 'key'],
    [
      'keyfile encrypted without a key',
      () => encryptKeyfile(new Uint8Array(1), undefined as never),
      'key',
    ],
    ['13 words', () => Keypair.generate(13 as 12), 'words'],
    ['prefix too large', () => ss58Encode(alice.publicKey, 20000), 'prefix'],
    ['public key of 33 bytes', () => ss58Encode(new Uint8Array(33)), 'publicKey'],
    [
      'polkadot address where Bittensor is required',
      () => ss58Decode(ss58Encode(alice.publicKey, 0)),
      'address',
    ],
    [
      'hash item length not dividing the data',
      () => hashEach('twox-128', new Uint8Array(10), 3),
      'itemLength',
    ],
    [
      'unknown storage hasher',
      () => storageKey('System', 'Account', { hasher: 'Md5' as 'Identity', key: new Uint8Array() }),
      'keys[0].hasher',
    ],
    [
      'batch with a short signature',
      () =>
        verifyBatchSync([{ message: 'm', signature: new Uint8Array(10), signer: alice.address }]),
      'items[0].signature',
    ],
    [
      'commit value out of range',
      () =>
        weightCommitHash({
          hotkey: alice.address,
          netuid: 1,
          uids: [0],
          values: [70000],
          salt: [],
          versionKey: 1,
        }),
      'values[0]',
    ],
    [
      'commit with fewer values than uids',
      () =>
        weightCommitHash({
          hotkey: alice.address,
          netuid: 1,
          uids: [0, 1],
          values: [1],
          salt: [],
          versionKey: 1,
        }),
      'values',
    ],
  ])('%s', (_, run, field) => {
    const error = errorOf(run)
    expect(error.field).toBe(field)
    expect(error.message.startsWith(`${field}: `)).toBe(true)
  })

  it('never puts a BIP39 password into an error', () => {
    const error = errorOf(() =>
      Keypair.fromMnemonic(MNEMONIC, { password: new TextEncoder().encode('hunter2') as never }),
    )
    expect(error.message).not.toMatch(/104|hunter2/)
  })

  it('never puts a mnemonic into an error', () => {
    const broken = MNEMONIC.replace('yellow', 'bitcoin')
    const error = errorOf(() => Keypair.fromMnemonic(broken))
    expect(error.code).toBe('KEY_INVALID_INPUT')
    expect(error.message).not.toContain('winner')
  })
})

describe('keyfiles', () => {
  it(
    'tells a wrong password and a tampered file apart from bad JSON, without the password',
    async () => {
      const keypair = Keypair.fromMnemonic(MNEMONIC)
      const [key, wrong] = await Promise.all([
        KeyfileKey.derive('correct horse'),
        KeyfileKey.derive('wrong horse'),
      ])
      const plaintext = keypair.keyfileJson()
      const file = encryptKeyfile(plaintext, key)
      plaintext.fill(0)
      expect(readKeyfile(file, key).ss58).toBe(keypair.ss58)

      const wrongPassword = errorOf(() => readKeyfile(file, wrong))
      expect(wrongPassword.code).toBe('KEYFILE_WRONG_PASSWORD')
      expect(wrongPassword.message).not.toContain('horse')

      const tampered = file.slice()
      tampered[60]! ^= 1
      expect(errorOf(() => readKeyfile(tampered, key)).code).toBe('KEYFILE_WRONG_PASSWORD')
      expect(errorOf(() => readKeyfile(file.slice(0, 20), key)).code).toBe('KEYFILE_CORRUPT')
      expect(errorOf(() => readKeyfile(file)).code).toBe('KEYFILE_PASSWORD_REQUIRED')
      const notJson = new TextEncoder().encode('{"secretSeed": 12345}')
      expect(errorOf(() => readKeyfile(notJson)).code).toBe('KEYFILE_CORRUPT')
      const vault = new TextEncoder().encode('$ANSIBLE_VAULT;1.1;AES256\n3031')
      expect(errorOf(() => readKeyfile(vault, key)).code).toBe('KEYFILE_UNSUPPORTED')
    },
    argon2Timeout(2),
  )

  it('prints a keypair as its address only', () => {
    const keypair = Keypair.fromMnemonic(MNEMONIC)
    const shown = [String(keypair), JSON.stringify(keypair), inspect(keypair)]
    for (const text of shown) expect(text).not.toContain('winner')
  })
})
