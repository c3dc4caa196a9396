import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { describe, expect, it } from 'vitest'
import { Reader, withSignal } from '../src/index.js'

const read = new Reader('TEST_INPUT')

describe('withSignal', () => {
  it('keeps nothing per call alive through a long-lived signal', async () => {
    setFlagsFromString('--expose-gc')
    const gc = runInNewContext('gc') as () => void
    const shared = new AbortController().signal
    let freed = 0
    const registry = new FinalizationRegistry(() => {
      freed++
    })
    for (let i = 0; i < 200; i++) {
      await withSignal(read, shared, async (own) => {
        // What napi-rs does with the signal it is given.
        own!.onabort = () => {}
        registry.register(own!, i)
      })
    }
    for (let round = 0; round < 10 && freed < 200; round++) {
      gc()
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    expect(freed).toBe(200)
  })

  it('leaves no listener on the caller signal, and adds one however many calls share it', async () => {
    const { getEventListeners } = await import('node:events')
    const shared = new AbortController()
    let during = 0
    await Promise.all(
      Array.from({ length: 20 }, () =>
        withSignal(read, shared.signal, async () => {
          await new Promise((resolve) => setTimeout(resolve, 5))
          during = Math.max(during, getEventListeners(shared.signal, 'abort').length)
        }),
      ),
    )
    expect(during).toBe(1)
    expect(getEventListeners(shared.signal, 'abort')).toHaveLength(0)
  })

  it('settles with the reason as soon as the signal aborts, and takes null as none', async () => {
    const controller = new AbortController()
    const reason = new Error('stop')
    const never = withSignal(read, controller.signal, () => new Promise(() => {}))
    controller.abort(reason)
    await expect(never).rejects.toBe(reason)
    expect(await withSignal(read, null, async (own) => own)).toBeUndefined()
    await expect(withSignal(read, 5, async () => 1)).rejects.toMatchObject({ field: 'signal' })
  })
})
