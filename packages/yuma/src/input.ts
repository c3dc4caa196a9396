import { U64_MAX } from '@taokit/core'
import type { JsEpochInput, JsHyperparams, JsSparseRows, JsStepChange } from '@taokit/native'
import { read } from './errors.js'
import type { EpochInput, SparseRows, SparseRowsJson, StepChange } from './types.js'

const U16_MAX = 65535

/** An input already checked and converted for the addon; reuse it to skip that work. */
export interface PreparedEpochInput {
  readonly prepared: JsEpochInput
}

/**
 * Checks and converts an epoch input. Value types and ranges are checked here (typed arrays
 * would silently wrap them); lengths and offsets are checked in Rust, once, for every caller.
 */
export function prepareEpochInput(input: EpochInput | PreparedEpochInput): PreparedEpochInput {
  if (genuine.has(input as PreparedEpochInput)) return input as PreparedEpochInput
  // A copy of a prepared input (sent to a worker, spread, or made by another copy of this
  // package) has the same fields one level down: checked again, like any input.
  const value = read.object('input', isPreparedShape(input) ? input.prepared : input)
  const n = read.integer('n', value.n, 0, U16_MAX)
  const ownerUid = value.owner_uid
  const prepared: JsEpochInput = {
    block: read.u64('block', value.block),
    n,
    hyperparams: hyperparams(value.hyperparams),
    stake_alpha: u64Vector('stake_alpha', value.stake_alpha),
    stake_tao: u64Vector('stake_tao', value.stake_tao),
    last_update: u64Vector('last_update', value.last_update),
    block_at_registration: u64Vector('block_at_registration', value.block_at_registration),
    validator_permit: flags('validator_permit', value.validator_permit),
    last_mechanism_step_block: read.u64(
      'last_mechanism_step_block',
      value.last_mechanism_step_block,
    ),
    commit_block: u64Vector('commit_block', value.commit_block, U64_MAX),
    weights: sparseRows('weights', value.weights),
    bonds: sparseRows('bonds', value.bonds),
    rao_emission: read.u64('rao_emission', value.rao_emission),
  }
  if (ownerUid !== null && ownerUid !== undefined) {
    prepared.owner_uid = read.integer('owner_uid', ownerUid, 0, U16_MAX)
  }
  Object.freeze(prepared.hyperparams)
  Object.freeze(prepared.weights)
  Object.freeze(prepared.bonds)
  const wrapper = Object.freeze({ prepared: Object.freeze(prepared) })
  genuine.add(wrapper)
  return wrapper
}

/**
 * Inputs this module prepared, frozen: the addon reads an object's properties one at a time
 * while it holds pointers into typed arrays read before, so a getter that detached one of
 * those would have Rust read freed memory. Anything else that looks prepared is checked anew.
 */
const genuine = new WeakSet<PreparedEpochInput>()

function isPreparedShape(input: unknown): input is { prepared: unknown } {
  return typeof input === 'object' && input !== null && 'prepared' in input && !('n' in input)
}

function hyperparams(raw: unknown): JsHyperparams {
  const h = read.object('hyperparams', raw)
  const u16 = (name: string) => read.integer(`hyperparams.${name}`, h[name], 0, U16_MAX)
  const u64 = (name: string) => read.u64(`hyperparams.${name}`, h[name])
  const flag = (name: string) => read.boolean(`hyperparams.${name}`, h[name])
  return {
    tempo: u16('tempo'),
    activity_cutoff: u64('activity_cutoff'),
    kappa: u16('kappa'),
    bonds_penalty: u16('bonds_penalty'),
    bonds_moving_average: u64('bonds_moving_average'),
    yuma3: flag('yuma3'),
    liquid_alpha: flag('liquid_alpha'),
    alpha_low: u16('alpha_low'),
    alpha_high: u16('alpha_high'),
    alpha_sigmoid_steepness: read.integer(
      'hyperparams.alpha_sigmoid_steepness',
      h.alpha_sigmoid_steepness,
      -32768,
      32767,
    ),
    max_allowed_validators: u16('max_allowed_validators'),
    commit_reveal: flag('commit_reveal'),
    stake_threshold: u64('stake_threshold'),
    tao_weight: u64('tao_weight'),
  }
}

/** A u64 vector as a BigUint64Array; `nullAs` stands in for JSON nulls where they mean "none". */
function u64Vector(field: string, raw: unknown, nullAs?: bigint): BigUint64Array {
  if (raw instanceof BigUint64Array) return raw
  const values = read.array(field, raw)
  const out = new BigUint64Array(values.length)
  for (let i = 0; i < values.length; i++) {
    const item = values[i]
    out[i] = item === null && nullAs !== undefined ? nullAs : read.u64(`${field}[${i}]`, item)
  }
  return out
}

function flags(field: string, raw: unknown): Uint8Array {
  if (raw instanceof Uint8Array) return raw
  const values = read.array(field, raw)
  const out = new Uint8Array(values.length)
  for (let i = 0; i < values.length; i++) out[i] = read.boolean(`${field}[${i}]`, values[i]) ? 1 : 0
  return out
}

function isSparseRows(raw: unknown): raw is SparseRows {
  return typeof raw === 'object' && raw !== null && 'offsets' in raw
}

function sparseRows(field: string, raw: unknown): JsSparseRows {
  if (isSparseRows(raw)) {
    const { offsets, uids, values } = raw
    if (!(offsets instanceof Uint32Array)) read.fail(`${field}.offsets`, 'a Uint32Array')
    if (!(uids instanceof Uint16Array)) read.fail(`${field}.uids`, 'a Uint16Array')
    if (!(values instanceof Uint16Array)) read.fail(`${field}.values`, 'a Uint16Array')
    return { offsets, uids, values }
  }
  const rows = read.array(field, raw) as SparseRowsJson
  let entries = 0
  for (const row of rows) entries += Array.isArray(row) ? row.length : 0
  const offsets = new Uint32Array(rows.length + 1)
  const uids = new Uint16Array(entries)
  const values = new Uint16Array(entries)
  let k = 0
  rows.forEach((row, i) => {
    const items = read.array(`${field}[${i}]`, row)
    items.forEach((entry, j) => {
      const at = `${field}[${i}][${j}]`
      const pair = read.array(at, entry)
      if (pair.length !== 2) read.fail(at, 'a [uid, value] pair', entry)
      uids[k] = read.integer(`${at}[0] (uid)`, pair[0], 0, U16_MAX)
      values[k] = read.integer(`${at}[1] (value)`, pair[1], 0, U16_MAX)
      k++
    })
    offsets[i + 1] = k
  })
  return { offsets, uids, values }
}

export function prepareSteps(steps: number | readonly StepChange[]): JsStepChange[] {
  if (typeof steps === 'number') {
    read.integer('steps', steps, 0, 1_000_000)
    return Array.from({ length: steps }, () => ({}))
  }
  return read.array('steps', steps).map((raw, i) => {
    const step = read.object(`steps[${i}]`, raw) as StepChange
    const change: JsStepChange = {}
    if (step.weights !== undefined) change.weights = sparseRows(`steps[${i}].weights`, step.weights)
    if (step.stake_alpha !== undefined) {
      change.stake_alpha = u64Vector(`steps[${i}].stake_alpha`, step.stake_alpha)
    }
    if (step.stake_tao !== undefined) {
      change.stake_tao = u64Vector(`steps[${i}].stake_tao`, step.stake_tao)
    }
    return change
  })
}
