import { setTimeout as sleep } from 'node:timers/promises'
import { epistulaHeaders, TextPrompt } from '@taokit/synapse'
import { request } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Axon, AxonError, streamReply } from '../src/index.js'
import { bob, miner, signed } from './helpers.js'

/** A promise and the function that settles it. */
function gate() {
  let open!: () => void
  const opened = new Promise<void>((resolve) => {
    open = resolve
  })
  return { open, opened }
}

describe('a streamed answer', () => {
  const axon = new Axon({
    keypair: miner,
    port: 0,
    host: '127.0.0.1',
    concurrency: 1,
    rateLimit: { perIp: false, perHotkey: false },
  })
  // What each request's generator should do, by prompt; what happened to it, by prompt.
  const secondChunk = gate()
  const finished = new Map<string, { signalAborted: boolean }>()
  axon.attach(TextPrompt, {
    forward: (synapse, context) => {
      async function* chunks() {
        try {
          if (synapse.prompt === 'count') {
            yield 'data: one\n\n'
            await secondChunk.opened
            yield Buffer.from('data: two\n\n')
            yield 'data: three\n\n'
            return
          }
          if (synapse.prompt === 'fail') {
            yield 'data: one\n\n'
            throw new Error('the model crashed')
          }
          // 'stall': one chunk, then nothing until the deadline passes or the caller leaves.
          yield 'data: one\n\n'
          await sleep(60_000, undefined, { signal: context.signal }).catch(() => undefined)
        } finally {
          finished.set(synapse.prompt, { signalAborted: context.signal.aborted })
        }
      }
      return streamReply({ ...synapse, completion: 'streamed' }, chunks())
    },
  })
  axon.attachEpistula('/tokens', {
    handler: async () => ({
      body: (async function* () {
        yield 'data: {"token":"hel"}\n\n'
        yield 'data: {"token":"lo"}\n\n'
      })(),
    }),
  })
  let port = 0
  beforeAll(async () => {
    port = await axon.start()
  })
  afterAll(() => axon.stop())

  async function open(prompt: string, timeout?: number) {
    const prepared = signed(bob, { port, prompt, ...(timeout === undefined ? {} : { timeout }) })
    return request(`http://127.0.0.1:${port}${prepared.path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...prepared.headers },
      body: prepared.body,
    })
  }

  it('starts with 200, text/event-stream and the synapse headers, and sends chunks as they come', async () => {
    const response = await open('count')
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toBe('text/event-stream')
    expect(response.headers.bt_header_axon_status_code).toBe('200')
    expect(response.headers.bt_header_axon_status_message).toBe('Success')
    expect(response.headers.bt_header_axon_hotkey).toBe(miner.address)
    expect(response.headers.bt_header_dendrite_hotkey).toBe(bob.address)
    expect(Number(response.headers.bt_header_axon_process_time)).toBeGreaterThan(0)
    const chunks: string[] = []
    for await (const chunk of response.body) {
      chunks.push(Buffer.from(chunk).toString('utf8'))
      // The first chunk arrived while the generator still waits: the body is not buffered.
      if (chunks.length === 1) secondChunk.open()
    }
    expect(chunks.join('')).toBe('data: one\n\ndata: two\n\ndata: three\n\n')
    expect(finished.get('count')).toEqual({ signalAborted: false })
  })

  it('is cut at the deadline: the caller sees a truncated body, the handler an aborted signal', async () => {
    const response = await open('stall', 1)
    expect(response.statusCode).toBe(200)
    const started = performance.now()
    await expect(response.body.text()).rejects.toThrow()
    expect(performance.now() - started).toBeLessThan(5_000)
    expect(finished.get('stall')).toEqual({ signalAborted: true })
  })

  it('stops its generator when the caller leaves, and frees the forward slot', async () => {
    finished.delete('stall')
    const response = await open('stall', 30)
    const iterator = response.body[Symbol.asyncIterator]()
    await iterator.next()
    response.body.destroy()
    await expect.poll(() => finished.get('stall'), { timeout: 5_000 }).toBeDefined()
    // concurrency is 1: this is served only if the left stream gave its slot back.
    const next = await open('count')
    expect(await next.body.text()).toContain('data: three')
  })

  it('ends with a truncated body when the generator throws, and the axon serves on', async () => {
    const response = await open('fail')
    expect(response.statusCode).toBe(200)
    await expect(response.body.text()).rejects.toThrow()
    const next = await open('count')
    expect(await next.body.text()).toBe('data: one\n\ndata: two\n\ndata: three\n\n')
  })

  it('counts streams in the metrics by how they ended', async () => {
    const metrics = await (await request(`http://127.0.0.1:${port}/metrics`)).body.text()
    expect(metrics).toMatch(/reason="timeout"/)
    expect(metrics).toMatch(/reason="forward_failed"/)
  })

  it('streams an Epistula handler body that is an async iterable', async () => {
    const body = '{}'
    const response = await request(`http://127.0.0.1:${port}/tokens`, {
      method: 'POST',
      headers: {
        ...epistulaHeaders({ signer: bob, body, signedFor: miner.address }),
        'content-type': 'application/json',
      },
      body,
    })
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toBe('text/event-stream')
    expect(await response.body.text()).toBe('data: {"token":"hel"}\n\ndata: {"token":"lo"}\n\n')
  })

  it('is refused as a stream of a single string, naming the field', () => {
    expect(() => streamReply(TextPrompt.create({ prompt: 'x' }), 'whole answer')).toThrow(
      expect.objectContaining({ code: 'AXON_INVALID_INPUT', field: 'chunks' }),
    )
    expect(() => streamReply(TextPrompt.create({ prompt: 'x' }), 'x')).toThrow(AxonError)
  })
})
