import { utf8 } from '@taokit/core'
import { Keypair } from '@taokit/keys'
import { TextPrompt } from '@taokit/synapse'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Axon, rejectionMessage, SignatureBatcher } from '../src/index.js'
import { alice, bob, miner, post, signed } from './helpers.js'

describe('SignatureBatcher', () => {
  it('checks the signatures of one turn in one batch, each verdict in place', async () => {
    const batcher = new SignatureBatcher()
    const messages = Array.from({ length: 20 }, (_, i) => utf8(`request ${i}`))
    const signers = [alice, bob]
    const checks = messages.map((message, i) => {
      const signer = signers[i % 2]!
      let signature = signer.sign(message)
      // A forgery (Alice's signature as Bob's), and a wallet's <Bytes>-wrapped signature.
      if (i === 5) signature = alice.sign(message)
      if (i === 8) signature = signer.sign(utf8(`<Bytes>request ${i}</Bytes>`))
      return batcher.verify(message, signature, signer.publicKey)
    })
    const verdicts = await Promise.all(checks)
    expect(verdicts).toEqual(messages.map((_, i) => i !== 5))
    expect(batcher.stats).toEqual({ batches: 1, signatures: 20 })
  })

  it('runs a full batch at once and checks a lone signature alone', async () => {
    const batcher = new SignatureBatcher(4)
    const message = utf8('lone')
    const first = Array.from({ length: 4 }, () =>
      batcher.verify(message, bob.sign(message), bob.publicKey),
    )
    expect(batcher.stats.batches).toBe(1)
    expect(await Promise.all(first)).toEqual([true, true, true, true])
    expect(await batcher.verify(message, bob.sign(message), alice.publicKey)).toBe(false)
    expect(batcher.stats).toEqual({ batches: 2, signatures: 5 })
  })

  it('checks fewer than four signatures one by one, where a batch would cost more', async () => {
    const batcher = new SignatureBatcher()
    const message = utf8('pair')
    const wrapped = bob.sign(utf8('<Bytes>pair</Bytes>'))
    const verdicts = await Promise.all([
      batcher.verify(message, alice.sign(message), alice.publicKey),
      batcher.verify(message, wrapped, bob.publicKey),
      batcher.verify(message, alice.sign(message), bob.publicKey),
    ])
    expect(verdicts).toEqual([true, true, false])
    expect(batcher.stats).toEqual({ batches: 3, signatures: 3 })
  })
})

describe('SignatureBatcher with input the batch cannot take', () => {
  it('answers false for the malformed one and still checks the others', async () => {
    const batcher = new SignatureBatcher()
    const message = utf8('short key')
    const good = Array.from({ length: 3 }, () =>
      batcher.verify(message, bob.sign(message), bob.publicKey),
    )
    const bad = batcher.verify(message, bob.sign(message), bob.publicKey.subarray(0, 31))
    expect(await Promise.all([...good, bad])).toEqual([true, true, true, false])
  })
})

describe('an axon under concurrent load', () => {
  const axon = new Axon({
    keypair: miner,
    port: 0,
    host: '127.0.0.1',
    rateLimit: { perIp: false, perHotkey: false },
  })
  axon.attach(TextPrompt, {
    forward: (synapse) => ({ ...synapse, completion: synapse.prompt.toUpperCase() }),
  })
  let port = 0
  beforeAll(async () => {
    port = await axon.start()
  })
  afterAll(() => axon.stop())

  it('gives each request of a batch its own verdict: forgeries and replays refused', async () => {
    const charlie = Keypair.fromUri('//Charlie')
    const requests = Array.from({ length: 30 }, (_, i) =>
      signed([alice, bob, charlie][i % 3]!, { port, prompt: `p${i}` }),
    )
    requests[4] = signed(bob, { port, axonHotkey: alice.address })
    requests[29] = requests[7]!
    const results = await Promise.all(requests.map((prepared) => post(port, prepared)))
    const statuses = results.map((r) => r.status)
    expect(statuses[4]).toBe(401)
    expect(results[4]!.json.message).toBe(rejectionMessage('signature_mismatch'))
    expect([statuses[7], statuses[29]].sort()).toEqual([200, 401])
    const replay = statuses[7] === 401 ? results[7]! : results[29]!
    expect(replay.json.message).toBe(rejectionMessage('nonce_not_increasing'))
    expect(statuses.filter((s) => s === 200)).toHaveLength(28)
    expect(axon.signatures.stats.signatures).toBeGreaterThanOrEqual(29)
  })
})
