import { once } from 'node:events'
import { connect } from 'node:net'
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

/** An axon with one forward slot and no rate limits, started and stopped with its block. */
function oneSlotAxon(): { axon: Axon; port: () => number } {
  const axon = new Axon({
    keypair: miner,
    port: 0,
    host: '127.0.0.1',
    concurrency: 1,
    rateLimit: { perIp: false, perHotkey: false },
  })
  let port = 0
  beforeAll(async () => {
    port = await axon.start()
  })
  afterAll(() => axon.stop())
  return { axon, port: () => port }
}

function postEpistula(port: number, path: string) {
  const body = '{}'
  return request(`http://127.0.0.1:${port}${path}`, {
    method: 'POST',
    headers: {
      ...epistulaHeaders({ signer: bob, body, signedFor: miner.address }),
      'content-type': 'application/json',
    },
    body,
  })
}

/** Opens a signed TextPrompt request for `prompt`. */
function openPrompt(port: number, prompt: string, timeout?: number, signal?: AbortSignal) {
  const prepared = signed(bob, { port, prompt, ...(timeout === undefined ? {} : { timeout }) })
  return request(`http://127.0.0.1:${port}${prepared.path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...prepared.headers },
    body: prepared.body,
    ...(signal === undefined ? {} : { signal }),
  })
}

describe('a streamed answer', () => {
  const { axon, port: portOf } = oneSlotAxon()
  // What each request's generator should do, by prompt; what happened to it, by prompt.
  const secondChunk = gate()
  const finished = new Map<string, { signalAborted: boolean }>()
  axon.attach(TextPrompt, {
    forward: async (synapse, context) => {
      if (synapse.prompt === 'slow start') await sleep(300)
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
          if (synapse.prompt === 'fail first') throw new Error('the model crashed at once')
          if (synapse.prompt === 'not text') {
            yield 42 as unknown as string
            return
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
  axon.attachEpistula('/bad-head', {
    handler: () => ({
      headers: { 'x-note': 'two\nlines' },
      body: (async function* () {
        yield 'never sent'
      })(),
    }),
  })
  axon.attachEpistula('/tokens', {
    handler: async () => ({
      headers: { 'Content-Type': 'application/x-ndjson' },
      body: (async function* () {
        yield 'data: {"token":"hel"}\n\n'
        yield 'data: {"token":"lo"}\n\n'
      })(),
    }),
  })
  const open = (prompt: string, timeout?: number, signal?: AbortSignal) =>
    openPrompt(portOf(), prompt, timeout, signal)

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

  it('is cut at the deadline: the caller has had its 200 at once, then a truncated body', async () => {
    const started = performance.now()
    const response = await open('stall', 1)
    // The headers do not wait for a first chunk (the source here yields one, then waits).
    expect(response.statusCode).toBe(200)
    expect(performance.now() - started).toBeLessThan(900)
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
    await expect
      .poll(() => finished.get('stall'), { timeout: 5_000 })
      .toEqual({
        signalAborted: true,
      })
    // concurrency is 1: this is served only if the left stream gave its slot back.
    const next = await open('count')
    expect(await next.body.text()).toContain('data: three')
  })

  it('frees the forward slot of a caller that left before its stream began', async () => {
    const controller = new AbortController()
    const left = open('slow start', 30, controller.signal).catch((error: unknown) => error)
    // The caller hangs up while the forward (300 ms) is still running.
    await sleep(100)
    controller.abort()
    expect(await left).toBeInstanceOf(Error)
    await sleep(400)
    const next = await open('count', 2)
    expect(next.statusCode).toBe(200)
    expect(await next.body.text()).toBe('data: one\n\ndata: two\n\ndata: three\n\n')
  })

  it('ends with a truncated body when the generator throws, and the axon serves on', async () => {
    const response = await open('fail')
    expect(response.statusCode).toBe(200)
    await expect(response.body.text()).rejects.toThrow()
    const next = await open('count')
    expect(await next.body.text()).toBe('data: one\n\ndata: two\n\ndata: three\n\n')
  })

  it('cuts a stream whose generator fails before its first chunk, or yields what is not text', async () => {
    for (const prompt of ['fail first', 'not text']) {
      const response = await open(prompt)
      expect(response.statusCode).toBe(200)
      await expect(response.body.text()).rejects.toThrow()
    }
  })

  it('counts each stream once, by how it ended', async () => {
    const statuses = Object.fromEntries(
      (await axon.metrics.requests.get()).values
        .filter((v) => v.labels.route === 'TextPrompt')
        .map((v) => [v.labels.status, v.value]),
    )
    // 200: count ×4 (at first, and after each of the three tests that check the axon serves
    // on), stall ×2, fail, fail first, not text. 499: the caller that left before its stream.
    expect(statuses).toEqual({ 200: 9, 499: 1 })
    const reasons = Object.fromEntries(
      (await axon.metrics.rejections.get()).values.map((v) => [v.labels.reason, v.value]),
    )
    expect(reasons).toEqual({ timeout: 1, forward_failed: 3 })
  })

  it('frees the forward slots of pipelined streams when their connection closes', async () => {
    const wire = (prompt: string) => {
      const prepared = signed(bob, { port: portOf(), prompt, timeout: 30 })
      const headers = { ...prepared.headers, 'content-type': 'application/json' }
      const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`)
      return `POST ${prepared.path} HTTP/1.1\r\nhost: 127.0.0.1\r\n${lines.join('')}content-length: ${Buffer.byteLength(prepared.body)}\r\n\r\n${prepared.body}`
    }
    const socket = connect(portOf(), '127.0.0.1')
    await once(socket, 'connect')
    // Two streams on one connection: the second waits for the first, which stalls.
    socket.write(wire('stall') + wire('count'))
    await once(socket, 'data')
    socket.destroy()
    await sleep(200)
    // concurrency is 1: served only if both streams gave their slots back.
    const next = await open('count', 2)
    expect(next.statusCode).toBe(200)
    expect(await next.body.text()).toBe('data: one\n\ndata: two\n\ndata: three\n\n')
  })

  it("answers 500 at once when a stream's headers cannot be sent", async () => {
    const started = performance.now()
    const response = await postEpistula(portOf(), '/bad-head')
    expect(response.statusCode).toBe(500)
    expect(await response.body.text()).not.toContain('never sent')
    expect(performance.now() - started).toBeLessThan(1_000)
  })

  it('streams an Epistula handler body that is an async iterable, with the type it names', async () => {
    const response = await postEpistula(portOf(), '/tokens')
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toBe('application/x-ndjson')
    expect(await response.body.text()).toBe('data: {"token":"hel"}\n\ndata: {"token":"lo"}\n\n')
  })

  it('is refused as a stream of a single string, naming the field', () => {
    expect(() => streamReply(TextPrompt.create({ prompt: 'x' }), 'whole answer')).toThrow(
      expect.objectContaining({ code: 'AXON_INVALID_INPUT', field: 'chunks' }),
    )
    expect(() => streamReply(TextPrompt.create({ prompt: 'x' }), 'x')).toThrow(AxonError)
  })
})

describe('a streamed answer, under a misbehaving source', () => {
  const { axon, port: portOf } = oneSlotAxon()
  const modelDone = gate()
  let modelsRunning = 0
  axon.attach(TextPrompt, {
    forward: (synapse) => {
      async function* chunks() {
        if (synapse.prompt === 'five then fail') {
          for (let i = 1; i <= 5; i++) yield `data: ${i}\n\n`
          throw new Error('the model crashed')
        }
        // 'deaf': one chunk, then model work that ignores the signal.
        yield 'data: one\n\n'
        modelsRunning++
        await modelDone.opened
        modelsRunning--
      }
      return streamReply({ ...synapse, completion: 'streamed' }, chunks())
    },
  })
  axon.attachEpistula('/no-content', {
    handler: () => ({
      status: 204,
      body: (async function* () {
        yield 'never sent'
      })(),
    }),
  })
  axon.attachEpistula('/sync', {
    handler: () => ({
      body: (function* () {
        yield 'data: a\n\n'
        yield 'data: b\n\n'
      })(),
    }),
  })
  axon.attachEpistula('/array', { handler: () => ({ body: ['a', 'b'] }) })
  axon.attachEpistula('/bad-header', {
    handler: () => ({ headers: { 'x-model': 'a\nb' }, body: 'ok' }),
  })
  axon.attachEpistula('/busy', {
    timeoutMs: 300,
    handler: () => ({
      body: (async function* () {
        for (;;) yield 'x'
      })(),
    }),
  })
  // Before the axon stops: a stop waits for nothing, but the model work would linger.
  afterAll(() => modelDone.open())
  const open = (prompt: string) => openPrompt(portOf(), prompt, 30)

  it('delivers the chunks a source yielded before it failed, then cuts', async () => {
    const response = await open('five then fail')
    let text = ''
    const read = (async () => {
      for await (const chunk of response.body) text += Buffer.from(chunk).toString('utf8')
    })()
    await expect(read).rejects.toThrow()
    expect(text).toBe('data: 1\n\ndata: 2\n\ndata: 3\n\ndata: 4\n\ndata: 5\n\n')
  })

  it('keeps the forward slot while a source that ignores its signal still works', async () => {
    const first = await open('deaf')
    const iterator = first.body[Symbol.asyncIterator]()
    await iterator.next()
    first.body.destroy()
    // The caller left, but the model still runs: concurrency 1 holds the next request back.
    const next = open('deaf')
    await expect.poll(() => axon.waiting, { timeout: 5_000 }).toBe(1)
    expect(modelsRunning).toBe(1)
    modelDone.open()
    const served = await next
    expect(served.statusCode).toBe(200)
    await served.body.dump()
  })

  it('streams a generator body, and sends an array as JSON', async () => {
    const sync = await postEpistula(portOf(), '/sync')
    expect(sync.headers['content-type']).toBe('text/event-stream')
    expect(await sync.body.text()).toBe('data: a\n\ndata: b\n\n')
    const array = await postEpistula(portOf(), '/array')
    expect(await array.body.json()).toEqual(['a', 'b'])
  })

  it('answers a reply with a header node cannot send with its own fixed 500', async () => {
    const bad = await postEpistula(portOf(), '/bad-header')
    expect(bad.statusCode).toBe(500)
    const text = await bad.body.text()
    expect(text).toMatch(/^\{"message":"Internal Server Error #[0-9a-f-]{36}"\}$/)
    expect(text).not.toMatch(/x-model|ERR_INVALID_CHAR/)
  })

  it('refuses a stream under a status without a body, and cuts a source that never waits', async () => {
    const noContent = await postEpistula(portOf(), '/no-content')
    expect(noContent.statusCode).toBe(500)
    await noContent.body.dump()
    // Were the event loop starved, neither the deadline nor this test's timers would fire.
    const busy = await postEpistula(portOf(), '/busy')
    expect(busy.statusCode).toBe(200)
    await expect(
      (async () => {
        for await (const _ of busy.body) {
          // Read to the cut.
        }
      })(),
    ).rejects.toThrow()
  })
})
