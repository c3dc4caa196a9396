import { readFileSync } from 'node:fs'
import { Keyring } from '@polkadot/keyring'
import { expandMetadata, Metadata, TypeRegistry } from '@polkadot/types'
import type { RuntimeVersion } from '@polkadot/types/interfaces'
import type { IKeyringPair, SignatureOptions } from '@polkadot/types/types'
import { compactStripLength, u8aToHex, u8aWrapBytes } from '@polkadot/util'
import {
  blake2AsU8a,
  cryptoWaitReady,
  decodeAddress,
  encodeAddress,
  mnemonicGenerate,
  signatureVerify,
  xxhashAsU8a,
} from '@polkadot/util-crypto'
import { describeWithShared, sharedPath } from '@taokit/testing'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  blake2b256,
  Keypair,
  ss58Decode,
  ss58Encode,
  storageKey,
  twox64,
  twox128,
  verify,
} from '../src/index.js'

// @polkadot/util-crypto 14 is an independent implementation: pure-JS sr25519 (@scure) and
// hashes (@noble). Everything here must agree with it.

const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 })
const uris = [
  '//Alice',
  '//Bob//stash',
  '//Alice/soft',
  `${'legal winner thank year wave sausage worth useful legal winner thank yellow'}//hard/soft`,
  `${'legal winner thank year wave sausage worth useful legal winner thank yellow'}///password`,
  '//0/1//2',
]

beforeAll(async () => {
  await cryptoWaitReady()
})

describe('interop with @polkadot/keyring and @polkadot/util-crypto', () => {
  it('derives the same address from the same mnemonic or URI', () => {
    const mnemonics = Array.from({ length: 8 }, (_, i) => mnemonicGenerate(i % 2 ? 24 : 12))
    for (const uri of [...mnemonics, ...uris]) {
      expect(Keypair.fromUri(uri).address, uri).toBe(keyring.addFromUri(uri).address)
    }
    for (const mnemonic of mnemonics) {
      expect(Keypair.fromMnemonic(mnemonic).address).toBe(keyring.addFromMnemonic(mnemonic).address)
    }
  })

  it('verifies each side’s signatures on the other', () => {
    for (const uri of uris) {
      const ours = Keypair.fromUri(uri)
      const theirs = keyring.addFromUri(uri)
      for (const message of ['', 'taokit', '0xdeadbeef', 'x'.repeat(1000)]) {
        expect(signatureVerify(message, ours.sign(message), ours.address).isValid).toBe(true)
        expect(verify(message, theirs.sign(message), theirs.address)).toBe(true)
        const other = message.startsWith('0x') ? `${message}00` : `${message}!`
        expect(verify(other, theirs.sign(message), theirs.address)).toBe(false)
      }
    }
  })

  it('accepts a polkadot-js signRaw (<Bytes>-wrapped) signature unless asked not to', () => {
    const pair = keyring.addFromUri('//Alice')
    const message = new TextEncoder().encode('dendrite request')
    const signature = pair.sign(u8aWrapBytes(message))
    expect(verify(message, signature, pair.address)).toBe(true)
    expect(verify(message, signature, pair.address, { wrapped: false })).toBe(false)
  })

  it('hashes and encodes addresses the same', () => {
    for (const size of [0, 1, 32, 33, 200]) {
      const data = Uint8Array.from({ length: size }, (_, i) => (i * 37) & 255)
      expect(u8aToHex(blake2b256(data))).toBe(u8aToHex(blake2AsU8a(data, 256)))
      expect(u8aToHex(twox128(data))).toBe(u8aToHex(xxhashAsU8a(data, 128)))
      expect(u8aToHex(twox64(data))).toBe(u8aToHex(xxhashAsU8a(data, 64)))
    }
    for (const prefix of [42, 0, 2, 1284]) {
      const key = blake2AsU8a(new Uint8Array([prefix]), 256)
      expect(ss58Encode(key, prefix)).toBe(encodeAddress(key, prefix))
    }
    const alice = keyring.addFromUri('//Alice').address
    expect(u8aToHex(ss58Decode(alice))).toBe(u8aToHex(decodeAddress(alice)))
  })
})

/** subtensor's own transaction extensions, which carry no data; see shared/subtensor/README.md. */
const subtensorExtensions = Object.fromEntries(
  [
    'SudoTransactionExtension',
    'CheckShieldedTxValidity',
    'SubtensorTransactionExtension',
    'DrandPriority',
  ].map((name) => [name, { extrinsic: {}, payload: {} }]),
)

describeWithShared('signing extrinsics with @polkadot/types (finney metadata)', () => {
  const registry = new TypeRegistry()
  const metadata = new Metadata(
    registry,
    readFileSync(sharedPath('subtensor', 'finney-spec393.scale')),
  )
  registry.setMetadata(metadata, undefined, subtensorExtensions, true)
  const tx = expandMetadata(registry, metadata).tx
  const bob = keyring.addFromUri('//Bob').address
  const options: SignatureOptions = {
    blockHash: `0x${'11'.repeat(32)}`,
    genesisHash: `0x${'22'.repeat(32)}`,
    nonce: 7,
    runtimeVersion: registry.createType<RuntimeVersion>('RuntimeVersion', {
      specVersion: 393,
      transactionVersion: 1,
    }),
    signedExtensions: registry.signedExtensions,
  }

  /** Signs a call with `signer`, recording the payload bytes it was asked to sign. */
  function signWith(signer: IKeyringPair): { hex: string; payload: Uint8Array } {
    let payload: Uint8Array = new Uint8Array()
    const recording: IKeyringPair = {
      address: signer.address,
      addressRaw: signer.addressRaw,
      publicKey: signer.publicKey,
      sign: (data, signOptions) => {
        payload = data
        return signer.sign(data, signOptions)
      },
    }
    const extrinsic = registry.createType(
      'Extrinsic',
      tx.balances!.transferKeepAlive!(bob, 1_000_000_000n),
    )
    extrinsic.sign(recording, options)
    return { hex: extrinsic.toHex(), payload }
  }

  it('signs a transfer that decodes with our key and verifies with util-crypto', () => {
    const alice = Keypair.fromUri('//Alice')
    const extrinsic = registry.createType(
      'Extrinsic',
      tx.balances!.transferKeepAlive!(bob, 1_000_000_000n),
    )
    extrinsic.sign(alice, options)
    const decoded = registry.createType('Extrinsic', extrinsic.toHex())
    expect(decoded.isSigned).toBe(true)
    expect(decoded.signer.toString()).toBe(alice.address)
    expect(decoded.nonce.toNumber()).toBe(7)

    const { payload } = signWith(alice)
    const signature = decoded.signature.toU8a()
    expect(signatureVerify(payload, signature, alice.address).isValid).toBe(true)
  })

  it('produces the extrinsic @polkadot/keyring does, bar the randomised signature', () => {
    const ours = signWith(Keypair.fromUri('//Alice'))
    const theirs = signWith(keyring.addFromUri('//Alice'))
    expect(u8aToHex(ours.payload)).toBe(u8aToHex(theirs.payload))
    expect(ours.hex.length).toBe(theirs.hex.length)
    const decoded = registry.createType('Extrinsic', theirs.hex)
    expect(verify(theirs.payload, decoded.signature.toU8a(), decoded.signer.toString())).toBe(true)
  })

  it('builds the storage key of System.Account as the metadata does', () => {
    const query = expandMetadata(registry, metadata).query
    const alice = Keypair.fromUri('//Alice')
    // The decorated entry returns the key SCALE-length-prefixed.
    const [, expected] = compactStripLength(query.system!.account!(alice.address))
    const key = storageKey('System', 'Account', {
      hasher: 'Blake2_128Concat',
      key: alice.publicKey,
    })
    expect(u8aToHex(key)).toBe(u8aToHex(expected))
  })
})
