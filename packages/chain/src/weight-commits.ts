/**
 * A WeightCommits entry as the chain stores it. Spec 393 (and every runtime before
 * SubnetEpochIndex) stores (hash, commit block, first reveal block, last reveal block) and
 * counts epochs as (block + netuid + 1) / (tempo + 1). The devnet, like later runtimes,
 * stores (hash, commit epoch, commit block, 0) and counts the epoch that runs at a block as
 * begun: (block + netuid + 2) / (tempo + 1). A last reveal block is never 0, so the fourth
 * element tells the two apart.
 */
export type StoredWeightCommit = readonly [unknown, bigint, bigint, bigint]

const windowed = (commit: StoredWeightCommit) => BigInt(commit[3]) !== 0n

/** The block the commit was made in. */
export function committedAt(commit: StoredWeightCommit): bigint {
  return BigInt(windowed(commit) ? commit[1] : commit[2])
}

/** The reveal window spec 393 stored with the commit, or undefined in the later layout. */
export function storedRevealWindow(
  commit: StoredWeightCommit,
): { revealFrom: number; revealUntil: number } | undefined {
  if (!windowed(commit)) return undefined
  return { revealFrom: Number(commit[2]), revealUntil: Number(commit[3]) }
}

/** Whether the chain, at `block`, still counts the commit (it has not expired). */
export function isLiveAt(
  commit: StoredWeightCommit,
  block: number,
  netuid: number,
  tempo: number,
  revealPeriod: bigint,
): boolean {
  const length = BigInt(tempo + 1)
  const epochOf = (at: bigint, shift: bigint) => (at + BigInt(netuid) + shift) / length
  return windowed(commit)
    ? epochOf(BigInt(block), 1n) <= epochOf(BigInt(commit[1]), 1n) + revealPeriod
    : epochOf(BigInt(block), 2n) <= BigInt(commit[1]) + revealPeriod
}
