import { runInNewContext } from 'node:vm'
import { isTaokitError } from '@taokit/core'
import { describe, expect, it } from 'vitest'
import {
  type EpochInput,
  epoch,
  epochBatch,
  epochBatchSync,
  epochSync,
  fixed,
  newSubnetHyperparams,
  outputToJson,
  prepareEpochInput,
  simulate,
  simulateSync,
  YumaError,
} from '../src/index.js'

/** Two validators (uids 0, 1) weighting one miner (uid 2), in the JSON format. */
function subnet(): EpochInput {
  return {
    block: 1000,
    n: 3,
    hyperparams: newSubnetHyperparams({ commit_reveal: false, tao_weight: 0 }),
    stake_alpha: ['600000000000', '400000000000', '0'],
    stake_tao: [0, 0, 0],
    last_update: [999, 999, 999],
    block_at_registration: [1, 1, 1],
    validator_permit: [true, true, false],
    owner_uid: null,
    last_mechanism_step_block: 640,
    commit_block: [null, null, null],
    weights: [[[2, 65535]], [[2, 65535]], []],
    bonds: [[], [], []],
    rao_emission: '1000000000',
  }
}

function expectInvalid(call: () => unknown, field: string, message: RegExp) {
  try {
    call()
  } catch (error) {
    expect(error).toBeInstanceOf(YumaError)
    expect(isTaokitError(error, 'YUMA_INVALID_INPUT')).toBe(true)
    expect((error as YumaError).field).toBe(field)
    expect((error as Error).message).toMatch(message)
    return
  }
  throw new Error(`expected an error naming ${field}`)
}

describe('epoch', () => {
  it('pays the miner and splits dividends by stake', () => {
    const out = outputToJson(epochSync(subnet()))
    expect(out.incentive).toEqual([0, 0, 65535])
    // 0.6 and 0.4 of the dividends, each floored to u16.
    expect(out.dividends).toEqual([39320, 26213, 0])
    expect(out.server_emission[2]).toBe('500000000')
    expect(out.validator_permit).toEqual([true, true, false])
  })

  it('accepts typed arrays and bigints', () => {
    const input: EpochInput = {
      ...subnet(),
      block: 1000n,
      stake_alpha: new BigUint64Array([600_000_000_000n, 400_000_000_000n, 0n]),
      validator_permit: new Uint8Array([1, 1, 0]),
      weights: {
        offsets: new Uint32Array([0, 1, 2, 2]),
        uids: new Uint16Array([2, 2]),
        values: new Uint16Array([65535, 65535]),
      },
    }
    expect(outputToJson(epochSync(input))).toEqual(outputToJson(epochSync(subnet())))
  })

  it('runs off the main thread', async () => {
    expect(outputToJson(await epoch(subnet()))).toEqual(outputToJson(epochSync(subnet())))
  })

  it('can be aborted before it starts', async () => {
    const controller = new AbortController()
    controller.abort()
    await expect(epoch(subnet(), { signal: controller.signal })).rejects.toThrow(/abort/i)
  })
})

describe('input validation', () => {
  it('names a vector of the wrong length', () => {
    expectInvalid(
      () => epochSync({ ...subnet(), stake_tao: [0, 0] }),
      'stake_tao',
      /stake_tao: expected 3 entries \(one per uid\), got 2/,
    )
  })

  it('names a weight that is not a u16', () => {
    expectInvalid(
      () => epochSync({ ...subnet(), weights: [[[2, 70000]], [], []] }),
      'weights[0][0][1] (value)',
      /expected an integer in 0\.\.65535, got 70000/,
    )
  })

  it('names a uid out of range', () => {
    expectInvalid(() => epochSync({ ...subnet(), owner_uid: 3 }), 'owner_uid', /a uid below n = 3/)
    expectInvalid(
      () => epochSync({ ...subnet(), weights: [[[-1, 5]], [], []] }),
      'weights[0][0][0] (uid)',
      /0\.\.65535/,
    )
  })

  it('names the wrong number of weight rows', () => {
    expectInvalid(
      () => epochSync({ ...subnet(), weights: [[], []] }),
      'weights',
      /weights: expected 3 rows/,
    )
  })

  it('names bad hyperparameters and amounts', () => {
    const input = subnet()
    expectInvalid(
      () => epochSync({ ...input, hyperparams: { ...input.hyperparams, kappa: 1.5 } }),
      'hyperparams.kappa',
      /integer/,
    )
    expectInvalid(() => epochSync({ ...input, rao_emission: '-5' }), 'rao_emission', /0\.\.2\^64-1/)
    expectInvalid(
      () => epochSync({ ...input, stake_alpha: ['1', 'x', '2'] }),
      'stake_alpha[1]',
      /"x"/,
    )
  })

  it('names the input of a batch that is wrong', async () => {
    await expect(epochBatch([subnet(), { ...subnet(), stake_tao: [1] }])).rejects.toMatchObject({
      code: 'YUMA_INVALID_INPUT',
      field: 'inputs[1].stake_tao',
    })
  })

  it('takes only AbortSignals, and not one already aborted', async () => {
    await expect(epoch(subnet(), { signal: 5 as never })).rejects.toMatchObject({
      code: 'YUMA_INVALID_INPUT',
      field: 'signal',
    })
    const signal = AbortSignal.abort()
    await expect(simulate(subnet(), 2, { signal })).rejects.toMatchObject({ name: 'AbortError' })
  })

  it('rejects, not throws, from async calls', async () => {
    const pending = epoch({ ...subnet(), n: -1 })
    await expect(pending).rejects.toBeInstanceOf(YumaError)
  })

  it('names a batch that is not a list, and helpers given plain arrays', async () => {
    expectInvalid(() => epochBatchSync(null as never), 'inputs', /an array of epoch inputs/)
    await expect(epochBatch({} as never)).rejects.toMatchObject({ field: 'inputs' })
    expectInvalid(() => fixed.maxUpscaleToU16([1n] as never), 'valuesRaw', /BigInt64Array/)
    expectInvalid(() => fixed.u16MaxUpscaleToU16([1] as never), 'weights', /Uint16Array/)
    // Another realm's typed array is one all the same.
    const foreign = runInNewContext('BigInt64Array.of(1n, 2n)') as BigInt64Array
    expect([...fixed.maxUpscaleToU16(foreign)]).toEqual([32768, 65535])
    const rows = {
      offsets: Uint32Array.of(0, 0),
      uids: new Uint16Array(),
      values_raw: new BigInt64Array(),
    }
    const stake = BigInt64Array.of(1n)
    expectInvalid(() => fixed.weightedMedianCols(stake, rows, 2 ** 32 + 2, 1n), 'columns', /whole/)
    // A per-column table this large would take gigabytes; no uid reaches past 65535.
    expectInvalid(() => fixed.weightedMedianCols(stake, rows, 2 ** 28, 1n), 'columns', /65536/)
    expectInvalid(() => fixed.weightedMedianCols(stake, rows, 1, 2n ** 63n), 'kappaRaw', /i64/)
    expectInvalid(() => fixed.toRaw(Number.NaN), 'value', /finite/)
    expectInvalid(() => fixed.toRaw(2 ** 31), 'value', /I32F32 range/)
    expect(fixed.toRaw(-(2 ** 31))).toBe(-(2n ** 63n))
    // Ties go to the even neighbour, as substrate-fixed's from_num rounds them.
    expect([2 ** -33, 2.5 * 2 ** -32, -1.5 * 2 ** -32, 3.5 * 2 ** -32].map(fixed.toRaw)).toEqual([
      0n,
      2n,
      -2n,
      4n,
    ])
    expectInvalid(
      () => fixed.weightedMedianCols(stake, rows, 1, 0.5 as never),
      'kappaRaw',
      /bigint/,
    )
    expectInvalid(
      () => fixed.weightedMedianCols(stake, { ...rows, uids: [] as never }, 1, 1n),
      'weights.uids',
      /Uint16Array/,
    )
  })
})

describe('inputs read while the addon holds other arrays', () => {
  it('reads every property once, before the addon runs', () => {
    // A getter the addon ran while converting its arguments could detach an array it
    // already holds (and Rust would read freed memory); so the addon never sees one.
    let reads = 0
    const weights = {
      offsets: Uint32Array.of(0, 1),
      get uids() {
        reads++
        return Uint16Array.of(0)
      },
      values_raw: BigInt64Array.of(fixed.toRaw(1)),
    }
    const stakeRaw = BigInt64Array.of(fixed.toRaw(1))
    const consensus = fixed.weightedMedianCols(stakeRaw, weights, 1, fixed.toRaw(0.5))
    expect([...consensus]).toEqual([fixed.toRaw(1)])
    expect(reads).toBe(1)
  })

  it('checks anew an input that only looks prepared, copies included', () => {
    const forged = { prepared: { ...prepareEpochInput(subnet()).prepared, n: 70_000 } }
    expectInvalid(() => epochSync(forged as never), 'n', /got 70000/)
    const genuine = prepareEpochInput(subnet())
    expect(Object.isFrozen(genuine.prepared)).toBe(true)
    const expected = epochSync(subnet())
    expect(epochSync(genuine)).toEqual(expected)
    // As sent to a worker thread, or spread by the caller.
    expect(epochSync(structuredClone(genuine))).toEqual(expected)
    expect(epochSync({ ...genuine })).toEqual(expected)
  })
})

describe('simulate', () => {
  it('feeds each epoch its predecessor bonds and permits', () => {
    const steps = simulateSync(subnet(), 4)
    expect(steps).toHaveLength(4)
    const bondsOfUid0 = steps.map((s) => s.bonds.values[s.bonds.offsets[0]!] ?? 0)
    // Yuma3 bonds grow toward the weight at the EMA rate (0.1 per epoch).
    expect(bondsOfUid0).toEqual([...bondsOfUid0].sort((a, b) => a - b))
    expect(bondsOfUid0[3]).toBeGreaterThan(bondsOfUid0[0]!)
  })

  it('applies per-step changes', async () => {
    const moved = await simulate(subnet(), [{}, { weights: [[[1, 65535]], [[2, 65535]], []] }])
    expect(moved).toHaveLength(2)
    expect(moved[1]!.incentive[1]).toBeGreaterThan(0)
  })

  it('names a malformed step', () => {
    expectInvalid(
      () => simulateSync(subnet(), [{}, { stake_alpha: [1] }]),
      'steps[1].stake_alpha',
      /3 entries/,
    )
  })

  it('names malformed typed-array rows, sync and async, instead of aborting', async () => {
    const pastTheEnd = {
      offsets: Uint32Array.of(0, 1, 5, 5),
      uids: Uint16Array.of(1),
      values: Uint16Array.of(65535),
    }
    const short = { ...pastTheEnd, offsets: Uint32Array.of(0, 1, 1, 1), values: new Uint16Array() }
    for (const weights of [pastTheEnd, short]) {
      expectInvalid(() => simulateSync(subnet(), [{}, { weights }]), 'steps[1].weights', /./)
      await expect(simulate(subnet(), [{}, { weights }])).rejects.toMatchObject({
        name: 'YumaError',
        field: 'steps[1].weights',
      })
    }
    await expect(simulate(subnet(), [{ stake_tao: [1] }])).rejects.toMatchObject({
      code: 'YUMA_INVALID_INPUT',
      field: 'steps[0].stake_tao',
    })
  })
})
