import { execFile } from 'node:child_process'
import { createServer, type Server } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterEach, describe, expect, it } from 'vitest'
import type { PacedResult, Plan } from '../src/paced-load.js'

const script = fileURLToPath(new URL('../dist/paced-load.js', import.meta.url))
const run = promisify(execFile)

let server: Server | undefined
const sockets = new Set<Socket>()

afterEach(async () => {
  for (const socket of sockets) socket.destroy()
  sockets.clear()
  await new Promise((resolve) => server?.close(resolve))
  server = undefined
})

/** A real HTTP server on loopback; `answer` decides what each request gets. */
async function serve(answer: Parameters<typeof createServer>[1]): Promise<number> {
  server = createServer(answer)
  server.on('connection', (socket) => sockets.add(socket))
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve))
  return (server.address() as AddressInfo).port
}

async function paced(plan: Omit<Plan, 'kind' | 'connections'>): Promise<PacedResult> {
  const full: Plan = { kind: 'hello', connections: 4, ...plan }
  const { stdout } = await run(process.execPath, [script, JSON.stringify(full)])
  return JSON.parse(stdout) as PacedResult
}

describe('paced-load.js', () => {
  it('measures answered requests', async () => {
    const port = await serve((_request, response) => response.end('hello'))
    const result = await paced({ port, rate: 100, durationS: 1 })
    expect(result.statuses).toEqual({ 200: 100 })
    expect(result.errors).toBe(0)
    expect(result.p99).toBeGreaterThan(0)
    expect(result.max).toBeGreaterThanOrEqual(result.p99)
  })

  it('never counts a failed request as a fast one', async () => {
    const port = await serve((request) => request.socket.destroy())
    const result = await paced({ port, rate: 100, durationS: 1 })
    expect(result.errors).toBe(100)
    expect(result.statuses).toEqual({})
    // Infinity, which JSON writes as null: there is no latency to report.
    expect(result.p50).toBeNull()
    expect(result.p99).toBeNull()
  })

  it('ranks failures above every answer', async () => {
    let n = 0
    // One of the four sockets is cut near the end: it and the requests left on it fail.
    const port = await serve((request, response) => {
      if (n++ === 90) request.socket.destroy()
      else response.end('hello')
    })
    const result = await paced({ port, rate: 100, durationS: 1 })
    expect(result.errors).toBeGreaterThan(0)
    expect(result.p50).toBeGreaterThan(0)
    expect(result.p99).toBeNull()
  })

  it('gives up on a server that never answers', async () => {
    const port = await serve(() => {})
    const started = Date.now()
    const result = await paced({ port, rate: 50, durationS: 1, graceS: 1 })
    expect(Date.now() - started).toBeLessThan(20_000)
    expect(result.errors).toBe(50)
    expect(result.max).toBeNull()
  })
})
