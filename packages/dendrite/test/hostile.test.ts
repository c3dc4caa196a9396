import { execFile, spawn } from 'node:child_process'
import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net'
import { Keypair } from '@taokit/keys'
import { Dummy, TextPrompt } from '@taokit/synapse'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { Dendrite, DendriteErrorCode } from '../src/index.js'
import { listen, synapseAxon, type TestServer } from './servers.js'

const validator = Keypair.fromUri('//Alice')
const miner = Keypair.fromUri('//Bob')
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const target = (port: number) => ({ ip: '127.0.0.1', port, hotkey: miner.address })

const servers: TestServer[] = []
const dendrites: Dendrite[] = []
afterEach(async () => {
  await Promise.all(dendrites.splice(0).map((dendrite) => dendrite.close()))
  await Promise.all(servers.splice(0).map((server) => server.close()))
})

async function serve(handler: Parameters<typeof listen>[0]): Promise<number> {
  const server = await listen(handler)
  servers.push(server)
  return server.port
}

/** A miner that answers `status` and then sends bytes for as long as it is read. */
function endless(status: number, contentType: string): Promise<number> {
  return serve((_req, res) => {
    res.writeHead(status, { 'content-type': contentType })
    const pad = Buffer.alloc(16 * 1024, 0x20)
    const pump = () => {
      while (!res.destroyed && res.write(pad)) {}
      if (!res.destroyed) res.once('drain', pump)
    }
    pump()
  })
}

function dendrite(options: Partial<ConstructorParameters<typeof Dendrite>[0]> = {}): Dendrite {
  const created = new Dendrite({ keypair: validator, ...options })
  dendrites.push(created)
  return created
}

/** A server that answers every connection with `raw` bytes, whatever it was sent. */
async function rawServer(raw: string): Promise<{ port: number; close(): Promise<void> }> {
  const server: TcpServer = createTcpServer((socket) => {
    socket.on('error', () => {})
    socket.once('data', () => socket.end(raw))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/** A raw HTTP/1.1 server that answers every request with `head` then `body`, then closes. */
async function rawAnswer(head: string, body: Buffer | string, destroy = false) {
  const server: TcpServer = createTcpServer((socket) => {
    socket.on('error', () => {})
    socket.once('data', () => {
      socket.write(head)
      if (destroy) socket.write(body, () => socket.destroy())
      else socket.end(body)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()))
  servers.push({ port: (server.address() as AddressInfo).port, close } as TestServer)
  return (server.address() as AddressInfo).port
}

/** `text` as HTTP chunks of one byte each. */
function oneByteChunks(text: string): Buffer {
  return Buffer.from(`${[...text].map((c) => `1\r\n${c}\r\n`).join('')}0\r\n\r\n`, 'latin1')
}

/** Runs fixtures/query-under-small-heap.mjs against `port` in a node with a small heap. */
function underSmallHeap(port: number, mode: 'query' | 'stream', heapMb = 48) {
  const script = new URL('./fixtures/query-under-small-heap.mjs', import.meta.url).pathname
  return new Promise<{ code: number; out: string; err: string }>((resolve) => {
    execFile(
      process.execPath,
      [`--max-old-space-size=${heapMb}`, script, String(port), mode],
      { timeout: 60_000 },
      (error, out, err) =>
        resolve({ code: error === null ? 0 : Number(error.code ?? 1), out, err }),
    )
  })
}

describe('a miner that misbehaves', () => {
  it('cannot exhaust the heap by cutting an answer within maxResponseBytes into 1-byte chunks', async () => {
    const json = `{"dummy_input": 1, "dummy_output": 2${' '.repeat(1_000_000)}}`
    const chunked = 'transfer-encoding: chunked\r\n\r\n'
    const query = await rawAnswer(
      `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n${chunked}`,
      oneByteChunks(json),
    )
    const stream = await rawAnswer(
      `HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n${chunked}`,
      oneByteChunks(json),
    )
    const [queried, streamed] = [
      await underSmallHeap(query, 'query'),
      await underSmallHeap(stream, 'stream'),
    ]
    expect(queried.err).not.toContain('heap out of memory')
    expect(JSON.parse(queried.out)).toMatchObject({ status: 200, output: 2 })
    expect(streamed.err).not.toContain('heap out of memory')
    expect(JSON.parse(streamed.out)).toEqual({ status: 200, bytes: json.length })
  }, 120_000)

  it('cannot exhaust the heap with an answer of empty containers, typed or not', async () => {
    // 12 MiB of `{},` is four million objects; built as Maps they took a gigabyte.
    const empties = `[${'{},'.repeat(4_000_000)}{}]`
    const answer = (status: string, body: string) =>
      rawAnswer(
        `HTTP/1.1 ${status}\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n`,
        body,
      )
    const field = await answer('200 OK', `{"dummy_input": 1, "dummy_output": ${empties}}`)
    const refusal = await answer('500 Internal Server Error', `{"message": ${empties}}`)
    const [typed, refused] = [
      await underSmallHeap(field, 'query', 160),
      await underSmallHeap(refusal, 'query', 160),
    ]
    expect(typed.err).not.toContain('heap out of memory')
    expect(JSON.parse(typed.out)).toMatchObject({ status: 422 })
    expect(JSON.parse(typed.out).statusMessage).toMatch(/More than 262144 arrays and objects/)
    expect(refused.err).not.toContain('heap out of memory')
    expect(JSON.parse(refused.out)).toMatchObject({ status: 500 })
  }, 120_000)

  it('is reported with 503, not as a cut body, when it drops the connection after a 103', async () => {
    const port = await rawAnswer('HTTP/1.1 103 Early Hints\r\nlink: </style.css>\r\n\r\n', '', true)
    const { results } = await dendrite().query(
      [target(port)],
      Dummy,
      Dummy.create({ dummy_input: 1 }),
    )
    expect(results[0]!.status).toBe(503)
    expect(results[0]!.statusMessage).toMatch(/^Service disconnected: /)
    const stream = await dendrite().stream(target(port), Dummy, Dummy.create({ dummy_input: 1 }))
    expect(stream.status).toBe(503)
  })

  it('cannot make an answer that came in time late by keeping the validator busy with its own', async () => {
    // Miner A answers at once; the validator's deserialize then blocks for 800 ms, during
    // which miner B answers (at 400 ms), and B's deadline (600 ms) passes.
    const child = spawn(process.execPath, [
      new URL('./fixtures/delayed-miners.mjs', import.meta.url).pathname,
      '0',
      '400',
    ])
    try {
      const [line] = (await once(child.stdout!, 'data')) as [Buffer]
      const [fast, late] = JSON.parse(line.toString()) as number[]
      let blocked = false
      const { results } = await dendrite().query(
        [target(fast!), target(late!)],
        Dummy,
        Dummy.create({ dummy_input: 1 }),
        {
          timeoutMs: 600,
          deserialize: (synapse) => {
            if (!blocked) {
              blocked = true
              const until = performance.now() + 800
              while (performance.now() < until) {}
            }
            return synapse.dummy_output
          },
        },
      )
      expect(results.map((r) => r.status)).toEqual([200, 200])
    } finally {
      child.stdin!.end()
      child.kill()
    }
  })

  it('is reported with 400 when its body is cut short after the head, however it was framed', async () => {
    const lengthHead =
      'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n'
    const chunkedHead =
      'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n'
    const ports = [
      await rawAnswer(lengthHead, '{"dummy_'),
      await rawAnswer(chunkedHead, '8\r\n{"dummy_\r\n'),
      await rawAnswer(lengthHead, '{"dummy_', true),
      await rawAnswer(lengthHead.replace('\r\n\r\n', '\r\nconnection: close\r\n\r\n'), '{"dummy_'),
    ]
    const { results } = await dendrite().query(
      ports.map(target),
      Dummy,
      Dummy.create({ dummy_input: 1 }),
    )
    for (const result of results) {
      expect(result.status).toBe(400)
      expect(result.statusMessage).toMatch(
        /^Payload error: (the response body was cut short|Response body length does not match)/,
      )
    }
  })

  it('cannot make a streamed refusal buffer past maxResponseBytes', async () => {
    const port = await endless(500, 'application/json')
    const stream = await dendrite({ maxResponseBytes: 100_000 }).stream(
      target(port),
      TextPrompt,
      TextPrompt.create({ prompt: 'x' }),
      { timeoutMs: 5000 },
    )
    expect(stream.status).toBe(400)
    expect(stream.statusMessage).toBe('Payload error: response body over 100000 bytes')
  })

  it('cannot take back a stream it finished sending because the reader is slow', async () => {
    const port = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      for (let i = 0; i < 4; i++) res.write(`data: ${i}\n\n`)
      res.end()
    })
    const stream = await dendrite().stream(
      target(port),
      TextPrompt,
      TextPrompt.create({ prompt: 'x' }),
      {
        timeoutMs: 200,
      },
    )
    const pieces: string[] = []
    for await (const piece of stream.text()) {
      pieces.push(piece)
      await sleep(100)
    }
    expect(pieces.join('')).toBe('data: 0\n\ndata: 1\n\ndata: 2\n\ndata: 3\n\n')
  })

  it('gives a slow reader every byte of a stream longer than its buffer', async () => {
    const port = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      let sent = 0
      const pump = () => {
        while (sent < 32) {
          sent++
          if (!res.write(Buffer.alloc(64 * 1024, sent))) {
            res.once('drain', pump)
            return
          }
        }
        res.end()
      }
      pump()
    })
    const stream = await dendrite().stream(
      target(port),
      TextPrompt,
      TextPrompt.create({ prompt: 'x' }),
      {
        timeoutMs: 10_000,
      },
    )
    let bytes = 0
    for await (const chunk of stream) {
      bytes += chunk.length
      await sleep(2)
    }
    expect(bytes).toBe(32 * 64 * 1024)
  })

  it('cannot take the validator down by closing a long answer the reader lags behind', async () => {
    // undici 7 asserts, uncatchably, when a paused socket closes: nothing may pause it.
    const body = Buffer.alloc(300_000, 0x61)
    const port = await serve((_req, res) => {
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'content-length': body.length,
        connection: 'close',
      })
      res.end(body)
    })
    const stream = await dendrite().stream(
      target(port),
      TextPrompt,
      TextPrompt.create({ prompt: 'x' }),
      {
        timeoutMs: 5000,
      },
    )
    await sleep(300)
    let bytes = 0
    for await (const chunk of stream) bytes += chunk.length
    expect(bytes).toBe(body.length)
  })

  it('ends a stream the reader lets pile up past maxResponseBytes, after what it can hold', async () => {
    const port = await endless(200, 'text/event-stream')
    const stream = await dendrite({ maxResponseBytes: 200_000 }).stream(
      target(port),
      TextPrompt,
      TextPrompt.create({ prompt: 'x' }),
      { timeoutMs: 5000 },
    )
    await sleep(300)
    let bytes = 0
    const read = (async () => {
      for await (const chunk of stream) bytes += chunk.length
    })()
    await expect(read).rejects.toMatchObject({ code: DendriteErrorCode.TooLarge })
    expect(bytes).toBeGreaterThan(0)
    expect(bytes).toBeLessThanOrEqual(200_000)
  })

  it('is reported with 400 for malformed HTTP and oversized headers', async () => {
    const notHttp = await rawServer('SSH-2.0-OpenSSH_9.6\r\n\r\n')
    const hugeHeader = await rawServer(
      `HTTP/1.1 200 OK\r\nx-pad: ${'a'.repeat(100_000)}\r\ncontent-length: 0\r\n\r\n`,
    )
    try {
      const batch = await dendrite().query(
        [target(notHttp.port), target(hugeHeader.port)],
        Dummy,
        Dummy.create({ dummy_input: 1 }),
        { timeoutMs: 2000 },
      )
      expect(batch.results.map((r) => r.status)).toEqual([400, 400])
      expect(batch.results[0]!.statusMessage).toMatch(/^Payload error: /)
      // Malformed is not cut short, even after a good head.
      const badChunk = await rawAnswer(
        'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n',
        'zz\r\nnot a chunk\r\n',
      )
      const after = await dendrite().query(
        [target(badChunk)],
        Dummy,
        Dummy.create({ dummy_input: 1 }),
      )
      expect(after.results[0]!.status).toBe(400)
      expect(after.results[0]!.statusMessage).not.toMatch(/cut short/)
    } finally {
      await notHttp.close()
      await hugeHeader.close()
    }
  })

  it('is reported with 400, in its own words, for a 101 answer to a request that asked no upgrade', async () => {
    const upgrade = await rawServer(
      'HTTP/1.1 101 Switching Protocols\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}',
    )
    try {
      const batch = await dendrite().query(
        [target(upgrade.port)],
        Dummy,
        Dummy.create({ dummy_input: 1 }),
        {
          timeoutMs: 2000,
        },
      )
      expect([batch.results[0]!.status, batch.results[0]!.statusMessage]).toEqual([
        400,
        'Payload error: the answer is not valid HTTP for this request (an upgrade nobody asked for)',
      ])
    } finally {
      await upgrade.close()
    }
  })

  it('reads the last of a repeated header, as the SDK does', async () => {
    const port = await serve((_req, res) => {
      res.setHeader('bt_header_axon_status_code', ['500', '200'])
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify({ dummy_input: 1, dummy_output: 2 }))
    })
    const batch = await dendrite().query([target(port)], Dummy, Dummy.create({ dummy_input: 1 }), {
      timeoutMs: 2000,
    })
    expect(batch.results[0]!.status).toBe(200)
  })

  it('gives 500 for a target whose address makes no URL, and serves the rest', async () => {
    const good = await synapseAxon(miner.address)
    servers.push(good)
    const batch = await dendrite().query(
      [{ ...target(good.port), ip: '300.1.1.1' }, target(good.port)],
      Dummy,
      Dummy.create({ dummy_input: 1 }),
      { timeoutMs: 2000 },
    )
    expect(batch.results[0]!.status).toBe(500)
    expect(batch.results[0]!.statusMessage).toMatch(
      /^Client error: axon: expected \{ ip: an IPv4 or IPv6 address/,
    )
    expect(batch.results[1]!.status).toBe(200)
  })

  it('is not reached through a target undici cannot send to, which would hold a connection for good', async () => {
    const good = await synapseAxon(miner.address)
    servers.push(good)
    const single = dendrite({ connections: 2 })
    const bad = [
      { ...target(good.port), hotkey: `${miner.address}\n` },
      { ...target(good.port), ip: 'localhost' },
    ]
    const synapse = Dummy.create({ dummy_input: 1 })
    for (let i = 0; i < 3; i++) {
      const batch = await single.query([...bad, ...bad], Dummy, synapse, { timeoutMs: 2000 })
      expect(batch.results.map((r) => r.status)).toEqual([500, 500, 500, 500])
    }
    const bodies = ['/v1/score?q=a b', '/é', '/x\r\ny: z']
    for (const path of bodies) {
      await expect(
        single.queryEpistula([target(good.port)], path, '{}', { timeoutMs: 2000 }),
      ).rejects.toMatchObject({ code: DendriteErrorCode.InvalidInput, field: 'path' })
    }
    const after = await single.query([target(good.port)], Dummy, synapse, { timeoutMs: 2000 })
    expect(after.results[0]!.status).toBe(200)
    await single.close()
  })
})

describe('the caller', () => {
  it('can cancel a stream mid-way with its signal, and is told so', async () => {
    const port = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      res.write('data: first\n\n')
    })
    const controller = new AbortController()
    const stream = await dendrite().stream(
      target(port),
      TextPrompt,
      TextPrompt.create({ prompt: 'x' }),
      {
        timeoutMs: 5000,
        signal: controller.signal,
      },
    )
    const read = (async () => {
      for await (const _chunk of stream) controller.abort(new Error('enough'))
    })()
    await expect(read).rejects.toMatchObject({
      code: DendriteErrorCode.Cancelled,
      message: 'stream cancelled: enough',
    })
  })

  it('reads a stream with one loop: a second is refused, and cancel() ends the first', async () => {
    const port = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      res.end('data: 1\n\ndata: 2\n\n')
    })
    const stream = await dendrite().stream(
      target(port),
      TextPrompt,
      TextPrompt.create({ prompt: 'x' }),
      {
        timeoutMs: 5000,
      },
    )
    await sleep(100)
    const first = stream[Symbol.asyncIterator]()
    expect((await first.next()).done).toBe(false)
    await expect(stream.text()[Symbol.asyncIterator]().next()).rejects.toMatchObject({
      code: DendriteErrorCode.InvalidInput,
      field: 'stream',
    })
    // All of it arrived already; cancel() still ends the loop.
    stream.cancel()
    expect(await first.next()).toEqual({ done: true, value: undefined })
  })

  it('shares one listener on its signal across a fan-out', async () => {
    const port = await serve((_req, res) => {
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify({ dummy_input: 1, dummy_output: 2 }))
    })
    const warnings: Error[] = []
    const onWarning = (warning: Error) => warnings.push(warning)
    process.on('warning', onWarning)
    try {
      const batch = await dendrite().query(
        Array.from({ length: 20 }, () => target(port)),
        Dummy,
        Dummy.create({ dummy_input: 1 }),
        { timeoutMs: 5000, signal: new AbortController().signal },
      )
      expect(batch.results.every((r) => r.status === 200)).toBe(true)
      await sleep(10)
      expect(warnings.map((w) => w.name)).not.toContain('MaxListenersExceededWarning')
    } finally {
      process.off('warning', onWarning)
    }
  })

  it('closes a dendrite with requests in flight behind a timed-out one, ending them all', async () => {
    const port = await serve(() => {})
    const single = dendrite({ connections: 1 })
    const late = await single.query([target(port)], Dummy, Dummy.create({ dummy_input: 1 }), {
      timeoutMs: 100,
    })
    expect(late.results[0]!.status).toBe(408)
    const pending = single.query([target(port)], Dummy, Dummy.create({ dummy_input: 1 }), {
      timeoutMs: 3000,
    })
    await sleep(50)
    const closedAt = performance.now()
    await single.close()
    const batch = await pending
    expect(performance.now() - closedAt).toBeLessThan(1000)
    expect(batch.results[0]!.statusMessage).toBe('Request cancelled: the dendrite was closed')
  })

  it('is told which option or argument is wrong, before anything is sent', async () => {
    const good = await synapseAxon(miner.address)
    servers.push(good)
    const sane = dendrite()
    const synapse = Dummy.create({ dummy_input: 1 })
    const cases: Array<[() => unknown, string]> = [
      [
        () => new Dendrite({ keypair: validator, maxResponseBytes: Number.NaN }),
        'maxResponseBytes',
      ],
      [() => new Dendrite({ keypair: validator, keepAliveTimeoutMs: -1 }), 'keepAliveTimeoutMs'],
      [
        () => new Dendrite({ keypair: validator, connectTimeoutMs: '5000' as unknown as number }),
        'connectTimeoutMs',
      ],
      [() => new Dendrite({ keypair: validator, uuid: 'a b' }), 'uuid'],
      [() => new Dendrite({ keypair: validator, uuid: 'u'.repeat(129) }), 'uuid'],
      [() => new Dendrite({ keypair: validator, version: 7.2 }), 'version'],
      [() => new Dendrite({ keypair: validator, externalIp: '1.2.3.4\n' }), 'externalIp'],
      [() => sane.query([target(good.port)], Dummy, synapse, { timeoutMs: 2 ** 31 }), 'timeoutMs'],
      [
        () =>
          sane.query([target(good.port)], Dummy, synapse, {
            signal: {} as unknown as AbortSignal,
          }),
        'signal',
      ],
      [
        () =>
          sane.query([target(good.port)], Dummy, synapse, {
            deserialize: 'dummy_output' as unknown as () => number,
          }),
        'deserialize',
      ],
      [
        () =>
          sane.query([target(good.port)], Dummy, {
            ...synapse,
            dummy_input: 'four' as unknown as number,
          }),
        'synapse',
      ],
      [
        () => sane.stream(target(good.port), Dummy, {} as typeof synapse, { timeoutMs: 1000 }),
        'synapse',
      ],
      [() => sane.query([target(good.port)], {} as typeof Dummy, synapse), 'type'],
      [
        () =>
          sane.query([target(good.port)], TextPrompt, {
            ...TextPrompt.create({ prompt: 'hi' }),
            prompt: 5 as unknown as string,
          }),
        'synapse',
      ],
      [() => new Dendrite({ keypair: { sign: validator.sign } as unknown as Keypair }), 'keypair'],
      [
        () => new Dendrite({ keypair: { address: 42, sign: () => new Uint8Array(64) } as never }),
        'keypair',
      ],
      [
        () =>
          new Dendrite({
            keypair: { address: validator.address, sign: async () => new Uint8Array(64) } as never,
          }).query([target(good.port)], Dummy, synapse),
        'keypair',
      ],
      [
        () =>
          new Dendrite({
            keypair: { address: validator.address, sign: () => new Uint8Array(3) },
          }).queryEpistula([target(good.port)], '/score', '{}'),
        'keypair',
      ],
    ]
    for (const [call, field] of cases) {
      const error = await (async () => call())().then(
        () => undefined,
        (thrown: unknown) => thrown,
      )
      expect({ field, error }).toMatchObject({
        field,
        error: { code: DendriteErrorCode.InvalidInput, field },
      })
    }
    expect(good.verdicts).toEqual([])
  })
})

afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()))
})
