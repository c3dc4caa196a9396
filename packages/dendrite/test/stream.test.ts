import { Keypair } from '@taokit/keys'
import { Dummy, MemoryNonceStore, processSynapseRequest, TextPrompt, timeNs } from '@taokit/synapse'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Dendrite } from '../src/index.js'
import { listen, type TestServer } from './servers.js'

const validator = Keypair.fromUri('//Alice')
const miner = Keypair.fromUri('//Bob')

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('stream', () => {
  let server: TestServer
  let dendrite: Dendrite

  beforeAll(async () => {
    const nonces = new MemoryNonceStore()
    // A streaming axon: verifies the signed request, then sends server-sent events.
    server = await listen(async (req, res) => {
      const chunks: Buffer[] = []
      for await (const chunk of req) chunks.push(chunk as Buffer)
      const verdict = processSynapseRequest(
        { path: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks) },
        { synapses: [TextPrompt], axonHotkey: miner.address, nonces, nowNs: timeNs() },
      )
      if (!verdict.ok) {
        res.writeHead(verdict.status, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ message: verdict.message }))
        return
      }
      const prompt = String(verdict.synapse.prompt)
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      for (const word of prompt.split(' ')) {
        res.write(`data: ${word}\n\n`)
        await sleep(prompt.startsWith('slow') ? 200 : 5)
      }
      res.end()
    })
    dendrite = new Dendrite({ keypair: validator })
  })
  afterAll(async () => {
    await dendrite.close()
    await server.close()
  })

  const axon = () => ({ ip: '127.0.0.1', port: server.port, hotkey: miner.address })

  it('yields the body as it arrives', async () => {
    const stream = await dendrite.stream(
      axon(),
      TextPrompt,
      TextPrompt.create({ prompt: 'a b c' }),
      {
        timeoutMs: 5000,
      },
    )
    expect(stream.status).toBe(200)
    expect(stream.headers['content-type']).toBe('text/event-stream')
    let text = ''
    for await (const chunk of stream) text += Buffer.from(chunk).toString('utf8')
    expect(text).toBe('data: a\n\ndata: b\n\ndata: c\n\n')
  })

  it('reports a refusal as a status, with no chunks', async () => {
    const stream = await dendrite.stream(axon(), Dummy, Dummy.create({ dummy_input: 1 }), {
      timeoutMs: 5000,
    })
    expect(stream.status).toBe(404)
    expect(stream.statusMessage).toMatch(/^Synapse name 'Dummy' not found/)
    const chunks: Uint8Array[] = []
    for await (const chunk of stream) chunks.push(chunk)
    expect(chunks).toEqual([])
  })

  it('ends with DENDRITE_TIMEOUT when the deadline passes mid-stream', async () => {
    const stream = await dendrite.stream(
      axon(),
      TextPrompt,
      TextPrompt.create({ prompt: 'slow x y z w' }),
      { timeoutMs: 300 },
    )
    expect(stream.status).toBe(200)
    const consume = async () => {
      for await (const _ of stream) {
        // draining
      }
    }
    await expect(consume()).rejects.toMatchObject({ code: 'DENDRITE_TIMEOUT' })
  })

  it('gives 503 for a refused connection', async () => {
    const gone = await listen(() => {})
    const port = gone.port
    await gone.close()
    const stream = await dendrite.stream(
      { ip: '127.0.0.1', port, hotkey: miner.address },
      TextPrompt,
      TextPrompt.create({ prompt: 'x' }),
      { timeoutMs: 1000 },
    )
    expect(stream.status).toBe(503)
  })
})
