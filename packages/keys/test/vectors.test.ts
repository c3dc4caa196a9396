import { readFileSync } from 'node:fs'
import { fromHex, toHex } from '@taokit/core'
import { argon2Timeout, describeWithShared, readSharedJson, sharedPath } from '@taokit/testing'
import { beforeAll, expect, it } from 'vitest'
import {
  KeyError,
  KeyfileKey,
  Keypair,
  powBlockAndHotkeyHash,
  powMeetsDifficulty,
  powSeal,
  powSolve,
  powSolveSync,
  readKeyfile,
  ss58Decode,
  ss58DecodeAny,
  ss58Encode,
  verify,
  verifyBatchSync,
  weightCommitHash,
} from '../src/index.js'

// The shapes of the parts of ../shared/vectors read here.
interface KeyCase {
  id: string
  mnemonic?: string
  uri?: string
  seed?: string
  mini_secret?: string
  public_key: string
  ss58: string
  keyfile_json?: Record<string, string>
}
interface KeysVectors {
  mnemonics: KeyCase[]
  uris: KeyCase[]
  seeds: KeyCase[]
  private_key_encoding: {
    load_cases: {
      input: string
      input_form: string
      btwallet: { ok: boolean; public_key?: string }
    }[]
  }
  invalid_mnemonics: { mnemonic: string; reason: string }[]
  invalid_uris: { uri: string }[]
  ss58_encode: { public_key: string; prefix: number; address: string }[]
  ss58_decode: {
    id: string
    address: string
    btwallet: { ok: boolean; prefix?: number; public_key?: string }
    strict_bittensor: { ok: boolean; public_key?: string }
  }[]
}
interface SignatureVectors {
  cases: {
    id: string
    public_key: string
    message_hex: string
    signature: string
    expected: { raw_valid: boolean; btwallet_verify: boolean | { error: string } }
  }[]
  python_api_quirks: {
    id: string
    public_key: string
    message_arg: string
    signature_arg: string
    btwallet_verify: boolean | { error: string }
  }[]
}

const bytes = (hex: string): Uint8Array => fromHex(hex)!

describeWithShared('keys.json', () => {
  const vectors = readSharedJson<KeysVectors>('vectors', 'keys.json')

  it('derives keypairs from mnemonics as bittensor-wallet does', () => {
    for (const c of vectors.mnemonics) {
      const keypair = Keypair.fromMnemonic(c.mnemonic!)
      expect(toHex(keypair.publicKey), c.id).toBe(c.public_key)
      expect(keypair.ss58, c.id).toBe(c.ss58)
      expect(JSON.parse(new TextDecoder().decode(keypair.keyfileJson())), c.id).toEqual(
        c.keyfile_json,
      )
    }
  })

  it('follows secret URIs, seeds and private keys', () => {
    for (const c of vectors.uris) expect(Keypair.fromUri(c.uri!).ss58, c.id).toBe(c.ss58)
    for (const c of vectors.seeds) expect(Keypair.fromSeed(c.seed!).ss58, c.id).toBe(c.ss58)
    for (const c of vectors.private_key_encoding.load_cases) {
      const load = () => Keypair.fromPrivateKey(c.input)
      if (c.btwallet.ok) {
        expect(toHex(load().publicKey), c.input_form).toBe(c.btwallet.public_key)
      } else {
        expect(load, c.input_form).toThrow(KeyError)
      }
    }
  })

  it('refuses invalid mnemonics and URIs with a typed error', () => {
    for (const c of vectors.invalid_mnemonics) {
      expect(() => Keypair.fromMnemonic(c.mnemonic), c.reason).toThrow(
        expect.objectContaining({ code: 'KEY_INVALID_INPUT', field: 'mnemonic' }),
      )
    }
    for (const c of vectors.invalid_uris) {
      expect(() => Keypair.fromUri(c.uri), c.uri).toThrow(KeyError)
    }
  })

  it('encodes and decodes SS58 with checksums and prefixes', () => {
    for (const c of vectors.ss58_encode) {
      expect(ss58Encode(c.public_key, c.prefix)).toBe(c.address)
    }
    for (const c of vectors.ss58_decode) {
      if (c.btwallet.ok) {
        const decoded = ss58DecodeAny(c.address)
        expect(decoded.prefix, c.id).toBe(c.btwallet.prefix)
        expect(toHex(decoded.publicKey), c.id).toBe(c.btwallet.public_key)
      } else {
        expect(() => ss58DecodeAny(c.address), c.id).toThrow(
          expect.objectContaining({ code: 'SS58_INVALID', field: 'address' }),
        )
      }
      if (c.strict_bittensor.ok) {
        expect(toHex(ss58Decode(c.address)), c.id).toBe(c.strict_bittensor.public_key)
      } else {
        expect(() => ss58Decode(c.address), c.id).toThrow(KeyError)
      }
    }
  })
})

describeWithShared('signatures.json', () => {
  const vectors = readSharedJson<SignatureVectors>('vectors', 'signatures.json')

  it('gives raw and bittensor-wallet verdicts', () => {
    for (const c of vectors.cases) {
      const message = bytes(c.message_hex)
      const run = (wrapped: boolean) => () =>
        verify(message, c.signature, c.public_key, { wrapped })
      const expected = c.expected.btwallet_verify
      if (typeof expected === 'boolean') {
        expect(run(false)(), c.id).toBe(c.expected.raw_valid)
        expect(run(true)(), c.id).toBe(expected)
      } else {
        expect(run(false), c.id).toThrow(
          expect.objectContaining({ code: 'KEY_INVALID_INPUT', field: 'signature' }),
        )
      }
    }
  })

  it("reads strings the way bittensor-wallet's Python API does", () => {
    for (const c of vectors.python_api_quirks) {
      const run = () => verify(c.message_arg, c.signature_arg, c.public_key)
      if (typeof c.btwallet_verify === 'boolean') expect(run(), c.id).toBe(c.btwallet_verify)
      else expect(run, c.id).toThrow(KeyError)
    }
  })

  it('verifies a batch with the same verdicts', () => {
    const wellFormed = vectors.cases.filter((c) => c.signature.length === 130)
    const verdicts = verifyBatchSync(
      wellFormed.map((c) => ({
        message: bytes(c.message_hex),
        signature: c.signature,
        signer: c.public_key,
      })),
    )
    expect(verdicts).toEqual(wellFormed.map((c) => c.expected.raw_valid))
  })
})

interface CommitCase {
  id: string
  input: {
    hotkey_ss58: string
    netuid: number
    mecid: number
    uids: number[]
    values: number[]
    salt: number[]
    version_key: number | string
  }
  commit_hash: string
}

describeWithShared('commit.json', () => {
  const { cases } = readSharedJson<{ cases: CommitCase[] }>('vectors', 'commit.json')

  it('hashes commits as subtensor does', () => {
    for (const { id, input, commit_hash } of cases) {
      const hash = weightCommitHash({
        hotkey: input.hotkey_ss58,
        netuid: input.netuid,
        mecid: input.mecid,
        uids: input.uids,
        values: input.values,
        salt: input.salt,
        versionKey: BigInt(input.version_key),
      })
      expect(toHex(hash), id).toBe(commit_hash)
    }
  })
})

interface PowVectors {
  cases: {
    id: string
    block_hash: string
    hotkey_public_key: string
    block_and_hotkey_hash: string
    seals: {
      nonce: number | string
      seal: string
      difficulty_checks: ({ difficulty: number | string } & Record<string, boolean>)[]
    }[]
  }[]
  searches: {
    block_hash: string
    hotkey_public_key: string
    difficulty: number
    rule: string
    start_nonce: number | string
    first_nonce: number | string
    seal: string
  }[]
}

describeWithShared('pow.json', () => {
  const vectors = readSharedJson<PowVectors>('vectors', 'pow.json')
  const rules = {
    chain_little_endian: 'chain-little-endian',
    sdk_big_endian: 'sdk-big-endian',
    chain_big_endian_legacy: 'chain-big-endian-legacy',
  } as const

  it('seals and checks difficulty under each rule', () => {
    for (const c of vectors.cases) {
      const bh = powBlockAndHotkeyHash(c.block_hash, c.hotkey_public_key)
      expect(toHex(bh), c.id).toBe(c.block_and_hotkey_hash)
      for (const s of c.seals) {
        const seal = powSeal(BigInt(s.nonce), bh)
        expect(toHex(seal), `${c.id} ${s.nonce}`).toBe(s.seal)
        for (const check of s.difficulty_checks) {
          for (const [key, rule] of Object.entries(rules)) {
            expect(powMeetsDifficulty(seal, BigInt(check.difficulty), rule)).toBe(check[key])
          }
        }
      }
    }
  })

  it('finds the first nonce, sync and async', async () => {
    for (const s of vectors.searches) {
      const search = {
        blockHash: s.block_hash,
        hotkey: s.hotkey_public_key,
        difficulty: s.difficulty,
        rule: rules[s.rule as keyof typeof rules],
        startNonce: BigInt(s.start_nonce),
        maxNonces: 1n << 24n,
      }
      const expected = { nonce: BigInt(s.first_nonce), seal: bytes(s.seal) }
      expect(powSolveSync(search)).toEqual(expected)
      expect(await powSolve({ ...search, threads: 1 })).toEqual(expected)
    }
  })
})

interface KeyfileVectors {
  load_cases: {
    file: string
    password: string | null
    expect: { ok: boolean; ss58?: string; public_only?: boolean }
  }[]
}

describeWithShared('keyfiles/', () => {
  const vectors = readSharedJson<KeyfileVectors>('vectors', 'keyfiles', 'expected.json')
  const keys = new Map<string, KeyfileKey>()

  beforeAll(async () => {
    // Argon2i over 512 MiB takes seconds; derive each distinct password once, all at once.
    const passwords = [...new Set(vectors.load_cases.flatMap((c) => c.password ?? []))]
    const derived = await Promise.all(
      passwords.map(async (password) => [password, await KeyfileKey.derive(password)] as const),
    )
    for (const [password, key] of derived) keys.set(password, key)
  }, argon2Timeout(2))

  it('loads what bittensor-wallet loads and refuses the rest with a typed error', () => {
    for (const c of vectors.load_cases) {
      const file = readFileSync(sharedPath('vectors', 'keyfiles', c.file))
      const key = c.password === null ? undefined : keys.get(c.password)
      const load = () => readKeyfile(file, key)
      if (c.expect.ok) {
        const loaded = load()
        expect(loaded.ss58, c.file).toBe(c.expect.ss58)
        expect(loaded instanceof Keypair, c.file).toBe(c.expect.public_only !== true)
      } else {
        expect(load, c.file).toThrow(KeyError)
        try {
          load()
        } catch (error) {
          expect(String(error)).not.toContain(c.password ?? '\u0000')
        }
      }
    }
  })
})
