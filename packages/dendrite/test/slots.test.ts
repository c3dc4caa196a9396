import { describe, expect, it } from 'vitest'
import { OriginSlots, type Slot } from '../src/slots.js'
import { CancelledError, DeadlineError } from '../src/status.js'

const isSlot = (value: unknown): value is Slot =>
  typeof value === 'object' && value !== null && 'release' in value

describe('OriginSlots', () => {
  it('lets `size` requests per origin through, then each waiting one in order', async () => {
    const slots = new OriginSlots(2)
    const signal = new AbortController().signal
    const take = (origin: string) => slots.take(origin, { signal, timeoutMs: 5_000 })
    const [a, b, other] = await Promise.all([take('x'), take('x'), take('y')])
    expect([a, b, other].every((s) => isSlot(s) && !s.waited)).toBe(true)
    const order: string[] = []
    const inTurn = (name: string) =>
      take('x').then((slot) => {
        order.push(name)
        return slot
      })
    const c = inTurn('c')
    const d = inTurn('d')
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(order).toEqual([])
    ;(a as Slot).release()
    ;(a as Slot).release() // idempotent: frees one slot, not two
    const third = await c
    expect(isSlot(third) && third.waited).toBe(true)
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(order).toEqual(['c'])
    ;(b as Slot).release()
    await d
    expect(order).toEqual(['c', 'd'])
  })

  it('gives up waiting at the deadline or on abort, and frees its place in the line', async () => {
    const slots = new OriginSlots(1)
    const controller = new AbortController()
    const held = await slots.take('x', { signal: controller.signal, timeoutMs: 5_000 })
    const late = await slots.take('x', { signal: controller.signal, timeoutMs: 30 })
    expect(late).toBeInstanceOf(DeadlineError)
    const aborted = slots.take('x', { signal: controller.signal, timeoutMs: 5_000 })
    controller.abort(new Error('closed'))
    expect(await aborted).toBeInstanceOf(CancelledError)
    ;(held as Slot).release()
    const next = await slots.take('x', { signal: new AbortController().signal, timeoutMs: 50 })
    expect(isSlot(next) && !next.waited).toBe(true)
  })

  it('gives a turn that came after the deadline to the next in line, sending nothing', async () => {
    const slots = new OriginSlots(1)
    const signal = new AbortController().signal
    const held = (await slots.take('x', { signal, timeoutMs: 5_000 })) as Slot
    const late = slots.take('x', { signal, timeoutMs: 30 })
    const next = slots.take('x', { signal, timeoutMs: 5_000 })
    // Busy past the first waiter's deadline, before its timer could run.
    const until = performance.now() + 60
    while (performance.now() < until) {
      // blocking the event loop
    }
    held.release()
    expect(await late).toBeInstanceOf(DeadlineError)
    const taken = await next
    expect(isSlot(taken) && taken.waited).toBe(true)
  })
})
