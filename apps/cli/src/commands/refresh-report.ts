import type { LiveMetagraph } from '@taokit/chain'
import type { Output } from '../io.js'
import { printable } from '../printable.js'

/** A failing node is reported when it starts failing, then at most this often. */
const REPEAT_WARNING_MS = 5 * 60_000
/** A chain that makes a block every 12 s and has made none for this long is suspect. */
const STUCK_WARNING_MS = 5 * 60_000

type Live = Pick<LiveMetagraph, 'metagraph' | 'isGone' | 'netuid' | 'uidOf'>

export interface ReporterOptions {
  repeatMs?: number
  stuckMs?: number
  now?: () => number
}

/**
 * What the operator hears of the metagraph's refreshes: the first failure, a new reason,
 * a reminder every few minutes while it lasts, and the recovery; a node that stops moving
 * past one block; and the axon's own hotkey leaving or joining the subnet. Not one line
 * per refresh.
 */
export function refreshReporter(out: Output, json: boolean, options: ReporterOptions = {}) {
  const repeatMs = options.repeatMs ?? REPEAT_WARNING_MS
  const stuckMs = options.stuckMs ?? STUCK_WARNING_MS
  const now = options.now ?? Date.now
  const warn = (warning: string) =>
    out.stderr(json ? JSON.stringify({ warning }) : `warning: ${warning}`)
  const notify = (notice: string) => out.stderr(json ? JSON.stringify({ notice }) : notice)
  let failing: { count: number; why: string; warnedAt: number } | undefined
  let progress: { block: number; since: number; warned: boolean } | undefined
  let own: { hotkey: string; uid: number | undefined } | undefined

  const checkProgress = (live: Live) => {
    const { block } = live.metagraph
    if (progress === undefined || block !== progress.block) {
      if (progress?.warned === true) notify(`the node moves again: block ${block}`)
      progress = { block, since: now(), warned: false }
    } else if (!progress.warned && now() - progress.since >= stuckMs) {
      const minutes = Math.round((now() - progress.since) / 60_000)
      warn(
        `the node has not moved past block ${block} in ${minutes} min: it may be stuck or out of sync (a dev chain that makes blocks on demand stands still too); still serving from that block`,
      )
      progress.warned = true
    }
  }

  const checkRegistration = (live: Live) => {
    if (own === undefined) return
    const uid = live.uidOf(own.hotkey)
    if (uid === own.uid) return
    if (uid === undefined) {
      warn(
        `${own.hotkey} is no longer registered on subnet ${live.netuid} (block ${live.metagraph.block}): validators will not find this axon`,
      )
    } else {
      notify(
        `${own.hotkey} is registered on subnet ${live.netuid} as uid ${uid} (block ${live.metagraph.block})`,
      )
    }
    own.uid = uid
  }

  return {
    /** Follows `hotkey`'s registration from now on; warns at once if it is not registered. */
    watch(hotkey: string, live: Live): void {
      own = { hotkey, uid: live.uidOf(hotkey) }
      if (own.uid === undefined) {
        warn(
          `${hotkey} is not registered on subnet ${live.netuid}: validators will not find this axon`,
        )
      }
    },
    onError(error: unknown, live: Live): void {
      const why = printable(error instanceof Error ? error.message : String(error))
      const at = now()
      const streak = failing ?? { count: 0, why: '', warnedAt: 0 }
      streak.count++
      failing = streak
      if (streak.count > 1 && why === streak.why && at - streak.warnedAt < repeatMs) {
        return
      }
      const times = streak.count > 1 ? ` (${streak.count} in a row)` : ''
      const kept = live.isGone
        ? 'the subnet is gone, so no caller is served'
        : `still using block ${live.metagraph.block}'s`
      warn(`metagraph refresh failed${times}: ${why}; ${kept}`)
      streak.why = why
      streak.warnedAt = at
    },
    onRefresh(live: Live): void {
      if (failing !== undefined) {
        notify(
          `metagraph refresh recovered at block ${live.metagraph.block} after ${failing.count} failures`,
        )
        failing = undefined
      }
      checkProgress(live)
      checkRegistration(live)
    },
  }
}
