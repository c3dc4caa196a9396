import type { AddressInfo } from 'node:net'
import { createServer } from 'node:net'
import { Worker } from 'node:worker_threads'
import { Keypair } from '@taokit/keys'
import { Dummy, MemoryNonceStore, processSynapseRequest, TextPrompt, timeNs } from '@taokit/synapse'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Dendrite } from '../src/index.js'
import { listen, type TestServer } from './servers.js'

const validator = Keypair.fromUri('//Alice')
const miner = Keypair.fromUri('//Bob')

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
/** Releases the second half of the 'split' answer. */
let sendRest: (() => void) | undefined

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
      if (prompt === 'bad header') {
        res.writeHead(200, {
          'content-type': 'text/event-stream',
          bt_header_axon_status_code: 'abc',
        })
        res.end('data: still here\n\n')
        return
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      if (prompt === 'split') {
        // "é" is two bytes in UTF-8: each goes in a chunk of its own.
        const bytes = Buffer.from('data: café\n\n', 'utf8')
        const cut = bytes.indexOf(0xc3) + 1
        res.write(bytes.subarray(0, cut))
        // The rest only once the reader has had the first part: a busy machine could
        // otherwise deliver both in one read.
        await new Promise<void>((resolve) => {
          sendRest = resolve
        })
        res.end(bytes.subarray(cut))
        return
      }
      if (prompt === 'cut') {
        res.write('data: partial\n\n')
        await sleep(20)
        res.destroy()
        return
      }
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
  const streamPrompt = (prompt: string, timeoutMs = 5000) =>
    dendrite.stream(axon(), TextPrompt, TextPrompt.create({ prompt }), { timeoutMs })

  it('yields the body as it arrives', async () => {
    const stream = await streamPrompt('a b c')
    expect(stream.status).toBe(200)
    expect(stream.headers['content-type']).toBe('text/event-stream')
    // This axon sends no synapse headers, as the SDK's streaming response does not.
    expect(stream.synapse.dendrite).toMatchObject({ status_code: 200, status_message: 'Success' })
    let text = ''
    for await (const chunk of stream) text += Buffer.from(chunk).toString('utf8')
    expect(text).toBe('data: a\n\ndata: b\n\ndata: c\n\n')
  })

  it("sets the synapse's process time once the stream or a refusal is read whole, as the SDK does", async () => {
    const stream = await streamPrompt('a b c')
    for await (const _ of stream) {
      // draining
    }
    expect(stream.synapse.dendrite!.process_time).toBeGreaterThan(0)
    const refusal = await dendrite.stream(axon(), Dummy, Dummy.create({ dummy_input: 1 }))
    expect(refusal.status).toBe(404)
    expect(refusal.synapse.dendrite!.process_time).toBeGreaterThan(0)
  })

  it('gives 422 for stream headers that do not parse, as the SDK does, and still the body', async () => {
    const stream = await streamPrompt('bad header')
    expect(stream.status).toBe(422)
    expect(stream.statusMessage).toMatch(/^Failed to parse response: /)
    expect(stream.synapse.dendrite!.status_code).toBe(422)
    const pieces: string[] = []
    for await (const piece of stream.text()) pieces.push(piece)
    expect(pieces.join('')).toBe('data: still here\n\n')
  })

  it('gives the body as text, a character split between chunks whole', async () => {
    const stream = await streamPrompt('split')
    const pieces: string[] = []
    for await (const piece of stream.text()) {
      pieces.push(piece)
      sendRest?.()
    }
    expect(pieces.length).toBeGreaterThan(1)
    expect(pieces.join('')).toBe('data: café\n\n')
    expect(pieces.join('')).not.toContain('\ufffd')
  })

  it('ends with DENDRITE_STREAM_CUT when the axon closes the stream before its end', async () => {
    const stream = await streamPrompt('cut')
    const pieces: string[] = []
    const consume = async () => {
      for await (const piece of stream.text()) pieces.push(piece)
    }
    await expect(consume()).rejects.toMatchObject({ code: 'DENDRITE_STREAM_CUT' })
    expect(pieces.join('')).toBe('data: partial\n\n')
    // No longer a success, as the SDK's last synapse reports a cut stream.
    expect(stream.status).toBe(400)
    expect(stream.statusMessage).toMatch(/^Payload error: /)
    expect(stream.synapse.dendrite).toMatchObject({ status_code: 400 })
  })

  it('just ends when the caller cancels it mid-stream', async () => {
    const stream = await streamPrompt('slow x y z w')
    const chunks: Uint8Array[] = []
    for await (const chunk of stream) {
      chunks.push(chunk)
      stream.cancel()
    }
    expect(chunks).toHaveLength(1)
  })

  it("is named in query()'s 422 when a synapse is answered with a stream", async () => {
    const { results } = await dendrite.query(
      [axon()],
      TextPrompt,
      TextPrompt.create({ prompt: 'a b' }),
      { timeoutMs: 5000 },
    )
    expect(results[0]?.status).toBe(422)
    expect(results[0]?.statusMessage).toBe(
      'Failed to parse response: the axon streamed its answer (text/event-stream): read it with stream()',
    )
  })

  it("gives query()'s 422 for a stream longer than the deadline, as soon as it starts", async () => {
    // Nine words 200 ms apart: the stream outlasts the 1 s deadline.
    const { results } = await dendrite.query(
      [axon()],
      TextPrompt,
      TextPrompt.create({ prompt: 'slow a b c d e f g h' }),
      { timeoutMs: 1000 },
    )
    expect(results[0]?.status).toBe(422)
    expect(results[0]?.statusMessage).toMatch(/read it with stream\(\)$/)
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
    const stream = await streamPrompt('slow x y z w', 300)
    expect(stream.status).toBe(200)
    const consume = async () => {
      for await (const _ of stream) {
        // draining
      }
    }
    await expect(consume()).rejects.toMatchObject({ code: 'DENDRITE_TIMEOUT' })
    expect([stream.status, stream.statusMessage]).toEqual([
      408,
      'Request timeout after 0.3 seconds',
    ])
    expect(stream.synapse.dendrite).toMatchObject({ status_code: 408, process_time: null })
  })

  it('reads a stream that arrived in time though the loop was busy at the deadline', async () => {
    // Another thread's server, so that it can finish while this loop is busy.
    const worker = new Worker(
      `const { createServer } = require('node:http')
      const { parentPort } = require('node:worker_threads')
      const server = createServer((req, res) => {
        req.resume()
        res.writeHead(200, { 'content-type': 'text/event-stream' })
        res.write('data: a\\n\\n')
        setTimeout(() => res.end('data: b\\n\\n'), 50)
      })
      server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port))`,
      { eval: true },
    )
    const port = await new Promise<number>((resolve) => worker.once('message', resolve))
    const stream = await dendrite.stream(
      { ip: '127.0.0.1', port, hotkey: miner.address },
      TextPrompt,
      TextPrompt.create({ prompt: 'p' }),
      { timeoutMs: 400 },
    )
    // Busy past the deadline, as a validator scoring other answers may be; the stream's
    // last bytes arrive meanwhile, long before the deadline.
    const until = Date.now() + 700
    while (Date.now() < until) {
      // blocking the event loop
    }
    const pieces: string[] = []
    for await (const piece of stream.text()) pieces.push(piece)
    expect(pieces.join('')).toBe('data: a\n\ndata: b\n\n')
    expect(stream.status).toBe(200)
    await worker.terminate()
  })

  it('reports a stream that overflows in the same read as its head as failed', async () => {
    const raw = createServer((socket) => {
      socket.once('data', () => {
        // The head and more than the cap, in one write: one read on the validator's side.
        socket.write(
          `HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncontent-length: 5000\r\n\r\n${'x'.repeat(1000)}`,
        )
      })
      socket.on('error', () => {})
    })
    await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve))
    const small = new Dendrite({ keypair: validator, maxResponseBytes: 100 })
    const { port } = raw.address() as AddressInfo
    const stream = await small.stream(
      { ip: '127.0.0.1', port, hotkey: miner.address },
      TextPrompt,
      TextPrompt.create({ prompt: 'p' }),
      { timeoutMs: 2000 },
    )
    expect(stream.status).toBe(400)
    expect(stream.synapse.dendrite).toMatchObject({ status_code: 400 })
    await small.close()
    await new Promise((resolve) => raw.close(resolve))
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
