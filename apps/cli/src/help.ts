/** The `Examples:` block a command's `--help` ends with, one `$ taokit …` line each. */
export function examples(...lines: string[]): string {
  return ['', 'Examples:', ...lines.map((line) => `  $ ${line}`)].join('\n')
}
