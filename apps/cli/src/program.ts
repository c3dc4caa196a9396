import { Command, CommanderError } from 'commander'
import { type ScannedArgs, scanArgs } from './argv.js'
import { registerAxon } from './commands/axon.js'
import { registerDemo } from './commands/demo.js'
import { registerDevnet } from './commands/devnet.js'
import { registerEpoch } from './commands/epoch.js'
import { registerMetagraph } from './commands/metagraph.js'
import { registerRegister } from './commands/register.js'
import { registerSign } from './commands/sign.js'
import { registerSimulate } from './commands/simulate.js'
import { registerStake } from './commands/stake.js'
import { registerSubnets } from './commands/subnets.js'
import { registerTransfer } from './commands/transfer.js'
import { registerWallet } from './commands/wallet.js'
import { registerWeights } from './commands/weights.js'
import { EXIT_BAD_INPUT, EXIT_OK, ExitWith, report, UsageError } from './errors.js'
import { examples, prose } from './help.js'
import type { Output } from './io.js'

export const VERSION = '0.1.0'

export function buildProgram(out: Output): Command {
  const program = new Command('taokit')
    .description(
      prose(
        'taokit: the Bittensor toolkit. Native Yuma Consensus, bit-exact with subtensor.',
        '',
        'Each command does one thing and prints JSON with --json (some print JSON by default).',
        'Bad input exits with code 2 and a message naming what was wrong.',
      ),
    )
    .version(VERSION)
    .addHelpText(
      'after',
      examples(
        'taokit demo',
        'taokit epoch --input state.json --format table',
        'taokit devnet --block-time 250ms',
        'taokit metagraph --netuid 1 --network finney',
      ),
    )
    .configureOutput({
      writeOut: (text) => out.stdout(text.trimEnd()),
      writeErr: (text) => out.stderr(text.trimEnd()),
    })
    .showHelpAfterError('(run with --help for usage)')
    .enablePositionalOptions()
    .exitOverride()
  registerEpoch(program, out)
  registerSimulate(program, out)
  registerWallet(program, out)
  registerSign(program, out)
  registerDevnet(program)
  registerDemo(program, out)
  registerMetagraph(program, out)
  registerSubnets(program, out)
  registerRegister(program, out)
  registerWeights(program, out)
  registerStake(program, out)
  registerTransfer(program, out)
  registerAxon(program, out)
  const inherit = (command: Command): void => {
    command.exitOverride().configureOutput(program.configureOutput())
    command.commands.forEach(inherit)
  }
  program.commands.forEach(inherit)
  return program
}

/** Runs the CLI on `argv` (without the node and script entries) and returns the exit code. */
export async function run(argv: readonly string[], out: Output): Promise<number> {
  try {
    const program = buildProgram(out)
    const scanned = scanArgs(program, argv)
    refuseRepeatsWhereFundsMove(scanned)
    await program.parseAsync(scanned.args, { from: 'user' })
    return EXIT_OK
  } catch (error) {
    if (error instanceof ExitWith) return error.code
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT_OK : EXIT_BAD_INPUT
    }
    return report(error, out.stderr)
  }
}

/** The commands that pay, move or lock funds, by their words. */
const FUNDS_MOVE = new Set([
  'transfer',
  'stake add',
  'stake remove',
  'register',
  'subnets create',
  'subnets start',
  'weights set',
  'weights commit',
  'weights reveal',
])

/**
 * Commander keeps the last of a repeated option: `transfer --amount 1 --amount 2` sent 2.
 * Where funds move, a repeated value option is a mistake to ask about, not to guess.
 */
function refuseRepeatsWhereFundsMove({ words, given }: ScannedArgs): void {
  const name = words.join(' ')
  if (!FUNDS_MOVE.has(name)) return
  const repeated = given.find((flag, i) => given.indexOf(flag) !== i)
  if (repeated === undefined) return
  const times = given.filter((flag) => flag === repeated).length
  throw new UsageError(
    `${repeated}: given ${times} times (or as another spelling of it); give it once (${name} moves funds, so which one was meant is not guessed)`,
    repeated.replace(/^--/, ''),
  )
}
