import { connect } from 'node:net'
import { Dendrite } from '@taokit/dendrite'
import { Keypair } from '@taokit/keys'
import { Dummy } from '@taokit/synapse'
import { expect, it } from 'vitest'
import { serveAxon } from './axon-serve.js'
import { npxTaokit } from './npx.js'
import { waitFor } from './wait.js'

/** Whether a TCP connection to 127.0.0.1:`port` is accepted. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

it('npx taokit axon serve answers a signed Dummy, refuses one signed for another hotkey, and stops on Ctrl-C', async () => {
  const alice = Keypair.fromUri('//Alice')
  const bob = Keypair.fromUri('//Bob')
  const charlie = Keypair.fromUri('//Charlie')
  const axon = await serveAxon(['--uri', '//Bob'])
  const { port } = axon
  const dendrite = new Dendrite({ keypair: alice })
  try {
    expect(port).toBeGreaterThan(0)
    expect(axon.hotkey).toBe(bob.address)

    const ok = await dendrite.query(
      [{ ip: '127.0.0.1', port, hotkey: bob.address }],
      Dummy,
      Dummy.create({ dummy_input: 21 }),
      { timeoutMs: 5000 },
    )
    const [answer] = ok.results
    expect(answer?.status).toBe(200)
    expect(answer?.synapse?.dummy_output).toBe(42)

    // Signed for Charlie's axon: Bob's axon must not accept it.
    const wrong = await dendrite.query(
      [{ ip: '127.0.0.1', port, hotkey: charlie.address }],
      Dummy,
      Dummy.create({ dummy_input: 21 }),
      { timeoutMs: 5000 },
    )
    expect(wrong.results[0]?.status).toBe(401)
    expect(wrong.results[0]?.synapse?.dummy_output ?? null).toBeNull()

    // One log line per request on stderr: route, caller, status, why refused, milliseconds.
    await waitFor(axon.stderr, new RegExp(`POST /Dummy from ${alice.address} 200 [\\d.]+ms`))
    await waitFor(
      axon.stderr,
      new RegExp(
        `POST /Dummy from ${alice.address} \\(unverified\\) 401 \\(signature_mismatch\\) [\\d.]+ms`,
      ),
    )
  } finally {
    await dendrite.close()
    void axon.interrupt()
  }
  // npx itself dies of the SIGINT, as it does under a terminal; the axon must stop too.
  const { code, signal } = await axon.interrupt()
  expect(code === 0 || signal === 'SIGINT').toBe(true)
  const deadline = Date.now() + 10_000
  while ((await accepts(port)) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  expect(await accepts(port)).toBe(false)
})

it('npx taokit axon serve keeps serving when the reader of its log goes away', async () => {
  const bob = Keypair.fromUri('//Bob')
  const axon = await serveAxon(['--uri', '//Bob'])
  const dendrite = new Dendrite({ keypair: Keypair.fromUri('//Alice') })
  try {
    axon.closeStderr()
    for (let i = 0; i < 3; i++) {
      const batch = await dendrite.query(
        [{ ip: '127.0.0.1', port: axon.port, hotkey: bob.address }],
        Dummy,
        Dummy.create({ dummy_input: i }),
        { timeoutMs: 5000 },
      )
      expect(batch.results[0]?.status).toBe(200)
    }
  } finally {
    await dendrite.close()
  }
  const { code, signal } = await axon.interrupt()
  expect(code === 0 || signal === 'SIGINT').toBe(true)
})

it('npx taokit axon serve refuses a port out of range with exit code 2, naming --port', () => {
  const result = npxTaokit(['axon', 'serve', '--port', '70000', '--uri', '//Bob'])
  expect(result.status).toBe(2)
  expect(result.stderr).toContain('--port')
  expect(result.stdout).toBe('')
})
