import type { U64Like } from '@taokit/core'

/**
 * The epoch input and output, in the JSON format of `shared/vectors/yuma/README.md` (field
 * names of subtensor's storage, snake_case). Vectors may be plain arrays (convenient, e.g.
 * parsed JSON) or typed arrays (fast: passed to Rust without copying); u64 values may be
 * bigints, decimal strings or safe integers.
 */

/** Sparse rows in compressed form: row `i` is `uids[offsets[i]..offsets[i + 1]]`. */
export interface SparseRows {
  offsets: Uint32Array
  uids: Uint16Array
  values: Uint16Array
}

/** Sparse rows as JSON: per uid, a list of `[uid, u16 value]` pairs in stored order. */
export type SparseRowsJson = ReadonlyArray<ReadonlyArray<readonly [number, number]>>

export interface Hyperparams {
  /** `Tempo`; used for the bond mask when no epoch has run yet. */
  tempo: number
  /** Activity cutoff in blocks, already resolved from `ActivityCutoffFactorMilli`. */
  activity_cutoff: U64Like
  /** u16 proportion (65535 = 1.0). */
  kappa: number
  bonds_penalty: number
  /** `BondsMovingAverage`, 1_000_000 = 1.0. */
  bonds_moving_average: U64Like
  yuma3: boolean
  liquid_alpha: boolean
  alpha_low: number
  alpha_high: number
  /** i16. */
  alpha_sigmoid_steepness: number
  max_allowed_validators: number
  commit_reveal: boolean
  stake_threshold: U64Like
  /** Raw `TaoWeight` (2^64-1 = 1.0). */
  tao_weight: U64Like
}

/**
 * What a subnet registered today starts with: subtensor's storage defaults plus what
 * `init_new_network` sets (Yuma3 on, 64 validator permits), with `overrides` on top.
 */
export function newSubnetHyperparams(overrides: Partial<Hyperparams> = {}): Hyperparams {
  return {
    tempo: 360,
    activity_cutoff: 5000,
    kappa: 32767,
    bonds_penalty: 65535,
    bonds_moving_average: 900000,
    yuma3: true,
    liquid_alpha: false,
    alpha_low: 45875,
    alpha_high: 58982,
    alpha_sigmoid_steepness: 1000,
    max_allowed_validators: 64,
    commit_reveal: true,
    stake_threshold: 0,
    tao_weight: '971718665099567868',
    ...overrides,
  }
}

type U64Vector = BigUint64Array | readonly U64Like[]

export interface EpochInput {
  block: U64Like
  n: number
  hyperparams: Hyperparams
  stake_alpha: U64Vector
  stake_tao: U64Vector
  last_update: U64Vector
  block_at_registration: U64Vector
  /** As stored: may be shorter than `n` (missing entries count as no permit). */
  validator_permit: Uint8Array | readonly boolean[]
  owner_uid: number | null
  last_mechanism_step_block: U64Like
  /** Earliest unexpired weight commit per uid; `null` (or 2^64-1) for none. */
  commit_block: BigUint64Array | ReadonlyArray<U64Like | null>
  weights: SparseRows | SparseRowsJson
  bonds: SparseRows | SparseRowsJson
  rao_emission: U64Like
}

/** What the epoch writes: typed arrays, `active`/`validator_permit` as 0/1 bytes. */
export interface EpochOutput {
  active: Uint8Array
  validator_permit: Uint8Array
  stake_weight: Uint16Array
  consensus: Uint16Array
  validator_trust: Uint16Array
  incentive: Uint16Array
  dividends: Uint16Array
  bonds: SparseRows
  server_emission: BigUint64Array
  validator_emission: BigUint64Array
  emission: BigUint64Array
}

/** The output in the JSON format of the vectors (u64 amounts as decimal strings). */
export interface EpochOutputJson {
  active: boolean[]
  validator_permit: boolean[]
  stake_weight: number[]
  consensus: number[]
  validator_trust: number[]
  incentive: number[]
  dividends: number[]
  bonds: Array<Array<[number, number]>>
  server_emission: string[]
  validator_emission: string[]
  emission: string[]
}

/** Changes made before one simulated epoch. */
export interface StepChange {
  /** New weight rows; every uid with a row counts as having just set it. */
  weights?: SparseRows | SparseRowsJson
  stake_alpha?: U64Vector
  stake_tao?: U64Vector
}

export interface CallOptions {
  /** Aborts the call if it has not started running yet. */
  signal?: AbortSignal
}
