import { Dummy } from '@taokit/synapse'
import { request } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Axon, type AxonOptions, PriorityGate, rejectionMessage } from '../src/index.js'
import { alice, bob, miner, post, signedDummy } from './helpers.js'

/** A waiter at priority p that, once served, notes p in `order` and frees its slot. */
function waiter(gate: PriorityGate, order: number[]) {
  return (p: number) =>
    gate.acquire(p, 1000).then((r) => {
      if (r.ok) {
        order.push(p)
        r.release()
      }
      return r
    })
}

describe('PriorityGate', () => {
  it('serves the highest priority first and drops the lowest when full', async () => {
    const gate = new PriorityGate(1, 2)
    const first = await gate.acquire(0, 1000)
    expect(first.ok).toBe(true)
    const order: number[] = []
    const wait = waiter(gate, order)
    const low = wait(1)
    const mid = wait(5)
    const high = wait(9)
    // The queue held 1 and 5; 9 pushed out 1.
    expect(await low).toEqual({ ok: false, reason: 'queue_full' })
    expect((await gate.acquire(0, 1000)).ok).toBe(false)
    if (first.ok) first.release()
    await Promise.all([mid, high])
    expect(order).toEqual([9, 5])
    expect(gate.running).toBe(0)
  })

  it('puts an infinite priority first, a negative infinite one last, and NaN at 0', async () => {
    const gate = new PriorityGate(1, 8)
    const first = await gate.acquire(0, 1000)
    const order: number[] = []
    const all = [-Infinity, 1, Number.NaN, Infinity, -1].map(waiter(gate, order))
    if (first.ok) first.release()
    await Promise.all(all)
    expect(order).toEqual([Infinity, 1, Number.NaN, -1, -Infinity])
  })

  it('lets a waiter whose caller left give up its place at once', async () => {
    const gate = new PriorityGate(1, 1)
    const held = await gate.acquire(0, 1000)
    const left = new AbortController()
    const leaving = gate.acquire(5, 1000, left.signal)
    left.abort()
    expect(await leaving).toEqual({ ok: false, reason: 'timeout' })
    expect(gate.waiting).toBe(0)
    // Its place is free: a lower-priority newcomer waits instead of being refused.
    const next = gate.acquire(0, 1000)
    if (held.ok) held.release()
    expect((await next).ok).toBe(true)
  })

  it('times out a waiter', async () => {
    const gate = new PriorityGate(1, 4)
    const held = await gate.acquire(0, 1000)
    expect(await gate.acquire(0, 20)).toEqual({ ok: false, reason: 'timeout' })
    if (held.ok) held.release()
  })
})

/**
 * An axon with one forward slot whose first forward waits for `release()`: the requests
 * after it queue. `served` lists the callers whose forwards ran.
 */
function oneSlotAxon(options: Partial<AxonOptions>) {
  const state = { release: () => {}, served: [] as string[], port: 0 }
  const axon = new Axon({ keypair: miner, port: 0, host: '127.0.0.1', concurrency: 1, ...options })
  axon.attach(Dummy, {
    forward: async (synapse, context) => {
      state.served.push(context.hotkey)
      if (state.served.length === 1) {
        await new Promise<void>((resolve) => {
          state.release = resolve
        })
      }
      return synapse
    },
  })
  beforeAll(async () => {
    state.port = await axon.start()
  })
  afterAll(() => axon.stop())
  /** Sends a request that takes the slot, and waits until its forward runs. */
  const occupy = async () => {
    const busy = post(state.port, signedDummy(miner, state.port))
    while (state.served.length === 0) await new Promise((resolve) => setTimeout(resolve, 5))
    return { busy }
  }
  return { axon, state, occupy }
}

describe('priority by stake under load', () => {
  const stakes = new Map([
    [alice.address, 1000],
    [bob.address, 10],
    [miner.address, 10],
  ])
  const { state, occupy } = oneSlotAxon({
    maxQueue: 1,
    metagraph: {
      isValidator: () => true,
      stakeOf: (hotkey) => stakes.get(hotkey) ?? 0,
    },
  })

  it('serves the high-stake caller, and drops the low-stake waiter with 503', async () => {
    const { port, served } = state
    const { busy } = await occupy()
    const low = post(port, signedDummy(bob, port))
    await new Promise((resolve) => setTimeout(resolve, 50))
    const high = post(port, signedDummy(alice, port))
    const dropped = await low
    expect(dropped.status).toBe(503)
    expect(dropped.json.message).toBe(rejectionMessage('queue_full'))
    state.release()
    expect((await busy).status).toBe(200)
    expect((await high).status).toBe(200)
    expect(served).toEqual([miner.address, alice.address])
  })
})

describe('callers who leave while queued', () => {
  const { axon, state, occupy } = oneSlotAxon({ maxQueue: 2 })

  it('give up their place in the queue, and their forwards never run', async () => {
    const { port, served } = state
    const { busy } = await occupy()
    const leaving = new AbortController()
    const left = [1, 2].map(() => {
      const { headers, body } = signedDummy(bob, port)
      return request(`http://127.0.0.1:${port}/Dummy`, {
        method: 'POST',
        headers,
        body,
        signal: leaving.signal,
      }).catch(() => undefined)
    })
    while (axon.waiting < 2) await new Promise((resolve) => setTimeout(resolve, 5))
    leaving.abort()
    await Promise.all(left)
    while (axon.waiting > 0) await new Promise((resolve) => setTimeout(resolve, 5))
    // Both places are free again: two more callers wait rather than get 503.
    const waiting = [post(port, signedDummy(alice, port)), post(port, signedDummy(alice, port))]
    while (axon.waiting < 2) await new Promise((resolve) => setTimeout(resolve, 5))
    state.release()
    expect((await busy).status).toBe(200)
    expect((await Promise.all(waiting)).map((r) => r.status)).toEqual([200, 200])
    expect(served).toEqual([miner.address, alice.address, alice.address])
  })
})
