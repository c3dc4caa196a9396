import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { isTaokitError as isChainError } from '@taokit/core'
import type { Keypair } from '@taokit/keys'
import type { Subtensor } from './client.js'
import { ChainError, ChainErrorCode } from './errors.js'
import type { DispatchFailure, ExtrinsicResult } from './extrinsic.js'
import { revealWeights, type WeightsCommit } from './set-weights.js'

export type RevealOutcome =
  | { commit: WeightsCommit; status: 'revealed'; result: ExtrinsicResult }
  | { commit: WeightsCommit; status: 'failed'; error: Error }
  | { commit: WeightsCommit; status: 'expired' }

interface SchedulerFile {
  version: 1
  commits: WeightsCommit[]
}

/** Whether the chain refused a reveal in a way that a later try cannot change. */
function refusedForGood(error: Error): boolean {
  if (!isChainError(error, ChainErrorCode.DispatchFailed)) return false
  return (error.cause as DispatchFailure | undefined)?.name !== 'RevealTooEarly'
}

/**
 * Commits waiting for their reveal window, kept in a JSON file so a validator that restarts
 * between commit and reveal still reveals (an unrevealed commit loses that epoch's weights).
 * Every change is written to a temporary file and renamed over the old one, so a crash
 * leaves either the old list or the new one, never half of one.
 */
export class RevealScheduler {
  #commits: WeightsCommit[]
  #writing: Promise<void> = Promise.resolve()

  private constructor(
    readonly path: string,
    commits: WeightsCommit[],
  ) {
    this.#commits = commits
  }

  static async open(path: string): Promise<RevealScheduler> {
    let text: string
    try {
      text = await readFile(path, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new RevealScheduler(path, [])
      throw error
    }
    let parsed: SchedulerFile
    try {
      parsed = JSON.parse(text) as SchedulerFile
    } catch (cause) {
      throw new ChainError(
        ChainErrorCode.InvalidInput,
        `${path}: not a reveal scheduler file (invalid JSON)`,
        {
          field: 'path',
          cause,
        },
      )
    }
    if (parsed.version !== 1 || !Array.isArray(parsed.commits)) {
      throw new ChainError(
        ChainErrorCode.InvalidInput,
        `${path}: expected {"version": 1, "commits": [...]}`,
        { field: 'path' },
      )
    }
    return new RevealScheduler(path, parsed.commits)
  }

  get pending(): readonly WeightsCommit[] {
    return this.#commits
  }

  async add(commit: WeightsCommit): Promise<void> {
    this.#commits = [...this.#commits, commit]
    await this.#save()
  }

  /** Commits whose reveal can land in the block after `head`. */
  due(head: number): WeightsCommit[] {
    return this.#commits.filter((c) => c.revealFrom <= head + 1 && head + 1 <= c.revealUntil)
  }

  /**
   * Reveals every due commit with the hotkey `keyFor` returns for it, drops commits whose
   * window has passed, and saves. A failed reveal stays queued while its window is open.
   */
  async revealDue(
    subtensor: Subtensor,
    keyFor: (hotkey: string) => Keypair | undefined,
  ): Promise<RevealOutcome[]> {
    const head = await subtensor.blockNumber()
    const outcomes: RevealOutcome[] = []
    for (const commit of this.#commits) {
      if (head + 1 > commit.revealUntil) outcomes.push({ commit, status: 'expired' })
    }
    for (const commit of this.due(head)) {
      const keypair = keyFor(commit.hotkey)
      if (keypair === undefined) continue
      try {
        const result = (await revealWeights(subtensor, keypair, commit)).orThrow()
        outcomes.push({ commit, status: 'revealed', result })
      } catch (error) {
        outcomes.push({ commit, status: 'failed', error: error as Error })
      }
    }
    // A reveal the chain has refused (no such commit, hash mismatch, expired) will be
    // refused again; only one that never reached a block is worth another try.
    const done = new Set(
      outcomes
        .filter((o) => o.status !== 'failed' || refusedForGood(o.error))
        .map((o) => o.commit.commitHash),
    )
    if (done.size > 0) {
      this.#commits = this.#commits.filter((c) => !done.has(c.commitHash))
      await this.#save()
    }
    return outcomes
  }

  /** Reveals due commits at every new block until the returned function is called. */
  async start(
    subtensor: Subtensor,
    keyFor: (hotkey: string) => Keypair | undefined,
    onOutcome: (outcome: RevealOutcome) => void = () => {},
  ): Promise<() => void> {
    let running = false
    return subtensor.subscribeBlocks(() => {
      if (running || this.#commits.length === 0) return
      running = true
      this.revealDue(subtensor, keyFor)
        .then((outcomes) => outcomes.forEach(onOutcome))
        .catch(() => {})
        .finally(() => {
          running = false
        })
    })
  }

  #save(): Promise<void> {
    const body: SchedulerFile = { version: 1, commits: this.#commits }
    // A failed save must not fail every later one.
    this.#writing = this.#writing
      .catch(() => {})
      .then(async () => {
        await mkdir(dirname(this.path), { recursive: true })
        const temporary = `${this.path}.${process.pid}.tmp`
        await writeFile(temporary, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600 })
        await rename(temporary, this.path)
      })
    return this.#writing
  }
}
