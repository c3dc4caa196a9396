import type { Command } from 'commander'

/**
 * Help text written as source lines, an empty one between paragraphs. commander wraps a
 * description to the terminal's width, so the lines of a paragraph are joined first.
 */
export function prose(...lines: string[]): string {
  return lines
    .join('\n')
    .split('\n\n')
    .map((paragraph) => paragraph.replaceAll('\n', ' '))
    .join('\n\n')
}

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
