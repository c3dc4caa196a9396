import { Keypair, ss58Encode, verify } from '@taokit/keys'
import { describeWithShared, loadEpistulaVectors } from '@taokit/testing'
import { describe, expect, it } from 'vitest'
import {
  EpistulaHeader,
  epistulaHeaders,
  epistulaMessage,
  epistulaSecretMessages,
  sha256Hex,
  verifyEpistula,
} from '../src/index.js'

describeWithShared('epistula.json', () => {
  const vectors = loadEpistulaVectors()

  it('covers every case', () => {
    expect(vectors.cases.length).toBe(15)
  })

  for (const c of vectors.cases) {
    it(`${c.id}: ${c.expected.valid ? 'valid' : c.expected.reason}`, () => {
      const { headers, body_utf8: body } = c.request
      const verdict = verifyEpistula(headers, body, {
        ownHotkey: c.verifier.own_hotkey,
        nowMs: c.verifier.now_ms,
        allowedDeltaMs: c.verifier.allowed_delta_ms,
      })
      if (c.expected.valid) {
        expect(verdict).toEqual({
          valid: true,
          signedBy: headers[EpistulaHeader.SignedBy],
          signedFor: headers[EpistulaHeader.SignedFor] ?? null,
          uuid: headers[EpistulaHeader.Uuid],
          timestampMs: BigInt(headers[EpistulaHeader.Timestamp]!),
        })
      } else {
        expect(verdict.valid).toBe(false)
        if (!verdict.valid) {
          expect(verdict.reason).toBe(c.expected.reason)
          const text = c.expected.detail ?? c.expected.reference_error_text
          expect(verdict.detail).toBe(text)
        }
      }
    })
  }

  it('builds the message each case signed', () => {
    for (const c of vectors.cases.filter((x) => x.expected.valid)) {
      const { headers, body_utf8: body } = c.request
      expect(
        epistulaMessage({
          body,
          uuid: headers[EpistulaHeader.Uuid]!,
          timestamp: headers[EpistulaHeader.Timestamp]!,
          signedFor: headers[EpistulaHeader.SignedFor] ?? null,
        }),
      ).toBe(c.signing_message)
    }
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
  })

  it('signs the secret signatures over the Python texts', () => {
    const c = vectors.cases.find((x) => x.id === 'valid-addressed')!
    const { headers } = c.request
    const texts = epistulaSecretMessages(
      BigInt(headers[EpistulaHeader.Timestamp]!),
      headers[EpistulaHeader.SignedFor]!,
    )
    expect(texts[1]).toBe(`1761000010000.0.${headers[EpistulaHeader.SignedFor]}`)
    texts.forEach((text, i) => {
      const signature = headers[`Epistula-Secret-Signature-${i}`]!
      expect(verify(text, signature, vectors.keys.sender!.ss58)).toBe(true)
    })
    expect(epistulaSecretMessages(1761000000123, 'x', 'go')).toEqual([
      '176100000.x',
      '176100001.x',
      '176100002.x',
    ])
  })
})

describe('signing Epistula requests', () => {
  const sender = Keypair.fromUri('//Alice')
  const receiver = Keypair.fromUri('//Bob').address
  const body = '{"prompt":"hello"}'

  it('round-trips, addressed and not', () => {
    const addressed = epistulaHeaders({
      signer: sender,
      body,
      signedFor: receiver,
      timestampMs: 1000,
    })
    expect(Object.keys(addressed)).toEqual([
      'Epistula-Version',
      'Epistula-Timestamp',
      'Epistula-Uuid',
      'Epistula-Signed-By',
      'Epistula-Request-Signature',
      'Epistula-Signed-For',
      'Epistula-Secret-Signature-0',
      'Epistula-Secret-Signature-1',
      'Epistula-Secret-Signature-2',
    ])
    expect(verifyEpistula(addressed, body, { ownHotkey: receiver, nowMs: 2000 }).valid).toBe(true)
    expect(verifyEpistula(addressed, body, { ownHotkey: null, nowMs: 2000 }).valid).toBe(false)
    // The unsigned headers may be re-spelled or rewritten; the verdict says what was proven.
    const rewritten = {
      ...addressed,
      'Epistula-Signed-By': ss58Encode(sender.publicKey, 0),
      'Epistula-Signed-For': sender.address,
    }
    expect(verifyEpistula(rewritten, body, { ownHotkey: receiver, nowMs: 2000 })).toMatchObject({
      valid: true,
      signedBy: sender.address,
      signedFor: receiver,
    })

    const open = epistulaHeaders({
      signer: sender,
      body: Buffer.from(body),
      secretSignatures: false,
    })
    expect(open[EpistulaHeader.SignedFor]).toBeUndefined()
    const lower = Object.fromEntries(Object.entries(open).map(([k, v]) => [k.toLowerCase(), v]))
    expect(verifyEpistula(lower, body, { ownHotkey: null, nowMs: Date.now() }).valid).toBe(true)
  })

  it('refuses missing headers, bad timestamps and far-future requests when asked', () => {
    const headers = epistulaHeaders({ signer: sender, body, timestampMs: 5000 })
    const { [EpistulaHeader.Uuid]: _uuid, ...noUuid } = headers
    const verdict = (h: Record<string, string>, extra = {}) =>
      verifyEpistula(h, body, { ownHotkey: null, nowMs: 1000, ...extra })
    expect(verdict(noUuid)).toMatchObject({ valid: false, reason: 'missing_header' })
    expect(verdict({ ...headers, [EpistulaHeader.Timestamp]: '5e3' })).toMatchObject({
      reason: 'bad_timestamp',
    })
    expect(verdict(headers).valid).toBe(true)
    expect(verdict(headers, { maxFutureMs: 1000 })).toMatchObject({ reason: 'future' })
  })

  it('takes clocks and windows with fractions or as bigints, and refuses ones that are not numbers', () => {
    const headers = epistulaHeaders({ signer: sender, body, timestampMs: 5000 })
    const verdict = (extra: object) =>
      verifyEpistula(headers, body, { ownHotkey: null, nowMs: 5000, ...extra })
    expect(verdict({ nowMs: 13_000.5 })).toMatchObject({ reason: 'stale' })
    expect(verdict({ nowMs: 13_000.5, allowedDeltaMs: 8000.5 }).valid).toBe(true)
    expect(verdict({ nowMs: 4000.5, maxFutureMs: 999 })).toMatchObject({ reason: 'future' })
    expect(verdict({ nowMs: 4000.5, maxFutureMs: 999.5 }).valid).toBe(true)
    expect(verdict({ nowMs: 13_000n }).valid).toBe(true)
    for (const [field, value] of [
      ['nowMs', Number.NaN],
      ['nowMs', null],
      ['nowMs', ''],
      ['allowedDeltaMs', Number.NaN],
      ['allowedDeltaMs', Number.POSITIVE_INFINITY],
      ['maxFutureMs', -1],
      ['maxFutureMs', '1000'],
    ] as const) {
      expect(() => verdict({ [field]: value }), `${field} ${value}`).toThrow(
        expect.objectContaining({ code: 'SYNAPSE_INVALID_INPUT', field }),
      )
    }
  })
})
