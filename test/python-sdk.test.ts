import { execFile, spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { promisify } from 'node:util'
import { Axon, streamReply } from '@taokit/axon'
import { Dendrite } from '@taokit/dendrite'
import { Keypair } from '@taokit/keys'
import { Dummy, defineSynapse, field, TextPrompt } from '@taokit/synapse'
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

/** The Python side's `TextStream(bt.StreamingSynapse)`. */
const TextStream = defineSynapse(
  'TextStream',
  { prompt: field.str(), completion: field.str().default('') },
  { requiredHashFields: ['prompt'] },
)
const WORDS = 'data: the\n\ndata: quick\n\ndata: brown\n\ndata: fox\n\n'

/** Runs `body` against the SDK's axon (`sdk_interop.py axon`) with a dendrite of ours. */
async function withPythonAxon(
  body: (target: { ip: string; port: number; hotkey: string }, dendrite: Dendrite) => Promise<void>,
): Promise<void> {
  const wallets = mkdtempSync(join(tmpdir(), 'taokit-python-axon-'))
  const port = await freePort()
  const child = spawn(python, [script, 'axon', String(port), wallets], {
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  const dendrite = new Dendrite({ keypair: Keypair.fromUri('//Alice') })
  try {
    const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string]
    const { hotkey } = JSON.parse(line) as { hotkey: string }
    await body({ ip: '127.0.0.1', port, hotkey }, dendrite)
  } finally {
    await dendrite.close()
    child.stdin.end()
    await once(child, 'exit')
    rmSync(wallets, { recursive: true, force: true })
  }
}

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
        ping: { status: 200 },
      })
    } finally {
      await axon.interrupt()
    }
  })

  it('its axon answers our dendrite, and refuses what was signed for another hotkey', async () => {
    await withPythonAxon(async (target, dendrite) => {
      expect(target.hotkey).toBe(Keypair.fromUri('//Ferdie').address)
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
    })
  })
  it('its dendrite streams from our axon with call_stream', async () => {
    const miner = Keypair.fromUri('//Miner//python-stream')
    const axon = new Axon({ keypair: miner, port: 0, host: '127.0.0.1' })
    axon.attach(TextStream, {
      forward: (synapse) =>
        streamReply(
          synapse,
          synapse.prompt.split(' ').map((word) => `data: ${word}\n\n`),
        ),
    })
    const port = await axon.start()
    try {
      const { stdout } = await promisify(execFile)(
        python,
        [script, 'stream', String(port), miner.address],
        { timeout: 60_000 },
      )
      const result = JSON.parse(stdout.trim().split('\n').pop()!)
      expect(result).toEqual({ text: WORDS, status: 200, message: 'Success', completion: WORDS })
    } finally {
      await axon.stop()
    }
  })

  it('its axon streams a StreamingSynapse to our dendrite', async () => {
    await withPythonAxon(async (target, dendrite) => {
      const stream = await dendrite.stream(
        target,
        TextStream,
        TextStream.create({ prompt: 'the quick brown fox' }),
        { timeoutMs: 10_000 },
      )
      expect(stream.status).toBe(200)
      expect(stream.headers['content-type']).toBe('text/event-stream')
      expect(stream.synapse.axon).toMatchObject({ status_code: 200, hotkey: target.hotkey })
      let text = ''
      for await (const piece of stream.text()) text += piece
      expect(text).toBe(WORDS)
    })
  })
})
