import type { EpochInput, EpochOutput } from '@taokit/yuma'

/** Renders rows as aligned columns: numbers right-aligned, text left-aligned. */
export function renderTable(
  header: readonly string[],
  rows: ReadonlyArray<readonly string[]>,
): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)))
  // – is how percent() shows zero.
  const numeric = header.map((_, c) => rows.every((r) => /^[-–\d.,%α ]*$/.test(r[c] ?? '')))
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, c) => (numeric[c] ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd()
  return [line(header), line(widths.map((w) => '─'.repeat(w))), ...rows.map(line)].join('\n')
}

/** A u16 proportion (65535 = 1.0) as a percentage; blank for 0. */
export function percent(value: number): string {
  return value === 0 ? '–' : `${((value / 65535) * 100).toFixed(1)}%`
}

/** Rao (1e-9) as alpha with four decimals. */
export function alpha(rao: bigint): string {
  const whole = rao / 1_000_000_000n
  const fraction = ((rao % 1_000_000_000n) / 100_000n).toString().padStart(4, '0')
  return `${whole}.${fraction}`
}

function role(output: EpochOutput, uid: number): string {
  return output.validator_permit[uid] ? 'validator' : 'miner'
}

/** One epoch's results per uid. */
export function renderEpochTable(input: EpochInput, output: EpochOutput): string {
  const rows: string[][] = []
  for (let uid = 0; uid < input.n; uid++) {
    rows.push([
      String(uid),
      role(output, uid),
      output.active[uid] ? 'yes' : 'no',
      percent(output.stake_weight[uid]!),
      percent(output.consensus[uid]!),
      percent(output.validator_trust[uid]!),
      percent(output.incentive[uid]!),
      percent(output.dividends[uid]!),
      alpha(output.emission[uid]!),
    ])
  }
  return renderTable(
    [
      'uid',
      'role',
      'active',
      'stake',
      'consensus',
      'v-trust',
      'incentive',
      'dividends',
      'earned α',
    ],
    rows,
  )
}
