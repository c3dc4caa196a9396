import { describe, expect, it } from 'vitest'
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
