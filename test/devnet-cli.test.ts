import { spawn } from 'node:child_process'
import { expect, it } from 'vitest'
import { root } from './npx.js'
import { waitFor } from './wait.js'

it('npx taokit devnet serves the chain, prints accounts and blocks, and stops on Ctrl-C', async () => {
  // Its own process group, so that Ctrl-C can be sent to the group as a terminal sends it.
  const child = spawn('npx', ['--no-install', 'taokit', 'devnet', '--port', '0'], {
    cwd: root,
    detached: true,
  })
  let stdout = ''
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString()
  })
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  )
  let call = async (_method: string): Promise<unknown> => undefined
  try {
    const [, httpHost] = await waitFor(() => stdout, /listening on ws:\/\/(\S+)/)
    await waitFor(
      () => stdout,
      /Alice +5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY +1000000 TAO/,
    )
    call = async (method: string) => {
      const response = await fetch(`http://${httpHost}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params: [] }),
      })
      return ((await response.json()) as { result: unknown }).result
    }
    expect(await call('system_chain')).toBe('Bittensor')
    await call('dev_newBlock')
    await waitFor(() => stdout, /block #1 0x[0-9a-f]{64}/)
  } finally {
    process.kill(-child.pid!, 'SIGINT')
  }
  // npx itself dies of the SIGINT, as it does under a terminal; the devnet must stop too.
  const { code, signal } = await exited
  expect(code === 0 || signal === 'SIGINT').toBe(true)
  await waitForRefusal(() => call('system_chain'))
})

/** Resolves once `request` fails to connect: nothing listens any more. */
async function waitForRefusal(request: () => Promise<unknown>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    try {
      await request()
    } catch {
      return
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error('the devnet still answers after Ctrl-C')
}
