import type { Command } from 'commander'

/** The `Examples:` block a command's `--help` ends with, one `$ taokit …` line each. */
export function examples(...lines: string[]): string {
  return ['', 'Examples:', ...lines.map((line) => `  $ ${line}`)].join('\n')
}

/**
 * Gives each subcommand of a command group the group's examples that run it
 * (`taokit <group> <sub> …`), so that `taokit wallet show --help` has its own.
 */
export function shareExamples(group: Command, lines: readonly string[]): void {
  for (const sub of group.commands) {
    const own = lines.filter((line) => line.split(' ')[2] === sub.name())
    if (own.length > 0) sub.addHelpText('after', examples(...own))
  }
}
