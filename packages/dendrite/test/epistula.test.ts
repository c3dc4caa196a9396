import { Keypair } from '@taokit/keys'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Dendrite } from '../src/index.js'
import { epistulaAxon, listen, type TestServer } from './servers.js'

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

describe('queryEpistula through a busy pool', () => {
  it('ends a request still waiting for a connection at its deadline, sending nothing', async () => {
    let requests = 0
    const held = await listen(async (req, res) => {
      requests++
      for await (const _ of req) {
        // the body
      }
      await new Promise((resolve) => setTimeout(resolve, 1_000))
      res.end('{}')
    })
    const dendrite = new Dendrite({ keypair: validator, connections: 1 })
    const target = { ip: '127.0.0.1', port: held.port, hotkey: miner.address }
    const batch = await dendrite.queryEpistula([target, target], '/score', '{}', {
      timeoutMs: 500,
    })
    expect(batch.results.map((r) => r.status)).toEqual([408, 408])
    expect(batch.results[1]!.statusMessage).toBe('Request timeout after 0.5 seconds')
    expect(requests).toBe(1)
    await dendrite.close()
    await held.close()
  })

  it('signs a request again that waited for a connection past half the freshness window', async () => {
    const ages: number[] = []
    const connections = new Set<number>()
    let first = true
    const slow = await listen(async (req, res) => {
      connections.add(req.socket.remotePort ?? 0)
      for await (const _ of req) {
        // the body
      }
      ages.push(Date.now() - Number(req.headers['epistula-timestamp']))
      // The first answer holds the only connection longer than half of the 8 s window.
      if (first) {
        first = false
        await new Promise((resolve) => setTimeout(resolve, 4_500))
      }
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end('{}')
    })
    const dendrite = new Dendrite({ keypair: validator, connections: 1 })
    const target = { ip: '127.0.0.1', port: slow.port, hotkey: miner.address }
    const batch = await dendrite.queryEpistula([target, target], '/score', '{}', {
      timeoutMs: 10_000,
    })
    expect(batch.results.map((r) => r.status)).toEqual([200, 200])
    expect(ages).toHaveLength(2)
    // Signed when its connection came free, not when the query began, and sent on it.
    expect(ages[1]).toBeLessThan(2_000)
    expect(connections.size).toBe(1)
    await dendrite.close()
    await slow.close()
  }, 15_000)
})
