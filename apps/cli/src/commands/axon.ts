import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { isIP, type Socket } from 'node:net'
import { Axon } from '@taokit/axon'
import { LiveMetagraph } from '@taokit/chain'
import type { Keypair } from '@taokit/keys'
import { Dummy } from '@taokit/synapse'
import type { Command } from 'commander'
import { UsageError } from '../errors.js'
import type { Output } from '../io.js'
import {
  connectFrom,
  defaultNetwork,
  NETWORK_FLAGS,
  NETWORK_HELP,
  parseInteger,
} from './chain-options.js'
import { addSignerOptions, type SignerOptions, signerFrom } from './wallet-options.js'

interface ServeOptions extends SignerOptions {
  port: string
  host: string
  externalIp?: string
  maxBodyBytes?: string
  netuid?: string
  network?: string
  json?: boolean
  quiet?: boolean
}

/** What `axon serve` listens with, checked before any key is loaded. */
interface ServeSettings {
  port: number
  host: string
  externalIp?: string
  maxBodyBytes?: number
  /** Only this subnet's validators are served. */
  netuid?: number
}

function settingsOf(options: ServeOptions): ServeSettings {
  const port = parseInteger(options.port, '--port', 65535)
  const host = options.host.trim()
  if (host === '') throw new UsageError('--host: expected an address to listen on', 'host')
  const settings: ServeSettings = { port, host }
  if (options.externalIp !== undefined) {
    if (isIP(options.externalIp) === 0) {
      throw new UsageError(
        `--external-ip: expected an IPv4 or IPv6 address, got ${JSON.stringify(options.externalIp)}`,
        'external-ip',
      )
    }
    settings.externalIp = options.externalIp
  }
  if (options.maxBodyBytes !== undefined) {
    const max = parseInteger(options.maxBodyBytes, '--max-body-bytes', 2 ** 31 - 1)
    if (max < 1) {
      throw new UsageError('--max-body-bytes: expected at least 1', 'max-body-bytes')
    }
    settings.maxBodyBytes = max
  }
  if (options.netuid !== undefined) {
    settings.netuid = parseInteger(options.netuid, '--netuid', 65535)
  } else if (options.network !== undefined) {
    throw new UsageError(
      '--network: read only to find the validators of --netuid; add --netuid <subnet>',
      'network',
    )
  }
  return settings
}

/** Prints a warning on stderr, as a JSON line under --json. */
function warn(out: Output, json: boolean, warning: string): void {
  out.stderr(json ? JSON.stringify({ warning }) : `warning: ${warning}`)
}

/**
 * Connects to `network` and follows subnet `netuid`'s metagraph, which the axon's default
 * policy reads: only registered validators get in, higher stake first.
 */
async function followSubnet(
  netuid: number,
  network: string,
  onRefreshError: (error: unknown, live: LiveMetagraph) => void,
): Promise<{ live: LiveMetagraph; close: () => Promise<void> }> {
  const subtensor = await connectFrom({ network })
  try {
    const live: LiveMetagraph = await LiveMetagraph.start(subtensor, netuid, {
      onError: (error) => onRefreshError(error, live),
    })
    const close = async () => {
      live.close()
      await subtensor.close()
    }
    return { live, close }
  } catch (error) {
    await subtensor.close()
    throw error
  }
}

/** `http://host:port`, with an IPv6 host in brackets. */
function endpointOf(host: string, port: number): string {
  return `http://${isIP(host) === 6 ? `[${host}]` : host}:${port}`
}

/** Names the option behind a failure to listen (a port in use, an address not on this machine). */
function listenError(error: unknown, settings: ServeSettings): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  if (code === 'EADDRINUSE')
    return new UsageError(`--port: ${settings.port} is already in use on ${settings.host}`, 'port')
  if (code === 'EACCES')
    return new UsageError(`--port: not allowed to listen on ${settings.port} (EACCES)`, 'port')
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return new UsageError(
      `--host: cannot listen on ${JSON.stringify(settings.host)} (${code})`,
      'host',
    )
  return error
}

interface RequestStart {
  request: IncomingMessage
  response: ServerResponse
  socket: Socket
}

/**
 * Logs one line per request the server on `port` answers: method, route, the caller's
 * claimed hotkey, status and milliseconds. Node's `http.server.request.start` channel sees
 * every request, the ones the axon refuses included, without reaching into the axon.
 * Returns the unsubscribe function.
 */
function logRequests(port: () => number | undefined, line: (entry: RequestLog) => void) {
  const onStart = (message: unknown) => {
    const { request, response, socket } = message as RequestStart
    if (socket.localPort !== port()) return
    const start = process.hrtime.bigint()
    response.once('close', () => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6
      const hotkey =
        request.headers.bt_header_dendrite_hotkey ?? request.headers['epistula-signed-by']
      line({
        method: request.method ?? '?',
        route: (request.url ?? '').split('?')[0] ?? '',
        hotkey: typeof hotkey === 'string' && hotkey !== '' ? hotkey : null,
        status: response.writableFinished ? response.statusCode : null,
        ms: Math.round(ms * 100) / 100,
      })
    })
  }
  subscribe('http.server.request.start', onStart)
  return () => unsubscribe('http.server.request.start', onStart)
}

interface RequestLog {
  method: string
  route: string
  /** The `bt_header_dendrite_hotkey` (or Epistula signer) the caller claims; null if none. */
  hotkey: string | null
  /** The status sent; null when the connection closed before the response was finished. */
  status: number | null
  ms: number
}

function formatLog(entry: RequestLog): string {
  const status = entry.status === null ? 'aborted' : String(entry.status)
  return `${entry.method} ${entry.route} from ${entry.hotkey ?? '-'} ${status} ${entry.ms.toFixed(1)}ms`
}

/** Resolves with the first SIGINT or SIGTERM; later ones get Node's default (exit at once). */
function nextStopSignal(): { signal: Promise<NodeJS.Signals>; cancel: () => void } {
  let cancel = () => {}
  const signal = new Promise<NodeJS.Signals>((resolve) => {
    const on = (name: NodeJS.Signals) => {
      cancel()
      resolve(name)
    }
    process.once('SIGINT', on)
    process.once('SIGTERM', on)
    cancel = () => {
      process.off('SIGINT', on)
      process.off('SIGTERM', on)
    }
  })
  return { signal, cancel }
}

async function serve(options: ServeOptions, out: Output): Promise<void> {
  const settings = settingsOf(options)
  const keypair = await signerFrom(options, 'hotkey')
  const json = options.json === true
  const subnet =
    settings.netuid === undefined
      ? undefined
      : await followSubnet(settings.netuid, options.network ?? defaultNetwork(), (error, live) => {
          const why = error instanceof Error ? error.message : String(error)
          const block = live.metagraph.block
          warn(out, json, `metagraph refresh failed (${why}); still using block ${block}'s`)
        })
  try {
    await serveAxon(settings, keypair, subnet?.live, options, out)
  } finally {
    await subnet?.close()
  }
}

async function serveAxon(
  settings: ServeSettings,
  keypair: Keypair,
  metagraph: LiveMetagraph | undefined,
  options: ServeOptions,
  out: Output,
): Promise<void> {
  const axon = new Axon({
    keypair,
    port: settings.port,
    host: settings.host,
    ...(settings.externalIp === undefined ? {} : { externalIp: settings.externalIp }),
    ...(settings.maxBodyBytes === undefined ? {} : { maxBodyBytes: settings.maxBodyBytes }),
    ...(metagraph === undefined ? {} : { metagraph }),
  })
  // The subnet template's miner: the SDK's Dummy forward.
  axon.attach(Dummy, {
    forward: (synapse) => ({ ...synapse, dummy_output: synapse.dummy_input * 2 }),
  })

  const stop = nextStopSignal()
  const json = options.json === true
  const quiet = options.quiet === true
  const unlog = quiet
    ? () => {}
    : logRequests(
        () => axon.port,
        (entry) => out.stderr(json ? JSON.stringify(entry) : formatLog(entry)),
      )
  try {
    let port: number
    try {
      port = await axon.start()
    } catch (error) {
      throw listenError(error, settings)
    }
    const endpoint = endpointOf(settings.host, port)
    if (json) {
      out.stdout(
        JSON.stringify({
          endpoint,
          host: settings.host,
          port,
          hotkey: axon.hotkey,
          externalIp: settings.externalIp ?? null,
          synapses: [Dummy.name],
          netuid: metagraph?.netuid ?? null,
        }),
      )
    } else {
      out.stdout(`axon listening on ${endpoint} as ${axon.hotkey}`)
      if (!quiet) {
        out.stderr(`serving /${Dummy.name} (dummy_output = dummy_input * 2); Ctrl-C stops it`)
        out.stderr(
          metagraph === undefined
            ? 'no --netuid: every caller whose signature verifies is served'
            : `only validators of subnet ${metagraph.netuid} are served, higher stake first (metagraph of block ${metagraph.metagraph.block}, read again every 12 s)`,
        )
      }
    }
    if (metagraph !== undefined && !metagraph.isRegistered(axon.hotkey)) {
      warn(
        out,
        json,
        `${axon.hotkey} is not registered on subnet ${metagraph.netuid}: validators will not find this axon`,
      )
    }
    const signal = await stop.signal
    if (!quiet && !json) out.stderr(`${signal}: stopping the axon`)
  } finally {
    stop.cancel()
    unlog()
    await axon.stop()
  }
}

export function registerAxon(program: Command, out: Output): void {
  const axon = program
    .command('axon')
    .description("Serve synapses as a miner's axon (the legacy synapse protocol, SDK 10.x)")

  addSignerOptions(
    axon
      .command('serve')
      .summary('run an axon serving the Dummy synapse until Ctrl-C')
      .description(
        [
          "Run a miner's axon in the foreground, serving the subnet template's Dummy synapse at /Dummy: it answers dummy_output = dummy_input * 2. A Python SDK 10.x dendrite (or taokit's) can call it.",
          '',
          "The wallet's hotkey (or --uri) is the axon's identity: callers sign for its address. Signatures and nonces are always checked, and a missing or wrong signature gets 401. Prometheus metrics are at /metrics.",
          '',
          "With --netuid, only the subnet's registered validators (hotkeys holding a validator permit) are served; others get 403 before their body is read, and under load higher stake goes first. The metagraph is read from --network at start and every 12 s; if a read fails, the last one stays in use. Without --netuid, every caller whose signature verifies is served.",
          '',
          "It prints its endpoint on stdout, then one line per request on stderr (method, route, the caller's hotkey, status, milliseconds) unless --quiet. Ctrl-C (SIGINT) or SIGTERM stops it.",
        ].join('\n'),
      )
      .option('--port <port>', 'TCP port to listen on (0 picks a free one)', '8091')
      .option('--host <address>', 'address to listen on', '0.0.0.0')
      .option('--external-ip <ip>', 'the public IP to advertise (informational)')
      .option('--max-body-bytes <n>', 'refuse larger request bodies with 413 (default 1048576)')
      .option(
        '--netuid <netuid>',
        "serve only this subnet's registered validators (403 for anyone else), higher stake first, from its metagraph read every 12 s",
      )
      .option(NETWORK_FLAGS, `with --netuid: ${NETWORK_HELP}`)
      .option('--json', 'print the endpoint as one JSON line, and the request log as JSON lines')
      .option('--quiet', 'print only the endpoint, not the requests'),
    'hotkey',
  )
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  taokit axon serve --wallet.name miner --wallet.hotkey default --port 8091',
        '  taokit axon serve --uri //Bob --host 127.0.0.1 --port 0 --json',
        '  taokit axon serve --wallet.name miner --netuid 1 --network finney',
      ].join('\n'),
    )
    .action((options: ServeOptions) => serve(options, out))
}
