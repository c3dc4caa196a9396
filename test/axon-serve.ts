import { spawn } from 'node:child_process'
import { root } from './npx.js'
import { waitFor } from './wait.js'

/** A running `npx taokit axon serve`, in its own process group. */
export interface ServedAxon {
  port: number
  hotkey: string
  /** Everything it has logged on stderr so far. */
  stderr(): string
  /** Stops reading its stderr, as a closed pipe (`| head`) would: its writes then fail. */
  closeStderr(): void
  /** Ctrl-C to the group, as a terminal sends it (once); resolves with how npx exited. */
  interrupt(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

/** Starts `npx taokit axon serve --port 0 --host 127.0.0.1 <args>` and waits until it listens. */
export async function serveAxon(args: string[]): Promise<ServedAxon> {
  const child = spawn(
    'npx',
    ['--no-install', 'taokit', 'axon', 'serve', '--port', '0', '--host', '127.0.0.1', ...args],
    { cwd: root, detached: true },
  )
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString()
  })
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  )
  let interrupted = false
  const interrupt = () => {
    if (!interrupted) process.kill(-child.pid!, 'SIGINT')
    interrupted = true
    return exited
  }
  try {
    const [, port, hotkey] = await waitFor(
      () => stdout,
      /axon listening on http:\/\/127\.0\.0\.1:(\d+) as (\w+)/,
    )
    const closeStderr = () => child.stderr.destroy()
    return { port: Number(port), hotkey: hotkey!, stderr: () => stderr, closeStderr, interrupt }
  } catch (error) {
    await interrupt()
    throw error
  }
}
