import { addStake, formatTao, removeStake } from '@taokit/chain'
import type { Command } from 'commander'
import { UsageError, withOptionNames } from '../errors.js'
import { examples, shareExamples } from '../help.js'
import type { Output } from '../io.js'
import {
  addConfirmOption,
  addNetworkOptions,
  type NetworkOptions,
  parseInteger,
  parseTao,
  printResult,
  sendOptions,
  withChain,
} from './chain-options.js'
import {
  addSignerOptions,
  hotkeyOption,
  type SignerOptions,
  signerFrom,
  unlockNotice,
} from './wallet-options.js'

interface StakeOptions extends NetworkOptions, SignerOptions {
  netuid: string
  amount: string
  hotkey?: string
  limitPrice?: string
  allowPartial?: boolean
  yes?: boolean
}

const STAKE_OPTIONS = {
  amount: '--amount',
  limitPrice: '--limit-price',
  hotkey: '--hotkey',
  netuid: '--netuid',
}

function addStakeCommand(parent: Command, direction: 'add' | 'remove', out: Output): void {
  const what = direction === 'add' ? 'TAO to stake' : 'alpha to unstake'
  addConfirmOption(
    addSignerOptions(
      addNetworkOptions(
        parent
          .command(direction)
          .summary(
            direction === 'add'
              ? 'stake TAO from the coldkey to a hotkey on a subnet'
              : 'unstake alpha back to TAO',
          )
          .requiredOption('--netuid <n>', 'the subnet')
          .requiredOption('--amount <amount>', `how much ${what}, e.g. 10 or 0.5`)
          .option('--hotkey <ss58>', "the hotkey (default: the wallet's hotkey)")
          .option(
            '--limit-price <tao>',
            direction === 'add'
              ? 'do not buy alpha above this price (TAO per alpha)'
              : 'do not sell alpha below this price (TAO per alpha)',
          )
          .option(
            '--allow-partial',
            'with --limit-price, fill what the limit allows instead of failing',
          ),
      ),
      'coldkey',
    ),
  ).action(async (options: StakeOptions) => {
    const netuid = parseInteger(options.netuid, '--netuid', 65535)
    const amount = parseTao(options.amount, '--amount')
    const limitPrice =
      options.limitPrice === undefined ? undefined : parseTao(options.limitPrice, '--limit-price')
    if (options.allowPartial === true && limitPrice === undefined) {
      throw new UsageError(
        '--allow-partial: only means something with --limit-price (a stake without a limit fills whole)',
        'allow-partial',
      )
    }
    const hotkey = await hotkeyOption(options)
    const coldkey = await signerFrom(options, 'coldkey', unlockNotice(out, options.json))
    await withChain(options, async (subtensor) => {
      const params = {
        netuid,
        hotkey,
        amount,
        ...(limitPrice === undefined
          ? {}
          : { limitPrice, allowPartial: options.allowPartial === true }),
      }
      const question =
        direction === 'add'
          ? `Stake ${formatTao(amount)} to ${hotkey} on subnet ${netuid}`
          : `Unstake ${formatTao(amount).replace('TAO', 'α')} from ${hotkey} on subnet ${netuid}`
      const progress = sendOptions(out, options, subtensor, question)
      const result = await withOptionNames(STAKE_OPTIONS, () =>
        direction === 'add'
          ? addStake(subtensor, coldkey, params, progress)
          : removeStake(subtensor, coldkey, params, progress),
      )
      // What was filled, from the chain's event: with --allow-partial it may be less than asked.
      const event = result.event(
        'subtensorModule',
        direction === 'add' ? 'StakeAdded' : 'StakeRemoved',
      )
      const [, , tao, alpha] = Array.isArray(event?.data) ? event.data : []
      const filled = (value: unknown) => (value === undefined ? amount : BigInt(value as string))
      const taoText = formatTao(filled(tao))
      const alphaText = formatTao(filled(alpha)).replace('TAO', 'α')
      const summary =
        direction === 'add'
          ? `staked ${taoText} to ${hotkey} on subnet ${netuid}, for ${alphaText}`
          : `unstaked ${alphaText} from ${hotkey} on subnet ${netuid}, for ${taoText}`
      printResult(out, result, options.json, summary)
    })
  })
}

export function registerStake(program: Command, out: Output): void {
  const stake = program
    .command('stake')
    .summary('add or remove stake')
    .addHelpText('after', examples(...STAKE_EXAMPLES))
  addStakeCommand(stake, 'add', out)
  addStakeCommand(stake, 'remove', out)
  shareExamples(stake, STAKE_EXAMPLES)
}

const STAKE_EXAMPLES = [
  'taokit stake add --netuid 1 --amount 10 --hotkey 5F… --wallet.name default',
  'taokit stake add --netuid 1 --amount 100 --limit-price 0.02 --allow-partial',
  'taokit stake remove --netuid 1 --amount 5',
]
