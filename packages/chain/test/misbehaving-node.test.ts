import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { WebSocketServer } from 'ws'
import { ChainErrorCode, endpointLabel, ResilientProvider, Subtensor } from '../src/index.js'

/**
 * A node of our own making: it answers pings (ws does that), and answers requests only by
 * `answer`, which may stay silent (undefined).
 */
async function fakeNode(
  answer: (request: { id: number; method: string }) => object | undefined = () => undefined,
) {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' })
  await once(server, 'listening')
  server.on('connection', (socket) => {
    socket.on('message', (data) => {
      const request = JSON.parse(data.toString()) as { id: number; method: string }
      const reply = answer(request)
      if (reply !== undefined)
        socket.send(JSON.stringify({ jsonrpc: '2.0', id: request.id, ...reply }))
    })
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `ws://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

const closers: (() => Promise<void>)[] = []
afterEach(async () => {
  vi.restoreAllMocks()
  await Promise.all(closers.splice(0).map((close) => close()))
})

async function connected(url: string, timeoutMs: number): Promise<ResilientProvider> {
  const provider = new ResilientProvider({ endpoints: [url], timeoutMs })
  closers.push(() => provider.disconnect())
  const up = new Promise<void>((resolve) => provider.on('connected', () => resolve()))
  await provider.connect()
  await up
  return provider
}

describe('a node that misbehaves', () => {
  it('gathers no listeners by answering pings but no requests', async () => {
    const node = await fakeNode()
    closers.push(node.close)
    const provider = await connected(node.url, 100)
    const warnings: Error[] = []
    const onWarning = (warning: Error) => warnings.push(warning)
    process.on('warning', onWarning)
    try {
      for (let i = 0; i < 15; i++) {
        await expect(provider.send('system_health', [])).rejects.toMatchObject({
          code: ChainErrorCode.Timeout,
        })
      }
      await new Promise((resolve) => setImmediate(resolve))
      expect(warnings.map((w) => w.name)).not.toContain('MaxListenersExceededWarning')
    } finally {
      process.off('warning', onWarning)
    }
  })

  it('cannot put control characters or 64 KB of its own text into an error message', async () => {
    const node = await fakeNode(() => ({
      error: {
        code: -32000,
        message: 'Execution failed\nmetagraph refresh recovered\u001b[2J',
        data: 'x'.repeat(65_536),
      },
    }))
    closers.push(node.close)
    const provider = await connected(node.url, 2_000)
    const error = (await provider.send('state_call', []).catch((e: unknown) => e)) as Error & {
      data: unknown
    }
    expect(error.message).not.toMatch(/\p{Cc}/u)
    expect(error.message.length).toBeLessThan(1_000)
    expect(error.message).toMatch(
      /^-32000: Execution failed\?metagraph refresh recovered\?\[2J: x+… \(65536 characters\) \(state_call\)$/,
    )
    // The whole of what it sent is still there for code that wants it.
    expect(error.data).toHaveLength(65_536)
  })

  it('leaves no polkadot-js log lines behind a session that never starts', async () => {
    const node = await fakeNode()
    closers.push(node.close)
    const logged = [vi.spyOn(console, 'error'), vi.spyOn(console, 'warn'), vi.spyOn(console, 'log')]
    const error = await Subtensor.connect({ network: node.url, timeoutMs: 500 }).catch(
      (e: unknown) => e,
    )
    expect(error).toMatchObject({ code: ChainErrorCode.Unreachable })
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(logged.flatMap((spy) => spy.mock.calls)).toEqual([])
  })
})

describe('a node that refuses to serve', () => {
  it('is named with its reason in one error, and polkadot-js logs nothing', async () => {
    const node = await fakeNode(() => ({ error: { code: -32999, message: 'Invalid API key' } }))
    closers.push(node.close)
    const logged = [vi.spyOn(console, 'error'), vi.spyOn(console, 'warn'), vi.spyOn(console, 'log')]
    const error = (await Subtensor.connect({ network: node.url, timeoutMs: 2_000 }).catch(
      (e: unknown) => e,
    )) as Error & { code: string }
    expect(error.code).toBe(ChainErrorCode.NodeError)
    expect(error.message).toMatch(/refused to start a session: -32999: Invalid API key/)
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(logged.flatMap((spy) => spy.mock.calls)).toEqual([])
  })
})

describe('endpoints in messages', () => {
  it('show no credentials, path or query', () => {
    expect(endpointLabel('ws://127.0.0.1:9944')).toBe('ws://127.0.0.1:9944')
    expect(endpointLabel('wss://entrypoint-finney.opentensor.ai:443')).toBe(
      'wss://entrypoint-finney.opentensor.ai',
    )
    expect(endpointLabel('wss://operator:hunter2@rpc.example.com/v1/KEY123?apikey=SECRET')).toBe(
      'wss://rpc.example.com/…?…',
    )
  })

  it('are shown that way in connection errors', async () => {
    const error = (await Subtensor.connect({
      network: 'ws://operator:hunter2@127.0.0.1:1/ws?apikey=SECRET',
      timeoutMs: 500,
    }).catch((e: unknown) => e)) as Error
    expect(error.message).toContain('ws://127.0.0.1:1/…?…')
    expect(error.message).not.toMatch(/hunter2|SECRET|operator/)
    const notWs = (await Subtensor.connect({
      network: 'https://operator:hunter2@rpc.example.com/v1/KEY123?apikey=SECRET',
    }).catch((e: unknown) => e)) as Error
    expect(notWs.message).toContain('got https://rpc.example.com/…?…')
    expect(notWs.message).not.toMatch(/hunter2|SECRET|KEY123/)
  })
})
