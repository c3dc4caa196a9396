import { randomInt } from 'node:crypto'
import { toHex } from '@taokit/core'
import { type Keypair, weightCommitHash } from '@taokit/keys'
import { accountId, checkNetuid, type Subtensor } from './client.js'
import { ChainError, ChainErrorCode } from './errors.js'
import { type ExtrinsicResult, type SubmitOptions, submit } from './extrinsic.js'
import { extrinsic, hasStorage } from './metadata.js'
import { isLiveAt, type StoredWeightCommit, storedRevealWindow } from './weight-commits.js'
import { convertWeightsAndUidsForEmit, type WeightsInput } from './weights/index.js'
import { ensureRegistered } from './writes.js'

export interface WeightsParams {
  netuid: number
  uids: ArrayLike<number>
  /** Any non-negative scale; converted to u16 as the Python SDK does (max = 65535). */
  weights: WeightsInput
  /** Must be at least the subnet's `weights_version` (0 accepts anything when that is 0). */
  versionKey?: bigint
}

/** What {@link commitWeights} hashed; keep it to reveal. */
export interface WeightsCommit {
  netuid: number
  hotkey: string
  uids: number[]
  values: number[]
  salt: number[]
  versionKey: string
  commitHash: string
  /** The chain it was committed on (its genesis hash); absent in files from before. */
  genesisHash?: string
  commitBlock: number
  /** First and last block in which the reveal is accepted. */
  revealFrom: number
  revealUntil: number
}

interface WeightsState {
  uid: number
  block: number
  n: number
  commitReveal: boolean
  versionKey: bigint
  rateLimit: bigint
  lastUpdate: bigint
  permit: boolean
  isOwner: boolean
  minAllowed: number
  tempo: number
  revealPeriod: bigint
  stake: bigint
  stakeThreshold: bigint
  maxWeightsLimit: number
  unrevealedCommits: number
  /** Whether the runtime counts epochs with SubnetEpochIndex (after spec 393). */
  indexedEpochs: boolean
}

// subtensor's MAX_UNREVEALED_COMMITS (hotkeys may hold this many live commits per subnet).
const MAX_UNREVEALED_COMMITS = 10

async function weightsState(
  subtensor: Subtensor,
  netuid: number,
  hotkey: string,
): Promise<WeightsState> {
  if (netuid === 0) {
    throw new ChainError(
      ChainErrorCode.InvalidWeights,
      'netuid: the root network (0) takes no weights through set_weights',
      { field: 'netuid' },
    )
  }
  const uid = await ensureRegistered(subtensor, netuid, hotkey)
  const head = await subtensor.head()
  const key = accountId(hotkey, 'hotkey')
  const on = (item: string, args: unknown[] = [netuid]) => ['subtensorModule', item, args] as const
  const [
    commitReveal,
    versionKey,
    rateLimit,
    lastUpdate,
    permits,
    minAllowed,
    n,
    owner,
    tempo,
    period,
    stake,
    stakeThreshold,
    maxWeightsLimit,
    commits,
  ] = await subtensor.raw.storage(
    [
      on('commitRevealWeightsEnabled'),
      on('weightsVersionKey'),
      on('weightsSetRateLimit'),
      on('lastUpdate'),
      on('validatorPermit'),
      on('minAllowedWeights'),
      on('subnetworkN'),
      on('subnetOwnerHotkey'),
      on('tempo'),
      on('revealPeriodEpochs'),
      on('totalHotkeyAlpha', [key, netuid]),
      ['subtensorModule', 'stakeThreshold', []],
      on('maxWeightsLimit'),
      on('weightCommits', [netuid, key]),
    ],
    head.hash,
  )
  const indexedEpochs = hasStorage(subtensor.api, 'subtensorModule', 'subnetEpochIndex')
  return {
    uid,
    block: head.number,
    n: Number(n),
    commitReveal: commitReveal === true,
    versionKey: BigInt(versionKey as bigint),
    rateLimit: BigInt(rateLimit as bigint),
    lastUpdate: (lastUpdate as BigUint64Array)[uid] ?? 0n,
    permit: ((permits as Uint8Array)[uid] ?? 0) !== 0,
    isOwner: toHex(owner as Uint8Array) === toHex(key),
    minAllowed: Number(minAllowed),
    tempo: Number(tempo),
    revealPeriod: BigInt(period as bigint),
    stake: BigInt(stake as bigint),
    stakeThreshold: BigInt(stakeThreshold as bigint),
    maxWeightsLimit: Number(maxWeightsLimit),
    unrevealedCommits: liveCommits(
      (commits as StoredWeightCommit[] | undefined) ?? [],
      head.number + 1,
      netuid,
      Number(tempo),
      BigInt(period as bigint),
      indexedEpochs,
    ),
    indexedEpochs,
  }
}

/**
 * The commits the chain will still count when the next block lands: it drops expired ones
 * (past their reveal epoch) before it checks the limit, so they must not lock a validator
 * out. Later runtimes count epochs in storage; there every stored commit is counted.
 */
function liveCommits(
  commits: readonly StoredWeightCommit[],
  landsAt: number,
  netuid: number,
  tempo: number,
  revealPeriod: bigint,
  indexedEpochs: boolean,
): number {
  if (indexedEpochs) return commits.length
  return commits.filter((commit) => isLiveAt(commit, landsAt, netuid, tempo, revealPeriod)).length
}

/**
 * The chain's weight checks, in its order, as errors that say what to do; run before paying
 * anything, on the state of the latest block (the transaction lands in the next one).
 */
function preflight(
  state: WeightsState,
  netuid: number,
  uids: Uint16Array,
  versionKey: bigint,
  mode: 'set' | 'commit' | 'reveal',
): void {
  if (state.stake < state.stakeThreshold) {
    throw new ChainError(
      ChainErrorCode.NoValidatorPermit,
      `uid ${state.uid} has ${state.stake} alpha rao of stake; setting weights takes at least ${state.stakeThreshold}`,
      { field: 'hotkey' },
    )
  }
  if (state.versionKey !== 0n && versionKey < state.versionKey) {
    throw new ChainError(
      ChainErrorCode.WeightsVersion,
      `versionKey: subnet ${netuid} requires a weights version key of at least ${state.versionKey}, got ${versionKey}; update your validator code`,
      { field: 'versionKey' },
    )
  }
  if (mode === 'set' && state.commitReveal) {
    throw new ChainError(
      ChainErrorCode.CommitReveal,
      `subnet ${netuid} has commit-reveal on: commit weights now and reveal them later (commitWeights / taokit weights commit)`,
      { field: 'netuid' },
    )
  }
  if (mode !== 'set' && !state.commitReveal) {
    throw new ChainError(
      ChainErrorCode.CommitReveal,
      `subnet ${netuid} has commit-reveal off: set weights directly (setWeights / taokit weights set)`,
      { field: 'netuid' },
    )
  }
  const landsAt = BigInt(state.block + 1)
  if (
    mode !== 'reveal' &&
    state.lastUpdate !== 0n &&
    landsAt - state.lastUpdate < state.rateLimit
  ) {
    const next = state.lastUpdate + state.rateLimit
    throw new ChainError(
      ChainErrorCode.WeightsTooFast,
      `uid ${state.uid} last set weights at block ${state.lastUpdate}; subnet ${netuid} allows once every ${state.rateLimit} blocks, so the next can land in block ${next} (${next - landsAt} blocks from now)`,
      { field: 'netuid' },
    )
  }
  if (mode === 'commit') {
    if (state.unrevealedCommits >= MAX_UNREVEALED_COMMITS) {
      throw new ChainError(
        ChainErrorCode.CommitReveal,
        `uid ${state.uid} already has ${state.unrevealedCommits} unrevealed commits on subnet ${netuid}, the most allowed; reveal them or let them expire`,
        { field: 'hotkey' },
      )
    }
    return
  }
  const selfWeight = uids.length === 1 && uids[0] === state.uid
  if (!selfWeight && !state.isOwner && !state.permit) {
    throw new ChainError(
      ChainErrorCode.NoValidatorPermit,
      `uid ${state.uid} has no validator permit on subnet ${netuid}; permits go to the top-staked neurons at each epoch`,
      { field: 'hotkey' },
    )
  }
  const seen = new Set<number>()
  for (const uid of uids) {
    if (uid >= state.n) {
      throw new ChainError(
        ChainErrorCode.InvalidWeights,
        `uids: ${uid} is not a uid of subnet ${netuid}, which has ${state.n}`,
        { field: 'uids' },
      )
    }
    if (seen.has(uid)) {
      throw new ChainError(ChainErrorCode.InvalidWeights, `uids: ${uid} appears twice`, {
        field: 'uids',
      })
    }
    seen.add(uid)
  }
  const minimum = Math.min(state.minAllowed, state.n)
  if (!selfWeight && uids.length < minimum) {
    throw new ChainError(
      ChainErrorCode.InvalidWeights,
      `weights: subnet ${netuid} requires non-zero weights on at least ${minimum} uids, got ${uids.length}`,
      { field: 'weights' },
    )
  }
  // The chain scales weights so the largest is 65535, which a limit below that refuses.
  if (!selfWeight && state.maxWeightsLimit !== 65535 && uids.length > 0) {
    throw new ChainError(
      ChainErrorCode.InvalidWeights,
      `weights: subnet ${netuid} caps each weight at ${state.maxWeightsLimit} of 65535, and the largest weight is always sent as 65535`,
      { field: 'weights' },
    )
  }
}

function emitted(params: WeightsParams): { uids: Uint16Array; values: Uint16Array } {
  const { uids, weights } = convertWeightsAndUidsForEmit(params.uids, params.weights)
  return { uids, values: weights }
}

function checkVersionKey(versionKey: bigint | undefined): bigint {
  const key = versionKey ?? 0n
  if (typeof key !== 'bigint' || key < 0n || key >= 1n << 64n) {
    throw new ChainError(
      ChainErrorCode.InvalidInput,
      `versionKey: expected a u64 bigint, got ${String(versionKey)}`,
      { field: 'versionKey' },
    )
  }
  return key
}

/** set_weights, after the chain's checks have passed locally. */
export async function setWeights(
  subtensor: Subtensor,
  hotkey: Keypair,
  params: WeightsParams,
  options: SubmitOptions = {},
): Promise<ExtrinsicResult> {
  checkNetuid(params.netuid)
  const versionKey = checkVersionKey(params.versionKey)
  const { uids, values } = emitted(params)
  const state = await weightsState(subtensor, params.netuid, hotkey.ss58)
  preflight(state, params.netuid, uids, versionKey, 'set')
  const call = extrinsic(subtensor.api, 'subtensorModule', 'setWeights')(
    params.netuid,
    [...uids],
    [...values],
    versionKey,
  )
  return submit(subtensor, call, hotkey, options)
}

/**
 * commit_weights of the weights' hash with a fresh random salt. The returned commit holds
 * what the reveal needs and the blocks it must land in; hand it to a RevealScheduler.
 */
export interface CommitOptions extends SubmitOptions {
  /**
   * Told of the commit once the chain's checks have passed, before it is sent, with its block
   * and window estimated for the next block: a commit whose salt is not kept can never be
   * revealed, so keep it now (a RevealScheduler does). What it throws stops the commit.
   */
  beforeSubmit?: (commit: WeightsCommit) => Promise<void>
}

export async function commitWeights(
  subtensor: Subtensor,
  hotkey: Keypair,
  params: WeightsParams & { salt?: readonly number[] },
  options: CommitOptions = {},
): Promise<{ result: ExtrinsicResult; commit: WeightsCommit }> {
  checkNetuid(params.netuid)
  const versionKey = checkVersionKey(params.versionKey)
  const { uids, values } = emitted(params)
  const state = await weightsState(subtensor, params.netuid, hotkey.ss58)
  preflight(state, params.netuid, uids, versionKey, 'commit')
  const salt = params.salt ?? Array.from({ length: 8 }, () => randomInt(0, 65536))
  const hash = toHex(
    weightCommitHash({
      hotkey: hotkey.addressRaw,
      netuid: params.netuid,
      uids,
      values,
      salt,
      versionKey,
    }),
  )
  const committed = (block: number): WeightsCommit => ({
    netuid: params.netuid,
    hotkey: hotkey.ss58,
    uids: [...uids],
    values: [...values],
    salt: [...salt],
    versionKey: versionKey.toString(),
    commitHash: hash,
    genesisHash: subtensor.api.genesisHash.toHex(),
    commitBlock: block,
    ...revealWindow(block, params.netuid, state.tempo, state.revealPeriod),
  })
  const { beforeSubmit, ...submitOptions } = options
  await beforeSubmit?.(committed(state.block + 1))
  const call = extrinsic(subtensor.api, 'subtensorModule', 'commitWeights')(params.netuid, hash)
  const result = (await submit(subtensor, call, hotkey, submitOptions)).orThrow()
  const stored = await chainRevealWindow(subtensor, params.netuid, hotkey, hash, result.blockHash)
  return { result, commit: { ...committed(result.blockNumber), ...stored } }
}

/**
 * The reveal window spec 393 stored with a commit, which is the chain's word on it (ours is
 * counted as later runtimes count epochs); undefined on those, or if it cannot be read: the
 * commit has landed, and that must not be lost over a read.
 */
async function chainRevealWindow(
  subtensor: Subtensor,
  netuid: number,
  hotkey: Keypair,
  hash: string,
  at: string,
): Promise<{ revealFrom: number; revealUntil: number } | undefined> {
  try {
    const [commits] = await subtensor.raw.storage(
      [['subtensorModule', 'weightCommits', [netuid, hotkey.addressRaw]]],
      at,
    )
    const entry = ((commits as StoredWeightCommit[] | undefined) ?? []).find(
      (commit) => toHex(commit[0] as Uint8Array) === hash,
    )
    return entry === undefined ? undefined : storedRevealWindow(entry)
  } catch {
    return undefined
  }
}

/**
 * The blocks in which a commit made in `commitBlock` may be revealed: exactly `revealPeriod`
 * epochs after the commit's, where the epoch that runs at a block counts as begun, (block +
 * netuid + 2) / (tempo + 1), as on the devnet and runtimes with SubnetEpochIndex. Spec 393
 * counts epochs one block later and stores each commit's window with it; commitWeights and
 * the RevealScheduler take that window from the chain there.
 */
export function revealWindow(
  commitBlock: number,
  netuid: number,
  tempo: number,
  revealPeriod: bigint,
): { revealFrom: number; revealUntil: number } {
  const length = tempo + 1
  const commitEpoch = Math.floor((commitBlock + netuid + 2) / length)
  const revealEpoch = commitEpoch + Number(revealPeriod)
  const revealFrom = Math.max(commitBlock + 1, revealEpoch * length - netuid - 2)
  return { revealFrom, revealUntil: (revealEpoch + 1) * length - netuid - 3 }
}

/** reveal_weights of a commit; fails early with how many blocks are left when it is early. */
export async function revealWeights(
  subtensor: Subtensor,
  hotkey: Keypair,
  commit: WeightsCommit,
  options: SubmitOptions = {},
): Promise<ExtrinsicResult> {
  if (commit.hotkey !== hotkey.ss58) {
    throw new ChainError(
      ChainErrorCode.InvalidInput,
      `hotkey: the commit was made by ${commit.hotkey}, not ${hotkey.ss58}`,
      { field: 'hotkey' },
    )
  }
  const uids = Uint16Array.from(commit.uids)
  const versionKey = BigInt(commit.versionKey)
  const state = await weightsState(subtensor, commit.netuid, hotkey.ss58)
  preflight(state, commit.netuid, uids, versionKey, 'reveal')
  const landsAt = state.block + 1
  // The window is computed with spec 393's epoch count; later runtimes count epochs in
  // storage (SubnetEpochIndex), so there the chain alone decides.
  if (!state.indexedEpochs && landsAt < commit.revealFrom) {
    throw new ChainError(
      ChainErrorCode.CommitReveal,
      `the reveal is accepted from block ${commit.revealFrom}; the next block is ${landsAt}`,
      { field: 'commit' },
    )
  }
  if (!state.indexedEpochs && landsAt > commit.revealUntil) {
    throw new ChainError(
      ChainErrorCode.CommitReveal,
      `the commit expired: its reveal window ended at block ${commit.revealUntil}`,
      { field: 'commit' },
    )
  }
  const call = extrinsic(subtensor.api, 'subtensorModule', 'revealWeights')(
    commit.netuid,
    commit.uids,
    commit.values,
    commit.salt,
    versionKey,
  )
  return submit(subtensor, call, hotkey, options)
}
