import type { Metagraph } from '@taokit/chain'
import { expect, it } from 'vitest'
import { refreshReporter } from '../src/commands/refresh-report.js'

/** What the reporter reads of a LiveMetagraph. */
function liveAt(block: number, uids: Record<string, number> = {}, isGone = false) {
  return {
    metagraph: { block } as Metagraph,
    isGone,
    netuid: 1,
    uidOf: (hotkey: string) => uids[hotkey],
  }
}

function collect() {
  const lines: string[] = []
  return { lines, out: { stdout: () => {}, stderr: (line: string) => lines.push(line) } }
}

it('reports a failing metagraph once per streak and reason, then its recovery', () => {
  const { lines, out } = collect()
  const report = refreshReporter(out, false)
  const live = liveAt(20)
  const down = new Error('not connected to ws://node')
  for (let i = 0; i < 5; i++) report.onError(down, live)
  report.onError(new Error('subnet 1 does not exist'), liveAt(20, {}, true))
  report.onRefresh(liveAt(31))
  report.onRefresh(liveAt(32))
  report.onError(down, live)
  expect(lines).toEqual([
    "warning: metagraph refresh failed: not connected to ws://node; still using block 20's",
    'warning: metagraph refresh failed (6 in a row): subnet 1 does not exist; the subnet is gone, so no caller is served',
    'metagraph refresh recovered at block 31 after 6 failures',
    "warning: metagraph refresh failed: not connected to ws://node; still using block 20's",
  ])
})

it('reminds the operator while the failures last, as JSON lines under --json', () => {
  const { lines, out } = collect()
  const report = refreshReporter(out, true, { repeatMs: 0 })
  const live = liveAt(5)
  report.onError(new Error('timeout'), live)
  report.onError(new Error('timeout'), live)
  expect(lines.map((line) => JSON.parse(line))).toEqual([
    { warning: "metagraph refresh failed: timeout; still using block 5's" },
    { warning: "metagraph refresh failed (2 in a row): timeout; still using block 5's" },
  ])
})

it('shows what a node said with its control characters replaced', () => {
  const { lines, out } = collect()
  refreshReporter(out, false).onError(
    new Error('bad\nmetagraph refresh recovered\u001b[2J'),
    liveAt(5),
  )
  expect(lines).toEqual([
    "warning: metagraph refresh failed: bad?metagraph refresh recovered?[2J; still using block 5's",
  ])
})

it('warns once when the node stops moving past a block, and says when it moves again', () => {
  const { lines, out } = collect()
  let clock = 0
  const report = refreshReporter(out, false, { stuckMs: 60_000, now: () => clock })
  for (; clock <= 120_000; clock += 12_000) report.onRefresh(liveAt(8))
  report.onRefresh(liveAt(19))
  expect(lines).toEqual([
    'warning: the node has not moved past block 8 in 1 min: it may be stuck or out of sync (a dev chain that makes blocks on demand stands still too); still serving from that block',
    'the node moves again: block 19',
  ])
})

it("follows the axon's own registration: not registered, registered, pruned", () => {
  const { lines, out } = collect()
  const report = refreshReporter(out, false)
  report.watch('5Miner', liveAt(1))
  report.onRefresh(liveAt(2))
  report.onRefresh(liveAt(3, { '5Miner': 4 }))
  report.onRefresh(liveAt(4, { '5Miner': 4 }))
  report.onRefresh(liveAt(5))
  expect(lines).toEqual([
    'warning: 5Miner is not registered on subnet 1: validators will not find this axon',
    '5Miner is registered on subnet 1 as uid 4 (block 3)',
    'warning: 5Miner is no longer registered on subnet 1 (block 5): validators will not find this axon',
  ])
})
