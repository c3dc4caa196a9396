import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { DevnetError, startDevnet } from '../src/index.js'

async function refusal(options: Parameters<typeof startDevnet>[0]): Promise<DevnetError> {
  const error = await startDevnet(options).then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(DevnetError)
  return error as DevnetError
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

describe('startDevnet', () => {
  it('names a host, data folder or fork file it cannot use, before starting anything', async () => {
    for (const [options, field] of [
      [{ host: 'localhost' }, 'host'],
      [{ host: 'fe80::1%lo' }, 'host'],
      [{ dataDir: '' }, 'dataDir'],
      [{ forkState: '' }, 'forkState'],
    ] as const) {
      const error = await refusal(options)
      expect([error.code, error.field]).toEqual(['DEVNET_INVALID_INPUT', field])
    }
  })

  it('listens on an IPv6 address, with the host in brackets in its URLs', async () => {
    const devnet = await startDevnet({ host: '::1' })
    try {
      expect(devnet.url).toBe(`ws://[::1]:${devnet.port}`)
      const response = await fetch(devnet.httpUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'system_chain', params: [] }),
      })
      expect(((await response.json()) as { result: unknown }).result).toEqual(expect.any(String))
    } finally {
      await devnet.stop()
    }
  })

  it('does not keep a script that forgets stop() alive, and ends with it', async () => {
    const script = `import('@taokit/devnet').then(async ({ startDevnet }) => {
      const devnet = await startDevnet()
      console.log(devnet.pid)
    })`
    const stopped = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const { startDevnet } = await import('@taokit/devnet')
        await (await startDevnet()).stop()
        const again = await startDevnet()
        await again.kill()
        console.log('after stop and kill')`,
      ],
      { cwd: new URL('..', import.meta.url), encoding: 'utf8', timeout: 20_000 },
    )
    // stop() and kill() still hold the script until the node has exited.
    expect([stopped.status, stopped.stdout.trim()]).toEqual([0, 'after stop and kill'])
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: new URL('..', import.meta.url),
      encoding: 'utf8',
      timeout: 20_000,
    })
    expect(run.status).toBe(0)
    const pid = Number(run.stdout.trim())
    expect(pid).toBeGreaterThan(0)
    await expect.poll(() => alive(pid), { timeout: 5_000 }).toBe(false)
  })
})
