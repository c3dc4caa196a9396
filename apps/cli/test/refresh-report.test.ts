import type { Metagraph } from '@taokit/chain'
import { expect, it } from 'vitest'
import { refreshReporter } from '../src/commands/refresh-report.js'

it('reports a failing metagraph once per streak and reason, then its recovery', () => {
  const lines: string[] = []
  const report = refreshReporter({ stdout: () => {}, stderr: (line) => lines.push(line) }, false)
  // What the reporter reads of a LiveMetagraph: its block, and whether the subnet is gone.
  const live = { metagraph: { block: 20 } as Metagraph, isGone: false }
  const down = new Error('not connected to ws://node')
  for (let i = 0; i < 5; i++) report.onError(down, live)
  report.onError(new Error('subnet 1 does not exist'), { ...live, isGone: true })
  report.onRefresh({ metagraph: { block: 31 } as Metagraph })
  report.onRefresh({ metagraph: { block: 32 } as Metagraph })
  report.onError(down, live)
  expect(lines).toEqual([
    "warning: metagraph refresh failed: not connected to ws://node; still using block 20's",
    'warning: metagraph refresh failed (6 in a row): subnet 1 does not exist; the subnet is gone, so no caller is served',
    'metagraph refresh recovered at block 31 after 6 failures',
    "warning: metagraph refresh failed: not connected to ws://node; still using block 20's",
  ])
})

it('reminds the operator while the failures last, as JSON lines under --json', () => {
  const lines: string[] = []
  const report = refreshReporter({ stdout: () => {}, stderr: (line) => lines.push(line) }, true, 0)
  const live = { metagraph: { block: 5 } as Metagraph, isGone: false }
  report.onError(new Error('timeout'), live)
  report.onError(new Error('timeout'), live)
  expect(lines.map((line) => JSON.parse(line))).toEqual([
    { warning: "metagraph refresh failed: timeout; still using block 5's" },
    { warning: "metagraph refresh failed (2 in a row): timeout; still using block 5's" },
  ])
})
