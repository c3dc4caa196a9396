import { Keypair } from '@taokit/keys'
import {
  describeWithShared,
  loadSynapseVectors,
  type RequestCase,
  sampleHotkeyMnemonic,
} from '@taokit/testing'
import { describe, expect, it } from 'vitest'
import {
  ALLOWED_DELTA_NS,
  checkNonce,
  checkSynapseBody,
  createNonceClock,
  Dummy,
  hotkeyPublicKey,
  MAX_JSON_CONTAINERS,
  MemoryNonceStore,
  nonceWindowStart,
  parseSignatureText,
  parseSynapseRequest,
  prepareSynapseRequest,
  processSynapseRequest,
  Scores,
  Synapse,
  type SynapseRequest,
  synapseResponse,
  TextPrompt,
  verifySynapseRequest,
} from '../src/index.js'

const sampleHotkey = (name: 'default' | 'miner1') =>
  Keypair.fromMnemonic(sampleHotkeyMnemonic(name))

const ATTACHED = [Synapse, Dummy, TextPrompt, Scores]

describeWithShared('synapse.json requests: the axon verdicts', () => {
  const vectors = loadSynapseVectors()
  const dendriteKey = `${vectors.keys.dendrite_hotkey!.ss58}:${vectors.dendrite.uuid}`

  it('attaches the synapses the vectors attach, in order', () => {
    expect(ATTACHED.map((t) => t.name)).toEqual(vectors.axon.synapses_attached)
    expect(vectors.requests.length).toBe(32)
  })

  function run(c: RequestCase, strict: boolean) {
    const nonces = new MemoryNonceStore()
    for (const [key, nonce] of Object.entries(c.axon_state.stored_nonces)) {
      nonces.set(key, BigInt(nonce))
    }
    const verdict = processSynapseRequest(
      { path: c.request.path, headers: c.request.headers, body: c.request.body },
      {
        synapses: ATTACHED,
        axonHotkey: vectors.axon.hotkey,
        nonces,
        nowNs: BigInt(c.axon_state.now_ns),
        strict,
      },
    )
    return { verdict, nonces }
  }

  function expectStored(nonces: MemoryNonceStore, c: RequestCase, stored: string | number | null) {
    const before = Object.keys(c.axon_state.stored_nonces).length
    expect(nonces.get(dendriteKey) ?? null).toBe(stored === null ? null : BigInt(stored))
    // Nothing is stored under any other (hotkey, uuid) either.
    expect(nonces.size).toBe(stored === null ? before : Math.max(before, 1))
  }

  for (const c of vectors.requests) {
    it(`${c.id}: the SDK's status, message and nonce (strict: false)`, () => {
      const { verdict, nonces } = run(c, false)
      expect(verdict.ok).toBe(c.expected.accepted)
      if (verdict.ok) {
        expect(c.expected.status).toBe(200)
        const response = synapseResponse(verdict.type, verdict.synapse, { processTime: 0.001 })
        expect(response.status).toBe(200)
        expect(JSON.parse(response.body).axon.status_message).toBe(
          c.expected.response_axon_status_message,
        )
      } else {
        expect(verdict.status).toBe(c.expected.status)
        if (c.expected.message !== undefined) expect(verdict.message).toBe(c.expected.message)
        if (c.expected.message_regex !== undefined) {
          expect(verdict.message).toMatch(new RegExp(c.expected.message_regex))
        }
        if (c.expected.detail_type === 'json_invalid') expect(verdict.reason).toBe('body_not_json')
      }
      expectStored(nonces, c, c.expected.nonce_stored_after)
    })

    it(`${c.id}: strict by default`, () => {
      const { verdict, nonces } = run(c, true)
      const strictStatus = c.expected.strict_recommendation?.status
      if (strictStatus === undefined) {
        expect(verdict.ok).toBe(c.expected.accepted)
        expect(verdict.ok ? 200 : verdict.status).toBe(c.expected.status)
        expectStored(nonces, c, c.expected.nonce_stored_after)
      } else {
        expect(verdict.ok).toBe(false)
        if (!verdict.ok) {
          expect(verdict.status).toBe(strictStatus)
          expect(verdict.reason).toBe('missing_signature')
        }
        expectStored(nonces, c, null)
      }
    })
  }

  it('checks the stages one at a time, as a server would', () => {
    const c = vectors.requests.find((r) => r.id === 'text-prompt')!
    const parsed = parseSynapseRequest(c.request, ATTACHED)
    if (!parsed.ok) throw new Error(parsed.message)
    // The header-only synapse: placeholders, not the prompt.
    expect(parsed.synapse).toMatchObject({ name: 'TextPrompt', prompt: '', timeout: 12 })
    const nonces = new MemoryNonceStore()
    const verified = verifySynapseRequest(parsed.synapse, {
      axonHotkey: vectors.axon.hotkey,
      nonces,
      nowNs: BigInt(c.axon_state.now_ns),
    })
    expect(verified).toEqual({ ok: true, nonceKey: dendriteKey, nonce: 1761000000001000000n })
    const body = checkSynapseBody(parsed.type, c.request)
    expect(body.ok && body.synapse.prompt).toBe('What is the capital of France?')
  })
})

describeWithShared('a taokit dendrite request through the axon checks', () => {
  const dendrite = sampleHotkey('default')
  const axonHotkey = sampleHotkey('miner1').address
  const uuid = '5ecbd69c-1cec-11ee-b0dc-e29ce36fec1a'
  const now = 1_761_000_000_000_000_000n

  function send(nonce: bigint, prompt = 'What is 2 + 2?') {
    return prepareSynapseRequest(TextPrompt, TextPrompt.create({ prompt, stop: ['\n'] }), {
      signer: dendrite,
      axon: { ip: '127.0.0.1', port: 8091, hotkey: axonHotkey },
      uuid,
      nonce,
    })
  }

  function check(request: SynapseRequest, nonces: MemoryNonceStore, nowNs = now) {
    return processSynapseRequest(request, {
      synapses: ATTACHED,
      axonHotkey,
      nonces,
      nowNs,
    })
  }

  it('is accepted, and the forward handler gets the body', () => {
    const nonces = new MemoryNonceStore()
    const verdict = check(send(now - 1_000_000n), nonces)
    expect(verdict.ok).toBe(true)
    if (verdict.ok)
      expect(verdict.synapse).toMatchObject({ prompt: 'What is 2 + 2?', stop: ['\n'] })
  })

  it('reads headers however the server hands them over', () => {
    const request = send(now)
    const upper = Object.fromEntries(
      Object.entries(request.headers).map(([k, v]) => [k.toUpperCase(), v]),
    )
    for (const headers of [new Headers(request.headers), upper]) {
      const verdict = check({ ...request, headers }, new MemoryNonceStore())
      expect(verdict.ok).toBe(true)
    }
  })

  it('refuses a replay, and accepts the next nonce', () => {
    const nonces = new MemoryNonceStore()
    const first = send(now)
    expect(check(first, nonces).ok).toBe(true)
    const replay = check(first, nonces)
    expect(!replay.ok && replay.reason).toBe('nonce_not_increasing')
    expect(check(send(now + 1n), nonces).ok).toBe(true)
  })

  it('applies the nonce window to every first nonce when told to, whatever the unsigned headers say', () => {
    // A request captured 20 s ago, sent again without its version header and with a huge
    // timeout, to an axon that no longer remembers its pair.
    const captured = send(now - 20_000_000_000n)
    const stripped = { ...captured, headers: { ...captured.headers, timeout: '1000000.0' } }
    delete (stripped.headers as Record<string, string>).bt_header_dendrite_version
    expect(check(stripped, new MemoryNonceStore()).ok).toBe(true)
    const strict = processSynapseRequest(stripped, {
      synapses: ATTACHED,
      axonHotkey,
      nonces: new MemoryNonceStore(),
      nowNs: now,
      nonceWindowMaxTimeoutS: 12,
    })
    expect(!strict.ok && strict.reason).toBe('stale_nonce')
    const fresh = processSynapseRequest(send(now - 1_000_000_000n), {
      synapses: ATTACHED,
      axonHotkey,
      nonces: new MemoryNonceStore(),
      nowNs: now,
      nonceWindowMaxTimeoutS: 12,
    })
    expect(fresh.ok).toBe(true)
  })

  it('refuses a tampered body, a stale nonce and another axon', () => {
    const tampered = send(now)
    tampered.body = tampered.body.replace('2 + 2', '2 + 3')
    const verdict = check(tampered, new MemoryNonceStore())
    expect(!verdict.ok && [verdict.status, verdict.reason]).toEqual([500, 'body_hash_mismatch'])

    const stale = check(send(now - 17_000_000_000n), new MemoryNonceStore())
    expect(!stale.ok && [stale.status, stale.reason]).toEqual([401, 'stale_nonce'])

    const elsewhere = processSynapseRequest(send(now), {
      synapses: ATTACHED,
      axonHotkey: sampleHotkey('default').address,
      nonces: new MemoryNonceStore(),
      nowNs: now,
    })
    expect(!elsewhere.ok && elsewhere.reason).toBe('signature_mismatch')
  })

  it('answers bodies FastAPI cannot read as FastAPI does', () => {
    const request = send(now)
    const run = (body: string | Uint8Array, contentType?: string) =>
      processSynapseRequest(
        { ...request, body, ...(contentType === undefined ? {} : { contentType }) },
        { synapses: ATTACHED, axonHotkey, nonces: new MemoryNonceStore(), nowNs: now },
      )
    const status = (v: ReturnType<typeof run>) => (v.ok ? 200 : [v.status, v.reason])
    expect(status(run('{"prompt": '))).toEqual([422, 'body_not_json'])
    expect(status(run(new Uint8Array([0x7b, 0xff])))).toEqual([400, 'body_unreadable'])
    expect(status(run(''))).toEqual([500, 'body_invalid'])
    expect(status(run('[1, 2]'))).toEqual([500, 'body_invalid'])
    expect(status(run('{"prompt": ', 'text/plain'))).toEqual([500, 'body_invalid'])
    // A valid body with its hash, sent as another type: FastAPI hands the SDK's route the
    // raw bytes, and the synapse cannot be made of them.
    expect(status(run(request.body, 'text/plain'))).toEqual([500, 'body_invalid'])
    expect(status(run(request.body, 'application/json; charset=utf-8'))).toBe(200)
    expect(status(run(request.body))).toBe(200)
    expect(status(run(request.body, ''))).toBe(200)
    // A UTF-8 BOM passes FastAPI but not the SDK's own json.loads(body.decode()).
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(request.body)])
    expect(status(run(bom))).toEqual([500, 'body_invalid'])
    expect(status(run(`${'['.repeat(1200)}${']'.repeat(1200)}`))).toEqual([400, 'body_unreadable'])
    // Our own bound, which FastAPI lacks, has its own answer; keys the class does not read
    // are only checked, and do not count.
    const many = `[${'[],'.repeat(MAX_JSON_CONTAINERS)}[]]`
    expect(status(run(`{"prompt": ${many}}`))).toEqual([413, 'body_too_complex'])
    expect(status(run(`{"other": ${many}, "prompt": "hi"}`))).toEqual([500, 'body_hash_mismatch'])
  })
})

describe('nonce rules', () => {
  const now = 1_761_000_000_251_000_000n
  const check = (ageNs: bigint, timeout: number | null = 12, version: number | null = 10002000) =>
    checkNonce({ nonce: now - ageNs, version, timeout, stored: undefined, nowNs: now }).ok

  it('accepts 1, 3, 5 and 15 s old first nonces and refuses 18 and 19 s (timeout 12)', () => {
    for (const s of [1n, 3n, 5n, 15n]) expect(check(s * 1_000_000_000n)).toBe(true)
    for (const s of [18n, 19n]) expect(check(s * 1_000_000_000n)).toBe(false)
  })

  it('computes the window edge in doubles, as Python does', () => {
    // now - 4e9 rounds to a multiple of 256 ns as a double: the edge moves by 64 ns here.
    const edge = nonceWindowStart(now, 12)
    expect(edge).toBe(Number(now - ALLOWED_DELTA_NS) - 12e9)
    expect(BigInt(edge) - (now - 16_000_000_000n)).toBe(64n)
    expect(check(16_000_000_000n - 64n)).toBe(false)
    expect(check(16_000_000_000n - 65n)).toBe(true)
    // Without a timeout the arithmetic stays in integers.
    expect(nonceWindowStart(now, null)).toBe(now - ALLOWED_DELTA_NS)
    expect(check(4_000_000_000n, null)).toBe(false)
    expect(check(3_999_999_999n, null)).toBe(true)
  })

  it('skips the window for old or missing versions, and once a nonce is stored', () => {
    expect(check(3600_000_000_000n, 12, 7_001_000)).toBe(true)
    expect(check(3600_000_000_000n, 12, null)).toBe(true)
    const stored = now - 3600_000_000_001n
    expect(
      checkNonce({ nonce: stored + 1n, version: 10002000, timeout: 12, stored, nowNs: now }),
    ).toEqual({ ok: true })
    expect(checkNonce({ nonce: stored, version: null, timeout: 12, stored, nowNs: now })).toEqual({
      ok: false,
      reason: 'nonce_not_increasing',
      message: 'Nonce is too old, a newer one was last processed',
    })
  })

  it('writes the SDK message with Python rounding', () => {
    const verdict = checkNonce({
      nonce: now - 20_125_000_000n,
      version: 10002000,
      timeout: 12,
      stored: undefined,
      nowNs: now,
    })
    // 20.125 is exact in binary: Python rounds half to even.
    expect(!verdict.ok && verdict.message).toBe(
      'Nonce is too old: acceptable delta is 16.00 seconds but request was 20.12 seconds old',
    )
    // int / int rounds once in Python; a nanosecond count past 2^53 must not round twice.
    const ancient = checkNonce({
      nonce: 1795830000000000000n - 276568387246098241476862n,
      version: 10002000,
      timeout: 12,
      stored: undefined,
      nowNs: 1795830000000000000n,
    })
    expect(!ancient.ok && ancient.message).toMatch(/was 276568387246098\.25 seconds old$/)
  })

  it('prunes forgotten pairs below a bound', () => {
    const store = new MemoryNonceStore()
    store.set('a:1', 10n)
    store.set('b:1', 20n)
    expect(store.prune(15n)).toBe(1)
    expect(store.get('a:1')).toBeUndefined()
    expect(store.size).toBe(1)
  })

  it('forgets the pair accepted least recently past its capacity', () => {
    const store = new MemoryNonceStore({ capacity: 2 })
    store.set('a', 1n)
    store.set('b', 2n)
    store.set('a', 3n)
    store.set('c', 4n)
    expect([store.get('a'), store.get('b'), store.get('c'), store.size]).toEqual([
      3n,
      undefined,
      4n,
      2,
    ])
    expect(() => new MemoryNonceStore({ capacity: 0 })).toThrow(/capacity/)
  })

  it('has a clock that never repeats', () => {
    const clock = createNonceClock()
    const readings = Array.from({ length: 1000 }, clock)
    for (let i = 1; i < readings.length; i++) expect(readings[i]! > readings[i - 1]!).toBe(true)
    const wall = BigInt(Date.now()) * 1_000_000n
    expect(readings[0]! - wall < 1_000_000_000n && wall - readings[0]! < 1_000_000_000n).toBe(true)
  })
})

describe("bittensor-wallet's texts for a bad hotkey or signature header", () => {
  it('tells a missing hotkey from an empty one, as the SDK does', () => {
    expect(hotkeyPublicKey(undefined)).toEqual({
      ok: false,
      message: 'No SS58 formatted address or public key provided.',
    })
    expect(hotkeyPublicKey('')).toEqual({
      ok: false,
      message: 'Invalid SS58 address: Length is bad',
    })
  })

  it('words a malformed hex signature as the Rust hex crate does, counting UTF-8 bytes', () => {
    const text = (signature: string) => {
      const parsed = parseSignatureText(signature)
      return parsed.ok ? 'ok' : parsed.message
    }
    expect(text('0xabc')).toBe('Invalid hex string: OddLength')
    expect(text('0xzz')).toBe("Invalid hex string: InvalidHexCharacter { c: 'z', index: 0 }")
    expect(text(`0x${'ab'.repeat(3)}q1`)).toBe(
      "Invalid hex string: InvalidHexCharacter { c: 'q', index: 6 }",
    )
    expect(text("0xa'")).toBe("Invalid hex string: InvalidHexCharacter { c: '\\'', index: 1 }")
    // é is two bytes in UTF-8: an even count, and its first byte (0xc3) is shown as a char.
    expect(text('0xé')).toBe("Invalid hex string: InvalidHexCharacter { c: 'Ã', index: 0 }")
    expect(text('0xa\u0085')).toBe('Invalid hex string: OddLength')
    expect(text('0xa\tbc')).toBe("Invalid hex string: InvalidHexCharacter { c: '\\t', index: 1 }")
    expect(text(`0x${'ab'.repeat(32)}`)).toBe('Invalid signature')
  })
})
