import { describe, expect, it } from 'vitest'
import { KeyError, KeyfileKey, Keypair, powSolve, verifyBatch } from '../src/index.js'

const alice = Keypair.fromUri('//Alice')
const message = new Uint8Array([1, 2, 3])
const signed = [{ message, signature: alice.sign(message), signer: alice.address }]

/** A search that would take years: only an abort ends it. */
const endless = (signal: AbortSignal) =>
  powSolve({
    blockHash: new Uint8Array(32),
    hotkey: alice.publicKey,
    difficulty: 2n ** 63n,
    threads: 1,
    signal,
  })

describe('abort signals', () => {
  it('stop a proof-of-work search already under way', async () => {
    const controller = new AbortController()
    const search = endless(controller.signal)
    setTimeout(() => controller.abort(), 100)
    await expect(search).rejects.toMatchObject({ name: 'AbortError' })
  })

  it('that were aborted before the call stop it before any work', async () => {
    const signal = AbortSignal.abort()
    await expect(verifyBatch(signed, { signal })).rejects.toMatchObject({ name: 'AbortError' })
    await expect(endless(signal)).rejects.toMatchObject({ name: 'AbortError' })
    // Otherwise seconds of Argon2 over 512 MiB.
    await expect(KeyfileKey.derive('password', { signal })).rejects.toMatchObject({
      name: 'AbortError',
    })
  })

  it('still reach a call after another call on the same signal has ended', async () => {
    const controller = new AbortController()
    expect(await verifyBatch(signed, { signal: controller.signal })).toEqual([true])
    const search = endless(controller.signal)
    setTimeout(() => controller.abort(), 100)
    await expect(search).rejects.toMatchObject({ name: 'AbortError' })
  })

  it("leave the caller's own abort handler in place", async () => {
    const controller = new AbortController()
    let told = false
    controller.signal.onabort = () => {
      told = true
    }
    await verifyBatch(signed, { signal: controller.signal })
    controller.abort()
    expect(told).toBe(true)
  })

  it('settle the call at once with the reason, even when its work has started', async () => {
    const controller = new AbortController()
    const reason = new Error('shutting down')
    const derived = KeyfileKey.derive('password', { signal: controller.signal })
    controller.abort(reason)
    await expect(derived).rejects.toBe(reason)
    // Many calls on one signal add no listener of their own to it.
    const signal = new AbortController().signal
    const warnings: string[] = []
    const onWarning = (warning: Error) => warnings.push(warning.name)
    process.on('warning', onWarning)
    await Promise.all(Array.from({ length: 30 }, () => verifyBatch(signed, { signal })))
    await new Promise((resolve) => setImmediate(resolve))
    process.off('warning', onWarning)
    expect(warnings).not.toContain('MaxListenersExceededWarning')
  })

  it('may be null, as fetch allows', async () => {
    expect(await verifyBatch(signed, { signal: null as never })).toEqual([true])
  })

  it('must be AbortSignals', async () => {
    for (const signal of [5, {}, 'x']) {
      const refused = verifyBatch(signed, { signal: signal as never })
      await expect(refused).rejects.toBeInstanceOf(KeyError)
      await expect(refused).rejects.toMatchObject({ field: 'signal' })
    }
  })
})
