import { execFile, spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { promisify } from 'node:util'
import { Dendrite } from '@taokit/dendrite'
import { Keypair } from '@taokit/keys'
import { Dummy, TextPrompt } from '@taokit/synapse'
import { describe, expect, it } from 'vitest'
import { serveAxon } from './axon-serve.js'
import { root } from './npx.js'

// The real Python SDK, when this machine has it: TAOKIT_PYTHON names a python with
// bittensor 10.x installed (default `python3`). CI has none, so these tests skip there.
const python = process.env.TAOKIT_PYTHON ?? 'python3'
const script = join(root, 'test', 'python', 'sdk_interop.py')
const probe = spawnSync(python, ['-c', 'import bittensor; print(bittensor.__version__)'], {
  encoding: 'utf8',
})
const sdk = probe.status === 0 ? probe.stdout.trim() : undefined
const title = sdk?.startsWith('10.')
  ? `the Python SDK ${sdk}`
  : `the Python SDK (skipped: ${python} has no bittensor 10.x; set TAOKIT_PYTHON to one that has)`

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  server.close()
  return port
}

describe.skipIf(!sdk?.startsWith('10.'))(title, () => {
  it('its dendrite calls `npx taokit axon serve`, which refuses a request signed for another hotkey', async () => {
    const axon = await serveAxon(['--uri', '//Bob'])
    try {
      const { stdout } = await promisify(execFile)(
        python,
        [script, 'dendrite', String(axon.port), axon.hotkey],
        { timeout: 60_000 },
      )
      const result = JSON.parse(stdout.trim().split('\n').pop()!)
      // `npx taokit axon serve` serves Dummy only: TextPrompt is an unknown synapse there.
      expect(result).toEqual({
        dummy: { status: 200, output: 42 },
        prompt: { status: 404, completion: null },
        refused: { status: 401 },
      })
    } finally {
      await axon.interrupt()
    }
  })

  it('its axon answers our dendrite, and refuses what was signed for another hotkey', async () => {
    const wallets = mkdtempSync(join(tmpdir(), 'taokit-python-axon-'))
    const port = await freePort()
    const child = spawn(python, [script, 'axon', String(port), wallets], {
      stdio: ['pipe', 'pipe', 'inherit'],
    })
    const dendrite = new Dendrite({ keypair: Keypair.fromUri('//Alice') })
    try {
      const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string]
      const { hotkey } = JSON.parse(line) as { hotkey: string }
      expect(hotkey).toBe(Keypair.fromUri('//Ferdie').address)
      const target = { ip: '127.0.0.1', port, hotkey }
      const dummy = await dendrite.query([target], Dummy, Dummy.create({ dummy_input: 21 }), {
        timeoutMs: 10_000,
      })
      expect([dummy.results[0]?.status, dummy.results[0]?.synapse?.dummy_output]).toEqual([200, 42])
      const prompt = await dendrite.query(
        [target],
        TextPrompt,
        TextPrompt.create({ prompt: 'héllo', stop: ['\n'] }),
        { timeoutMs: 10_000 },
      )
      expect(prompt.results[0]?.status).toBe(200)
      expect(prompt.results[0]?.synapse?.completion).toBe('HÉLLO')
      const stranger = { ...target, hotkey: Keypair.fromUri('//Eve').address }
      const refused = await dendrite.query([stranger], Dummy, Dummy.create({ dummy_input: 1 }), {
        timeoutMs: 10_000,
      })
      expect(refused.results[0]?.status).toBe(401)
    } finally {
      await dendrite.close()
      child.stdin.end()
      await once(child, 'exit')
      rmSync(wallets, { recursive: true, force: true })
    }
  })
})
