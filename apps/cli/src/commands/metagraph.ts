import { formatTao, type Metagraph } from '@taokit/chain'
import type { Command } from 'commander'
import { examples } from '../help.js'
import type { Output } from '../io.js'
import { printable } from '../printable.js'
import { addNetworkOptions, type NetworkOptions, parseInteger, withChain } from './chain-options.js'
import { percent, renderTable } from './table.js'

/** The metagraph as JSON: typed arrays as arrays, u64 values as decimal strings. */
export function metagraphJson(metagraph: Metagraph): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(metagraph).map(([key, value]) => [key, jsonValue(value)]),
  )
}

function jsonValue(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString()
  if (value instanceof BigUint64Array) return Array.from(value, String)
  if (ArrayBuffer.isView(value)) return Array.from(value as Uint8Array)
  if (Array.isArray(value)) return value.map(jsonValue)
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonValue(v)]))
  }
  return value
}

function short(address: string): string {
  return `${address.slice(0, 6)}…${address.slice(-4)}`
}

/** One row per uid: the numbers a validator or miner looks at first. */
export function renderMetagraph(metagraph: Metagraph): string {
  const rows = Array.from({ length: metagraph.n }, (_, uid) => {
    const axon = metagraph.axons[uid]
    return [
      String(uid),
      short(metagraph.hotkeys[uid] ?? ''),
      metagraph.validatorPermit[uid] ? 'V' : '',
      formatTao(metagraph.stake[uid] ?? 0n).replace(' TAO', ''),
      percent(metagraph.incentive[uid] ?? 0),
      percent(metagraph.dividends[uid] ?? 0),
      percent(metagraph.consensus[uid] ?? 0),
      percent(metagraph.validatorTrust[uid] ?? 0),
      formatTao(metagraph.emission[uid] ?? 0n).replace(' TAO', ''),
      String(metagraph.lastUpdate[uid] ?? 0n),
      axon === undefined || axon.port === 0
        ? ''
        : // Bracketed, as in a URL: 2001:db8::1:8091 would read as another address.
          `${axon.ip.includes(':') ? `[${axon.ip}]` : axon.ip}:${axon.port}`,
    ]
  })
  const title = `subnet ${metagraph.netuid}${metagraph.name ? ` (${printable(metagraph.name)})` : ''} at block ${metagraph.block}: ${metagraph.n} neurons, tempo ${metagraph.tempo}, price ${metagraph.price.toFixed(6)} τ/α`
  return [
    title,
    '',
    renderTable(
      [
        'uid',
        'hotkey',
        'vp',
        'stake α',
        'incentive',
        'dividends',
        'consensus',
        'vtrust',
        'emission α',
        'updated',
        'axon',
      ],
      rows,
    ),
  ].join('\n')
}

export function registerMetagraph(program: Command, out: Output): void {
  addNetworkOptions(
    program
      .command('metagraph')
      .summary("print a subnet's neurons: stake, incentive, dividends, emission, axons")
      .requiredOption('--netuid <n>', 'the subnet')
      .option('--block <number|hash>', 'read at this block instead of the latest')
      .option('--weights', 'include the weight rows (JSON only)')
      .option('--bonds', 'include the bond rows (JSON only)'),
  )
    .addHelpText(
      'after',
      examples(
        'taokit metagraph --netuid 1',
        'taokit metagraph --netuid 18 --network finney --block 4000000 --json',
      ),
    )
    .action(
      async (
        options: NetworkOptions & {
          netuid: string
          block?: string
          weights?: boolean
          bonds?: boolean
        },
      ) => {
        const netuid = parseInteger(options.netuid, '--netuid', 65535)
        const block = parseBlock(options.block)
        const metagraph = await withChain(options, (subtensor) =>
          subtensor.metagraph(netuid, {
            ...(block === undefined ? {} : { block }),
            weights: options.weights === true,
            bonds: options.bonds === true,
          }),
        )
        out.stdout(
          options.json ? JSON.stringify(metagraphJson(metagraph)) : renderMetagraph(metagraph),
        )
      },
    )
}

export function parseBlock(text: string | undefined): number | string | undefined {
  if (text === undefined) return undefined
  // Block numbers are u32 on subtensor.
  return text.startsWith('0x') ? text : parseInteger(text, '--block', 2 ** 32 - 1)
}
