import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { isIP } from 'node:net'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { DevnetError, DevnetErrorCode } from './errors.js'

export interface DevnetOptions {
  /** Port for WebSocket and HTTP JSON-RPC; 0 (the default) picks a free one. */
  port?: number
  host?: string
  /**
   * `'instant'` (the default: a block as soon as a transaction arrives), `'manual'` (blocks
   * only on `dev_newBlock`/`engine_createBlock`), or an interval in milliseconds.
   */
  blockTime?: 'instant' | 'manual' | number
  /** Keep blocks and state here, and resume from it when it already holds a chain. */
  dataDir?: string
  /** Start from the subnets and neurons this JSON genesis describes. */
  forkState?: string
  /** How long to wait for the node to listen; 15 s by default. */
  startTimeoutMs?: number
}

export interface Devnet {
  /** The WebSocket endpoint, e.g. `ws://127.0.0.1:38441`. */
  readonly url: string
  /** The same endpoint over HTTP. */
  readonly httpUrl: string
  readonly port: number
  /** The node's process id (for example, to read its memory use). */
  readonly pid: number
  /** Stops the node and waits for it to exit. */
  stop(): Promise<void>
  /**
   * Kills the node at once (SIGKILL), as a crash or power cut would. With `dataDir`, a new
   * devnet on the same folder resumes at the last finalized block.
   */
  kill(): Promise<void>
}

const BINARY = process.platform === 'win32' ? 'taokit-devnet.exe' : 'taokit-devnet'

/** Where the devnet binary is: the package's `bin/`, built by `npm install`. */
export function devnetBinary(): string {
  const path = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', BINARY)
  if (!existsSync(path)) {
    throw new DevnetError(
      DevnetErrorCode.BinaryMissing,
      `the devnet binary is missing at ${path}; run npm install at the repository root to build it`,
    )
  }
  return path
}

function path(field: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') throw invalid(field, 'a path, not empty')
  return value
}

function invalid(field: string, expected: string): DevnetError {
  return new DevnetError(DevnetErrorCode.InvalidInput, `${field}: expected ${expected}`, { field })
}

/** Reads a block time as written on a command line: `instant`, `manual`, `250ms` or `12s`. */
export function parseBlockTime(text: string): NonNullable<DevnetOptions['blockTime']> {
  if (text === 'instant' || text === 'manual') return text
  const match = /^(\d+)(ms|s)?$/.exec(text)
  const value = match === null ? Number.NaN : Number(match[1]) * (match[2] === 's' ? 1000 : 1)
  if (!Number.isSafeInteger(value) || value < 1)
    throw invalid('blockTime', `instant, manual, or a duration such as 250ms or 12s, got "${text}"`)
  return value
}

/**
 * Runs a devnet in the foreground, its output on this process's, until it exits or this
 * process is interrupted; resolves with its exit code.
 */
export function runDevnet(options: DevnetOptions & { quiet?: boolean } = {}): Promise<number> {
  const args = devnetArgs({ port: 9944, ...options })
  if (options.quiet === true) args.push('--quiet')
  // Standard input is a pipe the node watches: if this process dies, however it dies, the
  // pipe closes and the node stops instead of outliving it.
  args.push('--exit-with-stdin')
  const child = spawn(devnetBinary(), args, { stdio: ['pipe', 'inherit', 'inherit'] })
  const forward = (signal: NodeJS.Signals) => () => child.kill(signal)
  const onInt = forward('SIGINT')
  const onTerm = forward('SIGTERM')
  process.on('SIGINT', onInt)
  process.on('SIGTERM', onTerm)
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', (code, signal) => {
      process.off('SIGINT', onInt)
      process.off('SIGTERM', onTerm)
      resolve(code ?? (signal === 'SIGINT' || signal === 'SIGTERM' ? 0 : 1))
    })
  })
}

/** The binary's arguments for `options`. */
export function devnetArgs(options: DevnetOptions): string[] {
  const args: string[] = []
  const port = options.port ?? 0
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw invalid('port', '0..65535')
  args.push('--port', String(port))
  if (options.host !== undefined) {
    // An IPv6 zone (fe80::1%eth0) passes isIP but not the node's parser.
    if (
      typeof options.host !== 'string' ||
      isIP(options.host) === 0 ||
      options.host.includes('%')
    ) {
      throw invalid('host', 'an IP address to listen on, such as 127.0.0.1 or ::1')
    }
    args.push('--host', options.host)
  }
  const blockTime = options.blockTime ?? 'instant'
  if (typeof blockTime === 'number') {
    if (!Number.isInteger(blockTime) || blockTime < 1)
      throw invalid('blockTime', 'a whole number of milliseconds ≥ 1')
    args.push('--block-time', `${blockTime}ms`)
  } else if (blockTime === 'instant' || blockTime === 'manual') {
    args.push('--block-time', blockTime)
  } else {
    throw invalid('blockTime', "'instant', 'manual' or milliseconds")
  }
  // An empty path would be the current folder, written to without anyone asking. Attached
  // with '=', a path that starts with '--' is still read as the path.
  if (options.dataDir !== undefined) args.push(`--data-dir=${path('dataDir', options.dataDir)}`)
  if (options.forkState !== undefined) {
    args.push(`--fork-state=${path('forkState', options.forkState)}`)
  }
  return args
}

function waitForExit(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve()
    else child.once('exit', () => resolve())
  })
}

/**
 * Starts a devnet in a child process and resolves once it listens. The node stops with
 * `stop()`, and on its own if this process exits.
 */
export function startDevnet(options: DevnetOptions = {}): Promise<Devnet> {
  let args: string[]
  try {
    args = [...devnetArgs(options), '--quiet', '--exit-with-stdin']
  } catch (error) {
    // Bad options reject, as every other failure to start does.
    return Promise.reject(error)
  }
  const child = spawn(devnetBinary(), args, { stdio: ['pipe', 'pipe', 'pipe'] })
  const timeoutMs = options.startTimeoutMs ?? 15_000
  let output = ''
  return new Promise<Devnet>((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer)
      child.kill('SIGKILL')
      reject(
        new DevnetError(
          DevnetErrorCode.StartFailed,
          `the devnet did not start: ${why}${output ? `\n${output.trim()}` : ''}`,
        ),
      )
    }
    const timer = setTimeout(() => fail(`not listening after ${timeoutMs} ms`), timeoutMs)
    let notices = ''
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      notices += chunk.toString()
    })
    child.once('error', (error) => fail(error.message))
    child.once('exit', (code) => fail(`it exited with code ${code}`))
    let started = false
    child.stdout?.on('data', (chunk: Buffer) => {
      if (started) return
      output += chunk.toString()
      // An IPv6 host is printed in brackets, as URLs write it.
      const match = /ws:\/\/(\[[^\]\s]+\]|[^\s:/]+):(\d+)/.exec(output)
      if (match === null) return
      started = true
      clearTimeout(timer)
      child.removeAllListeners('exit')
      child.removeAllListeners('error')
      // A running devnet does not keep this process alive: it exits with it (its stdin
      // closes), so a script that forgets stop() still ends.
      child.unref()
      for (const stream of [child.stdin, child.stdout, child.stderr]) {
        ;(stream as { unref?: () => void } | null)?.unref?.()
      }
      // What the binary says on stderr and still starts (a --fork-state it did not read)
      // would otherwise be seen by nobody.
      for (const notice of notices.matchAll(/^taokit-devnet: (.+)$/gm)) {
        process.emitWarning(notice[1]!, { code: 'TAOKIT_DEVNET_NOTICE' })
      }
      const [url, host, port] = match as unknown as [string, string, string]
      resolve({
        url,
        httpUrl: `http://${host}:${port}`,
        port: Number(port),
        pid: child.pid ?? 0,
        async stop() {
          // Held again while it exits: an unref'd child would let `await stop()` end the
          // process before the node is gone.
          child.ref()
          const exited = waitForExit(child)
          child.kill('SIGTERM')
          await exited
        },
        async kill() {
          child.ref()
          const exited = waitForExit(child)
          child.kill('SIGKILL')
          await exited
        },
      })
    })
  })
}
