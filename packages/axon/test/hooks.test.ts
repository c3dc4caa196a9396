import { Dummy, epistulaHeaders, TextPrompt } from '@taokit/synapse'
import { request } from 'undici'
import { afterEach, describe, expect, it } from 'vitest'
import { Axon, type AxonOptions, metagraphBlacklist, type SynapseHandlers } from '../src/index.js'
import { alice, miner, post, signed, signedDummy } from './helpers.js'

const never = new Promise<boolean>(() => {})
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

let axon: Axon | undefined
afterEach(async () => {
  await axon?.stop()
  axon = undefined
})

async function serve(
  handlers: Partial<SynapseHandlers<typeof TextPrompt.fields>>,
  options: Partial<AxonOptions> = {},
): Promise<number> {
  axon = new Axon({ keypair: miner, port: 0, host: '127.0.0.1', ...options })
  axon.attach(TextPrompt, { forward: (synapse) => synapse, ...handlers })
  return axon.start()
}

async function reasons(): Promise<Record<string, number>> {
  const { values } = await axon!.metrics.rejections.get()
  return Object.fromEntries(values.map((v) => [v.labels.reason, v.value]))
}

describe('caller policy hooks that fail', () => {
  it('a blacklist that never answers gets 408 at the synapse deadline, not at the idle timeout', async () => {
    const port = await serve({ blacklist: () => never })
    const began = performance.now()
    const result = await post(port, signed(alice, { port, timeout: 0.3 }))
    expect(result.status).toBe(408)
    expect(performance.now() - began).toBeLessThan(3_000)
    expect(await reasons()).toEqual({ timeout: 1 })
  })

  it('a blacklist that throws fails closed with 500, counted as hook_failed', async () => {
    const port = await serve({
      blacklist: () => {
        throw new Error('metagraph unavailable')
      },
    })
    const result = await post(port, signed(alice, { port }))
    expect(result.status).toBe(500)
    expect(result.text).not.toContain('metagraph unavailable')
    expect(await reasons()).toEqual({ hook_failed: 1 })
  })

  it('a verify hook that rejects gets 500, and one that hangs gets 408', async () => {
    const port = await serve({
      // The hook sees the header synapse, without the body's fields.
      verify: (synapse) =>
        (synapse.timeout ?? 12) < 1 ? never : Promise.reject(new Error('lookup failed')),
    })
    expect((await post(port, signed(alice, { port }))).status).toBe(500)
    expect((await post(port, signed(alice, { port, timeout: 0.3 }))).status).toBe(408)
    expect(await reasons()).toEqual({ hook_failed: 1, timeout: 1 })
  })

  it('a priority hook that throws gets 500, and the forward does not run', async () => {
    let forwards = 0
    const port = await serve({
      priority: () => {
        throw new Error('no stake')
      },
      forward: (synapse) => {
        forwards++
        return synapse
      },
    })
    expect((await post(port, signed(alice, { port }))).status).toBe(500)
    expect(forwards).toBe(0)
    expect(await reasons()).toEqual({ hook_failed: 1 })
  })

  it('counts the deadline from arrival: time in a slow blacklist is time the caller waited', async () => {
    const port = await serve({
      blacklist: async () => {
        await sleep(250)
        return false
      },
      forward: async (synapse) => {
        await sleep(250)
        return synapse
      },
    })
    expect((await post(port, signed(alice, { port, timeout: 0.4 }))).status).toBe(408)
    expect((await post(port, signed(alice, { port, timeout: 2 }))).status).toBe(200)
  })

  it('a synchronous blacklist is still answered as before', async () => {
    axon = new Axon({ keypair: miner, port: 0, host: '127.0.0.1' })
    axon.attach(Dummy, { forward: (synapse) => synapse, blacklist: () => false })
    const port = await axon.start()
    expect((await post(port, signedDummy(alice, port))).status).toBe(200)
  })

  it('an Epistula blacklist that never answers gets 408 after the route timeout', async () => {
    axon = new Axon({ keypair: miner, port: 0, host: '127.0.0.1' })
    axon.attachEpistula('/score', {
      handler: () => ({ body: 'ok' }),
      blacklist: () => never,
      timeoutMs: 300,
    })
    const port = await axon.start()
    const body = '{"x":1}'
    const response = await request(`http://127.0.0.1:${port}/score`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...epistulaHeaders({ signer: alice, body, signedFor: miner.address }),
      },
      body,
    })
    await response.body.dump()
    expect(response.statusCode).toBe(408)
    expect(await reasons()).toEqual({ timeout: 1 })
  })
})

describe('the metagraph blacklist', () => {
  const validators = new Set([alice.address])
  const caller = { route: 'x', ip: '' }
  it('answers at once for a synchronous provider, and waits for an asynchronous one', async () => {
    const sync = metagraphBlacklist({
      isRegistered: (hotkey) => hotkey !== miner.address,
      isValidator: (hotkey) => validators.has(hotkey),
      stakeOf: () => 0,
    })
    expect(sync(alice.address, caller)).toBe(false)
    expect(sync(miner.address, caller)).toBe(true)
    const async = metagraphBlacklist({
      isRegistered: async (hotkey) => hotkey !== miner.address,
      isValidator: async (hotkey) => validators.has(hotkey),
      stakeOf: () => 0,
    })
    const answers = [alice.address, miner.address, 'not registered'].map((h) => async(h, caller))
    expect(await Promise.all(answers)).toEqual([false, true, true])
  })

  it('reads a provider that answers 0 or 1 (as the metagraph stores permits) by truthiness', async () => {
    const permits = new Map([[alice.address, 1]])
    const loose = metagraphBlacklist({
      isRegistered: (hotkey) => (hotkey === miner.address ? 0 : 1) as unknown as boolean,
      isValidator: (hotkey) => (permits.get(hotkey) ?? 0) as unknown as boolean,
      stakeOf: () => 0,
    })
    expect(loose(alice.address, caller)).toBe(false)
    expect(loose(miner.address, caller)).toBe(true)
    expect(loose('no permit', caller)).toBe(true)
  })
})
