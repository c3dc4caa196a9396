import { type Command, Option } from 'commander'
import { UsageError } from '../errors.js'

export type OutputFormat = 'json' | 'table'

/** `-f, --format` and its shorthand `--json`, for commands that print either. */
export function addFormatOptions(command: Command, fallback: OutputFormat): Command {
  const other = fallback === 'json' ? 'table' : 'json'
  return command
    .addOption(
      new Option('-f, --format <format>', `${fallback} (default) or ${other}`)
        .choices([fallback, other])
        .default(fallback),
    )
    .option('--json', 'the same as --format json')
}

/** The format asked for; `--json` with an explicit `--format table` contradicts itself. */
export function chosenFormat(command: Command): OutputFormat {
  const { format, json } = command.opts<{ format: OutputFormat; json?: boolean }>()
  if (json !== true) return format
  if (format === 'table' && command.getOptionValueSource('format') !== 'default') {
    throw new UsageError('--json: contradicts --format table; give one of them', 'json')
  }
  return 'json'
}
