import '@polkadot/api-augment'
import type { ApiPromise } from '@polkadot/api'
import type { SubmittableExtrinsic } from '@polkadot/api/types'
import type { ISubmittableResult } from '@polkadot/types/types'
import { Keypair, weightCommitHash } from '@taokit/keys'
import { epochSync, fixed, newSubnetHyperparams } from '@taokit/yuma'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Devnet, startDevnet } from '../src/index.js'
import { call, connect, field, query, send, sendOk, tx } from './api.js'

const TAO = 10n ** 9n
const NETUID = 1
const alice = Keypair.fromUri('//Alice')
const bob = Keypair.fromUri('//Bob')
const charlie = Keypair.fromUri('//Charlie')
const dave = Keypair.fromUri('//Dave')
const ownerHotkey = Keypair.fromUri('//Alice//owner')
const validators = [Keypair.fromUri('//Bob//validator'), Keypair.fromUri('//Charlie//validator')]
const miners = [Keypair.fromUri('//Dave//miner1'), Keypair.fromUri('//Dave//miner2')]

let devnet: Devnet
let api: ApiPromise
const st = (on: Parameters<typeof query>[0]) => query(on, 'subtensorModule')
let subtensor: ReturnType<typeof tx>
let admin: ReturnType<typeof tx>

beforeAll(async () => {
  devnet = await startDevnet()
  api = await connect(devnet.url)
  subtensor = tx(api, 'subtensorModule')
  admin = tx(api, 'adminUtils')
})

afterAll(async () => {
  await api?.disconnect()
  await devnet?.stop()
})

function events(result: ISubmittableResult): string[] {
  return result.events.map(({ event }) => `${event.section}.${event.method}`)
}

const ok = (tx: SubmittableExtrinsic<'promise'>, signer: Keypair) => sendOk(api, tx, signer)

/** Sends and returns the module error's `section.Name`. */
async function failure(tx: SubmittableExtrinsic<'promise'>, signer: Keypair): Promise<string> {
  const result = await send(tx, signer)
  expect(result.dispatchError?.isModule).toBe(true)
  const error = api.registry.findMetaError(result.dispatchError!.asModule)
  return `${error.section}.${error.name}`
}

const sudo = (call: SubmittableExtrinsic<'promise'>) => ok(api.tx.sudo.sudo(call), alice)

async function newBlocks(count: number): Promise<void> {
  await api.rpc('dev_newBlock' as never, { count } as never)
}

async function head(): Promise<number> {
  return (await api.rpc.chain.getHeader()).number.toNumber()
}

/** Produces blocks until the subnet's next epoch has run; returns the epoch's block. */
async function nextEpoch(): Promise<number> {
  const last = (await st(api)('lastMechansimStepBlock', NETUID)).toNumber()
  for (let i = 0; i < 50; i++) {
    await newBlocks(1)
    const step = (await st(api)('lastMechansimStepBlock', NETUID)).toNumber()
    if (step > last) return step
  }
  throw new Error('no epoch within 50 blocks')
}

describe('a subnet life cycle through @polkadot/api', () => {
  it('registers a subnet, paying the lock cost into its pool', async () => {
    const cost = (
      await call(api, 'subnetRegistrationRuntimeApi')('getNetworkRegistrationCost')
    ).toBigInt()
    expect(cost).toBe(1000n * TAO)
    const result = await ok(subtensor('registerNetwork', ownerHotkey.address), alice)
    const added = result.events.find(({ event }) => event.method === 'NetworkAdded')
    expect(added?.event.data.toJSON()).toEqual([NETUID, 1])
    expect((await st(api)('subnetOwner', NETUID)).toString()).toBe(alice.address)
    expect((await st(api)('subnetTAO', NETUID)).toBigInt()).toBe(1000n * TAO)
    expect((await st(api)('subnetAlphaIn', NETUID)).toBigInt()).toBe(1000n * TAO)
    expect((await st(api)('keys', NETUID, 0)).toString()).toBe(ownerHotkey.address)
    const next = (
      await call(api, 'subnetRegistrationRuntimeApi')('getNetworkRegistrationCost')
    ).toBigInt()
    expect(next).toBe(2000n * TAO)
  })

  it('starts emission and shortens the tempo through sudo', async () => {
    await ok(subtensor('startCall', NETUID), alice)
    expect(await failure(subtensor('startCall', NETUID), alice)).toBe(
      'subtensorModule.FirstEmissionBlockNumberAlreadySet',
    )
    await sudo(admin('sudoSetTempo', NETUID, 10))
    expect((await st(api)('tempo', NETUID)).toNumber()).toBe(10)
    const denied = await send(admin('sudoSetTempo', NETUID, 20), bob)
    expect(denied.dispatchError?.isBadOrigin).toBe(true)
  })

  it('registers neurons by burning, each at the next uid', async () => {
    const coldkeys = [bob, charlie, dave, dave]
    const hotkeys = [...validators, ...miners]
    for (const [i, hotkey] of hotkeys.entries()) {
      const result = await ok(subtensor('burnedRegister', NETUID, hotkey.address), coldkeys[i]!)
      const registered = result.events.find(({ event }) => event.method === 'NeuronRegistered')
      expect(registered?.event.data.toJSON()).toEqual([NETUID, i + 1, hotkey.address])
    }
    expect((await st(api)('subnetworkN', NETUID)).toNumber()).toBe(5)
    expect(await failure(subtensor('burnedRegister', NETUID, miners[0]!.address), dave)).toBe(
      'subtensorModule.HotKeyAlreadyRegisteredInSubNet',
    )
    const neurons = await call(api, 'neuronInfoRuntimeApi')('getNeuronsLite', NETUID)
    expect(neurons.map((n) => field(n, 'hotkey').toString())).toEqual([
      ownerHotkey.address,
      ...hotkeys.map((h) => h.address),
    ])
  })

  it('stakes through the pool and unstakes back to TAO', async () => {
    const before = (await api.query.system.account(bob.address)).data.free.toBigInt()
    const result = await ok(subtensor('addStake', validators[0]!.address, NETUID, 100n * TAO), bob)
    const added = result.events.find(({ event }) => event.method === 'StakeAdded')!
    const [, , tao, alpha, netuid, fee] = added.event.data.toJSON() as number[]
    expect([tao, netuid]).toEqual([Number(100n * TAO), NETUID])
    expect(fee).toBe(Math.floor((100e9 * 33) / 65535))
    // Alpha trades a little above 1 TAO once emission has bought some: under 100 alpha.
    expect(alpha).toBeGreaterThan(85e9)
    expect(alpha).toBeLessThan(100e9)
    await ok(subtensor('addStake', validators[1]!.address, NETUID, 50n * TAO), charlie)
    const info = await call(api, 'stakeInfoRuntimeApi')(
      'getStakeInfoForHotkeyColdkeyNetuid',
      validators[0]!.address,
      bob.address,
      NETUID,
    )
    expect(field(info.unwrap(), 'stake').toBigInt()).toBe(BigInt(alpha!))
    const removed = await ok(
      subtensor('removeStake', validators[0]!.address, NETUID, BigInt(alpha!) / 10n),
      bob,
    )
    const [, , taoBack] = removed.events
      .find(({ event }) => event.method === 'StakeRemoved')!
      .event.data.toJSON() as number[]
    expect(BigInt(taoBack!)).toBeGreaterThan(9n * TAO)
    const after = (await api.query.system.account(bob.address)).data.free.toBigInt()
    const fees = before - after - (100n * TAO - BigInt(taoBack!))
    expect(fees).toBeGreaterThan(0n)
    expect(fees).toBeLessThan(TAO / 100n)
    expect(
      await failure(subtensor('removeStake', validators[0]!.address, NETUID, 10_000n * TAO), bob),
    ).toBe('subtensorModule.NotEnoughStakeToWithdraw')
  })

  it('serves an axon, and refuses a loopback address', async () => {
    const tenDotOne = 0x0a000001
    await ok(subtensor('serveAxon', NETUID, 1, tenDotOne, 8091, 4, 0, 0, 0), miners[0]!)
    const axon = (await st(api)('axons', NETUID, miners[0]!.address)).unwrap()
    expect(['ip', 'port', 'ipType'].map((name) => field(axon, name).toNumber())).toEqual([
      tenDotOne,
      8091,
      4,
    ])
    expect(
      await failure(subtensor('serveAxon', NETUID, 1, 0x7f000001, 8091, 4, 0, 0, 0), miners[1]!),
    ).toBe('subtensorModule.InvalidIpAddress')
  })

  it('sets weights once permits exist, and refuses them too fast', async () => {
    expect(await failure(subtensor('setWeights', NETUID, [3], [65535], 0), validators[0]!)).toBe(
      'subtensorModule.CommitRevealEnabled',
    )
    await sudo(admin('sudoSetCommitRevealWeightsEnabled', NETUID, false))
    await sudo(admin('sudoSetWeightsSetRateLimit', NETUID, 5))
    await nextEpoch()
    const permits = (await st(api)('validatorPermit', NETUID)).toJSON()
    expect((permits as boolean[])[1]).toBe(true)
    await ok(subtensor('setWeights', NETUID, [3, 4], [65535, 32768], 0), validators[0]!)
    await ok(subtensor('setWeights', NETUID, [3], [65535], 0), validators[1]!)
    expect((await st(api)('weights', NETUID, 1)).toJSON()).toEqual([
      [3, 65535],
      [4, 32768],
    ])
    expect(await failure(subtensor('setWeights', NETUID, [4], [65535], 0), validators[0]!)).toBe(
      'subtensorModule.SettingWeightsTooFast',
    )
    await sudo(admin('sudoSetWeightsVersionKey', NETUID, 7))
    expect(await failure(subtensor('setWeights', NETUID, [4], [65535], 6), validators[1]!)).toBe(
      'subtensorModule.IncorrectWeightVersionKey',
    )
  })

  it('runs the epoch through taokit-yuma: incentive, dividends and emission match', async () => {
    const block = await nextEpoch()
    const before = await api.at(await api.rpc.chain.getBlockHash(block - 1))
    const at = await api.at(await api.rpc.chain.getBlockHash(block))
    const q = st(before)
    const n = (await q('subnetworkN', NETUID)).toNumber()
    const uids = [...Array(n).keys()]
    const hotkeys = await Promise.all(uids.map((uid) => q('keys', NETUID, uid)))
    const alphaOut = (await st(at)('subnetAlphaOutEmission', NETUID)).toBigInt()
    const cut = (await q('subnetOwnerCut')).toBigInt()
    const pending =
      (await q('pendingServerEmission', NETUID)).toBigInt() +
      (await q('pendingValidatorEmission', NETUID)).toBigInt() +
      alphaOut -
      (alphaOut * cut) / 65535n
    const rows = (item: string) =>
      Promise.all(
        uids.map(async (uid) => (await q(item, NETUID, uid)).toJSON() as [number, number][]),
      )
    const expected = epochSync({
      block,
      n,
      hyperparams: newSubnetHyperparams({
        tempo: (await q('tempo', NETUID)).toNumber(),
        activity_cutoff: (await q('activityCutoff', NETUID)).toNumber(),
        commit_reveal: (await q('commitRevealWeightsEnabled', NETUID)).isTrue,
        tao_weight: (await q('taoWeight')).toBigInt(),
      }),
      stake_alpha: await Promise.all(
        hotkeys.map(async (h) => (await q('totalHotkeyAlpha', h, NETUID)).toBigInt()),
      ),
      stake_tao: uids.map(() => 0),
      last_update: ((await q('lastUpdate', NETUID)).toJSON() as number[]).map(BigInt),
      block_at_registration: await Promise.all(
        uids.map(async (uid) => (await q('blockAtRegistration', NETUID, uid)).toBigInt()),
      ),
      validator_permit: (await q('validatorPermit', NETUID)).toJSON() as boolean[],
      owner_uid: 0,
      last_mechanism_step_block: (await q('lastMechansimStepBlock', NETUID)).toBigInt(),
      commit_block: uids.map(() => null),
      weights: await rows('weights'),
      bonds: await rows('bonds'),
      rao_emission: pending,
    })
    const s = st(at)
    expect((await s('incentive', NETUID)).toJSON()).toEqual([...expected.incentive])
    expect((await s('dividends', NETUID)).toJSON()).toEqual([...expected.dividends])
    expect(((await s('emission', NETUID)).toJSON() as number[]).map(BigInt)).toEqual([
      ...expected.emission,
    ])
    expect(expected.incentive[3]).toBeGreaterThan(expected.incentive[4]!)
    expect(expected.dividends[1]).toBeGreaterThan(0)
    const miner = (await s('totalHotkeyAlpha', miners[0]!.address, NETUID)).toBigInt()
    expect(miner).toBeGreaterThan(0n)
  })

  it('commits and reveals weights one epoch later', async () => {
    await sudo(admin('sudoSetCommitRevealWeightsEnabled', NETUID, true))
    const weights = { uids: [3, 4], values: [40000, 20000], salt: [1, 2, 3], versionKey: 7n }
    const hash = weightCommitHash({ hotkey: validators[1]!.address, netuid: NETUID, ...weights })
    const committed = await ok(subtensor('commitWeights', NETUID, hash), validators[1]!)
    expect(events(committed)).toContain('subtensorModule.WeightsCommitted')
    const reveal = subtensor(
      'revealWeights',
      NETUID,
      weights.uids,
      weights.values,
      weights.salt,
      weights.versionKey,
    )
    expect(await failure(reveal, validators[1]!)).toBe('subtensorModule.RevealTooEarly')
    await nextEpoch()
    const revealed = await ok(
      subtensor(
        'revealWeights',
        NETUID,
        weights.uids,
        weights.values,
        weights.salt,
        weights.versionKey,
      ),
      validators[1]!,
    )
    expect(events(revealed)).toContain('subtensorModule.WeightsRevealed')
    const stored = fixed.u16MaxUpscaleToU16(Uint16Array.from(weights.values))
    expect((await st(api)('weights', NETUID, 2)).toJSON()).toEqual([
      [3, stored[0]],
      [4, stored[1]],
    ])
    expect(
      await failure(subtensor('revealWeights', NETUID, [3], [1], [9], 7n), validators[1]!),
    ).toBe('subtensorModule.NoWeightsCommitFound')
  })

  it('reports the subnet through the runtime APIs SDKs use', async () => {
    const metagraph = (await call(api, 'subnetInfoRuntimeApi')('getMetagraph', NETUID)).unwrap()
    expect(field(metagraph, 'numUids').toNumber()).toBe(5)
    expect(field(metagraph, 'hotkeys').map(String)[3]).toBe(miners[0]!.address)
    expect(field(field(metagraph, 'axons').map((a) => a)[3]!, 'port').toNumber()).toBe(8091)
    const dynamic = (await call(api, 'subnetInfoRuntimeApi')('getDynamicInfo', NETUID)).unwrap()
    expect(field(dynamic, 'tempo').toNumber()).toBe(10)
    expect(field(dynamic, 'taoIn').toBigInt()).toBeGreaterThan(1000n * TAO)
    const params = (
      await call(api, 'subnetInfoRuntimeApi')('getSubnetHyperparams', NETUID)
    ).unwrap()
    expect(field(params, 'weightsVersion').toBigInt()).toBe(7n)
    expect((await call(api, 'subnetInfoRuntimeApi')('getMetagraph', 99)).isNone).toBe(true)
    expect(await head()).toBeGreaterThan(10)
  })
})
