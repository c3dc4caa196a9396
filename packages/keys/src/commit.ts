import type { U64Like } from '@taokit/core'
import * as addon from '@taokit/native'
import { native, read } from './errors.js'
import { publicKeyOf } from './ss58.js'

/** What a commit-reveal v2 commit covers. */
export interface WeightCommit {
  /** The committing hotkey: SS58 address or public key. */
  hotkey: string | Uint8Array
  netuid: number
  /** The mechanism within the subnet; 0 (the default) is the subnet's main one. */
  mecid?: number
  uids: ArrayLike<number>
  /** u16 weights, one per uid. */
  values: ArrayLike<number>
  /** The u16 salt that the reveal must repeat. */
  salt: ArrayLike<number>
  versionKey: U64Like
}

function u16s(field: string, values: ArrayLike<number>): Uint16Array {
  if (values instanceof Uint16Array) return values
  if (values === null || typeof values !== 'object' || typeof values.length !== 'number') {
    read.fail(field, 'an array of integers in 0..65535')
  }
  const out = new Uint16Array(values.length)
  for (let i = 0; i < values.length; i++)
    out[i] = read.integer(`${field}[${i}]`, values[i], 0, 65535)
  return out
}

/**
 * The hash `commit_weights` stores: blake2b-256 of the SCALE tuple (hotkey, mecid * 4096 +
 * netuid, uids, values, salt, version_key), as subtensor's `get_commit_hash` computes it.
 */
export function weightCommitHash(commit: WeightCommit): Uint8Array {
  read.object('commit', commit)
  const netuid = read.integer('netuid', commit.netuid, 0, 4095)
  const mecid = read.integer('mecid', commit.mecid ?? 0, 0, 15)
  const input: addon.JsWeightCommit = {
    hotkey: publicKeyOf('hotkey', commit.hotkey),
    netuidIndex: mecid * 4096 + netuid,
    uids: u16s('uids', commit.uids),
    values: u16s('values', commit.values),
    salt: u16s('salt', commit.salt),
    versionKey: read.u64('versionKey', commit.versionKey),
  }
  return native.call(() => addon.weightCommitHash(input))
}
