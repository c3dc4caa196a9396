import {
  type EpochInput,
  newSubnetHyperparams,
  type SparseRowsJson,
  type StepChange,
} from '@taokit/yuma'

const VALIDATORS = 3
const MINERS = 9
const N = VALIDATORS + MINERS
const NEW_MINER = N - 1

/** Each validator's weights over the miners: by quality, with or without the new miner. */
function weights(found: readonly boolean[]): SparseRowsJson {
  return Array.from({ length: N }, (_, uid) => {
    if (uid >= VALIDATORS) return []
    const row: Array<readonly [number, number]> = []
    for (let miner = VALIDATORS; miner < NEW_MINER; miner++) {
      row.push([miner, Math.round(((miner - VALIDATORS + 1) / MINERS) * 40000)])
    }
    if (found[uid]) row.push([NEW_MINER, 65535])
    return row
  })
}

/**
 * A made-up subnet for demos (no chain data): validators 0, 1, 2 hold 50/30/20% of the
 * stake; nine unstaked miners, ranked by quality. Miner 11 is new and the best. Validators
 * 0 and 2 (70% of the stake, enough to move consensus) find it at the second epoch, validator
 * 1 at the fourth. Yuma3 pays the early find through bonds: validator 1 earns dividends below
 * its stake share until its bonds catch up.
 */
export function exampleScenario(): { input: EpochInput; changes: StepChange[] } {
  const input: EpochInput = {
    block: 7_200_000,
    n: N,
    hyperparams: newSubnetHyperparams({ commit_reveal: false }),
    stake_alpha: Array.from({ length: N }, (_, uid) =>
      uid < VALIDATORS ? [500_000n, 300_000n, 200_000n][uid]! * 1_000_000_000n : 0n,
    ),
    stake_tao: Array.from({ length: N }, () => 0),
    last_update: Array.from({ length: N }, () => 7_199_990),
    block_at_registration: Array.from({ length: N }, (_, uid) =>
      uid === NEW_MINER ? 7_190_000 : 7_000_000,
    ),
    validator_permit: Array.from({ length: N }, (_, uid) => uid < VALIDATORS),
    owner_uid: null,
    last_mechanism_step_block: 7_199_640,
    commit_block: Array.from({ length: N }, () => null),
    weights: weights([false, false, false]),
    bonds: Array.from({ length: N }, () => []),
    rao_emission: 360n * 1_000_000_000n,
  }
  const changes: StepChange[] = [
    {},
    { weights: weights([true, false, true]) },
    {},
    { weights: weights([true, true, true]) },
  ]
  return { input, changes }
}
