import { Command, CommanderError } from 'commander'
import { registerAxon } from './commands/axon.js'
import { NETWORK_OPTION_ALIASES } from './commands/chain-options.js'
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
import { WALLET_OPTION_ALIASES } from './commands/wallet-options.js'
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
    const args = normalizeAliases(argv, valueFlags(program))
    refuseRepeatsWhereFundsMove(program, args)
    await program.parseAsync(args, { from: 'user' })
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
function refuseRepeatsWhereFundsMove(program: Command, args: readonly string[]): void {
  const words = args.filter((arg) => !arg.startsWith('-')).slice(0, 2)
  const top = program.commands.find((c) => c.name() === words[0])
  const command = top?.commands.find((c) => c.name() === words[1]) ?? top
  const name = command === top ? words[0] : words.join(' ')
  if (command === undefined || !FUNDS_MOVE.has(name ?? '')) return
  const ended = args.indexOf('--')
  const given = (ended === -1 ? args : args.slice(0, ended)).map((arg) => arg.split('=')[0])
  for (const option of command.options) {
    if (!option.required && !option.optional) continue
    const times = given.filter((flag) => flag === option.long || flag === option.short).length
    if (times > 1) {
      throw new UsageError(
        `${option.long}: given ${times} times; give it once (${name} moves funds, so which one was meant is not guessed)`,
        option.long?.replace(/^--/, ''),
      )
    }
  }
}

const ALIASES = new Map(Object.entries({ ...WALLET_OPTION_ALIASES, ...NETWORK_OPTION_ALIASES }))

/** Every flag of every command that takes a value (so the next word is that value). */
function valueFlags(program: Command): Set<string> {
  const flags = new Set(ALIASES.keys())
  const walk = (command: Command): void => {
    for (const option of command.options) {
      if (!option.required && !option.optional) continue
      if (option.long !== undefined) flags.add(option.long)
      if (option.short !== undefined) flags.add(option.short)
    }
    command.commands.forEach(walk)
  }
  walk(program)
  return flags
}

/**
 * btcli's other spellings of an option (`--wallet-name`, `--wallet_name=x`) as ours. Only
 * option names are rewritten: not a value (`--message --chain` signs "--chain"), nor
 * anything after `--`.
 */
function normalizeAliases(argv: readonly string[], takesValue: Set<string>): string[] {
  const out: string[] = []
  let valueNext = false
  let ended = false
  for (const arg of argv) {
    if (ended || valueNext) {
      out.push(arg)
      valueNext = false
      continue
    }
    if (arg === '--') ended = true
    const [name = '', ...value] = arg.split('=')
    const canonical = ALIASES.get(name)
    out.push(canonical === undefined ? arg : [canonical, ...value].join('='))
    valueNext = value.length === 0 && takesValue.has(canonical ?? name)
  }
  return out
}
