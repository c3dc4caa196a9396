import { once } from 'node:events'
import { connect, type Socket } from 'node:net'
import { Keypair, ss58Encode } from '@taokit/keys'
import { Dummy, epistulaHeaders, TextPrompt, timeNs } from '@taokit/synapse'
import { request } from 'undici'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { Axon, AxonError, type AxonRejectionReason, rejectionMessage } from '../src/index.js'
import { alice, bob, miner, post, sendHeadOnly, signed, signedDummy } from './helpers.js'

const HUGE_JSON_BODY = {
  'content-type': 'application/json',
  'content-length': String(64 * 1024 * 1024),
}

function expectRejected(
  result: { status: number; json: Record<string, unknown> },
  status: number,
  reason: AxonRejectionReason,
): void {
  expect(result.status).toBe(status)
  const fixed = rejectionMessage(reason)
  if (fixed.startsWith('Internal Server Error #')) {
    expect(result.json.message).toMatch(/^Internal Server Error #[0-9a-f-]{36}$/)
  } else {
    expect(result.json.message).toBe(fixed)
  }
}

describe('a strict axon refuses', () => {
  const axon = new Axon({
    keypair: miner,
    port: 0,
    host: '127.0.0.1',
    maxBodyBytes: 1024,
    rateLimit: { perHotkey: { burst: 5, perSecond: 0.5 } },
  })
  axon.attach(TextPrompt, {
    forward: async (synapse) => ({ ...synapse, completion: synapse.prompt.toUpperCase() }),
  })
  axon.attach(Dummy, {
    forward: (synapse) => ({ ...synapse, dummy_output: synapse.dummy_input * 2 }),
  })
  let port = 0
  beforeAll(async () => {
    port = await axon.start()
  })
  afterAll(() => axon.stop())

  it('serves a signed request', async () => {
    const result = await post(port, signed(bob, { port }))
    expect(result.status).toBe(200)
    expect(result.json.completion).toBe('HELLO')
    expect((result.json.axon as { status_message: string }).status_message).toBe('Success')
  })

  it('a tampered body (500, body hash)', async () => {
    const prepared = signed(bob, { port })
    const body = prepared.body.replace('"hello"', '"hellO"')
    expectRejected(await post(port, { ...prepared, body }), 500, 'body_hash_mismatch')
  })

  it('a replayed nonce (401)', async () => {
    const prepared = signed(bob, { port })
    expect((await post(port, prepared)).status).toBe(200)
    expectRejected(await post(port, prepared), 401, 'nonce_not_increasing')
  })

  it('a stale nonce (401)', async () => {
    const prepared = signed(bob, { port, nonce: timeNs() - 20_000_000_000n })
    expectRejected(await post(port, prepared), 401, 'stale_nonce')
  })

  it('a captured request sent again without its version header, once its pair is forgotten (401)', async () => {
    // 100 s old: outside the window even at the largest timeout honoured (60 s).
    // Its own caller, so that the per-hotkey budget the other cases share is not touched.
    const captured = signed(Keypair.fromUri('//Dave'), { port, nonce: timeNs() - 100_000_000_000n })
    delete captured.headers.bt_header_dendrite_version
    captured.headers.timeout = '1000000.0'
    expectRejected(await post(port, captured), 401, 'stale_nonce')
  })

  it('a request signed for another axon hotkey (401)', async () => {
    const prepared = signed(bob, { port, axonHotkey: alice.address })
    expectRejected(await post(port, prepared), 401, 'signature_mismatch')
  })

  it('a missing or empty signature (401, where the SDK answers 200)', async () => {
    const missing = signed(bob, { port })
    delete missing.headers.bt_header_dendrite_signature
    expectRejected(await post(port, missing), 401, 'missing_signature')
    const empty = signed(bob, { port })
    empty.headers.bt_header_dendrite_signature = ''
    expectRejected(await post(port, empty), 401, 'missing_signature')
  })

  it('an oversized body (413)', async () => {
    const prepared = signedDummy(bob, port)
    const body = `${prepared.body}${' '.repeat(2048)}`
    expectRejected(await post(port, { ...prepared, body }), 413, 'body_too_large')
  })

  it('an oversized declared body with 413 before it is sent, and closes the connection', async () => {
    const prepared = signedDummy(bob, port)
    const received = await sendHeadOnly(
      port,
      'POST /Dummy HTTP/1.1',
      { ...HUGE_JSON_BODY, ...prepared.headers },
      '{"name": "Dummy"',
    )
    expect(received.startsWith('HTTP/1.1 413')).toBe(true)
    expect(received).toContain('Payload Too Large')
  })

  it('a body sent to no route (404) before it is sent, and closes the connection', async () => {
    // fastify's default parsers would read and parse these, unauthenticated.
    for (const line of ['POST /nope/deeper HTTP/1.1', 'PUT /TextPrompt HTTP/1.1']) {
      const received = await sendHeadOnly(port, line, HUGE_JSON_BODY, '[1,')
      expect(received).toMatch(/^HTTP\/1\.1 404 /)
      expect(received.toLowerCase()).toContain('connection: close')
    }
  })

  it('before reading a body over the cap, and closes the connection rather than drain it', async () => {
    const unsigned = signedDummy(bob, port)
    delete unsigned.headers.bt_header_dendrite_signature
    const longUuid = signedDummy(bob, port)
    longUuid.headers.bt_header_dendrite_uuid = 'u'.repeat(129)
    const cases: [string, Record<string, string>, string][] = [
      ['Dummy', unsigned.headers, '401'],
      ['TextPrompt', signed(bob, { port, axonHotkey: alice.address }).headers, '401'],
      ['Dummy', longUuid.headers, '400'],
    ]
    for (const [name, headers, status] of cases) {
      const received = await sendHeadOnly(
        port,
        `POST /${name} HTTP/1.1`,
        { ...HUGE_JSON_BODY, ...headers },
        '{',
      )
      expect(received.slice(0, 12)).toBe(`HTTP/1.1 ${status}`)
      expect(received.toLowerCase()).toContain('connection: close')
    }
  })

  it('a request with a body within the cap, answered after the whole body, on a connection kept open', async () => {
    // A client that writes its whole body before it reads (Python's requests) must still
    // get the answer, so such a body is drained, not cut off.
    const unsigned = signedDummy(bob, port)
    delete unsigned.headers.bt_header_dendrite_signature
    const socket = connect(port, '127.0.0.1')
    await once(socket, 'connect')
    const body = '{"dummy_input": 3}'.padEnd(900)
    const head = (path: string, headers: Record<string, string>, length: number) =>
      [
        `POST ${path} HTTP/1.1`,
        'host: 127.0.0.1',
        ...Object.entries({ ...headers, 'content-length': String(length) }).map(
          ([name, value]) => `${name}: ${value}`,
        ),
        '',
        '',
      ].join('\r\n')
    socket.write(`${head('/Dummy', unsigned.headers, body.length)}${body}`)
    const [first] = await once(socket, 'data')
    expect(String(first).slice(0, 12)).toBe('HTTP/1.1 401')
    expect(String(first).toLowerCase()).not.toContain('connection: close')
    socket.write(`${head('/nope', {}, 2)}{}`)
    const [second] = await once(socket, 'data')
    expect(String(second).slice(0, 12)).toBe('HTTP/1.1 404')
    socket.destroy()
  })

  it('HEAD on a synapse route (404), which would spend the nonce of a request never answered', async () => {
    // Its own caller: the per-hotkey budget the other cases share may be spent.
    const prepared = signedDummy(Keypair.fromUri('//Eve'), port)
    const head = await request(`http://127.0.0.1:${port}/Dummy`, {
      method: 'HEAD',
      headers: prepared.headers,
    })
    await head.body.dump()
    expect(head.statusCode).toBe(404)
    expect((await post(port, prepared)).status).toBe(200)
  })

  it('a URL that does not decode (400, fixed text, rate-limited and counted)', async () => {
    const received = await sendHeadOnly(
      port,
      `GET /Dummy%ZZ${'<echo>'.repeat(100)} HTTP/1.1`,
      { connection: 'close' },
      '',
    )
    expect(received).toMatch(/^HTTP\/1\.1 400 /)
    expect(received.endsWith(JSON.stringify({ message: rejectionMessage('bad_request') }))).toBe(
      true,
    )
    expect(received).not.toContain('echo')
    const metrics = await axon.metrics.registry.metrics()
    expect(metrics).toMatch(/axon_rejections_total\{route="unknown",reason="bad_request"\} [1-9]/)
  })

  it('a flood from one hotkey (429), while another hotkey is still served', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 12; i++) statuses.push((await post(port, signedDummy(alice, port))).status)
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(6)
    const limited = await post(port, signedDummy(alice, port))
    expectRejected(limited, 429, 'rate_limited_hotkey')
    const other = await post(port, signedDummy(miner, port, 21))
    expect(other.status).toBe(200)
    expect(other.json.dummy_output).toBe(42)
  })

  it('an unknown synapse (404, fixed text)', async () => {
    const prepared = signedDummy(bob, port)
    expectRejected(await post(port, { ...prepared, path: '/Nope' }), 404, 'unknown_synapse')
  })
})

describe('slow clients', () => {
  let axon: Axon | undefined
  afterEach(async () => {
    await axon?.stop()
  })

  it('closes a connection whose headers trickle in byte by byte', async () => {
    axon = new Axon({
      keypair: miner,
      port: 0,
      host: '127.0.0.1',
      headersTimeoutMs: 500,
      requestTimeoutMs: 1000,
    })
    axon.attach(Dummy, { forward: (synapse) => synapse })
    const port = await axon.start()
    const socket = connect(port, '127.0.0.1')
    // The server hangs up on us: that is the point.
    socket.on('error', () => {})
    const text = `POST /Dummy HTTP/1.1\r\nhost: 127.0.0.1\r\nbt_header_dendrite_hotkey: ${'x'.repeat(500)}`
    let i = 0
    const started = performance.now()
    const timer = setInterval(() => {
      if (!socket.destroyed && i < text.length) socket.write(text[i++]!)
    }, 20)
    await new Promise<void>((resolve) => socket.on('close', () => resolve()))
    clearInterval(timer)
    const elapsed = performance.now() - started
    expect(elapsed).toBeGreaterThan(400)
    expect(elapsed).toBeLessThan(2500)
    expect(i).toBeLessThan(text.length)
  })

  it('keeps a late forward in its slot until it settles, so short deadlines cannot pile up work', async () => {
    axon = new Axon({ keypair: miner, port: 0, host: '127.0.0.1', concurrency: 1 })
    let running = 0
    let peak = 0
    axon.attach(TextPrompt, {
      // Ignores its signal, as a forward stuck in native code would.
      forward: async (synapse) => {
        peak = Math.max(peak, ++running)
        await new Promise((resolve) => setTimeout(resolve, 300))
        running--
        return synapse
      },
    })
    const port = await axon.start()
    const late = await post(port, signed(bob, { port, timeout: 0.05 }))
    expectRejected(late, 408, 'timeout')
    const started = performance.now()
    const next = await post(port, signed(bob, { port, timeout: 2 }))
    expect(next.status).toBe(200)
    // It waited for the first forward to finish, not just for its deadline.
    expect(performance.now() - started).toBeGreaterThan(150)
    expect(peak).toBe(1)
  })

  it('answers 408 when the forward overruns the synapse timeout', async () => {
    axon = new Axon({ keypair: miner, port: 0, host: '127.0.0.1' })
    axon.attach(TextPrompt, {
      forward: (synapse, context) =>
        new Promise((resolve) => {
          const timer = setTimeout(() => resolve(synapse), 5000)
          context.signal.addEventListener('abort', () => {
            clearTimeout(timer)
            resolve(synapse)
          })
        }),
    })
    const port = await axon.start()
    const result = await post(port, signed(bob, { port, timeout: 0.2 }))
    expectRejected(result, 408, 'timeout')
  })
})

describe('connections per IP', () => {
  it('closes a new connection from an IP that holds maxConnectionsPerIp, and counts it', async () => {
    const axon = new Axon({ keypair: miner, port: 0, host: '127.0.0.1', maxConnectionsPerIp: 2 })
    axon.attach(Dummy, { forward: (synapse) => synapse })
    const port = await axon.start()
    const open = async () => {
      const socket = connect(port, '127.0.0.1')
      socket.on('error', () => {})
      await once(socket, 'connect')
      return socket
    }
    try {
      const held = [await open(), await open()]
      const third = await open()
      await once(third, 'close')
      const metrics = await axon.metrics.registry.metrics()
      expect(metrics).toMatch(/^axon_connections_refused_total 1$/m)
      const answers = async (socket: Socket) => {
        socket.write('GET /nope HTTP/1.1\r\nhost: x\r\n\r\n')
        const [answer] = await once(socket, 'data')
        return String(answer).slice(0, 12)
      }
      // The held ones still serve, and a place frees when one closes.
      expect(await answers(held[1]!)).toBe('HTTP/1.1 404')
      held[0]!.destroy()
      // The axon sees the close a moment after this side does.
      let served: string | undefined
      for (let attempt = 0; served === undefined && attempt < 50; attempt++) {
        const socket = await open()
        const closed = once(socket, 'close').then(() => undefined)
        served = await Promise.race([answers(socket), closed])
        socket.destroy()
        if (served === undefined) await new Promise((resolve) => setTimeout(resolve, 20))
      }
      expect(served).toBe('HTTP/1.1 404')
      held[1]!.destroy()
    } finally {
      await axon.stop()
    }
  })
})

describe('the metagraph blacklist', () => {
  const stakes = new Map([
    [alice.address, 100],
    [bob.address, 1],
  ])
  const axon = new Axon({
    keypair: miner,
    port: 0,
    host: '127.0.0.1',
    metagraph: {
      isRegistered: (hotkey) => stakes.has(hotkey),
      isValidator: (hotkey) => (stakes.get(hotkey) ?? 0) >= 10,
      stakeOf: (hotkey) => stakes.get(hotkey) ?? 0,
    },
  })
  axon.attach(Dummy, { forward: (synapse) => synapse })
  let port = 0
  beforeAll(async () => {
    port = await axon.start()
  })
  afterAll(() => axon.stop())

  it('serves a registered validator', async () => {
    expect((await post(port, signedDummy(alice, port))).status).toBe(200)
  })

  it('refuses a registered hotkey without a permit, and an unregistered one (403)', async () => {
    expectRejected(await post(port, signedDummy(bob, port)), 403, 'blacklisted')
    expectRejected(await post(port, signedDummy(miner, port)), 403, 'blacklisted')
  })

  it('blacklists before verifying: an unsigned request from a non-validator is a 403', async () => {
    const prepared = signedDummy(bob, port)
    delete prepared.headers.bt_header_dendrite_signature
    expectRejected(await post(port, prepared), 403, 'blacklisted')
  })
})

describe('hooks and lifecycle', () => {
  it('runs the verify hook after the signature check, and refuses attach() while running', async () => {
    const axon = new Axon({ keypair: miner, port: 0, host: '127.0.0.1' })
    axon.attach(Dummy, {
      forward: (synapse) => synapse,
      verify: (synapse) => synapse.dendrite?.hotkey !== bob.address,
    })
    const port = await axon.start()
    try {
      expect(() => axon.attach(TextPrompt, { forward: (s) => s })).toThrow(AxonError)
      expectRejected(await post(port, signedDummy(bob, port)), 401, 'custom_verify')
      expect((await post(port, signedDummy(alice, port))).status).toBe(200)
    } finally {
      await axon.stop()
    }
    expect(axon.port).toBeUndefined()
  })

  it('blacklists an Epistula caller before reading its body', async () => {
    const axon = new Axon({ keypair: miner, port: 0, host: '127.0.0.1' })
    axon.attachEpistula('/score', {
      handler: () => ({ body: 'ok' }),
      blacklist: (hotkey) => hotkey === bob.address,
    })
    const port = await axon.start()
    try {
      const body = '{"x":1}'
      const send = (signer: typeof bob) =>
        request(`http://127.0.0.1:${port}/score`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...epistulaHeaders({ signer, body, signedFor: miner.address }),
          },
          body,
        })
      const refused = await send(bob)
      expect(refused.statusCode).toBe(403)
      await refused.body.dump()
      const served = await send(alice)
      expect(served.statusCode).toBe(200)
      expect(await served.body.text()).toBe('ok')
    } finally {
      await axon.stop()
    }
  })

  it('counts a signer once however its address is spelled, and reports whom the signature covers', async () => {
    const axon = new Axon({ keypair: miner, port: 0, host: '127.0.0.1' })
    axon.attachEpistula('/who', {
      handler: ({ signedBy, signedFor }) => ({ body: { signedBy, signedFor } }),
    })
    const port = await axon.start()
    try {
      const body = '{"x":3}'
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        ...epistulaHeaders({ signer: alice, body, signedFor: miner.address }),
        // Neither header is signed: a relay may rewrite both.
        'Epistula-Signed-By': ss58Encode(alice.publicKey, 0),
        'Epistula-Signed-For': bob.address,
      }
      const send = (signedBy: string) =>
        request(`http://127.0.0.1:${port}/who`, {
          method: 'POST',
          headers: { ...headers, 'Epistula-Signed-By': signedBy },
          body,
        })
      const first = await send(ss58Encode(alice.publicKey, 0))
      expect(first.statusCode).toBe(200)
      expect(await first.body.json()).toEqual({ signedBy: alice.address, signedFor: miner.address })
      for (const prefix of [42, 2, 5]) {
        const again = await send(ss58Encode(alice.publicKey, prefix))
        expect(again.statusCode).toBe(401)
        expect(await again.body.json()).toEqual({ message: rejectionMessage('epistula_replayed') })
      }
    } finally {
      await axon.stop()
    }
  })

  it('refuses an Epistula request without its headers, or with a uuid too long, before its body', async () => {
    const axon = new Axon({ keypair: miner, port: 0, host: '127.0.0.1' })
    axon.attachEpistula('/score', { handler: () => ({ body: 'ok' }) })
    const port = await axon.start()
    try {
      const headers = epistulaHeaders({ signer: alice, body: '{}', signedFor: miner.address })
      const { 'Epistula-Timestamp': _, ...noTimestamp } = headers
      const longUuid = { ...headers, 'Epistula-Uuid': 'u'.repeat(129) }
      for (const [sent, status] of [
        [noTimestamp, '401'],
        [longUuid, '400'],
      ] as const) {
        const line = 'POST /score HTTP/1.1'
        const received = await sendHeadOnly(port, line, { ...HUGE_JSON_BODY, ...sent }, '{')
        expect(received.slice(0, 12)).toBe(`HTTP/1.1 ${status}`)
        expect(received.toLowerCase()).toContain('connection: close')
      }
    } finally {
      await axon.stop()
    }
  })

  it('remembers an Epistula request for the longest window of any route, since no path is signed', async () => {
    let now = Date.now()
    const axon = new Axon({ keypair: miner, port: 0, host: '127.0.0.1', nowMs: () => now })
    axon.attachEpistula('/quick', { handler: () => ({ body: 'ok' }), allowedDeltaMs: 8_000 })
    axon.attachEpistula('/slow', { handler: () => ({ body: 'ok' }), allowedDeltaMs: 60_000 })
    const port = await axon.start()
    try {
      const body = '{"x":4}'
      const headers = {
        'content-type': 'application/json',
        ...epistulaHeaders({ signer: alice, body, signedFor: miner.address, timestampMs: now }),
      }
      const send = async (path: string) => {
        const response = await request(`http://127.0.0.1:${port}${path}`, {
          method: 'POST',
          headers,
          body,
        })
        await response.body.dump()
        return response.statusCode
      }
      expect(await send('/quick')).toBe(200)
      now += 9_000
      expect(await send('/slow')).toBe(401)
    } finally {
      await axon.stop()
    }
  })

  it('counts a caller in one per-IP bucket on every path, however its address reads', async () => {
    // Dual-stack: an IPv4 caller arrives as ::ffff:127.0.0.1, keyed as 127.0.0.1.
    const axon = new Axon({
      keypair: miner,
      port: 0,
      host: '::',
      rateLimit: { perIp: { burst: 3, perSecond: 0.001 }, perHotkey: false },
    })
    axon.attach(Dummy, { forward: (synapse) => synapse })
    const port = await axon.start()
    try {
      const badUrl = () =>
        sendHeadOnly(port, 'GET /Dummy%ZZ HTTP/1.1', { connection: 'close' }, '').then(
          (received) => received.split(' ')[1],
        )
      expect([await badUrl(), await badUrl(), await badUrl()]).toEqual(['400', '400', '400'])
      expect((await post(port, signedDummy(alice, port))).status).toBe(429)
    } finally {
      await axon.stop()
    }
  })

  it('keeps an Epistula request refused with 429 remembered, so a retry is signed anew', async () => {
    const axon = new Axon({
      keypair: miner,
      port: 0,
      host: '127.0.0.1',
      rateLimit: { perHotkey: { burst: 1, perSecond: 1 } },
    })
    axon.attachEpistula('/score', { handler: () => ({ body: 'ok' }) })
    const port = await axon.start()
    try {
      const send = (headers: Record<string, string>) =>
        request(`http://127.0.0.1:${port}/score`, { method: 'POST', headers, body: '{}' })
      const sign = () => epistulaHeaders({ signer: alice, body: '{}', signedFor: miner.address })
      expect((await send(sign())).statusCode).toBe(200)
      const retried = sign()
      const limited = await send(retried)
      expect([limited.statusCode, await limited.body.json()]).toEqual([
        429,
        { message: rejectionMessage('rate_limited_hotkey') },
      ])
      await new Promise((resolve) => setTimeout(resolve, 1100))
      // Never served, but anyone who saw it could otherwise send it to another route.
      const again = await send(retried)
      expect([again.statusCode, await again.body.json()]).toEqual([
        401,
        { message: rejectionMessage('epistula_replayed') },
      ])
      const signedAnew = await send(sign())
      expect([signedAnew.statusCode, await signedAnew.body.text()]).toEqual([200, 'ok'])
    } finally {
      await axon.stop()
    }
  })

  it('refuses Epistula timestamps more than a minute ahead by default', async () => {
    let now = 1_000_000
    const axon = new Axon({ keypair: miner, port: 0, host: '127.0.0.1', nowMs: () => now })
    axon.attachEpistula('/score', { handler: () => ({ body: 'ok' }) })
    axon.attachEpistula('/later', { maxFutureMs: 3_600_000, handler: () => ({ body: 'ok' }) })
    const port = await axon.start()
    try {
      const send = (path: string, timestampMs: number) =>
        request(`http://127.0.0.1:${port}${path}`, {
          method: 'POST',
          headers: epistulaHeaders({
            signer: alice,
            body: '',
            signedFor: miner.address,
            timestampMs,
          }),
        }).then((r) => r.statusCode)
      expect(await send('/score', now + 60_000)).toBe(200)
      expect(await send('/score', now + 60_001)).toBe(401)
      expect(await send('/later', now + 3_600_000)).toBe(200)
      now += 0.5
      expect(await send('/score', Math.floor(now) + 1)).toBe(200)
    } finally {
      await axon.stop()
    }
  })

  it('refuses a replayed Epistula request while it is still fresh', async () => {
    const axon = new Axon({ keypair: miner, port: 0, host: '127.0.0.1' })
    axon.attachEpistula('/score', { handler: () => ({ body: 'ok' }) })
    const port = await axon.start()
    try {
      const body = '{"x":2}'
      const headers = {
        'content-type': 'application/json',
        ...epistulaHeaders({ signer: alice, body, signedFor: miner.address }),
      }
      const send = () =>
        request(`http://127.0.0.1:${port}/score`, { method: 'POST', headers, body })
      const first = await send()
      expect([first.statusCode, await first.body.text()]).toEqual([200, 'ok'])
      const again = await send()
      expect(again.statusCode).toBe(401)
      expect(await again.body.json()).toEqual({ message: rejectionMessage('epistula_replayed') })
    } finally {
      await axon.stop()
    }
  })
})
