import { Keypair } from '@taokit/keys'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Dendrite } from '../src/index.js'
import { epistulaAxon, type TestServer } from './servers.js'

const validator = Keypair.fromUri('//Alice')
const miner = Keypair.fromUri('//Bob')
const stranger = Keypair.fromUri('//Charlie')

const json = (body: Uint8Array): unknown => JSON.parse(Buffer.from(body).toString('utf8'))

describe('queryEpistula against a verifying receiver', () => {
  let receivers: TestServer[]
  let dendrite: Dendrite

  beforeAll(async () => {
    receivers = await Promise.all(Array.from({ length: 8 }, () => epistulaAxon(miner.address)))
    dendrite = new Dendrite({ keypair: validator })
  })
  afterAll(async () => {
    await dendrite.close()
    await Promise.all(receivers.map((r) => r.close()))
  })

  it('signs requests that verifyEpistula accepts, one per receiver', async () => {
    const body = JSON.stringify({ prompt: 'héllo' })
    const batch = await dendrite.queryEpistula(
      receivers.map((r) => ({ ip: '127.0.0.1', port: r.port, hotkey: miner.address })),
      '/v1/generate',
      body,
      { timeoutMs: 5000, deserialize: json },
    )
    expect(batch.results).toHaveLength(8)
    for (const result of batch.results) {
      expect(result.status).toBe(200)
      expect(result.statusMessage).toBe('OK')
      expect(result.deserialized).toEqual({ echo: { prompt: 'héllo' }, from: validator.address })
      expect(result.processTime).toBeUndefined()
    }
    expect(batch.deliverySpreadMs).toBeGreaterThanOrEqual(0)
  })

  it('is refused when signed for another hotkey; bad JSON maps to 422', async () => {
    const [receiver] = receivers
    const batch = await dendrite.queryEpistula(
      [{ ip: '127.0.0.1', port: receiver!.port, hotkey: stranger.address }],
      '/v1/generate',
      '{}',
      { timeoutMs: 5000 },
    )
    expect(batch.results[0]!.status).toBe(401)
    expect(json(batch.results[0]!.body!)).toEqual({ error: 'signature_mismatch' })

    const garbled = await dendrite.queryEpistula(
      [{ ip: '127.0.0.1', port: receiver!.port, hotkey: miner.address }],
      '/v1/generate',
      '{}',
      {
        timeoutMs: 5000,
        deserialize: () => {
          throw new SyntaxError('Unexpected token')
        },
      },
    )
    expect(garbled.results[0]!.status).toBe(422)
    expect(garbled.results[0]!.statusMessage).toBe('Failed to parse response: Unexpected token')
  })
})
