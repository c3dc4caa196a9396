import { randomBytes } from 'node:crypto'
import { link, mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { hostname } from 'node:os'
import { basename, dirname, join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { threadId } from 'node:worker_threads'
import { isTaokitError as isChainError } from '@taokit/core'
import type { Keypair } from '@taokit/keys'
import { accountId, type Subtensor } from './client.js'
import { ChainError, ChainErrorCode } from './errors.js'
import type { DispatchFailure, ExtrinsicResult } from './extrinsic.js'
import {
  type CommitOptions,
  commitWeights,
  revealWeights,
  revealWindow,
  type WeightsCommit,
  type WeightsParams,
} from './set-weights.js'
import { committedAt, type StoredWeightCommit, storedRevealWindow } from './weight-commits.js'

export type RevealOutcome =
  | { commit: WeightsCommit; status: 'revealed'; result: ExtrinsicResult }
  | { commit: WeightsCommit; status: 'failed'; error: Error }
  | { commit: WeightsCommit; status: 'expired' }
  /** Not on chain: revealed or dropped already (by another process, say), or never landed. */
  | { commit: WeightsCommit; status: 'gone' }

/** A commit as the file keeps it. */
interface StoredCommit extends WeightsCommit {
  /** Saved before it was sent: its block, and so its window, are estimates until it lands. */
  unconfirmed?: true
  /** For an unconfirmed commit: the last block it may land in (its mortal era's end). */
  landsBy?: number
  /** Who is revealing it right now: a reveal run's token, alive while its process is. */
  revealingBy?: string
  /** Its reveal was sent and may still land until this block: nobody sends another before. */
  revealPendingUntil?: number
}

interface SchedulerFile {
  version: 1
  commits: StoredCommit[]
}

/** How long a sent commit may take to land, unless told: the default mortal era. */
const DEFAULT_MORTALITY = 64

/**
 * The `host:pid:random` tokens this process holds now (its locks) or owns (its schedulers),
 * to tell them from those of an earlier process that had the same pid (a container
 * restarted). Shared by every copy of this module in the process (two installed versions,
 * a bundle), which would otherwise take each other's tokens for an earlier life's.
 */
const TOKENS = Symbol.for('taokit.chain.revealTokens')
const shared = globalThis as Record<symbol, Set<string> | undefined>
shared[TOKENS] ??= new Set<string>()
const ours: Set<string> = shared[TOKENS]

/** Tokens name the host too: a pid says nothing about a process on another host. */
const HOST = hostname().replaceAll(':', '_')

function newToken(): string {
  const token = `${HOST}:${process.pid}:${threadId}:${randomBytes(8).toString('hex')}`
  ours.add(token)
  return token
}

/**
 * Whether a lock or claim token belongs to nobody alive any more. A token of another host,
 * or one this code did not write (an empty lock being written), cannot be judged: it is
 * not an orphan. A claim, written whole inside the file, counts as one when it is malformed.
 */
function isOrphan(token: unknown, kind: 'lock' | 'claim'): boolean {
  const match = typeof token === 'string' ? /^(.*):(\d+):(\d+):[0-9a-f]+$/.exec(token) : null
  if (match === null) return kind === 'claim'
  if (match[1] !== HOST) return false
  const pid = Number(match[2])
  if (pid !== process.pid) return !isAlive(pid)
  // Another thread of this process keeps its own tokens: it cannot be judged from here.
  return Number(match[3]) === threadId && !ours.has(token as string)
}

/** Whether the chain refused a reveal in a way that a later try cannot change. */
function refusedForGood(error: Error): boolean {
  if (!isChainError(error, ChainErrorCode.DispatchFailed)) return false
  return (error.cause as DispatchFailure | undefined)?.name !== 'RevealTooEarly'
}

/**
 * Commits waiting for their reveal window, kept in a JSON file so a validator that restarts
 * between commit and reveal still reveals (an unrevealed commit loses that epoch's weights).
 *
 * Several processes may share the file (a validator committing each epoch while a reveal
 * waits): every change is made under a lock file, to the file as it is on disk, and written
 * to a temporary file renamed over the old one, so a crash leaves the old list or the new
 * one. A commit is kept before it is sent, and a reveal first checks that its commit is
 * still on chain and that no other live process is revealing it.
 */
export class RevealScheduler {
  #commits: StoredCommit[]

  private constructor(
    readonly path: string,
    commits: StoredCommit[],
  ) {
    this.#commits = commits
  }

  static async open(path: string): Promise<RevealScheduler> {
    return new RevealScheduler(path, await readCommits(path))
  }

  /** The commits as last read or written by this scheduler. */
  get pending(): readonly WeightsCommit[] {
    return this.#commits.map(publicCommit)
  }

  async add(commit: WeightsCommit): Promise<void> {
    await this.#update(keeping(publicCommit(commit)))
  }

  /**
   * commitWeights, with the commit kept in the file before it is sent (so a crash, or a
   * file that cannot be written, never leaves a commit on chain that nothing can reveal),
   * and confirmed with its block once it lands. A commit the chain refused is forgotten;
   * one that may still land stays, and a reveal settles it.
   */
  async commit(
    subtensor: Subtensor,
    hotkey: Keypair,
    params: WeightsParams & { salt?: readonly number[] },
    options: CommitOptions = {},
  ): Promise<{ result: ExtrinsicResult; commit: WeightsCommit }> {
    let hash: string | undefined
    try {
      const committed = await commitWeights(subtensor, hotkey, params, {
        ...options,
        beforeSubmit: async (estimate) => {
          await options.beforeSubmit?.(estimate)
          hash = estimate.commitHash
          const landsBy = estimate.commitBlock + (options.mortality ?? DEFAULT_MORTALITY)
          await this.#update((commits) => [...commits, { ...estimate, unconfirmed: true, landsBy }])
        },
      })
      await this.#update(keeping(committed.commit))
      return committed
    } catch (error) {
      if (hash !== undefined && isChainError(error, ChainErrorCode.DispatchFailed)) {
        await this.#update((commits) => commits.filter((c) => c.commitHash !== hash))
      }
      throw error
    }
  }

  /** Commits whose reveal can land in the block after `head`. */
  due(head: number): WeightsCommit[] {
    return this.#commits.filter((c) => isDue(c, head)).map(publicCommit)
  }

  /**
   * Reveals every due commit of the hotkeys `keyFor` gives a key for, and drops theirs whose
   * window has passed or that are no longer on chain; other hotkeys' commits are left as
   * they are. A failed reveal stays queued while its window is open.
   */
  async revealDue(
    subtensor: Subtensor,
    keyFor: (hotkey: string) => Keypair | undefined,
  ): Promise<RevealOutcome[]> {
    this.#commits = await readCommits(this.path)
    const genesis = subtensor.api.genesisHash.toHex()
    // Commits made on another network are not this chain's to judge.
    const mine = this.#commits.filter((c) => keyFor(c.hotkey) !== undefined && isOn(c, genesis))
    if (mine.length === 0) return []
    const head = await subtensor.head()
    const chain = await chainCommits(subtensor, mine, head.hash)
    const outcomes: RevealOutcome[] = []
    const settled = new Map<string, StoredCommit>()
    const due: StoredCommit[] = []
    for (const stored of mine) {
      const onChain = chain.get(stored.commitHash)
      if (onChain === undefined) {
        if (stored.unconfirmed) {
          // Sent, never seen landed: gone once its era is over, until then it may still land.
          const landsBy = stored.landsBy ?? stored.commitBlock + DEFAULT_MORTALITY
          if (head.number > landsBy) outcomes.push({ commit: publicCommit(stored), status: 'gone' })
        } else if (head.number >= stored.commitBlock) {
          // (A node behind the block the commit landed in cannot show it yet.) The chain
          // drops expired commits when the hotkey next commits or reveals; one revealed
          // here would have left the file with its reveal.
          const late = head.number + 1 > stored.revealUntil
          outcomes.push({ commit: publicCommit(stored), status: late ? 'expired' : 'gone' })
        }
        continue
      }
      // A window the chain stored (spec 393) is its word on the commit, over ours.
      const commit: StoredCommit = stored.unconfirmed
        ? { ...publicCommit(stored), commitBlock: onChain.block, ...onChain.window }
        : onChain.stored
          ? { ...stored, ...onChain.window }
          : stored
      if (stored.unconfirmed) settled.set(commit.commitHash, publicCommit(commit))
      if (head.number + 1 > commit.revealUntil) {
        outcomes.push({ commit: publicCommit(commit), status: 'expired' })
      } else if (isDue(commit, head.number)) due.push(commit)
    }
    // A token per run: two runs at once, even of one scheduler, never both reveal.
    const run = newToken()
    try {
      return await this.#reveal(subtensor, keyFor, { head, mine, due, settled, outcomes, run })
    } finally {
      ours.delete(run)
    }
  }

  async #reveal(
    subtensor: Subtensor,
    keyFor: (hotkey: string) => Keypair | undefined,
    state: {
      head: { number: number; hash: string }
      mine: StoredCommit[]
      due: StoredCommit[]
      settled: Map<string, StoredCommit>
      outcomes: RevealOutcome[]
      run: string
    },
  ): Promise<RevealOutcome[]> {
    const { head, mine, due, settled, outcomes, run } = state
    const { claimed, takenOver } = await this.#claim(due, run, head.number)
    try {
      // Taken over from a revealer that died: its reveal may be in the pool still, so the
      // chain gets a block to show it before this one is sent, unless that block would end
      // the window (a refused second reveal costs a fee; a missed one, the epoch's weights).
      const waiting = due.filter((c) => takenOver.includes(c.commitHash))
      for (const commit of waiting.filter((c) => head.number + 2 > c.revealUntil))
        claimed.push(commit)
      const wait = waiting.filter((c) => head.number + 2 <= c.revealUntil)
      if (wait.length > 0) {
        const later = await blockAfter(subtensor, head.number)
        const still = await chainCommits(subtensor, mine, later.hash)
        for (const commit of wait) {
          if (still.has(commit.commitHash)) claimed.push(commit)
          else outcomes.push({ commit: publicCommit(commit), status: 'gone' })
        }
      }
      for (const commit of claimed) {
        try {
          const result = (await revealWeights(subtensor, keyFor(commit.hotkey)!, commit)).orThrow()
          outcomes.push({ commit: publicCommit(commit), status: 'revealed', result })
        } catch (error) {
          outcomes.push({ commit: publicCommit(commit), status: 'failed', error: error as Error })
        }
      }
      // A reveal the chain has refused (no such commit, hash mismatch, expired) will be
      // refused again; only one that never reached a block is worth another try, and one
      // sent but not seen in a block may still land: it stays claimed until its era ends.
      const done = new Set(
        outcomes
          .filter((o) => o.status !== 'failed' || refusedForGood(o.error))
          .map((o) => o.commit.commitHash),
      )
      const inFlight = new Set(
        outcomes
          .filter(
            (o) =>
              o.status === 'failed' && isChainError(o.error, ChainErrorCode.TransactionPending),
          )
          .map((o) => o.commit.commitHash),
      )
      const released = new Set(claimed.map((c) => c.commitHash))
      if (done.size > 0 || released.size > 0 || settled.size > 0) {
        await this.#update((commits) =>
          commits
            .filter((c) => !done.has(c.commitHash))
            .map((c) => {
              const confirmed = settled.get(c.commitHash)
              // Only the landing is settled here: a claim on the entry is kept as it is.
              let next = confirmed !== undefined && c.unconfirmed ? withClaimOf(c, confirmed) : c
              if (inFlight.has(c.commitHash)) {
                next = { ...next, revealPendingUntil: head.number + 1 + DEFAULT_MORTALITY }
              } else if (released.has(c.commitHash)) next = unclaimed(next, run)
              return next
            }),
        )
      }
      return outcomes
    } catch (error) {
      // Revealed ones are gone from the chain; claims left behind would wait for this run.
      const revealed = new Set(
        outcomes.filter((o) => o.status === 'revealed').map((o) => o.commit.commitHash),
      )
      await this.#update((commits) =>
        commits.filter((c) => !revealed.has(c.commitHash)).map((c) => unclaimed(c, run)),
      ).catch(() => {})
      throw error
    }
  }

  /** Reveals due commits at every new block until the returned function is called. */
  async start(
    subtensor: Subtensor,
    keyFor: (hotkey: string) => Keypair | undefined,
    onOutcome: (outcome: RevealOutcome) => void = () => {},
    onError: (error: unknown) => void = () => {},
  ): Promise<() => void> {
    let running = false
    return subtensor.subscribeBlocks(() => {
      // The file is read at each block: another process may have added commits.
      if (running) return
      running = true
      this.revealDue(subtensor, keyFor)
        .then((outcomes) => outcomes.forEach(onOutcome))
        .catch(onError)
        .finally(() => {
          running = false
        })
    })
  }

  /**
   * Marks `due` as being revealed by this run (`run`), in the file. `claimed` are those it
   * may reveal now: still there, claimed by nobody else, and with no reveal of theirs that
   * may still land; `takenOver` were claimed by a run that is gone, and are this run's now.
   */
  async #claim(
    due: StoredCommit[],
    run: string,
    head: number,
  ): Promise<{ claimed: StoredCommit[]; takenOver: string[] }> {
    const claimed: StoredCommit[] = []
    const takenOver: string[] = []
    if (due.length === 0) return { claimed, takenOver }
    const wanted = new Map(due.map((c) => [c.commitHash, c]))
    await this.#update((commits) =>
      commits.map((c) => {
        const commit = wanted.get(c.commitHash)
        if (commit === undefined) return c
        if (c.revealPendingUntil !== undefined && head <= c.revealPendingUntil) return c
        const by = c.revealingBy
        if (by !== undefined && by !== run) {
          if (!isOrphan(by, 'claim')) return c
          takenOver.push(c.commitHash)
        } else claimed.push(commit)
        const { revealPendingUntil: _until, ...rest } = c
        return { ...rest, revealingBy: run }
      }),
    )
    return { claimed, takenOver }
  }

  async #update(change: (commits: StoredCommit[]) => StoredCommit[]): Promise<void> {
    await underLock(this.path, async () => {
      await removeOrphanTemporaries(this.path)
      const next = change(await readCommits(this.path))
      await writeCommits(this.path, next)
      this.#commits = next
    })
  }
}

/** The first block after `number`, or the head after two blocks' time if none comes. */
async function blockAfter(
  subtensor: Subtensor,
  number: number,
): Promise<{ number: number; hash: string }> {
  const until = Date.now() + 24_000
  for (;;) {
    const head = await subtensor.head()
    if (head.number > number || Date.now() > until) return head
    await sleep(500)
  }
}

function isDue(commit: WeightsCommit, head: number): boolean {
  return commit.revealFrom <= head + 1 && head + 1 <= commit.revealUntil
}

function unclaimed(commit: StoredCommit, by: string): StoredCommit {
  if (commit.revealingBy !== by) return commit
  const { revealingBy: _revealingBy, revealPendingUntil: _until, ...rest } = commit
  return rest
}

/** `next` in place of `current`, keeping whoever is revealing `current`. */
function withClaimOf(current: StoredCommit, next: StoredCommit): StoredCommit {
  const { revealingBy, revealPendingUntil } = current
  return {
    ...next,
    ...(revealingBy === undefined ? {} : { revealingBy }),
    ...(revealPendingUntil === undefined ? {} : { revealPendingUntil }),
  }
}

/** Adds `commit`, or puts it in place of the entry with its hash, keeping that one's claim. */
function keeping(commit: StoredCommit): (commits: StoredCommit[]) => StoredCommit[] {
  return (commits) =>
    commits.some((c) => c.commitHash === commit.commitHash)
      ? commits.map((c) => (c.commitHash === commit.commitHash ? withClaimOf(c, commit) : c))
      : [...commits, commit]
}

/** Whether `commit` was made on the chain of `genesis` (or on an unrecorded one, as before). */
function isOn(commit: WeightsCommit, genesis: string): boolean {
  return commit.genesisHash === undefined || commit.genesisHash === genesis
}

function publicCommit(commit: StoredCommit): WeightsCommit {
  const {
    unconfirmed: _unconfirmed,
    landsBy: _landsBy,
    revealingBy: _revealingBy,
    revealPendingUntil: _until,
    ...rest
  } = commit
  return rest
}

/** A commit as the chain holds it; `stored` when the chain keeps its window (spec 393). */
interface ChainCommit {
  block: number
  window: { revealFrom: number; revealUntil: number }
  stored: boolean
}

/** The commits on chain of the hotkeys and subnets of `commits`: hash → block and window. */
async function chainCommits(
  subtensor: Subtensor,
  commits: readonly WeightsCommit[],
  at: string,
): Promise<Map<string, ChainCommit>> {
  const pairs = [...new Map(commits.map((c) => [`${c.netuid}/${c.hotkey}`, c])).values()]
  const netuids = [...new Set(pairs.map((c) => c.netuid))]
  const values = await subtensor.raw.storage(
    [
      ...pairs.map(
        (c) =>
          ['subtensorModule', 'weightCommits', [c.netuid, accountId(c.hotkey, 'hotkey')]] as const,
      ),
      ...netuids.map((netuid) => ['subtensorModule', 'tempo', [netuid]] as const),
      ...netuids.map((netuid) => ['subtensorModule', 'revealPeriodEpochs', [netuid]] as const),
    ],
    at,
  )
  const found = new Map<string, ChainCommit>()
  pairs.forEach((pair, i) => {
    const index = netuids.indexOf(pair.netuid)
    const tempo = Number(values[pairs.length + index])
    const period = BigInt(values[pairs.length + netuids.length + index] as bigint)
    for (const entry of (values[i] as StoredWeightCommit[] | undefined) ?? []) {
      const hash = `0x${Buffer.from(entry[0] as Uint8Array).toString('hex')}`
      const block = Number(committedAt(entry))
      const stored = storedRevealWindow(entry)
      const window = stored ?? revealWindow(block, pair.netuid, tempo, period)
      found.set(hash, { block, window, stored: stored !== undefined })
    }
  })
  return found
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function fileError(path: string, what: string, cause?: unknown): ChainError {
  return new ChainError(ChainErrorCode.InvalidInput, `${path}: ${what}`, {
    field: 'path',
    ...(cause === undefined ? {} : { cause }),
  })
}

function systemError(path: string, doing: string, error: unknown): ChainError {
  const code = (error as NodeJS.ErrnoException).code ?? 'unknown error'
  return fileError(path, `cannot ${doing} it (${code})`, error)
}

/** How long to wait for a lock another live process holds (it only covers a read and a write). */
const LOCK_WAIT_MS = 15_000

/**
 * Runs `action` holding `<path>.lock`, a file naming its holder's token. A lock whose holder
 * is gone (its process died, or it is this process's pid from an earlier life) is broken;
 * one held by a live process is waited for, never taken, however long it takes.
 */
async function underLock<T>(path: string, action: () => Promise<T>): Promise<T> {
  const lock = `${path}.lock`
  try {
    await mkdir(dirname(path), { recursive: true })
  } catch (error) {
    throw systemError(dirname(path), 'make the folder for', error)
  }
  const token = newToken()
  const deadline = Date.now() + LOCK_WAIT_MS
  try {
    while (!(await createWith(lock, token))) {
      if (Date.now() > deadline) {
        throw fileError(lock, 'another process holds this lock; if none is running, remove it')
      }
      const holder = await readText(lock)
      if (holder !== undefined && isOrphan(holder, 'lock')) await breakLock(lock, holder)
      else await sleep(20)
    }
    try {
      return await action()
    } finally {
      if ((await readText(lock)) === token) await rm(lock, { force: true })
    }
  } finally {
    ours.delete(token)
  }
}

/**
 * Removes `lock` if `holder` still holds it. Breakers take `<lock>.break` first, so that of
 * several processes that found the same orphan, one removes it, and none removes the lock
 * another has taken since.
 */
async function breakLock(lock: string, holder: string): Promise<void> {
  const breaker = `${lock}.break`
  const token = newToken()
  try {
    if (!(await createWith(breaker, token))) {
      const other = await readText(breaker)
      // A breaker that died within its few microseconds.
      if (other !== undefined && isOrphan(other, 'lock')) await rm(breaker, { force: true })
      await sleep(5)
      return
    }
    try {
      if ((await readText(lock)) === holder) await rm(lock, { force: true })
    } finally {
      await rm(breaker, { force: true })
    }
  } finally {
    ours.delete(token)
  }
}

/** Creates `path` holding `text`, atomically (never empty); false when it exists. */
async function createWith(path: string, text: string): Promise<boolean> {
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  try {
    await writeFile(temporary, text, { mode: 0o600 })
    await link(temporary, path)
    return true
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EEXIST') return false
    // A file system without hard links: create and write, in two steps.
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP') {
      try {
        await writeFile(path, text, { flag: 'wx', mode: 0o600 })
        return true
      } catch (fallback) {
        if ((fallback as NodeJS.ErrnoException).code === 'EEXIST') return false
        throw systemError(path, 'create', fallback)
      }
    }
    throw systemError(path, 'create', error)
  } finally {
    await rm(temporary, { force: true })
  }
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8')
  } catch {
    return undefined
  }
}

/** A temporary file lives for milliseconds; one this old was left by a killed writer. */
const ORPHAN_TEMPORARY_MS = 10 * 60_000

/**
 * Temporary files (`<file>.<pid>.<hex>.tmp`) left by processes killed while writing: of a
 * dead pid, and old (the pid may be another host's, or another container's).
 */
async function removeOrphanTemporaries(path: string): Promise<void> {
  const prefix = `${basename(path)}.`
  const names = await readdir(dirname(path)).catch(() => [] as string[])
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue
    const pid = Number(name.slice(prefix.length).split('.').at(-3) ?? Number.NaN)
    if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid || isAlive(pid)) continue
    const file = join(dirname(path), name)
    const age = await stat(file).then(
      (info) => Date.now() - info.mtimeMs,
      () => 0,
    )
    if (age > ORPHAN_TEMPORARY_MS) await rm(file, { force: true })
  }
}

async function readCommits(path: string): Promise<StoredCommit[]> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw systemError(path, 'read', error)
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (cause) {
    throw fileError(path, 'not a reveal scheduler file (invalid JSON)', cause)
  }
  const file = parsed as Partial<SchedulerFile> | null
  if (file === null || typeof file !== 'object' || file.version !== 1) {
    throw fileError(path, 'expected {"version": 1, "commits": [...]}')
  }
  if (!Array.isArray(file.commits))
    throw fileError(path, 'expected {"version": 1, "commits": [...]}')
  file.commits.forEach((commit, i) => {
    const problem = commitProblem(commit)
    if (problem !== undefined) throw fileError(path, `commits[${i}]: ${problem}`)
  })
  return file.commits
}

const isWhole = (value: unknown) => Number.isSafeInteger(value) && (value as number) >= 0
const isWholeList = (value: unknown) => Array.isArray(value) && value.every(isWhole)

function commitProblem(commit: unknown): string | undefined {
  if (typeof commit !== 'object' || commit === null) return 'expected a commit object'
  const c = commit as Record<string, unknown>
  if (!isWhole(c.netuid)) return 'netuid: expected a whole number'
  if (typeof c.hotkey !== 'string') return 'hotkey: expected an SS58 address'
  for (const list of ['uids', 'values', 'salt'] as const) {
    if (!isWholeList(c[list])) return `${list}: expected a list of whole numbers`
  }
  if (typeof c.versionKey !== 'string' || !/^\d+$/.test(c.versionKey)) {
    return 'versionKey: expected a decimal string'
  }
  if (typeof c.commitHash !== 'string' || !/^0x[0-9a-f]{64}$/.test(c.commitHash)) {
    return 'commitHash: expected 0x and 64 hex digits'
  }
  if (c.genesisHash !== undefined && !/^0x[0-9a-f]{64}$/.test(String(c.genesisHash))) {
    return 'genesisHash: expected 0x and 64 hex digits'
  }
  for (const block of ['commitBlock', 'revealFrom', 'revealUntil'] as const) {
    if (!isWhole(c[block])) return `${block}: expected a block number`
  }
  return undefined
}

async function writeCommits(path: string, commits: StoredCommit[]): Promise<void> {
  // node would rename over a read-only file (its folder decides): the user said not to.
  const mode = await stat(path).then(
    (info) => info.mode,
    () => undefined,
  )
  if (mode !== undefined && (mode & 0o200) === 0) throw fileError(path, 'the file is read-only')
  const body: SchedulerFile = { version: 1, commits }
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  try {
    const handle = await open(temporary, 'wx', 0o600)
    try {
      await handle.writeFile(`${JSON.stringify(body, null, 2)}\n`)
      await handle.sync()
    } finally {
      await handle.close()
    }
    await rename(temporary, path)
  } catch (error) {
    await rm(temporary, { force: true })
    throw systemError(path, 'write', error)
  }
}
