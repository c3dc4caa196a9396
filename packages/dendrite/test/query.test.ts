import { Keypair } from '@taokit/keys'
import { Dummy, dendriteSigningMessage, TextPrompt, verifySignatureText } from '@taokit/synapse'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Dendrite } from '../src/index.js'
import { listen, synapseAxon, type TestServer } from './servers.js'

const validator = Keypair.fromUri('//Alice')
const miner = Keypair.fromUri('//Bob')
const stranger = Keypair.fromUri('//Charlie')

function target(port: number, hotkey = miner.address) {
  return { ip: '127.0.0.1', port, hotkey }
}

describe('query against a strict legacy axon', () => {
  let axon: Awaited<ReturnType<typeof synapseAxon>>
  let dendrite: Dendrite

  beforeAll(async () => {
    axon = await synapseAxon(miner.address, { processTime: 0.25 })
    dendrite = new Dendrite({ keypair: validator, externalIp: '10.1.2.3' })
  })
  afterAll(async () => {
    await dendrite.close()
    await axon.close()
  })

  it('is accepted, and the response is merged as the SDK merges it', async () => {
    const batch = await dendrite.query(
      [target(axon.port)],
      Dummy,
      Dummy.create({ dummy_input: 4 }),
      {
        timeoutMs: 5000,
        deserialize: (s) => s.dummy_output,
      },
    )
    expect(batch.results).toHaveLength(1)
    const [result] = batch.results
    expect(result!.status).toBe(200)
    expect(result!.statusMessage).toBe('Success')
    expect(result!.deserialized).toBe(8)
    expect(result!.processTime).toBe(0.25)
    expect(result!.latencyMs).toBeGreaterThan(0)
    expect(result!.synapse!.dummy_output).toBe(8)
    expect(result!.synapse!.dendrite!.status_code).toBe(200)
    expect(result!.synapse!.dendrite!.uuid).toBe(dendrite.uuid)
    expect(result!.synapse!.dendrite!.ip).toBe('10.1.2.3')
    expect(batch.deliverySpreadMs).toBe(0)
    expect(batch.startedAt).toBeLessThanOrEqual(Date.now())
    const verdict = axon.verdicts.at(-1)!
    expect(verdict.ok).toBe(true)
  })

  it('signs the message the Python axon rebuilds, with a fresh nonce each request', async () => {
    const before = axon.verdicts.length
    const synapse = TextPrompt.create({ prompt: 'hello', stop: ['\n'] })
    const batch = await dendrite.query(
      [target(axon.port), target(axon.port), target(axon.port)],
      TextPrompt,
      synapse,
      { timeoutMs: 5000 },
    )
    expect(batch.results.map((r) => r.status)).toEqual([200, 200, 200])
    expect(batch.results.map((r) => r.synapse!.completion)).toEqual(['olleh', 'olleh', 'olleh'])
    const accepted = axon.verdicts.slice(before)
    expect(accepted.every((v) => v.ok)).toBe(true)
    const nonces = new Set<bigint>()
    for (const v of accepted) {
      if (!v.ok) continue
      const d = v.headerSynapse.dendrite!
      nonces.add(d.nonce!)
      // The message as `default_verify` rebuilds it: the axon's own hotkey, the hash header.
      const message = dendriteSigningMessage({
        nonce: d.nonce,
        dendriteHotkey: d.hotkey,
        axonHotkey: miner.address,
        uuid: d.uuid,
        bodyHash: v.headerSynapse.computed_body_hash,
      })
      const check = verifySignatureText(message, d.signature!, validator.publicKey)
      expect(check).toEqual({ ok: true, valid: true })
    }
    expect(nonces.size).toBe(3)
  })

  it('reports the axon refusal of a request addressed to another hotkey (401)', async () => {
    const batch = await dendrite.query(
      [target(axon.port, stranger.address)],
      Dummy,
      Dummy.create({ dummy_input: 1 }),
      { timeoutMs: 5000 },
    )
    const [result] = batch.results
    expect(result!.status).toBe(401)
    expect(result!.statusMessage).toMatch(/^Not Verified with error: Signature mismatch/)
    expect(result!.synapse!.dummy_output).toBeNull()
  })

  it('rejects a closed dendrite', async () => {
    const other = new Dendrite({ keypair: validator })
    await other.close()
    await expect(other.query([], Dummy, Dummy.create({ dummy_input: 1 }))).rejects.toMatchObject({
      code: 'DENDRITE_CLOSED',
    })
  })
})

describe('fan-out and failures', () => {
  const servers: TestServer[] = []
  let dendrite: Dendrite

  beforeAll(() => {
    dendrite = new Dendrite({ keypair: validator })
  })
  afterAll(async () => {
    await dendrite.close()
    await Promise.all(servers.map((s) => s.close()))
  })

  it('is served whole when many requests to one axon are in flight at once, in any order', async () => {
    const axon = await synapseAxon(miner.address)
    servers.push(axon)
    const own = new Dendrite({ keypair: validator, connections: 4 })
    const synapse = Dummy.create({ dummy_input: 2 })
    const one = () => own.query([target(axon.port)], Dummy, synapse, { timeoutMs: 5000 })
    // A warm socket: undici sends the last request signed on it while the others connect.
    expect((await one()).results[0]!.status).toBe(200)
    const batches = await Promise.all([
      ...Array.from({ length: 10 }, one),
      own.query(Array(10).fill(target(axon.port)), Dummy, synapse, { timeoutMs: 5000 }),
    ])
    const statuses = batches.flatMap((b) => b.results.map((r) => r.status))
    expect(statuses).toEqual(Array(20).fill(200))
    // Each request in flight had a uuid of its own; alone again, the dendrite's own.
    const uuids = axon.verdicts.map((v) => (v.ok ? v.headerSynapse.dendrite!.uuid : undefined))
    expect(uuids[0]).toBe(own.uuid)
    expect(new Set(uuids).size).toBeLessThanOrEqual(20)
    await one()
    const last = axon.verdicts.at(-1)!
    expect(last.ok && last.headerSynapse.dendrite!.uuid).toBe(own.uuid)
    await own.close()
  })

  it('keeps to one lane set per axon however its address is written, and frees lanes a failed signer took', async () => {
    const axon = await synapseAxon(miner.address)
    servers.push(axon)
    let signatures = 0
    let failAfter = Number.POSITIVE_INFINITY
    const own = new Dendrite({
      keypair: {
        address: validator.address,
        sign: (message: Uint8Array) => {
          if (++signatures > failAfter) return new Uint8Array(3)
          return validator.sign(message)
        },
      },
    })
    const synapse = Dummy.create({ dummy_input: 1 })
    // Two spellings of one IPv4-mapped address, and the bracketed form of one.
    const spellings = ['::ffff:127.0.0.1', '::ffff:7f00:1', '[::ffff:7f00:1]']
    const targets = Array.from({ length: 12 }, (_, i) => ({
      ...target(axon.port),
      ip: spellings[i % 3]!,
    }))
    const batch = await own.query(targets, Dummy, synapse, { timeoutMs: 5000 })
    expect(batch.results.map((r) => r.status)).toEqual(Array(12).fill(200))
    // All twelve were in flight to one axon at once: twelve lanes, whatever the spelling.
    const uuids = axon.verdicts.map((v) => v.ok && v.headerSynapse.dendrite!.uuid)
    expect(new Set(uuids).size).toBe(12)
    // A signer that fails on the third target: the call throws, and the two lanes it took
    // are free again, so a lone query goes out under the dendrite's own uuid.
    failAfter = signatures + 2
    await expect(
      own.query(targets.slice(0, 3), Dummy, synapse, { timeoutMs: 5000 }),
    ).rejects.toMatchObject({ field: 'keypair' })
    failAfter = Number.POSITIVE_INFINITY
    expect((await own.query([targets[0]!], Dummy, synapse)).results[0]!.status).toBe(200)
    const last = axon.verdicts.at(-1)!
    expect(last.ok && last.headerSynapse.dendrite!.uuid).toBe(own.uuid)
    await own.close()
  })

  it('awaits an async deserialize, and makes its rejection a 422', async () => {
    const axon = await synapseAxon(miner.address)
    servers.push(axon)
    const synapse = Dummy.create({ dummy_input: 3 })
    const ok = await dendrite.query([target(axon.port)], Dummy, synapse, {
      deserialize: async (s) => s.dummy_output,
    })
    expect(ok.results[0]!.deserialized).toBe(6)
    const failed = await dendrite.query([target(axon.port)], Dummy, synapse, {
      deserialize: async () => {
        throw new Error('no')
      },
    })
    expect(failed.results[0]!.status).toBe(422)
    expect(failed.results[0]!.deserialized).toBeUndefined()
    // Code that reads the synapse the SDK's way sees the failure too.
    expect(failed.results[0]!.synapse!.dendrite!.status_code).toBe(422)
    expect(failed.results[0]!.synapse!.dendrite!.status_message).toMatch(/^Failed to parse/)
  })

  it('gives 408 for an async deserialize still pending at the deadline, and still returns', async () => {
    const axon = await synapseAxon(miner.address)
    servers.push(axon)
    const batch = await dendrite.query(
      [target(axon.port)],
      Dummy,
      Dummy.create({ dummy_input: 3 }),
      {
        timeoutMs: 300,
        deserialize: () => new Promise<number>(() => {}),
      },
    )
    expect(batch.durationMs).toBeLessThan(2000)
    expect(batch.results[0]!.status).toBe(408)
    expect(batch.results[0]!.statusMessage).toBe('Request timeout after 0.3 seconds')
    expect(batch.results[0]!.synapse!.dendrite!.status_code).toBe(408)
  })

  it('gives 408, cancelled, for an async deserialize pending when the caller aborts', async () => {
    const axon = await synapseAxon(miner.address)
    servers.push(axon)
    const controller = new AbortController()
    const batch = await dendrite.query(
      [target(axon.port)],
      Dummy,
      Dummy.create({ dummy_input: 3 }),
      {
        timeoutMs: 10_000,
        signal: controller.signal,
        deserialize: () => {
          setTimeout(() => controller.abort(new Error('enough')), 50)
          return new Promise<number>(() => {})
        },
      },
    )
    expect(batch.durationMs).toBeLessThan(5000)
    expect(batch.results[0]!.status).toBe(408)
    expect(batch.results[0]!.statusMessage).toBe('Request cancelled: enough')
  })

  it('handles each answer as it arrives, not once the slowest target is done', async () => {
    const silent = await listen(() => {})
    const good = await synapseAxon(miner.address)
    servers.push(silent, good)
    const start = performance.now()
    let deserializedAt = 0
    const batch = await dendrite.query(
      [target(silent.port), target(good.port)],
      Dummy,
      Dummy.create({ dummy_input: 2 }),
      {
        timeoutMs: 1500,
        deserialize: (s) => {
          deserializedAt = performance.now() - start
          return s.dummy_output
        },
      },
    )
    expect(batch.results.map((r) => r.status)).toEqual([408, 200])
    expect(batch.results[1]!.deserialized).toBe(4)
    expect(deserializedAt).toBeLessThan(1000)
  })

  it('reaches 64 axons at once, and records the delivery spread', async () => {
    const axons = await Promise.all(Array.from({ length: 64 }, () => synapseAxon(miner.address)))
    servers.push(...axons)
    const batch = await dendrite.query(
      axons.map((a) => target(a.port)),
      Dummy,
      Dummy.create({ dummy_input: 21 }),
      { timeoutMs: 10_000 },
    )
    expect(batch.results).toHaveLength(64)
    expect(batch.results.every((r) => r.status === 200 && r.synapse!.dummy_output === 42)).toBe(
      true,
    )
    expect(batch.results.map((r) => r.axon.port)).toEqual(axons.map((a) => a.port))
    expect(batch.deliverySpreadMs).toBeGreaterThanOrEqual(0)
    expect(batch.deliverySpreadMs).toBeLessThan(batch.durationMs)
    expect(axons.every((a) => a.verdicts.length === 1 && a.verdicts[0]!.ok)).toBe(true)
  })

  it('gives 408 for an axon that never answers, within the deadline, and 200 for the rest', async () => {
    const silent = await listen(() => {})
    const good = await synapseAxon(miner.address)
    servers.push(silent, good)
    const started = performance.now()
    const batch = await dendrite.query(
      [target(silent.port), target(good.port)],
      Dummy,
      Dummy.create({ dummy_input: 2 }),
      { timeoutMs: 400 },
    )
    const elapsed = performance.now() - started
    expect(elapsed).toBeLessThan(1500)
    const [slow, fast] = batch.results
    expect(slow!.status).toBe(408)
    expect(slow!.statusMessage).toBe('Request timeout after 0.4 seconds')
    expect(slow!.synapse!.dendrite!.status_code).toBe(408)
    expect(slow!.latencyMs).toBeGreaterThanOrEqual(399)
    expect(fast!.status).toBe(200)
  })

  it('gives 503 for a refused connection', async () => {
    const gone = await listen(() => {})
    const port = gone.port
    await gone.close()
    const batch = await dendrite.query([target(port)], Dummy, Dummy.create({ dummy_input: 2 }), {
      timeoutMs: 2000,
    })
    expect(batch.results[0]!.status).toBe(503)
    expect(batch.results[0]!.statusMessage).toBe(`Service unavailable at 127.0.0.1:${port}/Dummy`)
    expect(batch.deliverySpreadMs).toBeUndefined()
    // As the SDK: no answer, no process time (validators score None as the slowest).
    expect(batch.results[0]!.synapse!.dendrite!.process_time).toBeNull()
    const epistula = await dendrite.queryEpistula([target(port)], '/score', '{}', {
      timeoutMs: 2000,
    })
    expect(epistula.results[0]!.statusMessage).toBe(
      `Service unavailable at 127.0.0.1:${port}/score`,
    )
  })

  it('gives 422 for a 200 whose body is not JSON, and 503 for a dropped connection', async () => {
    const garbage = await listen((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end('{"name": "Dummy", oops')
    })
    const dropper = await listen((req) => req.socket.destroy())
    servers.push(garbage, dropper)
    const batch = await dendrite.query(
      [target(garbage.port), target(dropper.port)],
      Dummy,
      Dummy.create({ dummy_input: 2 }),
      { timeoutMs: 2000, deserialize: (s) => s.dummy_output },
    )
    const [bad, dropped] = batch.results
    expect(bad!.status).toBe(422)
    expect(bad!.statusMessage).toMatch(/^Failed to parse response: /)
    expect(bad!.deserialized).toBeUndefined()
    expect(dropped!.status).toBe(503)
  })

  it('gives a client error for a malformed target without failing the others', async () => {
    const good = await synapseAxon(miner.address)
    servers.push(good)
    const broken = { ip: '127.0.0.1', port: 'x', hotkey: miner.address } as unknown as {
      ip: string
      port: number
      hotkey: string
    }
    const batch = await dendrite.query(
      [broken, target(good.port)],
      Dummy,
      Dummy.create({ dummy_input: 3 }),
      {
        timeoutMs: 2000,
      },
    )
    expect(batch.results[0]!.status).toBe(500)
    expect(batch.results[0]!.synapse).toBeUndefined()
    expect(batch.results[1]!.status).toBe(200)
  })

  it('gives no process time to an answer the SDK could not read, as the SDK gives none', async () => {
    const answering = (type: string, status: number, body: string) =>
      listen((req, res) => {
        req.resume()
        res.writeHead(status, { 'content-type': type })
        res.end(body)
      })
    const proxy = await answering('text/html', 502, '<h1>Bad Gateway</h1>')
    const refusing = await answering('application/json', 401, '{"message":"nope"}')
    // The SDK assigns message to an Optional[str] field, which refuses a number.
    const odd = await answering('application/json', 500, '{"message": 5}')
    // aiohttp decodes in the declared charset, after stripping the bytes as Python does.
    const latin1 = listen((req, res) => {
      req.resume()
      res.writeHead(403, { 'content-type': 'application/json; charset=latin-1' })
      res.end(
        Buffer.concat([
          Buffer.from('{"message": "caf', 'latin1'),
          Buffer.from([0xe9]),
          Buffer.from('"}\x0b\x0c'),
        ]),
      )
    })
    servers.push(proxy, refusing, odd, await latin1)
    const batch = await dendrite.query(
      [target(proxy.port), target(refusing.port), target(odd.port), target((await latin1).port)],
      Dummy,
      Dummy.create({ dummy_input: 1 }),
    )
    const [html, json, numbered, declared] = batch.results
    expect(declared!.status).toBe(403)
    expect(declared!.synapse!.dendrite!.process_time).toBeGreaterThan(0)
    expect([html!.status, html!.synapse!.dendrite!.process_time]).toEqual([502, null])
    expect(json!.status).toBe(401)
    expect(json!.synapse!.dendrite!.process_time).toBeGreaterThan(0)
    expect([numbered!.status, numbered!.synapse!.dendrite!.process_time]).toEqual([500, null])
  })

  it('gives a client error for a hotkey not written as the axon writes its own', async () => {
    const good = await synapseAxon(miner.address)
    servers.push(good)
    const asHex = `0x${Buffer.from(miner.publicKey).toString('hex')}`
    const batch = await dendrite.query(
      [target(good.port, asHex), target(good.port)],
      Dummy,
      Dummy.create({ dummy_input: 3 }),
      { timeoutMs: 2000 },
    )
    expect(batch.results.map((r) => r.status)).toEqual([500, 200])
    expect(batch.results[0]!.statusMessage).toMatch(/hotkey: a Bittensor \(prefix 42\) SS58/)
  })

  it('reports a deserialize that throws a value with no string form as a 422', async () => {
    const axon = await synapseAxon(miner.address)
    servers.push(axon)
    const batch = await dendrite.query(
      [target(axon.port)],
      Dummy,
      Dummy.create({ dummy_input: 3 }),
      {
        deserialize: () => {
          throw Object.create(null)
        },
      },
    )
    expect(batch.results[0]!.status).toBe(422)
    expect(batch.results[0]!.statusMessage).toBe('Failed to parse response: [object Object]')
  })

  it("reports a hole in a sparse array of targets as that target's 500", async () => {
    const good = await synapseAxon(miner.address)
    servers.push(good)
    // biome-ignore lint/suspicious/noSparseArray: the hole is the point
    const sparse = [, target(good.port)] as { ip: string; port: number; hotkey: string }[]
    const batch = await dendrite.query(sparse, Dummy, Dummy.create({ dummy_input: 3 }))
    expect(batch.results.map((r) => r.status)).toEqual([500, 200])
    const epistula = await dendrite.queryEpistula(sparse, '/score', '{}', { timeoutMs: 2000 })
    expect(epistula.results[0]!.status).toBe(500)
    expect(epistula.results).toHaveLength(2)
  })

  it('reaches a target at its own external IP on loopback, signed for that IP', async () => {
    const good = await synapseAxon(miner.address)
    servers.push(good)
    const local = new Dendrite({ keypair: validator, externalIp: '203.0.113.7' })
    try {
      const batch = await local.query(
        [{ ip: '203.0.113.7', port: good.port, hotkey: miner.address }],
        Dummy,
        Dummy.create({ dummy_input: 3 }),
        { timeoutMs: 2000 },
      )
      expect(batch.results[0]!.status).toBe(200)
      expect(batch.results[0]!.synapse!.axon!.ip).toBe('203.0.113.7')
    } finally {
      await local.close()
    }
  })

  it('gives 400 for a response over maxResponseBytes', async () => {
    const big = await listen((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(`{"pad": "${'x'.repeat(100_000)}"}`)
    })
    servers.push(big)
    const small = new Dendrite({ keypair: validator, maxResponseBytes: 10_000 })
    try {
      const batch = await small.query([target(big.port)], Dummy, Dummy.create({ dummy_input: 3 }), {
        timeoutMs: 2000,
      })
      expect(batch.results[0]!.status).toBe(400)
      expect(batch.results[0]!.statusMessage).toMatch(/^Payload error: /)
    } finally {
      await small.close()
    }
  })

  it('cancels with a signal: unfinished targets report 408', async () => {
    const silent = await listen(() => {})
    servers.push(silent)
    const controller = new AbortController()
    setTimeout(() => controller.abort(new Error('stop')), 100)
    const batch = await dendrite.query(
      [target(silent.port)],
      Dummy,
      Dummy.create({ dummy_input: 3 }),
      {
        timeoutMs: 5000,
        signal: controller.signal,
      },
    )
    expect(batch.results[0]!.status).toBe(408)
    expect(batch.results[0]!.statusMessage).toBe('Request cancelled: stop')
  })
})

describe('close()', () => {
  function handles(): string[] {
    return process
      .getActiveResourcesInfo()
      .filter((name) => name !== 'TTYWrap')
      .sort()
  }

  it('leaves no open handles behind', async () => {
    await new Promise((resolve) => setTimeout(resolve, 50))
    const before = handles()
    const axon = await synapseAxon(miner.address)
    const silent = await listen(() => {})
    const dendrite = new Dendrite({ keypair: validator })
    const batch = await dendrite.query(
      [target(axon.port), target(silent.port)],
      Dummy,
      Dummy.create({ dummy_input: 5 }),
      { timeoutMs: 300 },
    )
    expect(batch.results.map((r) => r.status)).toEqual([200, 408])
    expect(handles().length).toBeGreaterThan(before.length)
    await dendrite.close()
    await axon.close()
    await silent.close()
    await new Promise((resolve) => setTimeout(resolve, 50))
    const after = handles()
    // Nothing new survives (an unrelated timer may have ended meanwhile).
    for (const kind of new Set(after)) {
      const count = (list: string[]) => list.filter((k) => k === kind).length
      expect(count(after), kind).toBeLessThanOrEqual(count(before))
    }
    expect(after.filter((k) => k.startsWith('TCP'))).toEqual([])
  })
})
