import { describe, expect, it } from 'vitest'
import { Keypair, readKeyfile } from '../src/index.js'

const MNEMONIC = 'legal winner thank year wave sausage worth useful legal winner thank yellow'

describe('keys read as bittensor-wallet reads them', () => {
  it('takes a seed as 32 bytes or a 64-byte secret key, with or without 0x', () => {
    const fromMnemonic = Keypair.fromMnemonic(MNEMONIC)
    const file = JSON.parse(Buffer.from(fromMnemonic.keyfileJson()).toString('utf8'))
    const seedHex: string = file.secretSeed
    const privateHex: string = file.privateKey
    expect(Keypair.fromSeed(seedHex).ss58).toBe(fromMnemonic.ss58)
    expect(Keypair.fromSeed(seedHex.slice(2)).ss58).toBe(fromMnemonic.ss58)
    expect(Keypair.fromSeed(privateHex).ss58).toBe(fromMnemonic.ss58)
    expect(Keypair.fromSeed(Buffer.from(privateHex.slice(2), 'hex')).ss58).toBe(fromMnemonic.ss58)
    // A 64-byte seed not in schnorrkel's canonical form is the seed's problem.
    expect(() => Keypair.fromSeed(new Uint8Array(64).fill(0xff))).toThrow(/^seed: /)
  })

  it('reloads a key made with a BIP39 password from its keyfile as the same key', () => {
    const keypair = Keypair.fromMnemonic(MNEMONIC, { password: 'bip39 password' })
    expect(keypair.ss58).not.toBe(Keypair.fromMnemonic(MNEMONIC).ss58)
    expect(keypair.hasMnemonic).toBe(false)
    const json = keypair.keyfileJson()
    expect(JSON.parse(Buffer.from(json).toString('utf8')).secretPhrase).toBeUndefined()
    expect(readKeyfile(json).ss58).toBe(keypair.ss58)
  })

  it('NFKD-normalises a mnemonic', () => {
    const fullWidth = [...MNEMONIC]
      .map((c) =>
        c >= 'a' && c <= 'z' ? String.fromCodePoint(c.codePointAt(0)! - 0x61 + 0xff41) : c,
      )
      .join('')
    expect(Keypair.fromMnemonic(fullWidth).ss58).toBe(Keypair.fromMnemonic(MNEMONIC).ss58)
    expect(Keypair.fromMnemonic(MNEMONIC, null as never).ss58).toBe(
      Keypair.fromMnemonic(MNEMONIC).ss58,
    )
  })
})
