import { describe, expect, it, vi } from 'vitest'
import { AxonError, WorkerPool } from '../src/index.js'

function fib(n: number): number {
  return n < 2 ? n : fib(n - 1) + fib(n - 2)
}

describe('WorkerPool', () => {
  it('runs tasks off the event loop, more tasks than workers', async () => {
    const pool = WorkerPool.fromFunction(
      (n: number) => {
        const f = (k: number): number => (k < 2 ? k : f(k - 1) + f(k - 2))
        return f(n)
      },
      { size: 2 },
    )
    try {
      let ticks = 0
      const ticker = setInterval(() => ticks++, 5)
      const results = await Promise.all([25, 26, 24, 25, 10].map((n) => pool.run(n)))
      clearInterval(ticker)
      expect(results).toEqual([25, 26, 24, 25, 10].map(fib))
      // The main thread kept turning while the workers computed.
      expect(ticks).toBeGreaterThan(0)
      expect(pool.size).toBe(2)
    } finally {
      await pool.close()
    }
  })

  it('rejects a task that throws, and keeps serving', async () => {
    const pool = WorkerPool.fromFunction(
      (n: number) => {
        if (n < 0) throw new Error('negative')
        return n * 2
      },
      { size: 1 },
    )
    try {
      await expect(pool.run(-1)).rejects.toThrow('negative')
      await expect(pool.run(4)).resolves.toBe(8)
    } finally {
      await pool.close()
    }
  })

  it('replaces a worker that dies, failing only its task', async () => {
    const pool = WorkerPool.fromFunction(
      (n: number) => {
        if (n === 0) process.exit(1)
        return n + 1
      },
      { size: 1 },
    )
    try {
      await expect(pool.run(0)).rejects.toBeInstanceOf(AxonError)
      await expect(pool.run(1)).resolves.toBe(2)
    } finally {
      await pool.close()
    }
  })

  it('refuses an input it cannot copy to a worker, and keeps serving', async () => {
    const pool = WorkerPool.fromFunction((n: number) => n * 2, { size: 1 })
    try {
      const busy = pool.run(1)
      // Queued behind a busy worker, then refused when it is handed over.
      const queued = pool.run((() => 1) as unknown as number)
      await expect(pool.run((() => 1) as unknown as number)).rejects.toMatchObject({
        code: 'AXON_INVALID_INPUT',
        field: 'input',
      })
      await expect(busy).resolves.toBe(2)
      await expect(queued).rejects.toMatchObject({ code: 'AXON_INVALID_INPUT' })
      await expect(pool.run(21)).resolves.toBe(42)
    } finally {
      await pool.close()
    }
  })

  it('closes itself, saying why, when its workers die before any task', async () => {
    const pool = new WorkerPool({ source: 'throw new Error("no model file")' }, { size: 2 })
    await vi.waitFor(() => expect(pool.size).toBe(0), { timeout: 10_000 })
    const refused = await pool.run(1).catch((error: AxonError) => error)
    expect(refused).toBeInstanceOf(AxonError)
    expect(refused).toMatchObject({ code: 'AXON_WORKER_FAILED' })
    expect((refused as AxonError).message).toMatch(/keep dying before they are ready/)
    expect(((refused as AxonError).cause as Error).message).toBe('no model file')
  })

  it('closes itself just as soon when tasks keep its workers busy', async () => {
    const pool = new WorkerPool({ source: 'throw new Error("no model file")' }, { size: 2 })
    const outcomes = await Promise.all(
      Array.from({ length: 30 }, () => pool.run(1).catch((error: AxonError) => error.message)),
    )
    // At most the first three workers' tasks fail as such; the rest are refused with why.
    const failed = outcomes.filter((message) => message === 'the worker failed')
    expect(failed.length).toBeLessThanOrEqual(3)
    expect(outcomes.filter((m) => /keep dying before they are ready/.test(String(m))).length).toBe(
      30 - failed.length,
    )
  })

  it('ignores what is not a reply, and says the pool is closed, not that it failed', async () => {
    const pool = WorkerPool.fromFunction(
      (n: number) => {
        const { parentPort } = require('node:worker_threads')
        parentPort.postMessage(null)
        if (n === 0) return () => 'secret result'
        return new Promise((resolve) => setTimeout(() => resolve(n), n))
      },
      { size: 3 },
    )
    await expect(pool.run(1)).resolves.toBe(1)
    const uncloneable = await pool.run(0).catch((error: AxonError) => error)
    expect(uncloneable).toMatchObject({ code: 'AXON_WORKER_FAILED' })
    expect((uncloneable as AxonError).message).toBe(
      'the result cannot be copied out of the worker thread',
    )
    const running = pool.run(5_000).catch((error: AxonError) => error.message)
    await pool.close()
    expect(await running).toBe('the pool is closed')
    await expect(pool.run(1)).rejects.toThrow('the pool is closed')
  })

  it('abandons a task whose signal aborts: queued, it leaves the queue; running, its worker is replaced', async () => {
    const pool = WorkerPool.fromFunction(
      (ms: number) => {
        if (ms < 0) for (;;) {} // a task that never yields
        return ms
      },
      { size: 1 },
    )
    try {
      const stuck = new AbortController()
      const running = pool.run(-1, { signal: stuck.signal }).catch((e: AxonError) => e.message)
      const waiting = new AbortController()
      const queued = pool.run(2, { signal: waiting.signal }).catch((e: AxonError) => e.message)
      expect(pool.pending).toBe(1)
      waiting.abort()
      expect(await queued).toBe('the task was abandoned')
      expect(pool.pending).toBe(0)
      stuck.abort()
      expect(await running).toBe('the task was abandoned')
      // The spinning worker was replaced: the pool serves again, and stays open.
      await expect(pool.run(7)).resolves.toBe(7)
      await expect(pool.run(1, { signal: AbortSignal.abort() })).rejects.toThrow('abandoned')
    } finally {
      await pool.close()
    }
  })

  it('bounds each worker by resourceLimits, replacing one that runs out', async () => {
    const pool = WorkerPool.fromFunction(
      (n: number) => {
        if (n === 0) {
          const hog: number[][] = []
          for (;;) hog.push(new Array(1e6).fill(1))
        }
        return n
      },
      { size: 1, resourceLimits: { maxOldGenerationSizeMb: 32 } },
    )
    try {
      await expect(pool.run(0)).rejects.toMatchObject({ code: 'AXON_WORKER_FAILED' })
      await expect(pool.run(3)).resolves.toBe(3)
    } finally {
      await pool.close()
    }
  })

  it('names the script when node cannot load it as given', () => {
    expect(() => new WorkerPool('worker.js')).toThrow(
      expect.objectContaining({ code: 'AXON_INVALID_INPUT', field: 'script' }),
    )
  })

  it('refuses a queue bound that is not a whole number', () => {
    for (const maxQueue of [Number.NaN, -1, 1.5, 'x' as unknown as number]) {
      expect(() => WorkerPool.fromFunction((n: number) => n, { maxQueue })).toThrow(
        expect.objectContaining({ code: 'AXON_INVALID_INPUT', field: 'maxQueue' }),
      )
    }
  })

  it('refuses a function whose source does not stand alone', () => {
    const methods = {
      double(n: number) {
        return n * 2
      },
    }
    expect(() => WorkerPool.fromFunction(methods.double)).toThrow(
      expect.objectContaining({ code: 'AXON_INVALID_INPUT', field: 'fn' }),
    )
  })

  it('refuses work once closed, and when its queue is full', async () => {
    const pool = WorkerPool.fromFunction(
      (ms: number) => new Promise((resolve) => setTimeout(() => resolve(ms), ms)),
      { size: 1, maxQueue: 1 },
    )
    const first = pool.run(100)
    const second = pool.run(1)
    await expect(pool.run(1)).rejects.toThrow('queue is full')
    await expect(first).resolves.toBe(100)
    await expect(second).resolves.toBe(1)
    await pool.close()
    await expect(pool.run(1)).rejects.toThrow('closed')
  })
})
