import { isIP } from 'node:net'
import { Axon, type AxonRequestRecord } from '@taokit/axon'
import {
  ChainError,
  ChainErrorCode,
  endpointLabel,
  LiveMetagraph,
  resolveEndpoint,
} from '@taokit/chain'
import { isTaokitError } from '@taokit/core'
import type { Keypair } from '@taokit/keys'
import { Dummy } from '@taokit/synapse'
import type { Command } from 'commander'
import { UsageError } from '../errors.js'
import { examples } from '../help.js'
import type { Output } from '../io.js'
import { printable } from '../printable.js'
import {
  connectFrom,
  defaultNetwork,
  MAX_TIMEOUT_MS,
  NETWORK_FLAGS,
  NETWORK_HELP,
  networkSource,
  parseInteger,
} from './chain-options.js'
import { refreshReporter } from './refresh-report.js'
import { addSignerOptions, type SignerOptions, signerFrom } from './wallet-options.js'

interface ServeOptions extends SignerOptions {
  port: string
  host: string
  externalIp?: string
  maxBodyBytes?: string
  netuid?: string
  network?: string
  timeout?: string
  json?: boolean
  quiet?: boolean
}

/** What `axon serve` listens with, checked before any key is loaded. */
interface ServeSettings {
  port: number
  host: string
  externalIp?: string
  maxBodyBytes?: number
  /** Only this subnet's validators are served, as `endpoint` shows them. */
  subnet?: { netuid: number; network: string; endpoint: string; timeout: string | undefined }
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
    const network = options.network ?? defaultNetwork()
    settings.subnet = {
      netuid: parseInteger(options.netuid, '--netuid', 65535),
      network,
      endpoint: resolveEndpoint(network, networkSource(network)),
      timeout: options.timeout === undefined ? undefined : String(timeoutOf(options.timeout)),
    }
  } else if (options.network !== undefined || options.timeout !== undefined) {
    const option = options.network !== undefined ? '--network' : '--timeout'
    throw new UsageError(
      `${option}: read only to find the validators of --netuid; add --netuid <subnet>`,
      option.slice(2),
    )
  }
  return settings
}

function timeoutOf(text: string): number {
  const ms = parseInteger(text, '--timeout', MAX_TIMEOUT_MS)
  if (ms < 1)
    throw new UsageError(`--timeout: expected milliseconds in 1..${MAX_TIMEOUT_MS}`, 'timeout')
  return ms
}

/** Prints a warning on stderr, as a JSON line under --json. */
/**
 * Connects to `network` and follows subnet `netuid`'s metagraph, which the axon's default
 * policy reads: only registered validators get in, higher stake first.
 */
async function followSubnet(
  subnet: NonNullable<ServeSettings['subnet']>,
  report: ReturnType<typeof refreshReporter>,
): Promise<{ live: LiveMetagraph; close: () => Promise<void> }> {
  const { netuid, network, timeout } = subnet
  const subtensor = await connectFrom(
    timeout === undefined ? { network } : { network, timeout },
  ).catch((error: unknown) => {
    if (isTaokitError(error) && error.code === ChainErrorCode.Unreachable) {
      // Still Unreachable (exit code 3), naming the option that chose the node.
      throw new ChainError(ChainErrorCode.Unreachable, `--network: ${error.message}`, {
        field: 'network',
      })
    }
    throw error
  })
  try {
    const live: LiveMetagraph = await LiveMetagraph.start(subtensor, netuid, {
      onError: (error) => report.onError(error, live),
      onRefresh: () => report.onRefresh(live),
    })
    const close = async () => {
      live.close()
      await subtensor.close()
    }
    return { live, close }
  } catch (error) {
    await subtensor.close()
    throw isTaokitError(error) && error.code === ChainErrorCode.SubnetNotFound
      ? new UsageError(`--netuid: ${error.message.replace(/^netuid: /, '')}`, 'netuid')
      : error
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

interface RequestLog {
  method: string
  route: string
  /** The verified caller, else the hotkey the request claims (cut short); null if none. */
  hotkey: string | null
  /** Whether `hotkey` signed the request; a claimed one is the caller's to choose. */
  verified: boolean
  status: number
  /** Why the axon refused the request (`rejectionMessage` has the text sent); null if served. */
  reason: string | null
  ms: number
}

/** Control characters from the caller would rewrite a terminal; they show as `?`. */
function logEntry(record: AxonRequestRecord): RequestLog {
  return {
    method: record.method,
    route: printable(record.path),
    hotkey: record.hotkey === undefined ? null : printable(record.hotkey),
    verified: record.verified,
    status: record.status,
    reason: record.reason ?? null,
    ms: Math.round(record.seconds * 100_000) / 100,
  }
}

function formatLog(entry: RequestLog): string {
  const why = entry.reason === null ? '' : ` (${entry.reason})`
  const from =
    entry.hotkey === null ? '-' : `${entry.hotkey}${entry.verified ? '' : ' (unverified)'}`
  return `${entry.method} ${entry.route} from ${from} ${entry.status}${why} ${entry.ms.toFixed(1)}ms`
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
  const json = options.json === true
  const notice =
    options.quiet === true
      ? undefined
      : (text: string) => out.stderr(json ? JSON.stringify({ notice: text }) : text)
  const keypair = await signerFrom(options, 'hotkey', notice)
  const { subnet: target } = settings
  if (target !== undefined && options.quiet !== true && !json) {
    out.stderr(
      `reading subnet ${target.netuid}'s metagraph from ${endpointLabel(target.endpoint)}…`,
    )
  }
  const report = refreshReporter(out, json)
  const subnet = target === undefined ? undefined : await followSubnet(target, report)
  try {
    await serveAxon(settings, keypair, subnet?.live, options, out, report)
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
  report: ReturnType<typeof refreshReporter>,
): Promise<void> {
  const json = options.json === true
  const quiet = options.quiet === true
  const axon = new Axon({
    keypair,
    port: settings.port,
    host: settings.host,
    ...(settings.externalIp === undefined ? {} : { externalIp: settings.externalIp }),
    ...(settings.maxBodyBytes === undefined ? {} : { maxBodyBytes: settings.maxBodyBytes }),
    ...(metagraph === undefined ? {} : { metagraph }),
    ...(quiet
      ? {}
      : {
          onRequestEnd: (record: AxonRequestRecord) => {
            const entry = logEntry(record)
            out.stderr(json ? JSON.stringify(entry) : formatLog(entry))
          },
        }),
  })
  // The subnet template's miner: the SDK's Dummy forward.
  axon.attach(Dummy, {
    forward: (synapse) => ({ ...synapse, dummy_output: synapse.dummy_input * 2 }),
  })

  const stop = nextStopSignal()
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
    if (metagraph !== undefined) report.watch(axon.hotkey, metagraph)
    const signal = await stop.signal
    if (!quiet && !json) out.stderr(`${signal}: stopping the axon`)
  } finally {
    stop.cancel()
    await axon.stop()
  }
}

const AXON_EXAMPLES = [
  'taokit axon serve --wallet.name miner --wallet.hotkey default --port 8091',
  'taokit axon serve --uri //Bob --host 127.0.0.1 --port 0 --json',
  'taokit axon serve --wallet.name miner --netuid 1 --network finney',
]

export function registerAxon(program: Command, out: Output): void {
  const axon = program
    .command('axon')
    .summary("serve synapses as a miner's axon (the legacy synapse protocol, SDK 10.x)")
    .description("Serve synapses as a miner's axon (the legacy synapse protocol, SDK 10.x).")
    .addHelpText('after', examples(...AXON_EXAMPLES))

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
          "It prints its endpoint on stdout, then one line per request on stderr (method, route, the caller's hotkey, status, the reason for a refusal, milliseconds) unless --quiet. Ctrl-C (SIGINT) or SIGTERM stops it.",
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
      .option(
        NETWORK_FLAGS,
        `with --netuid: ${NETWORK_HELP} (default: $BT_SUBTENSOR_CHAIN_ENDPOINT, else local)`,
      )
      .option(
        '--timeout <ms>',
        'with --netuid: deadline of each request to the node (default 15000)',
      )
      .option('--json', 'print the endpoint as one JSON line, and the request log as JSON lines')
      .option('--quiet', 'print only the endpoint, not the requests'),
    'hotkey',
  )
    .addHelpText('after', examples(...AXON_EXAMPLES))
    .action((options: ServeOptions) => serve(options, out))
}
