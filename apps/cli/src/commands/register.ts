import { burnedRegister } from '@taokit/chain'
import type { Command } from 'commander'
import { examples } from '../help.js'
import type { Output } from '../io.js'
import {
  addConfirmOption,
  addNetworkOptions,
  type NetworkOptions,
  parseInteger,
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

export function registerRegister(program: Command, out: Output): void {
  addConfirmOption(
    addSignerOptions(
      addNetworkOptions(
        program
          .command('register')
          .summary(
            "register the wallet's hotkey on a subnet, burning the registration cost from the coldkey",
          )
          .requiredOption('--netuid <n>', 'the subnet')
          .option(
            '--hotkey <ss58>',
            "the hotkey to register (default: the wallet's hotkey, or with --uri that key's own address)",
          ),
      ),
      'coldkey',
    ),
  )
    .addHelpText(
      'after',
      examples(
        'taokit register --netuid 1 --wallet.name miner --wallet.hotkey default',
        'taokit register --netuid 1 --uri //Bob --hotkey 5F…   # on the devnet',
      ),
    )
    .action(
      async (
        options: NetworkOptions &
          SignerOptions & { netuid: string; hotkey?: string; yes?: boolean },
      ) => {
        const netuid = parseInteger(options.netuid, '--netuid', 65535)
        const hotkey = await hotkeyOption(options, true)
        const coldkey = await signerFrom(options, 'coldkey', unlockNotice(out, options.json))
        await withChain(options, async (subtensor) => {
          const result = await burnedRegister(
            subtensor,
            coldkey,
            { netuid, hotkey },
            sendOptions(
              out,
              options,
              subtensor,
              (cost) => `Register ${hotkey} on subnet ${netuid}, burning ${cost}`,
            ),
          )
          const registered = result.event('subtensorModule', 'NeuronRegistered')
          const uid = (registered?.data as number[] | undefined)?.[1]
          printResult(
            out,
            result,
            options.json,
            `registered ${hotkey} on subnet ${netuid} as uid ${uid ?? '?'}`,
          )
        })
      },
    )
}
