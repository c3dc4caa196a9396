import { spawn } from 'node:child_process'
import { getEventListeners, once } from 'node:events'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it, vi } from 'vitest'
import { AxonError, WorkerPool, type WorkerPoolOptions } from '../src/index.js'

/** Runs `body` as an ES module in a node process of its own, with `WorkerPool` imported. */
async function runModule(body: string): Promise<{ code: number; output: string }> {
  const from = JSON.stringify(new URL('../dist/index.js', import.meta.url).href)
  const source = `import { WorkerPool } from ${from}\n${body}`
  const child = spawn(process.execPath, ['--input-type=module', '-e', source])
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString()
  })
  const [code] = (await once(child, 'exit')) as [number]
  return { code, output: output.trim() }
}

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
      // Queued behind a busy worker: refused at once too.
      const queued = pool.run((() => 1) as unknown as number).catch((error: AxonError) => error)
      await expect(pool.run((() => 1) as unknown as number)).rejects.toMatchObject({
        code: 'AXON_INVALID_INPUT',
        field: 'input',
      })
      await expect(busy).resolves.toBe(2)
      expect(await queued).toMatchObject({ code: 'AXON_INVALID_INPUT' })
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
    expect((refused as AxonError).message).toMatch(/keep dying before they serve a task/)
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
    expect(
      outcomes.filter((m) => /keep dying before they serve a task/.test(String(m))).length,
    ).toBe(30 - failed.length)
  })

  it('closes itself when its workers die idle after saying they are ready', async () => {
    // serveTasks first, then a later step (a model load) that fails.
    const script = `
      const { parentPort } = require('node:worker_threads')
      parentPort.on('message', () => {})
      parentPort.postMessage({ ready: true })
      setTimeout(() => { throw new Error('no model file') }, 5)`
    const pool = new WorkerPool({ source: script }, { size: 2 })
    await vi.waitFor(() => expect(pool.size).toBe(0), { timeout: 10_000 })
    const refused = await pool.run(1).catch((error: AxonError) => error)
    expect((refused as AxonError).message).toMatch(/keep dying before they serve a task/)
    expect(((refused as AxonError).cause as Error).message).toBe('no model file')
  })

  it('keeps serving when tasks, not the script, kill its fresh workers', async () => {
    const pool = WorkerPool.fromFunction(
      (n: number) => {
        if (n === 0) process.exit(1)
        return n
      },
      { size: 1 },
    )
    try {
      for (let i = 0; i < 5; i++) await expect(pool.run(0)).rejects.toThrow('the worker failed')
      await expect(pool.run(4)).resolves.toBe(4)
    } finally {
      await pool.close()
    }
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

  it('survives a worker that fails just as its task is abandoned', async () => {
    const pool = WorkerPool.fromFunction(
      (ms: number) =>
        new Promise(() => {
          setTimeout(() => {
            throw new Error('crash in worker')
          }, ms)
        }),
      { size: 1 },
    )
    try {
      const threadId = () => pool.run(-1).catch(() => undefined)
      await threadId()
      const controller = new AbortController()
      const task = pool.run(20, { signal: controller.signal }).catch((e: AxonError) => e.message)
      // The worker's error is posted while this thread is busy, then the task is abandoned:
      // the error reaches a worker the pool has let go (and must not reach the process).
      const until = Date.now() + 300
      while (Date.now() < until) {}
      controller.abort()
      expect(await task).toBe('the task was abandoned')
      await sleep(300)
      expect(pool.size).toBe(1)
    } finally {
      await pool.close()
    }
  })

  it('replaces only the workers that were running when one signal abandons many tasks', async () => {
    const pool = WorkerPool.fromFunction(
      (n: number) => (n < 0 ? require('node:worker_threads').threadId : new Promise(() => {})),
      { size: 2 },
    )
    try {
      const before = (await pool.run(-1)) as number
      const controller = new AbortController()
      const tasks = Array.from({ length: 60 }, () =>
        pool.run(1, { signal: controller.signal }).catch((e: AxonError) => e.message),
      )
      controller.abort()
      expect(new Set(await Promise.all(tasks))).toEqual(new Set(['the task was abandoned']))
      // Two running workers were replaced; a thread per abandoned task would be 60.
      const after = Math.max(...((await Promise.all([pool.run(-1), pool.run(-1)])) as number[]))
      expect(after - before).toBeLessThanOrEqual(3)
    } finally {
      await pool.close()
    }
  })

  it('keeps the queue in order when a worker is replaced and a task comes in the same turn', async () => {
    const pool = WorkerPool.fromFunction(
      ({ name, ms }: { name: string; ms: number }) =>
        new Promise((resolve) => setTimeout(() => resolve(name), ms)),
      { size: 1 },
    )
    try {
      const finished: unknown[] = []
      const controller = new AbortController()
      const stuck = pool.run({ name: 'X', ms: 60_000 }, { signal: controller.signal })
      const queued = ['A', 'B'].map((name) =>
        pool.run({ name, ms: 5 }).then((n) => finished.push(n)),
      )
      controller.abort()
      const late = pool.run({ name: 'C', ms: 5 }).then((n) => finished.push(n))
      await expect(stuck).rejects.toThrow('abandoned')
      await Promise.all([...queued, late])
      expect(finished).toEqual(['A', 'B', 'C'])
    } finally {
      await pool.close()
    }
  })

  // In a process of its own: event order under vitest's workers differs from node's own.
  it("counts a crash during a task as the task's, however late its ready is read", async () => {
    const outcome = await runModule(`
      const pool = WorkerPool.fromFunction((input) => {
        if (input !== 'crash') return input
        setTimeout(() => {
          throw new Error('bad input')
        })
        return new Promise(() => {})
      }, { size: 1 })
      await pool.run('warm')
      // Busy in stretches, so that a fresh worker's 'error' is read before its ready
      // message, which must not make the death look like the script's.
      const busy = setInterval(() => {
        const until = Date.now() + 150
        while (Date.now() < until) {}
      }, 1)
      const crashes = Array.from({ length: 4 }, () => pool.run('crash').catch((e) => e.message))
      console.log(JSON.stringify(await Promise.all(crashes)))
      console.log(await pool.run('ok').catch((e) => e.message))
      clearInterval(busy)
      await pool.close()`)
    expect(outcome).toEqual({
      code: 0,
      output: `${JSON.stringify(Array(4).fill('the worker failed'))}\nok`,
    })
  })

  it('closes, and lets the process exit, when a task is abandoned just before', async () => {
    // Run as an ES module, whose flag the workers' CommonJS source must not inherit.
    const outcome = await runModule(`
      const pool = WorkerPool.fromFunction((n) => (n === 0 ? new Promise(() => {}) : n), { size: 1 })
      await pool.run(1)
      const controller = new AbortController()
      pool.run(0, { signal: controller.signal }).catch(() => {})
      await new Promise((resolve) => setTimeout(resolve, 50))
      controller.abort()
      await pool.close()
      console.log('closed')`)
    expect(outcome).toEqual({ code: 0, output: 'closed' })
  })

  it('copies a queued input when run() is called, as it copies one handed over at once', async () => {
    const pool = WorkerPool.fromFunction(
      (input: { ms: number; items: number[] }) =>
        new Promise((resolve) => setTimeout(() => resolve(input.items.join(',')), input.ms)),
      { size: 1 },
    )
    try {
      const items = [1]
      const first = pool.run({ ms: 50, items })
      const queued = pool.run({ ms: 0, items })
      items.push(2)
      expect(await Promise.all([first, queued])).toEqual(['1', '1'])
    } finally {
      await pool.close()
    }
  })

  it('reports a thrown value without text as a task error, keeping its worker', async () => {
    const pool = WorkerPool.fromFunction(
      (n: number) => {
        if (n === 0) throw Object.create(null)
        return require('node:worker_threads').threadId
      },
      { size: 1 },
    )
    try {
      const worker = await pool.run(1)
      await expect(pool.run(0)).rejects.toThrow('the task failed with a value that has no text')
      await expect(pool.run(1)).resolves.toBe(worker)
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

  it('refuses resource limits node would silently ignore', () => {
    const cases: Array<[unknown, string]> = [
      [null, 'resourceLimits'],
      [{ maxOldGenerationSizeMb: 'lots' }, 'resourceLimits.maxOldGenerationSizeMb'],
      [{ maxOldGenerationSizeMB: 64 }, 'resourceLimits.maxOldGenerationSizeMB'],
      [{ stackSizeMb: -1 }, 'resourceLimits.stackSizeMb'],
      [new Map([['maxOldGenerationSizeMb', 32]]), 'resourceLimits'],
    ]
    for (const [resourceLimits, field] of cases) {
      expect(() =>
        WorkerPool.fromFunction((n: number) => n, {
          resourceLimits: resourceLimits as NonNullable<WorkerPoolOptions['resourceLimits']>,
        }),
      ).toThrow(expect.objectContaining({ code: 'AXON_INVALID_INPUT', field }))
    }
    // What a worker's own resourceLimits reads (0 is node's default) can be passed on.
    const pool = WorkerPool.fromFunction((n: number) => n, {
      resourceLimits: { maxOldGenerationSizeMb: 64, codeRangeSizeMb: 0, stackSizeMb: 4 },
    })
    void pool.close()
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
    // A refused task leaves nothing on the caller's signal.
    const signal = new AbortController().signal
    for (let i = 0; i < 20; i++) await expect(pool.run(1, { signal })).rejects.toThrow('full')
    expect(getEventListeners(signal, 'abort')).toHaveLength(0)
    await expect(first).resolves.toBe(100)
    await expect(second).resolves.toBe(1)
    await pool.close()
    await expect(pool.run(1)).rejects.toThrow('closed')
  })
})
