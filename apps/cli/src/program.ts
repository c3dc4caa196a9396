import { Command, CommanderError } from 'commander'
import { registerEpoch } from './commands/epoch.js'
import { registerSimulate } from './commands/simulate.js'
import { EXIT_BAD_INPUT, EXIT_OK, report } from './errors.js'
import type { Output } from './io.js'

export const VERSION = '0.1.0'

export function buildProgram(out: Output): Command {
  const program = new Command('taokit')
    .description(
      [
        'taokit: the Bittensor toolkit. Native Yuma Consensus, bit-exact with subtensor.',
        '',
        'Each command does one thing and prints JSON with --json (some print JSON by default).',
        'Bad input exits with code 2 and a message naming what was wrong.',
      ].join('\n'),
    )
    .version(VERSION)
    .configureOutput({
      writeOut: (text) => out.stdout(text.trimEnd()),
      writeErr: (text) => out.stderr(text.trimEnd()),
    })
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
  registerEpoch(program, out)
  registerSimulate(program, out)
  for (const command of program.commands)
    command.exitOverride().configureOutput(program.configureOutput())
  return program
}

/** Runs the CLI on `argv` (without the node and script entries) and returns the exit code. */
export async function run(argv: readonly string[], out: Output): Promise<number> {
  try {
    await buildProgram(out).parseAsync([...argv], { from: 'user' })
    return EXIT_OK
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT_OK : EXIT_BAD_INPUT
    }
    return report(error, out.stderr)
  }
}
