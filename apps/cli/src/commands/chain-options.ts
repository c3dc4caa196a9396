import {
  type ExtrinsicResult,
  endpointLabel,
  formatTao,
  resolveEndpoint,
  type SubmitOptions,
  Subtensor,
} from '@taokit/chain'
import { BITTENSOR_SS58_PREFIX, ss58DecodeAny } from '@taokit/keys'
import { type Command, Option } from 'commander'
import { EXIT_OK, ExitWith, UsageError, withOptionNames } from '../errors.js'
import type { Output } from '../io.js'
import { ask, canPrompt } from '../prompt.js'

/** btcli's spellings of the network options; `run` rewrites them to ours. */
export const NETWORK_OPTION_ALIASES: Record<string, string> = {
  '--subtensor.network': '--network',
  '--subtensor.chain_endpoint': '--network',
  '--subtensor-network': '--network',
  '--chain': '--network',
}

export interface NetworkOptions {
  network: string
  timeout?: string
  json?: boolean
}

export const NETWORK_FLAGS = '-n, --network <name|url>'
export const NETWORK_HELP = 'finney, test, archive, local, or a ws:// or wss:// URL'

/**
 * --network defaulting to $BT_SUBTENSOR_CHAIN_ENDPOINT, which --help names rather than
 * shows: the URL may hold an API key or a password.
 */
export function networkOption(description: string): Option {
  return new Option(NETWORK_FLAGS, description).default(
    defaultNetwork(),
    '$BT_SUBTENSOR_CHAIN_ENDPOINT, else local',
  )
}

/** $BT_SUBTENSOR_CHAIN_ENDPOINT, else local; empty counts as unset, as the SDK reads it. */
export function defaultNetwork(): string {
  const fromEnvironment = process.env.BT_SUBTENSOR_CHAIN_ENDPOINT
  return fromEnvironment === undefined || fromEnvironment === '' ? 'local' : fromEnvironment
}

/** Where the network came from, for a message about it. */
export function networkSource(network: string): string {
  const fromEnvironment = process.env.BT_SUBTENSOR_CHAIN_ENDPOINT
  return fromEnvironment !== undefined && fromEnvironment !== '' && network === fromEnvironment
    ? '$BT_SUBTENSOR_CHAIN_ENDPOINT'
    : '--network'
}

export function addNetworkOptions(command: Command): Command {
  return command
    .addOption(networkOption(NETWORK_HELP))
    .option('--timeout <ms>', 'deadline of each request to the node, in milliseconds', '15000')
    .option('--json', 'print JSON instead of text')
}

/** Node's timers hold at most this many milliseconds; a longer delay fires at once. */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1

/** Connects as the options say; the caller closes. */
export async function connectFrom(options: NetworkOptions): Promise<Subtensor> {
  const timeoutMs = Number(options.timeout ?? '15000')
  if (!/^\d+$/.test(options.timeout ?? '15000') || timeoutMs <= 0 || timeoutMs > MAX_TIMEOUT_MS) {
    throw new UsageError(
      `--timeout: expected milliseconds in 1..${MAX_TIMEOUT_MS}, got ${options.timeout}`,
      'timeout',
    )
  }
  resolveEndpoint(options.network, networkSource(options.network))
  return Subtensor.connect({ network: options.network, timeoutMs })
}

/**
 * A Bittensor (prefix 42) SS58 address option, checked before anything connects or unlocks.
 * Another network's address is refused, as the SDK's `is_valid_ss58_address` refuses it:
 * TAO sent to a key the user knows under another network's spelling is easy to mistake.
 */
export function parseAddress(text: string, option: string): string {
  let prefix: number
  try {
    prefix = ss58DecodeAny(text).prefix
  } catch {
    throw new UsageError(
      `${option}: expected an SS58 address, got ${JSON.stringify(text)}`,
      option.replace(/^--/, ''),
    )
  }
  if (prefix !== BITTENSOR_SS58_PREFIX) {
    throw new UsageError(
      `${option}: expected a Bittensor address (SS58 prefix ${BITTENSOR_SS58_PREFIX}), got one of prefix ${prefix}`,
      option.replace(/^--/, ''),
    )
  }
  return text
}

/** Runs `body` with a connection that is closed afterwards, whatever happens. */
export async function withChain<T>(
  options: NetworkOptions,
  body: (subtensor: Subtensor) => Promise<T>,
  optionOfField: Record<string, string> = {},
): Promise<T> {
  const subtensor = await connectFrom(options)
  try {
    // The library names its own fields; these two are the same options in every command.
    const names = { block: '--block', netuid: '--netuid', ...optionOfField }
    return await withOptionNames(names, () => body(subtensor))
  } finally {
    await subtensor.close()
  }
}

/** A TAO amount such as `1.5` as rao, exactly (no float rounding). */
export function parseTao(text: string, option: string): bigint {
  const match = /^(\d+)(?:\.(\d{1,9}))?$/.exec(text.trim())
  if (match === null) {
    throw new UsageError(
      `${option}: expected an amount such as 1 or 0.25 (at most 9 decimals), got ${JSON.stringify(text)}`,
      option.replace(/^--/, ''),
    )
  }
  const [, whole = '0', fraction = ''] = match
  const rao = BigInt(whole) * 1_000_000_000n + BigInt(fraction.padEnd(9, '0'))
  if (rao === 0n || rao > MAX_RAO) {
    throw new UsageError(
      `${option}: expected more than 0 and at most ${formatTao(MAX_RAO).replace(' TAO', '')}, got ${JSON.stringify(text)}`,
      option.replace(/^--/, ''),
    )
  }
  return rao
}

/** The most a u64 of rao holds. */
const MAX_RAO = 2n ** 64n - 1n

export function parseInteger(
  text: string,
  option: string,
  max = Number.MAX_SAFE_INTEGER,
  min = 0,
): number {
  const value = Number(text)
  if (!/^\d+$/.test(text.trim()) || value > max || value < min) {
    throw new UsageError(
      `${option}: expected an integer in ${min}..${max}, got ${JSON.stringify(text)}`,
      option.replace(/^--/, ''),
    )
  }
  return value
}

/** Comma-separated whole numbers up to `max`, such as uids. */
export function parseIntegerList(text: string, option: string, max: number): number[] {
  return text.split(',').map((item) => parseInteger(item.trim(), option, max))
}

export function parseNumberList(text: string, option: string): number[] {
  const items = text.split(',').map((item) => item.trim())
  const values = items.map(Number)
  const bad = items.findIndex((item, i) => item === '' || !Number.isFinite(values[i]))
  if (bad !== -1) {
    throw new UsageError(
      `${option}: expected comma-separated numbers, got ${JSON.stringify(items[bad])} at position ${bad + 1}`,
      option.replace(/^--/, ''),
    )
  }
  return values
}

/** Progress of a transaction on stderr, so that stdout stays the result. */
export function progressTo(out: Output, json: boolean | undefined): SubmitOptions {
  if (json === true) return {}
  const said: Record<string, string> = {
    signed: 'signed; submitting',
    ready: 'in the pool; waiting for a block',
    reconnecting: 'connection lost; looking for the transaction',
    resubmitted: 'submitted again (same signature, so it can land only once)',
  }
  return {
    onProgress: (stage) => {
      const text = said[stage]
      if (text !== undefined) out.stderr(`… ${text}`)
    },
  }
}

/** `-y, --yes`, for the commands that move or burn TAO. */
export function addConfirmOption(command: Command): Command {
  return command.option('-y, --yes', 'send without asking first (on a terminal, it asks)')
}

/**
 * A write's submit options: its progress on stderr and, on a terminal without --yes, a
 * question once the local checks have passed and the fee is known (a function `question`
 * is given what a registration burns or locks). A "no" sends nothing and exits 0, as
 * btcli's does.
 */
export function sendOptions(
  out: Output,
  options: { json?: boolean; yes?: boolean },
  subtensor: Subtensor,
  question: string | ((cost: string) => string),
): SubmitOptions {
  const progress = progressTo(out, options.json)
  if (options.yes === true || !canPrompt()) return progress
  const network = endpointLabel(subtensor.endpoints[0] ?? '')
  return {
    ...progress,
    confirm: async ({ fee, cost }) => {
      const what =
        typeof question === 'string'
          ? question
          : question(cost === undefined ? 'what it costs' : formatTao(cost))
      const answer = await ask(
        `${what} on ${network}, for a fee of about ${formatTao(fee)}? [y/N] `,
      )
      if (!/^y(es)?$/i.test(answer.trim())) {
        out.stderr('nothing sent')
        throw new ExitWith(EXIT_OK)
      }
    },
  }
}

/** Prints a transaction's outcome; a failed one ends the command with its ChainError (exit code 2). */
export function printResult(
  out: Output,
  result: ExtrinsicResult,
  json: boolean | undefined,
  summary: string,
): void {
  if (json === true) {
    out.stdout(
      JSON.stringify({
        succeeded: result.succeeded,
        blockHash: result.blockHash,
        blockNumber: result.blockNumber,
        txHash: result.txHash,
        fee: result.fee.toString(),
        error: result.error ?? null,
        events: result.events,
      }),
    )
  } else if (result.succeeded) {
    out.stdout(`${summary} in block ${result.blockNumber} (fee ${formatTao(result.fee)})`)
  }
  result.orThrow()
}
