import { type EpochInput, type EpochOutput, epoch, type SparseRows } from '@taokit/yuma'
import { checkNetuid, type ReadOptions, type Subtensor } from './client.js'
import { ChainError, ChainErrorCode } from './errors.js'
import { hasStorage } from './metadata.js'
import { packRows } from './metagraph.js'
import type { StorageRead } from './raw.js'
import type { Decoded } from './scale.js'
import { committedAt, isLiveAt, type StoredWeightCommit } from './weight-commits.js'

export interface PreviewOptions extends ReadOptions {
  /**
   * What-if weights: replacement rows by uid, as `[uid, u16 weight]` pairs. A replaced row
   * counts as set just before the epoch, as a real set_weights would.
   */
  weights?: ReadonlyMap<number, ReadonlyArray<readonly [number, number]>>
}

export interface EpochPreview {
  netuid: number
  /** The block whose state was read. */
  readAt: { number: number; hash: string }
  /** The block in which the subnet's next epoch runs. */
  epochBlock: number
  /** Hotkeys by uid, to put names on the output. */
  hotkeys: Uint8Array[]
  input: EpochInput
  output: EpochOutput
}

/** Blocks until the next epoch of a subnet under spec 393's schedule, counted from `block`. */
export function nextEpochBlock(block: number, netuid: number, tempo: number): number {
  if (tempo === 0) {
    throw new ChainError(
      ChainErrorCode.InvalidInput,
      `netuid: subnet ${netuid} has tempo 0 and never runs an epoch`,
      {
        field: 'netuid',
      },
    )
  }
  const length = tempo + 1
  // Epochs run where (block + netuid + 1) % (tempo + 1) == tempo.
  const offset = (((tempo - block - netuid - 1) % length) + length) % length
  return block + (offset === 0 ? length : offset)
}

/**
 * Reads what the subnet's next epoch will take from chain state at one block (three batched
 * reads: the size, then everything per subnet and per uid, then per hotkey), and runs
 * crates/yuma on it. On the devnet the output equals what the chain writes at that epoch.
 * Not modelled here: root stake's dividends and child-key stake inheritance, which finney
 * adds to the stake weights, and timelocked (commit-reveal v3/v4) commits, which spec 393
 * counts with WeightCommits when it masks weights to neurons registered after a commit.
 */
export async function previewEpoch(
  subtensor: Subtensor,
  netuid: number,
  options: PreviewOptions = {},
): Promise<EpochPreview> {
  checkNetuid(netuid)
  if (hasStorage(subtensor.api, 'subtensorModule', 'subnetEpochIndex')) {
    throw new ChainError(
      ChainErrorCode.NotInMetadata,
      "this node's runtime schedules epochs through SubnetEpochIndex (after spec 393); previewEpoch models spec 393's schedule and cannot say when the next epoch runs",
    )
  }
  const readAt = await subtensor.resolveBlock(options.block)
  const raw = subtensor.raw
  const on = (item: string, ...args: unknown[]): StorageRead => [
    'subtensorModule',
    item,
    args.length ? args : [netuid],
  ]
  const [added, sizeValue] = await raw.storage(
    [on('networksAdded'), on('subnetworkN')],
    readAt.hash,
  )
  if (added !== true) {
    throw new ChainError(
      ChainErrorCode.SubnetNotFound,
      `netuid: subnet ${netuid} does not exist at block ${readAt.number}`,
      {
        field: 'netuid',
      },
    )
  }
  const n = Number(sizeValue)
  const uids = Array.from({ length: n }, (_, uid) => uid)
  const api = await subtensor.api.at(readAt.hash)
  const pendingItems = hasStorage(api, 'subtensorModule', 'pendingServerEmission')
    ? ['pendingServerEmission', 'pendingValidatorEmission']
    : ['pendingEmission']
  const subnetReads: StorageRead[] = [
    on('tempo'),
    on('activityCutoff'),
    on('kappa'),
    on('bondsPenalty'),
    on('bondsMovingAverage'),
    on('yuma3On'),
    on('liquidAlphaOn'),
    on('alphaValues'),
    on('alphaSigmoidSteepness'),
    on('maxAllowedValidators'),
    on('commitRevealWeightsEnabled'),
    on('revealPeriodEpochs'),
    ['subtensorModule', 'stakeThreshold', []],
    ['subtensorModule', 'taoWeight', []],
    on('lastUpdate'),
    on('validatorPermit'),
    on('subnetOwnerHotkey'),
    on('lastMechansimStepBlock'),
    on('subnetAlphaOutEmission'),
    ['subtensorModule', 'subnetOwnerCut', []],
    ...pendingItems.map((item) => on(item)),
  ]
  const perUid = (item: string) => uids.map((uid) => on(item, netuid, uid))
  const values = await raw.storage(
    [
      ...subnetReads,
      ...perUid('keys'),
      ...perUid('blockAtRegistration'),
      ...perUid('weights'),
      ...perUid('bonds'),
    ],
    readAt.hash,
  )
  const subnet = values.slice(0, subnetReads.length)
  const column = (k: number) =>
    values.slice(subnetReads.length + k * n, subnetReads.length + (k + 1) * n)
  const hotkeys = column(0) as Uint8Array[]
  const [
    tempo,
    activityCutoff,
    kappa,
    bondsPenalty,
    bondsMovingAverage,
    yuma3,
    liquidAlpha,
    alphaValues,
    steepness,
    maxValidators,
    commitReveal,
    revealPeriod,
    stakeThreshold,
    taoWeight,
    lastUpdate,
    validatorPermit,
    ownerHotkey,
    lastStep,
    alphaOutEmission,
    ownerCut,
    ...pending
  ] = subnet
  const hotkeyReads: StorageRead[] = [
    ...hotkeys.map((hotkey) => ['subtensorModule', 'totalHotkeyAlpha', [hotkey, netuid]] as const),
    ...hotkeys.map((hotkey) => ['subtensorModule', 'totalHotkeyAlpha', [hotkey, 0]] as const),
    ...(commitReveal === true
      ? hotkeys.map((hotkey) => ['subtensorModule', 'weightCommits', [netuid, hotkey]] as const)
      : []),
  ]
  const perHotkey = await raw.storage(hotkeyReads, readAt.hash)
  const epochBlock = nextEpochBlock(readAt.number, netuid, Number(tempo))
  const alphaOut = BigInt(alphaOutEmission as bigint)
  const cut = (alphaOut * BigInt(ownerCut as number)) / 65_535n
  const pendingTotal = pending.reduce<bigint>((sum, v) => sum + BigInt(v as bigint), 0n)
  const [alphaLow, alphaHigh] = alphaValues as [number, number]
  const ownerKey = hex(ownerHotkey as Uint8Array)
  const ownerUid = hotkeys.findIndex((hotkey) => hex(hotkey) === ownerKey)
  let weights: SparseRows = packRows(column(2) as Decoded[][])
  const lastUpdates = sized(lastUpdate as BigUint64Array, n)
  if (options.weights !== undefined) {
    const rows = column(2) as Decoded[][]
    for (const [uid, row] of whatIfRows(options.weights, n)) {
      rows[uid] = row
      lastUpdates[uid] = BigInt(epochBlock)
    }
    weights = packRows(rows)
  }
  const input: EpochInput = {
    block: BigInt(epochBlock),
    n,
    hyperparams: {
      tempo: Number(tempo),
      activity_cutoff: BigInt(activityCutoff as number),
      kappa: Number(kappa),
      bonds_penalty: Number(bondsPenalty),
      bonds_moving_average: BigInt(bondsMovingAverage as bigint),
      yuma3: yuma3 === true,
      liquid_alpha: liquidAlpha === true,
      alpha_low: alphaLow,
      alpha_high: alphaHigh,
      alpha_sigmoid_steepness: Number(steepness),
      max_allowed_validators: Number(maxValidators),
      commit_reveal: commitReveal === true,
      stake_threshold: BigInt(stakeThreshold as bigint),
      tao_weight: BigInt(taoWeight as bigint),
    },
    stake_alpha: BigUint64Array.from(perHotkey.slice(0, n) as bigint[]),
    stake_tao: BigUint64Array.from(perHotkey.slice(n, 2 * n) as bigint[]),
    last_update: lastUpdates,
    block_at_registration: BigUint64Array.from(column(1) as bigint[]),
    validator_permit: validatorPermit as Uint8Array,
    owner_uid: ownerUid === -1 ? null : ownerUid,
    last_mechanism_step_block: BigInt(lastStep as bigint),
    commit_block: commitBlocks(
      perHotkey.slice(2 * n) as Array<StoredWeightCommit[] | undefined>,
      n,
      epochBlock,
      netuid,
      Number(tempo),
      BigInt(revealPeriod as bigint),
    ),
    weights,
    bonds: packRows(column(3) as Decoded[][]),
    rao_emission: pendingTotal + BigInt(epochBlock - readAt.number) * (alphaOut - cut),
  }
  return { netuid, readAt, epochBlock, hotkeys, input, output: await epoch(input) }
}

/**
 * Per uid, the block of its earliest commit that has not expired by the epoch (2^64-1 for
 * none): the epoch drops weights committed before a target registered.
 */
export function commitBlocks(
  commits: ReadonlyArray<readonly StoredWeightCommit[] | undefined>,
  n: number,
  epochBlock: number,
  netuid: number,
  tempo: number,
  revealPeriod: bigint,
): BigUint64Array {
  const out = new BigUint64Array(n).fill((1n << 64n) - 1n)
  commits.forEach((list, uid) => {
    if (uid >= n) return
    // The queue is in commit order: its first live entry has the earliest block.
    const live = list?.find((commit) => isLiveAt(commit, epochBlock, netuid, tempo, revealPeriod))
    if (live !== undefined) out[uid] = committedAt(live)
  })
  return out
}

function sized(values: BigUint64Array, n: number): BigUint64Array {
  const out = new BigUint64Array(n)
  out.set(values.subarray(0, n))
  return out
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex')
}

const isU16 = (value: unknown): value is number =>
  Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 65_535

/**
 * The what-if rows, checked: they go into u16 arrays, where 70000 would quietly become
 * 4464 and uid 65536 the owner's 0.
 */
function whatIfRows(weights: unknown, n: number): Array<[number, Array<[number, number]>]> {
  const invalid = (field: string, expected: string) =>
    new ChainError(ChainErrorCode.InvalidInput, `${field}: expected ${expected}`, { field })
  // Any ReadonlyMap will do (another realm's Map, a class of the caller's): what counts is
  // that it iterates [uid, row] entries.
  const iterable = weights as Iterable<unknown> | null
  if (typeof iterable !== 'object' || typeof iterable?.[Symbol.iterator] !== 'function') {
    throw invalid('weights', 'a Map from uid to [uid, weight] pairs')
  }
  const rows: Array<[number, Array<[number, number]>]> = []
  for (const entry of iterable) {
    if (!Array.isArray(entry) || entry.length !== 2) {
      throw invalid('weights', 'a Map from uid to [uid, weight] pairs')
    }
    const [uid, row] = entry as [unknown, unknown]
    if (!Number.isInteger(uid) || (uid as number) < 0 || (uid as number) >= n) {
      throw invalid('weights', `uids in 0..${n - 1}, got ${String(uid)}`)
    }
    const field = `weights[${uid}]`
    if (!Array.isArray(row)) throw invalid(field, 'an array of [uid, weight] pairs')
    const pairs = row.map((pair: unknown, k): [number, number] => {
      if (!Array.isArray(pair) || pair.length !== 2) {
        throw invalid(`${field}[${k}]`, 'a [uid, weight] pair')
      }
      const [target, value] = pair as [unknown, unknown]
      if (!Number.isInteger(target) || (target as number) < 0 || (target as number) >= n) {
        throw invalid(`${field}[${k}]`, `a target uid in 0..${n - 1}, got ${String(target)}`)
      }
      if (!isU16(value)) {
        throw invalid(`${field}[${k}]`, `a weight in 0..65535, got ${String(value)}`)
      }
      return [target as number, value]
    })
    rows.push([uid as number, pairs])
  }
  return rows
}
