import { parseBlockTime, runDevnet } from '@taokit/devnet'
import type { Command } from 'commander'
import { ExitWith, withOptionNames } from '../errors.js'
import { examples, prose } from '../help.js'
import { parseInteger } from './chain-options.js'

interface DevnetCliOptions {
  port: string
  host?: string
  blockTime: string
  dataDir?: string
  forkState?: string
  quiet?: boolean
}

const OPTION_OF_FIELD: Record<string, string> = {
  port: '--port',
  host: '--host',
  blockTime: '--block-time',
  dataDir: '--data-dir',
  forkState: '--fork-state',
}

export function registerDevnet(program: Command): void {
  program
    .command('devnet')
    .summary('run a local subtensor-compatible chain (the devnet) until Ctrl-C')
    .description(
      prose(
        'Run a local subtensor-compatible chain: funded dev accounts (Alice is sudo),',
        'SubtensorModule and AdminUtils as on finney, and the epoch every tempo.',
        'Connect @polkadot/api, btcli or the Python SDK to the endpoint it prints. Ctrl-C stops it.',
      ),
    )
    .option('--port <port>', 'WebSocket and HTTP JSON-RPC port (0 picks a free one)', '9944')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option(
      '--block-time <time>',
      'instant (a block per transaction), manual, 250ms, 12s, ...',
      'instant',
    )
    .option('--data-dir <dir>', 'keep finalized blocks and state here, and resume from them')
    .option('--fork-state <file>', 'start from the subnets and neurons this JSON genesis describes')
    .option('--quiet', 'print only the endpoint, not the accounts and blocks')
    .addHelpText(
      'after',
      examples(
        'taokit devnet',
        'taokit devnet --block-time 250ms --data-dir .devnet',
        'taokit devnet --port 0 --fork-state subnets.json --quiet',
      ),
    )
    .action(async (options: DevnetCliOptions) => {
      const port = parseInteger(options.port, '--port', 65535)
      const code = await withOptionNames(OPTION_OF_FIELD, () =>
        runDevnet({
          port,
          blockTime: parseBlockTime(options.blockTime),
          ...(options.host === undefined ? {} : { host: options.host }),
          ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
          ...(options.forkState === undefined ? {} : { forkState: options.forkState }),
          ...(options.quiet === true ? { quiet: true } : {}),
        }),
      )
      if (code !== 0) throw new ExitWith(code)
    })
}
