import { Keypair } from '@taokit/keys'
import { Dummy, MemoryNonceStore, Scores, Synapse, TextPrompt } from '@taokit/synapse'
import {
  describeWithShared,
  loadEpistulaVectors,
  loadSynapseVectors,
  type RequestCase,
  sampleHotkeyMnemonic,
} from '@taokit/testing'
import { request } from 'undici'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { Axon, type AxonRejectionReason, rejectionMessage } from '../src/index.js'

const sampleHotkey = (name: 'default' | 'miner1') =>
  Keypair.fromMnemonic(sampleHotkeyMnemonic(name))

// The reason the axon must give for each refused vector: the SDK's message names it (the
// axon's own message is fixed per reason), and the 500s are told apart by the case.
function expectedReason(c: RequestCase): AxonRejectionReason {
  if (c.expected.strict_recommendation !== undefined) return 'missing_signature'
  const byId: Record<string, AxonRejectionReason> = {
    'tampered-body-field': 'body_hash_mismatch',
    'missing-input-obj-header': 'invalid_headers',
    'body-fails-validation': 'body_invalid',
    'body-not-json': 'body_not_json',
    'unknown-synapse': 'unknown_synapse',
  }
  const known = byId[c.id]
  if (known !== undefined) return known
  const message = c.expected.message ?? ''
  const byPrefix: [string, AxonRejectionReason][] = [
    ['Not Verified with error: Signature mismatch', 'signature_mismatch'],
    ['Not Verified with error: Nonce is too old, a newer', 'nonce_not_increasing'],
    ['Not Verified with error: Nonce is too old', 'stale_nonce'],
    ['Not Verified with error: Missing Nonce', 'missing_nonce'],
    ['Not Verified with error: Invalid signature', 'bad_signature_format'],
    ['Not Verified with error: No SS58', 'invalid_hotkey'],
    ['Not Verified with error: Invalid SS58', 'invalid_hotkey'],
  ]
  const hit = byPrefix.find(([prefix]) => message.startsWith(prefix))
  if (hit === undefined) throw new Error(`no reason known for ${c.id}`)
  return hit[1]
}

function expectMessage(reason: AxonRejectionReason, message: unknown): void {
  const fixed = rejectionMessage(reason)
  if (fixed.startsWith('Internal Server Error #')) {
    expect(message).toMatch(/^Internal Server Error #[0-9a-f-]{36}$/)
  } else {
    expect(message).toBe(fixed)
  }
}

describeWithShared('synapse.json requests through a running axon', () => {
  const vectors = loadSynapseVectors()
  const nonces = new MemoryNonceStore()
  let now = 0n
  const axon = new Axon({
    keypair: sampleHotkey('miner1'),
    port: 0,
    host: '127.0.0.1',
    externalIp: vectors.axon.ip,
    externalPort: vectors.axon.port,
    nonces,
    nowNs: () => now,
    // The vectors are the SDK's verdicts, old-version nonces included.
    nonceWindow: 'sdk',
  })
  for (const type of [Synapse, Dummy, TextPrompt, Scores]) {
    axon.attach(type, { forward: (synapse) => synapse })
  }
  let base = ''
  beforeAll(async () => {
    base = `http://127.0.0.1:${await axon.start()}`
  })
  afterAll(() => axon.stop())

  it('is the vectors axon', () => {
    expect(axon.hotkey).toBe(vectors.axon.hotkey)
    expect(vectors.requests.length).toBe(32)
  })

  const dendriteKey = `${vectors.keys.dendrite_hotkey!.ss58}:${vectors.dendrite.uuid}`
  for (const c of vectors.requests) {
    it(`${c.id}: ${c.expected.strict_recommendation?.status ?? c.expected.status}`, async () => {
      for (const key of Object.keys(c.axon_state.stored_nonces)) nonces.delete(key)
      nonces.delete(dendriteKey)
      for (const [key, nonce] of Object.entries(c.axon_state.stored_nonces)) {
        nonces.set(key, BigInt(nonce))
      }
      now = BigInt(c.axon_state.now_ns)
      const response = await request(`${base}${c.request.path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...c.request.headers },
        body: c.request.body,
      })
      const text = await response.body.text()
      const json = JSON.parse(text) as Record<string, unknown>
      const strict = c.expected.strict_recommendation
      if (c.expected.accepted && strict === undefined) {
        expect(response.statusCode).toBe(200)
        const axonInfo = json.axon as Record<string, unknown>
        expect(axonInfo.status_code).toBe(200)
        expect(axonInfo.status_message).toBe(c.expected.response_axon_status_message)
        expect(typeof axonInfo.process_time).toBe('number')
        expect(json.name).toBe(c.request.path.slice(1))
        expect(response.headers.bt_header_axon_status_code).toBe('200')
        expect(response.headers.bt_header_axon_status_message).toBe('Success')
        expect(typeof response.headers.computed_body_hash).toBe('string')
        // The echo forward gives back the body's fields.
        const sent = JSON.parse(c.request.body) as Record<string, unknown>
        for (const [key, value] of Object.entries(sent)) {
          if (key === 'axon' || key === 'computed_body_hash') continue
          expect(json[key]).toEqual(value)
        }
      } else {
        const reason = expectedReason(c)
        expect(response.statusCode).toBe(strict?.status ?? c.expected.status)
        expectMessage(reason, json.message)
        expect(response.headers.bt_header_axon_status_code).toBe(String(response.statusCode))
        // Small and fixed: nothing of the request is echoed.
        expect(text.length).toBeLessThan(200)
      }
      const stored = strict === undefined ? c.expected.nonce_stored_after : null
      const seeded = c.axon_state.stored_nonces[dendriteKey]
      const after = stored ?? seeded ?? null
      expect(nonces.get(dendriteKey) ?? null).toBe(after === null ? null : BigInt(after))
    })
  }
})

describeWithShared('epistula.json cases through a running Epistula route', () => {
  const vectors = loadEpistulaVectors()

  // A fresh axon per case: the cases share uuids, which one axon would refuse as replays.
  for (const c of vectors.cases) {
    it(`${c.id}: ${c.expected.valid ? 'accepted' : c.expected.reason}`, async () => {
      const axon = new Axon({
        keypair: { address: vectors.keys.receiver!.ss58 },
        port: 0,
        host: '127.0.0.1',
        nowMs: () => c.verifier.now_ms,
      })
      axon.attachEpistula('/epistula', {
        ownHotkey: c.verifier.own_hotkey,
        allowedDeltaMs: c.verifier.allowed_delta_ms,
        handler: (req) => ({ body: { signedBy: req.signedBy, bytes: req.body.length } }),
      })
      const port = await axon.start()
      try {
        const response = await request(`http://127.0.0.1:${port}/epistula`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...c.request.headers },
          body: c.request.body_utf8,
        })
        const json = (await response.body.json()) as Record<string, unknown>
        if (c.expected.valid) {
          expect(response.statusCode).toBe(200)
          expect(json.signedBy).toBe(c.request.headers['Epistula-Signed-By'])
          expect(json.bytes).toBe(Buffer.byteLength(c.request.body_utf8))
        } else {
          expect(response.statusCode).toBe(401)
          const reason = `epistula_${c.expected.reason}` as AxonRejectionReason
          expect(json.message).toBe(rejectionMessage(reason))
        }
      } finally {
        await axon.stop()
      }
    })
  }
})
