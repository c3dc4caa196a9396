import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Keypair } from '@taokit/keys'
import { type EpochInput, newSubnetHyperparams } from '@taokit/yuma'

/** xorshift64: deterministic, so every run measures the same subnets. */
function random(seed: bigint): () => bigint {
  let state = seed || 1n
  const mask = (1n << 64n) - 1n
  return () => {
    state ^= (state << 13n) & mask
    state ^= state >> 7n
    state ^= (state << 17n) & mask
    return state
  }
}

export interface SubnetShape {
  /** uids */
  n: number
  /** validators (uids 0..v-1), each weighting every uid with a random u16 and holding bonds on all */
  validators: number
  yuma3?: boolean
  liquidAlpha?: boolean
  seed?: bigint
}

/**
 * A synthetic subnet in steady state: every validator has set weights on every uid and
 * holds a bond on each, as on a busy subnet. Typed arrays, as a hot caller would pass.
 */
export function syntheticSubnet(shape: SubnetShape): EpochInput {
  const { n, validators } = shape
  const next = random(shape.seed ?? 0x5eedn + BigInt(n * 7919 + validators))
  const entries = validators * n
  const offsets = new Uint32Array(n + 1)
  const uids = new Uint16Array(entries)
  const weightValues = new Uint16Array(entries)
  const bondValues = new Uint16Array(entries)
  for (let i = 0; i < validators; i++) {
    for (let j = 0; j < n; j++) {
      const k = i * n + j
      uids[k] = j
      weightValues[k] = Number(next() % 65536n)
      bondValues[k] = Number(next() % 65536n)
    }
  }
  for (let i = 0; i <= n; i++) offsets[i] = Math.min(i, validators) * n
  const stake = new BigUint64Array(n)
  for (let i = 0; i < validators; i++) stake[i] = 1_000_000_000_000n + (next() % 1_000_000_000_000n)
  return {
    block: 100_000n,
    n,
    hyperparams: newSubnetHyperparams({
      yuma3: shape.yuma3 ?? true,
      liquid_alpha: shape.liquidAlpha ?? false,
      max_allowed_validators: validators,
      commit_reveal: false,
      tao_weight: 0,
    }),
    stake_alpha: stake,
    stake_tao: new BigUint64Array(n),
    last_update: new BigUint64Array(n).fill(99_990n),
    block_at_registration: new BigUint64Array(n).fill(10n),
    validator_permit: Uint8Array.from({ length: n }, (_, i) => (i < validators ? 1 : 0)),
    owner_uid: null,
    last_mechanism_step_block: 99_000n,
    commit_block: new BigUint64Array(n).fill((1n << 64n) - 1n),
    weights: { offsets, uids, values: weightValues },
    bonds: { offsets: offsets.slice(), uids: uids.slice(), values: bondValues },
    rao_emission: 1_000_000_000n,
  }
}

let forkStateDir: string | undefined

/**
 * A devnet fork-state file (`startDevnet({ forkState })`) holding `state`, in a temp dir that
 * is removed when the process exits (the 32-subnet file alone is ~6 MB).
 */
export function forkStateFile(name: string, state: unknown): string {
  if (forkStateDir === undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'taokit-bench-'))
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }))
    forkStateDir = dir
  }
  const path = join(mkdtempSync(join(forkStateDir, 'state-')), name)
  writeFileSync(path, JSON.stringify(state))
  return path
}

/** Validators per subnet of {@link subnetsFile}, and uids per subnet. */
export const VALIDATORS = 64
export const UIDS = 256

/** Hotkeys for the validators of the first subnet of {@link subnetsFile} (netuid 1). */
export function validatorKeys(): Keypair[] {
  return Array.from({ length: VALIDATORS }, (_, i) => Keypair.fromUri(`//Bench//validator${i}`))
}

function hexKey(tag: number, i: number): string {
  return `0x${tag.toString(16).padStart(8, '0')}${i.toString(16).padStart(56, '0')}`
}

/**
 * A fork-state file of `count` subnets (netuids 1..count) of 256 uids: 64 staked validators
 * weighting every miner, tempo 40, no weights rate limit, commit-reveal off. The first
 * subnet's validators (uids 1..64) have the hotkeys of `validators`, in order.
 */
export function subnetsFile(count: number, validators: Keypair[]): string {
  const subnets = Array.from({ length: count }, (_, s) => ({
    owner: '//Alice',
    ownerHotkey: hexKey(s + 1, 0),
    tempo: 40,
    commitReveal: false,
    weightsRateLimit: 0,
    neurons: Array.from({ length: UIDS - 1 }, (_, i) => {
      const validator = i < VALIDATORS
      const hotkey = s === 0 && validator ? validators[i]!.address : hexKey(s + 1, i + 1)
      return {
        hotkey,
        coldkey: hexKey(0xc0de, i),
        stake: validator ? String(1000n * 10n ** 9n * BigInt(i + 1)) : '0',
        weights: validator
          ? Array.from({ length: UIDS - 1 - VALIDATORS }, (_, m) => [
              VALIDATORS + 1 + m,
              ((m * 7919 + i * 104729) % 65535) + 1,
            ])
          : [],
      }
    }),
  }))
  return forkStateFile('subnets.json', { subnets })
}
