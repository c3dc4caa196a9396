import { Dummy } from '@taokit/synapse'
import { describe, expect, it } from 'vitest'
import { Axon, type AxonOptions, type EpistulaRouteOptions } from '../src/index.js'
import { miner } from './helpers.js'

const invalid = (field: string) => expect.objectContaining({ code: 'AXON_INVALID_INPUT', field })

describe('Axon options', () => {
  it('names an option that would turn a protection off or fail every request', () => {
    const bad: [string, Partial<AxonOptions>][] = [
      ['port', { port: 70_000 }],
      ['maxBodyBytes', { maxBodyBytes: Number.NaN }],
      ['headersTimeoutMs', { headersTimeoutMs: 0 }],
      ['idleTimeoutMs', { idleTimeoutMs: 1.5 }],
      ['maxConnectionsPerIp', { maxConnectionsPerIp: 0 }],
      ['maxTimeoutS', { maxTimeoutS: Number.POSITIVE_INFINITY }],
      ['concurrency', { concurrency: 0 }],
      ['maxQueue', { maxQueue: -1 }],
      ['rateLimit.perIp.perSecond', { rateLimit: { perIp: { burst: 5 } as never } }],
      ['rateLimit.perHotkey.burst', { rateLimit: { perHotkey: { burst: 0, perSecond: 1 } } }],
      [
        'rateLimit.perHotkey.perSecond',
        { rateLimit: { perHotkey: { burst: 5, perSecond: Number.NaN } } },
      ],
      ['nonceWindow', { nonceWindow: 'loose' as never }],
      ['maxRememberedCallers', { maxRememberedCallers: 0 }],
      ['metrics', { metrics: 'yes' as never }],
      ['onRequestEnd', { onRequestEnd: 'log' as never }],
    ]
    for (const [field, options] of bad) {
      expect(() => new Axon({ keypair: miner, ...options }), field).toThrow(invalid(field))
    }
    expect(
      () =>
        new Axon({
          keypair: miner,
          port: 0,
          maxConnectionsPerIp: false,
          rateLimit: { perIp: false, perHotkey: { burst: 1, perSecond: 0.01 } },
          maxTimeoutS: 0.5,
        }),
    ).not.toThrow()
  })

  it('names a bad handler or Epistula option when the route is attached', () => {
    const axon = new Axon({ keypair: miner })
    expect(() => axon.attach(Dummy, {} as never)).toThrow(invalid('handlers.forward'))
    expect(() => axon.attach(Dummy, { forward: (s) => s, priority: 5 as never })).toThrow(
      invalid('handlers.priority'),
    )
    const handler = () => ({})
    const bad: [string, Partial<EpistulaRouteOptions>][] = [
      ['options.handler', { handler: undefined as never }],
      ['options.method', { method: 'DELETE' as never }],
      ['options.allowedDeltaMs', { allowedDeltaMs: Number.POSITIVE_INFINITY }],
      ['options.maxFutureMs', { maxFutureMs: -1 }],
      ['options.timeoutMs', { timeoutMs: 0 }],
      ['options.ownHotkey', { ownHotkey: 42 as never }],
    ]
    for (const [field, options] of bad) {
      expect(() => axon.attachEpistula('/score', { handler, ...options }), field).toThrow(
        invalid(field),
      )
    }
    expect(() =>
      axon.attachEpistula('/score', { handler, allowedDeltaMs: 8000.5, maxFutureMs: 0.5 }),
    ).not.toThrow()
  })
})
