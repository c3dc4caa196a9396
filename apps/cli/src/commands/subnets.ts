import { formatTao, registerNetwork, type SubnetSummary, sendCall } from '@taokit/chain'
import type { Command } from 'commander'
import { UsageError } from '../errors.js'
import { examples } from '../help.js'
import type { Output } from '../io.js'
import { printable } from '../printable.js'
import {
  addConfirmOption,
  addNetworkOptions,
  type NetworkOptions,
  parseInteger,
  printResult,
  progressTo,
  sendOptions,
  withChain,
} from './chain-options.js'
import { parseBlock } from './metagraph.js'
import { renderTable } from './table.js'
import {
  addSignerOptions,
  hotkeyOption,
  type SignerOptions,
  signerFrom,
  unlockNotice,
} from './wallet-options.js'

export function renderSubnets(subnets: SubnetSummary[]): string {
  return renderTable(
    ['netuid', 'name', 'symbol', 'price τ/α', 'τ in pool', 'tempo', 'since epoch', 'owner'],
    subnets.map((s) => [
      String(s.netuid),
      // Subnet owners choose these: no control characters reach the terminal.
      printable(s.name),
      printable(s.symbol),
      s.price.toFixed(6),
      formatTao(s.taoIn).replace(' TAO', ''),
      String(s.tempo),
      String(s.blocksSinceLastStep),
      s.ownerColdkey,
    ]),
  )
}

/**
 * `subnets -n finney create ...`: options typed before the subcommand are parsed by the
 * listing. Its network options are the ones meant for the subcommand, which would otherwise
 * go to its own default network; --block means nothing to it.
 */
function withListingOptions<T extends NetworkOptions>(options: T, command: Command): T {
  const listing = command.parent!
  if (listing.getOptionValueSource('block') === 'cli') {
    throw new UsageError(`--block: only for listing subnets, not with ${command.name()}`, 'block')
  }
  const taken: Record<string, unknown> = { ...(options as object) }
  for (const name of ['network', 'timeout', 'json']) {
    if (listing.getOptionValueSource(name) !== 'cli') continue
    if (command.getOptionValueSource(name) === 'cli') {
      throw new UsageError(
        `--${name}: given both before and after ${command.name()}; give it once`,
        name,
      )
    }
    taken[name] = listing.getOptionValue(name)
  }
  return taken as T
}

export function registerSubnets(program: Command, out: Output): void {
  const subnets = addNetworkOptions(
    program
      .command('subnets')
      .summary('list the subnets with their pools and schedules; `subnets create` makes one')
      // Options after `create` belong to `create`, not to this listing.
      .enablePositionalOptions()
      .option('--block <number|hash>', 'read at this block instead of the latest'),
  )
    .addHelpText('after', examples('taokit subnets', 'taokit subnets --network finney --json'))
    .action(async (options: NetworkOptions & { block?: string }) => {
      const block = parseBlock(options.block)
      const list = await withChain(options, (subtensor) =>
        subtensor.subnets(block === undefined ? {} : { block }),
      )
      out.stdout(
        options.json
          ? JSON.stringify(list, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))
          : renderSubnets(list),
      )
    })
  addConfirmOption(
    addSignerOptions(
      addNetworkOptions(
        subnets
          .command('create')
          .summary("register a new subnet owned by the wallet's coldkey (pays the lock cost)")
          .option(
            '--hotkey <ss58>',
            "the owner hotkey (default: the wallet's hotkey, or with --uri that key's own address)",
          ),
      ),
      'coldkey',
    ),
  )
    .addHelpText('after', examples('taokit subnets create --uri //Alice --hotkey 5F…'))
    .action(
      async (
        given: NetworkOptions & SignerOptions & { hotkey?: string; yes?: boolean },
        command: Command,
      ) => {
        const options = withListingOptions(given, command)
        const hotkey = await hotkeyOption(options, true)
        const coldkey = await signerFrom(options, 'coldkey', unlockNotice(out, options.json))
        await withChain(options, async (subtensor) => {
          const result = await registerNetwork(
            subtensor,
            coldkey,
            { hotkey },
            sendOptions(
              out,
              options,
              subtensor,
              (cost) => `Register a new subnet, locking ${cost}`,
            ),
          )
          const added = result.event('subtensorModule', 'NetworkAdded')
          printResult(
            out,
            result,
            options.json,
            `registered subnet ${(added?.data as number[] | undefined)?.[0] ?? '?'}`,
          )
        })
      },
    )
  addSignerOptions(
    addNetworkOptions(
      subnets
        .command('start')
        .summary("start a subnet's emission and staking (start_call; the owner's coldkey signs)")
        .requiredOption('--netuid <n>', 'the subnet'),
    ),
    'coldkey',
  )
    .addHelpText('after', examples('taokit subnets start --netuid 1 --uri //Alice'))
    .action(
      async (given: NetworkOptions & SignerOptions & { netuid: string }, command: Command) => {
        const options = withListingOptions(given, command)
        const netuid = parseInteger(options.netuid, '--netuid', 65535)
        const owner = await signerFrom(options, 'coldkey', unlockNotice(out, options.json))
        await withChain(options, async (subtensor) => {
          const call = ['subtensorModule', 'startCall', [netuid]] as const
          const result = await sendCall(subtensor, owner, call, progressTo(out, options.json))
          printResult(out, result, options.json, `started subnet ${netuid}`)
        })
      },
    )
}
