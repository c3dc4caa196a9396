import { formatTao, transfer } from '@taokit/chain'
import type { Command } from 'commander'
import { withOptionNames } from '../errors.js'
import { examples } from '../help.js'
import type { Output } from '../io.js'
import {
  addConfirmOption,
  addNetworkOptions,
  type NetworkOptions,
  parseAddress,
  parseTao,
  printResult,
  sendOptions,
  withChain,
} from './chain-options.js'
import { addSignerOptions, type SignerOptions, signerFrom, unlockNotice } from './wallet-options.js'

export function registerTransfer(program: Command, out: Output): void {
  addConfirmOption(
    addSignerOptions(
      addNetworkOptions(
        program
          .command('transfer')
          .summary("send TAO from the wallet's coldkey")
          .requiredOption('--dest <ss58>', 'the destination address')
          .requiredOption('--amount <tao>', 'how much TAO, e.g. 1.5')
          .option('--allow-death', 'allow the sender to fall below the existential deposit'),
      ),
      'coldkey',
    ),
  )
    .addHelpText('after', examples('taokit transfer --dest 5F… --amount 1.5 --wallet.name default'))
    .action(
      async (
        options: NetworkOptions &
          SignerOptions & { dest: string; amount: string; allowDeath?: boolean; yes?: boolean },
      ) => {
        const amount = parseTao(options.amount, '--amount')
        const to = parseAddress(options.dest, '--dest')
        const from = await signerFrom(options, 'coldkey', unlockNotice(out, options.json))
        await withChain(options, async (subtensor) => {
          const result = await withOptionNames({ amount: '--amount', to: '--dest' }, () =>
            transfer(
              subtensor,
              from,
              { to, amount, keepAlive: options.allowDeath !== true },
              sendOptions(out, options, subtensor, `Send ${formatTao(amount)} to ${to}`),
            ),
          )
          printResult(out, result, options.json, `sent ${formatTao(amount)} to ${options.dest}`)
        })
      },
    )
}
