import '@polkadot/api-augment'
import type { ApiPromise } from '@polkadot/api'
import type { SubmittableExtrinsic } from '@polkadot/api/types'
import type { ISubmittableResult } from '@polkadot/types/types'
import { Keypair } from '@taokit/keys'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Devnet, startDevnet } from '../src/index.js'
import { call, connect, field, send, sendOk, tx } from './api.js'

const TAO = 10n ** 9n
const NETUID = 1
const alice = Keypair.fromUri('//Alice')
const bob = Keypair.fromUri('//Bob')
const ownerHotkey = Keypair.fromUri('//Alice//owner')
const validator = Keypair.fromUri('//Bob//validator')

let devnet: Devnet
let api: ApiPromise
let subtensor: ReturnType<typeof tx>

beforeAll(async () => {
  devnet = await startDevnet()
  api = await connect(devnet.url)
  subtensor = tx(api, 'subtensorModule')
  await ok(subtensor('registerNetwork', ownerHotkey.address), alice)
  await ok(subtensor('startCall', NETUID), alice)
  await ok(subtensor('burnedRegister', NETUID, validator.address), bob)
})

afterAll(async () => {
  await api?.disconnect()
  await devnet?.stop()
})

const ok = (tx: SubmittableExtrinsic<'promise'>, signer: Keypair) => sendOk(api, tx, signer)

/** Sends and returns the module error's `section.Name` and the transaction fee paid. */
async function failure(
  tx: SubmittableExtrinsic<'promise'>,
  signer: Keypair,
): Promise<{ error: string; fee: bigint }> {
  const result = await send(tx, signer)
  expect(result.dispatchError?.isModule).toBe(true)
  const error = api.registry.findMetaError(result.dispatchError!.asModule)
  return { error: `${error.section}.${error.name}`, fee: amounts(result, 'TransactionFeePaid')[0]! }
}

/** Leading account fields of the events read here, which `amounts` skips. */
const ACCOUNTS: Record<string, number> = { StakeAdded: 2, StakeRemoved: 2, TransactionFeePaid: 1 }

/** The numbers of the event named `method`, e.g. StakeAdded's tao, alpha, netuid and fee. */
function amounts(result: ISubmittableResult, method: string): bigint[] {
  const found = result.events.find(({ event }) => event.method === method)
  if (found === undefined) throw new Error(`no ${method} event`)
  return found.event.data.slice(ACCOUNTS[method]).map((value) => BigInt(value.toString()))
}

/** The alpha price in rao, as SDKs read it. Blocks are instant: the head is the last call's. */
async function price(): Promise<bigint> {
  return (await call(api, 'swapRuntimeApi')('currentAlphaPrice', NETUID)).toBigInt()
}

async function free(): Promise<bigint> {
  return (await api.query.system.account(bob.address)).data.free.toBigInt()
}

async function stake(): Promise<bigint> {
  const info = await call(api, 'stakeInfoRuntimeApi')(
    'getStakeInfoForHotkeyColdkeyNetuid',
    validator.address,
    bob.address,
    NETUID,
  )
  return info.isNone ? 0n : field(info.unwrap(), 'stake').toBigInt()
}

const addLimit = (tao: bigint, limit: bigint, allowPartial: boolean) =>
  subtensor('addStakeLimit', validator.address, NETUID, tao, limit, allowPartial)
const removeLimit = (alpha: bigint, limit: bigint, allowPartial: boolean) =>
  subtensor('removeStakeLimit', validator.address, NETUID, alpha, limit, allowPartial)

describe('limit orders through @polkadot/api', () => {
  it('stakes in full when the limit is not reached', async () => {
    const limit = ((await price()) * 105n) / 100n
    const [before, held] = [await free(), await stake()]
    const result = await ok(addLimit(1n * TAO, limit, false), bob)
    const [tao, alpha, netuid] = amounts(result, 'StakeAdded')
    expect([tao, netuid]).toEqual([1n * TAO, BigInt(NETUID)])
    const [txFee] = amounts(result, 'TransactionFeePaid')
    expect(before - (await free())).toBe(tao! + txFee!)
    expect((await stake()) - held).toBe(alpha)
    expect(await price()).toBeLessThan(limit)
  })

  it('stakes only up to the limit price when partial fills are allowed', async () => {
    const limit = ((await price()) * 105n) / 100n
    const [before, held] = [await free(), await stake()]
    const result = await ok(addLimit(500n * TAO, limit, true), bob)
    const [tao, alpha, , fee] = amounts(result, 'StakeAdded')
    // A 5% move takes about 2.5% of the pool's TAO, far less than 500 TAO.
    expect(tao).toBeLessThan(100n * TAO)
    expect(tao).toBeGreaterThan(10n * TAO)
    // Clipped by the limit, the fee is charged on top of what the pool receives.
    expect(fee).toBe(((tao! - fee!) * 33n) / (65535n - 33n))
    const after = await price()
    expect(after).toBeLessThanOrEqual(limit)
    expect(after).toBeGreaterThanOrEqual(limit - 1n)
    const [txFee] = amounts(result, 'TransactionFeePaid')
    expect(before - (await free())).toBe(tao! + txFee!)
    expect((await stake()) - held).toBe(alpha)
  })

  it('refuses a stake the limit would clip unless partial fills are allowed', async () => {
    const now = await price()
    const [before, held] = [await free(), await stake()]
    const clipped = await failure(addLimit(500n * TAO, (now * 105n) / 100n, false), bob)
    expect(clipped.error).toBe('subtensorModule.SlippageTooHigh')
    const below = await failure(addLimit(500n * TAO, now / 2n, true), bob)
    expect(below.error).toBe('subtensorModule.ZeroMaxStakeAmount')
    expect(before - (await free())).toBe(clipped.fee + below.fee)
    expect(await stake()).toBe(held)
    expect(await price()).toBeGreaterThanOrEqual(now)
  })

  it('unstakes in full when the limit is not reached', async () => {
    const [before, held] = [await free(), await stake()]
    const result = await ok(removeLimit(held / 10n, (await price()) / 2n, false), bob)
    const [tao, alpha] = amounts(result, 'StakeRemoved')
    expect(alpha).toBe(held / 10n)
    const [txFee] = amounts(result, 'TransactionFeePaid')
    expect((await free()) - before).toBe(tao! - txFee!)
    expect(held - (await stake())).toBe(alpha)
  })

  it('unstakes only down to the limit price and keeps the rest staked', async () => {
    const limit = ((await price()) * 97n) / 100n
    const [before, held] = [await free(), await stake()]
    const result = await ok(removeLimit(held, limit, true), bob)
    const [tao, alpha, , fee] = amounts(result, 'StakeRemoved')
    expect(alpha).toBeLessThan(held)
    expect(fee).toBe(((alpha! - fee!) * 33n) / (65535n - 33n))
    const after = await price()
    expect(after).toBeGreaterThanOrEqual(limit)
    expect(after).toBeLessThanOrEqual(limit + 1n)
    const [txFee] = amounts(result, 'TransactionFeePaid')
    expect((await free()) - before).toBe(tao! - txFee!)
    expect(await stake()).toBe(held - alpha!)
  })

  it('refuses an unstake the limit would clip unless partial fills are allowed', async () => {
    const now = await price()
    const held = await stake()
    // Little stake is left: a limit half a percent down still clips selling all of it.
    const clipped = await failure(removeLimit(held, (now * 995n) / 1000n, false), bob)
    expect(clipped.error).toBe('subtensorModule.SlippageTooHigh')
    const above = await failure(removeLimit(held, now * 2n, true), bob)
    expect(above.error).toBe('subtensorModule.ZeroMaxStakeAmount')
    expect(await stake()).toBe(held)
  })
})
