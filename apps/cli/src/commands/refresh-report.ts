import type { LiveMetagraph } from '@taokit/chain'
import type { Output } from '../io.js'

/** A failing node is reported when it starts failing, then at most this often. */
const REPEAT_WARNING_MS = 5 * 60_000

/**
 * What the operator hears of the metagraph's refreshes: the first failure, a new reason,
 * a reminder every few minutes while it lasts, and the recovery. Not one line per refresh.
 */
export function refreshReporter(out: Output, json: boolean, repeatMs = REPEAT_WARNING_MS) {
  let failing: { count: number; why: string; warnedAt: number } | undefined
  return {
    onError(error: unknown, live: Pick<LiveMetagraph, 'metagraph' | 'isGone'>): void {
      const why = error instanceof Error ? error.message : String(error)
      const now = Date.now()
      const streak = failing ?? { count: 0, why: '', warnedAt: 0 }
      streak.count++
      failing = streak
      if (streak.count > 1 && why === streak.why && now - streak.warnedAt < repeatMs) {
        return
      }
      const times = streak.count > 1 ? ` (${streak.count} in a row)` : ''
      const kept = live.isGone
        ? 'the subnet is gone, so no caller is served'
        : `still using block ${live.metagraph.block}'s`
      const warning = `metagraph refresh failed${times}: ${why}; ${kept}`
      out.stderr(json ? JSON.stringify({ warning }) : `warning: ${warning}`)
      streak.why = why
      streak.warnedAt = now
    },
    onRefresh(live: Pick<LiveMetagraph, 'metagraph'>): void {
      if (failing === undefined) return
      const notice = `metagraph refresh recovered at block ${live.metagraph.block} after ${failing.count} failures`
      out.stderr(json ? JSON.stringify({ notice }) : notice)
      failing = undefined
    },
  }
}
