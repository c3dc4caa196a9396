import { Dummy } from '@taokit/synapse'
import { request } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Axon, type AxonRequestRecord } from '../src/index.js'
import { bob, miner, post, signedDummy } from './helpers.js'

describe('GET /metrics', () => {
  const axon = new Axon({ keypair: miner, port: 0, host: '127.0.0.1' })
  axon.attach(Dummy, { forward: (synapse) => synapse })
  let port = 0
  beforeAll(async () => {
    port = await axon.start()
  })
  afterAll(() => axon.stop())

  it('counts requests by synapse and status, latency, and rejections by reason', async () => {
    expect((await post(port, signedDummy(bob, port))).status).toBe(200)
    expect((await post(port, signedDummy(bob, port))).status).toBe(200)
    const bad = signedDummy(bob, port)
    bad.headers.bt_header_dendrite_signature = ''
    expect((await post(port, bad)).status).toBe(401)

    const response = await request(`http://127.0.0.1:${port}/metrics`)
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toContain('text/plain')
    const text = await response.body.text()
    expect(text).toContain('axon_requests_total{route="Dummy",status="200"} 2')
    expect(text).toContain('axon_requests_total{route="Dummy",status="401"} 1')
    expect(text).toContain('axon_rejections_total{route="Dummy",reason="missing_signature"} 1')
    expect(text).toContain('axon_request_duration_seconds_count{route="Dummy"} 3')
    expect(text).toMatch(/axon_request_duration_seconds_bucket\{le="0.005",route="Dummy"\} \d/)
    // The scrape itself is not counted.
    expect(text).not.toContain('route="metrics"')
  })

  it('counts a per-IP refusal on the route it was sent to', async () => {
    const limited = new Axon({
      keypair: miner,
      port: 0,
      host: '127.0.0.1',
      rateLimit: { perIp: { burst: 1, perSecond: 0.001 } },
    })
    limited.attach(Dummy, { forward: (synapse) => synapse })
    const limitedPort = await limited.start()
    try {
      expect((await post(limitedPort, signedDummy(bob, limitedPort))).status).toBe(200)
      expect((await post(limitedPort, signedDummy(bob, limitedPort))).status).toBe(429)
      const text = await limited.metrics.registry.metrics()
      expect(text).toContain('axon_rejections_total{route="Dummy",reason="rate_limited_ip"} 1')
    } finally {
      await limited.stop()
    }
  })

  it('keeps a registry per axon', () => {
    const other = new Axon({ keypair: miner, port: 0 })
    expect(other.metrics.registry).not.toBe(axon.metrics.registry)
  })
})

describe('onRequestEnd', () => {
  it('tells a request log of each answer: the caller, the status and why it was refused', async () => {
    const records: AxonRequestRecord[] = []
    const axon = new Axon({
      keypair: miner,
      port: 0,
      host: '127.0.0.1',
      onRequestEnd: (record) => {
        records.push(record)
        throw new Error('a broken log must not break the axon')
      },
    })
    axon.attach(Dummy, { forward: (synapse) => synapse })
    const port = await axon.start()
    try {
      expect((await post(port, signedDummy(bob, port))).status).toBe(200)
      const bad = signedDummy(bob, port)
      bad.headers.bt_header_dendrite_signature = ''
      expect((await post(port, bad)).status).toBe(401)
      await request(`http://127.0.0.1:${port}/metrics?x=1`).then((r) => r.body.dump())
    } finally {
      await axon.stop()
    }
    expect(records.map(({ seconds, ip, ...rest }) => rest)).toEqual([
      {
        method: 'POST',
        path: '/Dummy',
        status: 200,
        reason: undefined,
        hotkey: bob.address,
        verified: true,
      },
      {
        method: 'POST',
        path: '/Dummy',
        status: 401,
        reason: 'missing_signature',
        hotkey: bob.address,
        verified: false,
      },
      {
        method: 'GET',
        path: '/metrics',
        status: 200,
        reason: undefined,
        hotkey: undefined,
        verified: false,
      },
    ])
    expect(records.every((r) => r.ip === '127.0.0.1' && r.seconds >= 0)).toBe(true)
  })

  it('counts a caller who left before the answer as 499, once, and aborts the forward', async () => {
    const records: AxonRequestRecord[] = []
    let abortedWhenDone: boolean | undefined
    const axon = new Axon({
      keypair: miner,
      port: 0,
      host: '127.0.0.1',
      onRequestEnd: (record) => records.push(record),
    })
    axon.attach(Dummy, {
      forward: async (synapse, context) => {
        await new Promise((resolve) => setTimeout(resolve, 400))
        abortedWhenDone = context.signal.aborted
        return synapse
      },
    })
    const port = await axon.start()
    try {
      const prepared = signedDummy(bob, port)
      const left = request(`http://127.0.0.1:${port}${prepared.path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...prepared.headers },
        body: prepared.body,
        signal: AbortSignal.timeout(100),
      })
      await expect(left).rejects.toThrow()
      await new Promise((resolve) => setTimeout(resolve, 500))
      expect(records.map((r) => [r.path, r.status, r.hotkey])).toEqual([
        ['/Dummy', 499, bob.address],
      ])
      // Its synapse timeout (12 s) was far off: the signal aborted because the caller left.
      expect(abortedWhenDone).toBe(true)
      const text = await axon.metrics.registry.metrics()
      expect(text).toContain('axon_requests_total{route="Dummy",status="499"} 1')
    } finally {
      await axon.stop()
    }
  })
})
