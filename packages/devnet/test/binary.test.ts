import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { devnetBinary, startDevnet } from '../src/index.js'

const dir = mkdtempSync(join(tmpdir(), 'taokit-devnet-binary-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** The binary run to its end (every case here ends on its own), with what it printed. */
function run(args: string[]) {
  const result = spawnSync(devnetBinary(), args, { encoding: 'utf8', timeout: 30_000 })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

describe('the devnet binary', () => {
  it('refuses, with exit code 2, options it would otherwise misread', () => {
    for (const [args, message] of [
      [['--data-dir', '--quiet'], '--data-dir: expected a folder, got the option "--quiet"'],
      [['--quiet=false'], '--quiet: takes no value'],
      [['--data-dir', ''], '--data-dir: expected a folder, got an empty value'],
      [['--host', 'fe80::1', '--port', '0'], '--host/--port: cannot listen on [fe80::1]:0'],
    ] as const) {
      const result = run([...args])
      expect(result.code, args.join(' ')).toBe(2)
      expect(result.stderr, args.join(' ')).toContain(`taokit-devnet: ${message}`)
      expect(result.stderr).not.toMatch(/panicked/)
    }
  })

  it('says it does not read --fork-state when --data-dir already holds a chain', async () => {
    const dataDir = join(dir, 'resumed')
    const devnet = await startDevnet({ dataDir })
    await devnet.stop()
    const forkState = join(dir, 'fork.json')
    writeFileSync(forkState, JSON.stringify({ subnets: [] }))
    // Standard input closes at once, so the node stops as soon as it has started.
    const result = spawnSync(
      devnetBinary(),
      ['--port', '0', '--data-dir', dataDir, '--fork-state', forkState, '--exit-with-stdin'],
      { encoding: 'utf8', input: '', timeout: 30_000 },
    )
    expect(result.status).toBe(0)
    expect(result.stderr).toContain(`--fork-state not read: --data-dir ${dataDir} already holds`)
    // Through startDevnet, which keeps the binary's stderr, it comes as a process warning.
    const warnings: string[] = []
    const onWarning = (warning: Error) => warnings.push(warning.message)
    process.on('warning', onWarning)
    const again = await startDevnet({ dataDir, forkState })
    await again.stop()
    await new Promise((resolve) => setImmediate(resolve))
    process.off('warning', onWarning)
    // Once, though the node goes on printing after it has started.
    expect(warnings.filter((w) => w.startsWith('--fork-state not read'))).toHaveLength(1)
  })

  it('says a data directory is damaged instead of panicking, whichever page is hit', async () => {
    const dataDir = join(dir, 'damaged')
    const devnet = await startDevnet({ dataDir, blockTime: 'manual' })
    await fetch(devnet.httpUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'dev_newBlock',
        params: [{ count: 5 }],
      }),
    })
    await devnet.stop()
    const file = join(dataDir, 'devnet.redb')
    const intact = readFileSync(file)
    const outcomes = new Set<string>()
    for (let page = 4096; page < intact.length; page += 4096) {
      const bytes = Buffer.from(intact)
      for (let i = page; i < page + 32; i++) bytes[i] = bytes[i]! ^ 0xff
      writeFileSync(file, bytes)
      // Standard input closes at once, so a node that opens the chain stops straight away.
      const result = spawnSync(
        devnetBinary(),
        ['--port', '0', '--data-dir', dataDir, '--quiet', '--exit-with-stdin'],
        { encoding: 'utf8', input: '', timeout: 30_000 },
      )
      expect(result.stderr, `page at ${page}`).not.toMatch(/panicked|memory allocation/)
      expect([0, 2], `page at ${page}: ${result.stderr}`).toContain(result.status)
      if (/devnet\.redb is damaged/.test(result.stderr)) outcomes.add('damaged')
    }
    expect(outcomes).toContain('damaged')
  })

  it('keeps serving when whoever read its log goes away', async () => {
    const child = spawn(devnetBinary(), ['--port', '0', '--block-time', '20ms'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    try {
      const url = await new Promise<string>((resolve) => {
        child.stdout.once('data', (chunk: Buffer) => {
          resolve(/listening on ws:\/\/(\S+)/.exec(chunk.toString())![1]!)
        })
      })
      child.stdout.destroy()
      await new Promise((resolve) => setTimeout(resolve, 500))
      expect(child.exitCode).toBeNull()
      const response = await fetch(`http://${url}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'chain_getHeader', params: [] }),
      })
      expect(((await response.json()) as { result: { number: string } }).result.number).toMatch(
        /^0x/,
      )
      expect(stderr).not.toMatch(/panicked/)
    } finally {
      child.kill()
    }
  })
})
