import { runInNewContext } from 'node:vm'
import type { Devnet } from '@taokit/devnet'
import { Keypair } from '@taokit/keys'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  addStake,
  ChainError,
  ChainErrorCode,
  formatIp,
  previewEpoch,
  registerNetwork,
  removeStake,
  type Subtensor,
  sendCall,
  serveAxon,
  setWeights,
  transfer,
} from '../src/index.js'
import { alice, bob, createSubnet, newBlocks, startChain, TAO, type TestSubnet } from './devnet.js'

let devnet: Devnet
let subtensor: Subtensor
let subnet: TestSubnet

beforeAll(async () => {
  ;({ devnet, subtensor } = await startChain())
  subnet = await createSubnet(subtensor, { validators: 2, miners: 3 })
})

afterAll(async () => {
  await subtensor?.close()
  await devnet?.stop()
})

async function failure(promise: Promise<unknown>): Promise<ChainError> {
  try {
    await promise
  } catch (error) {
    if (!(error instanceof ChainError)) throw error
    return error
  }
  throw new Error('expected a ChainError')
}

/** Produces blocks until the subnet's next epoch has run; returns the epoch's block. */
async function nextEpoch(netuid: number): Promise<number> {
  const last = await subtensor.query('subtensorModule', 'lastMechansimStepBlock', [netuid])
  for (let i = 0; i < 50; i++) {
    await newBlocks(subtensor)
    const step = await subtensor.query('subtensorModule', 'lastMechansimStepBlock', [netuid])
    if (step !== last) return Number(step)
  }
  throw new Error('no epoch within 50 blocks')
}

describe('writes return what happened', () => {
  it('transfers, with the fee paid and the events of the transaction', async () => {
    const to = Keypair.fromUri('//Transfer//to')
    const before = await subtensor.balance(alice.ss58)
    const result = await transfer(subtensor, alice, { to: to.ss58, amount: 5n * TAO })
    expect(result.succeeded).toBe(true)
    expect(result.fee).toBeGreaterThan(0n)
    expect(result.event('balances', 'Transfer')?.data).toEqual([
      alice.ss58,
      to.ss58,
      Number(5n * TAO),
    ])
    expect(await subtensor.balance(to.ss58)).toBe(5n * TAO)
    expect(await subtensor.balance(alice.ss58)).toBe(before - 5n * TAO - result.fee)
    expect(await subtensor.balance(alice.ss58, { block: result.blockNumber - 1 })).toBe(before)
  })

  it('refuses a transfer the sender cannot pay, naming the amounts', async () => {
    const poor = Keypair.fromUri('//Poor')
    const error = await failure(transfer(subtensor, poor, { to: alice.ss58, amount: TAO }))
    expect(error.code).toBe(ChainErrorCode.InsufficientBalance)
    expect(error.message).toMatch(/needs 1\.\d+ TAO .* has 0 TAO/)
    const bad = await failure(transfer(subtensor, alice, { to: 'not-an-address', amount: TAO }))
    expect([bad.code, bad.field]).toEqual([ChainErrorCode.InvalidInput, 'to'])
  })

  it('refuses, before paying, transfers the existential deposit (500 rao) would fail', async () => {
    const fresh = Keypair.fromUri(`//Fresh//${Date.now()}`)
    const dust = await failure(transfer(subtensor, alice, { to: fresh.ss58, amount: 100n }))
    expect([dust.code, dust.field]).toEqual([ChainErrorCode.InvalidInput, 'amount'])
    expect(dust.message).toMatch(/below the 0\.0000005 TAO existential deposit/)
    // A keep-alive transfer of all but the fee would leave the sender below it.
    const spender = Keypair.fromUri(`//Spender//${Date.now()}`)
    ;(await transfer(subtensor, alice, { to: spender.ss58, amount: TAO })).orThrow()
    const call = subtensor.api.tx.balances!.transferKeepAlive!(alice.ss58, TAO / 2n)
    const fee = (await call.paymentInfo(spender.ss58)).partialFee.toBigInt()
    const error = await failure(
      transfer(subtensor, spender, { to: alice.ss58, amount: TAO - fee - 100n }),
    )
    expect([error.code, error.field]).toEqual([ChainErrorCode.InsufficientBalance, 'balance'])
    expect(error.message).toMatch(/must keep the 0\.0000005 TAO existential deposit/)
    expect(await subtensor.balance(spender.ss58)).toBe(TAO)
  })

  it('sends concurrent writes from one key with consecutive nonces', async () => {
    const to = Keypair.fromUri('//Concurrent')
    const results = await Promise.all(
      [1n, 2n, 3n].map((amount) =>
        transfer(subtensor, alice, { to: to.ss58, amount: amount * TAO }),
      ),
    )
    expect(results.every((r) => r.succeeded)).toBe(true)
    expect(await subtensor.balance(to.ss58)).toBe(6n * TAO)
    const immortal = await failure(
      transfer(subtensor, alice, { to: to.ss58, amount: TAO }, { mortality: 0 }),
    )
    expect([immortal.code, immortal.field]).toEqual([ChainErrorCode.InvalidInput, 'mortality'])
  })

  it('decodes a module error of an included transaction', async () => {
    const result = await sendCall(subtensor, bob, [
      'subtensorModule',
      'burnedRegister',
      [subnet.netuid, subnet.miners[0]!.ss58],
    ])
    expect(result.succeeded).toBe(false)
    expect(result.error).toMatchObject({ name: 'HotKeyAlreadyRegisteredInSubNet' })
    expect(result.fee).toBeGreaterThan(0n)
    const error = await failure(Promise.resolve().then(() => result.orThrow()))
    expect(error.code).toBe(ChainErrorCode.DispatchFailed)
    expect(error.message).toMatch(/HotKeyAlreadyRegisteredInSubNet in block \d+/)
  })

  it("refuses, before paying, to register another coldkey's hotkey", async () => {
    // The subnet's miners are Bob's hotkeys.
    const taken = subnet.miners[0]!.ss58
    const before = await subtensor.balance(alice.ss58)
    const subnetError = await failure(registerNetwork(subtensor, alice, { hotkey: taken }))
    expect([subnetError.code, subnetError.field]).toEqual([ChainErrorCode.InvalidInput, 'hotkey'])
    expect(subnetError.message).toContain(`belongs to the coldkey ${bob.ss58}`)
    expect(await subtensor.balance(alice.ss58)).toBe(before)
  })

  it('reports a batch that stopped part-way as failed, naming the call that failed', async () => {
    const { tx } = subtensor.api
    const dust = tx.balances!.transferKeepAlive!(Keypair.fromUri(`//Dust//${Date.now()}`).ss58, 1n)
    const result = await sendCall(subtensor, alice, [
      'utility',
      'batch',
      [[tx.system!.remark!('0x00'), dust]],
    ])
    expect(result.event('utility', 'BatchInterrupted')).toBeDefined()
    expect(result.succeeded).toBe(false)
    expect(result.error).toMatchObject({ pallet: 'balances', name: 'ExistentialDeposit' })
    const forced = await sendCall(subtensor, alice, [
      'utility',
      'forceBatch',
      [[tx.system!.remark!('0x00'), dust]],
    ])
    expect(forced.event('utility', 'ItemFailed')).toBeDefined()
    expect(forced.succeeded).toBe(false)
    expect(forced.error).toMatchObject({ pallet: 'balances', name: 'ExistentialDeposit' })
  })

  it('stakes and unstakes, with and without a price limit', async () => {
    const hotkey = subnet.validators[0]!.ss58
    const { netuid } = subnet
    ;(await addStake(subtensor, bob, { netuid, hotkey, amount: 100n * TAO })).orThrow()
    const staked = await subtensor.stake(hotkey, bob.ss58, netuid)
    expect(staked).toBeGreaterThan(0n)
    const price = BigInt(
      Math.round((await subtensor.subnets()).find((s) => s.netuid === netuid)!.price * 1e9),
    )
    const limited = await addStake(subtensor, bob, {
      netuid,
      hotkey,
      amount: 50n * TAO,
      limitPrice: price * 2n,
    })
    expect(limited.succeeded).toBe(true)
    expect(limited.event('subtensorModule', 'StakeAdded')).toBeDefined()
    const total = await subtensor.stake(hotkey, bob.ss58, netuid)
    expect(total).toBeGreaterThan(staked)
    ;(await removeStake(subtensor, bob, { netuid, hotkey, amount: total / 4n })).orThrow()
    expect(await subtensor.stake(hotkey, bob.ss58, netuid)).toBe(total - total / 4n)
    const tooMuch = await failure(
      removeStake(subtensor, bob, { netuid, hotkey, amount: total * 2n }),
    )
    expect([tooMuch.code, tooMuch.field]).toEqual([ChainErrorCode.InsufficientBalance, 'amount'])
    // A hotkey the chain has never seen fails on chain, fee paid: refused before.
    const unknown = Keypair.fromUri(`//NeverRegistered//${Date.now()}`).ss58
    const before = await subtensor.balance(bob.ss58)
    const nowhere = await failure(
      addStake(subtensor, bob, { netuid, hotkey: unknown, amount: TAO }),
    )
    expect([nowhere.code, nowhere.field]).toEqual([ChainErrorCode.InvalidInput, 'hotkey'])
    expect(await subtensor.balance(bob.ss58)).toBe(before)
    const entries = await subtensor.stakeOf(bob.ss58)
    expect(entries.some((e) => e.hotkey === hotkey && e.netuid === netuid)).toBe(true)
  })

  it('serves an axon that the metagraph then shows', async () => {
    const miner = subnet.miners[0]!
    ;(
      await serveAxon(subtensor, miner, { netuid: subnet.netuid, ip: '203.0.113.7', port: 8091 })
    ).orThrow()
    const metagraph = await subtensor.metagraph(subnet.netuid, {
      block: await subtensor.blockNumber(),
    })
    const uid = metagraph.hotkeys.indexOf(miner.ss58)
    expect(metagraph.axons[uid]).toMatchObject({
      hotkey: miner.ss58,
      ip: '203.0.113.7',
      port: 8091,
      ipType: 4,
      protocol: 4,
    })
    // An IPv6 address written with a dotted IPv4 tail is the address it spells.
    const other = subnet.miners[1]!
    const mapped = { netuid: subnet.netuid, ip: '64:ff9b::192.0.2.33', port: 8092 }
    ;(await serveAxon(subtensor, other, mapped)).orThrow()
    const after = await subtensor.metagraph(subnet.netuid, { block: await subtensor.blockNumber() })
    expect(after.axons[after.hotkeys.indexOf(other.ss58)]).toMatchObject({
      ip: '64:ff9b::c000:221',
      ipType: 6,
    })
    // Printed as the SDK's netaddr prints them.
    expect(formatIp(0xffff_0102_0304n, 6)).toBe('::ffff:1.2.3.4')
    expect(formatIp(0x0102_0304n, 6)).toBe('1.2.3.4')
    expect(formatIp(0x2001_0db8n << 96n, 6)).toBe('2001:db8::')
    const netuid = subnet.netuid
    for (const [params, field] of [
      [{ ip: '1.2.3' }, 'ip'],
      // Not an address: taken as 1::2 it would publish the wrong one.
      [{ ip: '1::2::3' }, 'ip'],
      [{ ip: '1:2:3:4:5:6:7:8::' }, 'ip'],
      [{ ip: '203.0.113.7', version: -1 }, 'version'],
      [{ ip: '203.0.113.7', protocol: 300 }, 'protocol'],
    ] as const) {
      const bad = await failure(serveAxon(subtensor, miner, { netuid, port: 1, ...params }))
      expect([bad.code, bad.field]).toEqual([ChainErrorCode.InvalidInput, field])
    }
  })

  it('stops an unregistered hotkey before it pays anything', async () => {
    const stranger = Keypair.fromUri('//Stranger')
    const before = await subtensor.balance(stranger.ss58)
    const error = await failure(
      setWeights(subtensor, stranger, { netuid: subnet.netuid, uids: [1], weights: [1] }),
    )
    expect(error.code).toBe(ChainErrorCode.NotRegistered)
    expect(error.message).toMatch(/is not registered on subnet \d+/)
    const missing = await failure(subtensor.metagraph(999))
    expect(missing.code).toBe(ChainErrorCode.SubnetNotFound)
    expect(await subtensor.balance(stranger.ss58)).toBe(before)
  })
})

describe('the metagraph', () => {
  it('reads every neuron from one runtime-API call, pinned to a block', async () => {
    const block = await subtensor.blockNumber()
    const metagraph = await subtensor.metagraph(subnet.netuid, {
      block,
      weights: true,
      bonds: true,
    })
    expect(metagraph.block).toBe(block)
    expect(metagraph.n).toBe(1 + subnet.validators.length + subnet.miners.length)
    expect(metagraph.hotkeys.slice(1)).toEqual(
      [...subnet.validators, ...subnet.miners].map((k) => k.ss58),
    )
    expect(metagraph.coldkeys[1]).toBe(bob.ss58)
    for (const vector of [metagraph.stake, metagraph.emission, metagraph.lastUpdate]) {
      expect(vector).toBeInstanceOf(BigUint64Array)
      expect(vector.length).toBe(metagraph.n)
    }
    for (const vector of [
      metagraph.incentive,
      metagraph.dividends,
      metagraph.consensus,
      metagraph.validatorTrust,
    ]) {
      expect(vector).toBeInstanceOf(Uint16Array)
      expect(vector.length).toBe(metagraph.n)
    }
    expect(metagraph.weights?.offsets.length).toBe(metagraph.n + 1)
    const miner = await subtensor.neuron(subnet.netuid, 3, { block })
    expect(miner).toMatchObject({ uid: 3, hotkey: metagraph.hotkeys[3], coldkey: bob.ss58 })
    expect(await subtensor.neuron(subnet.netuid, 200)).toBeUndefined()
    const hyper = await subtensor.hyperparameters(subnet.netuid)
    expect(hyper.tempo).toBe(metagraph.tempo)
  })

  it('builds storage keys natively exactly as polkadot-js does', () => {
    const validator = subnet.validators[0]!
    const reads: Array<[string, string, unknown[]]> = [
      ['system', 'account', [alice.ss58]],
      ['system', 'number', []],
      ['subtensorModule', 'tempo', [subnet.netuid]],
      ['subtensorModule', 'weights', [subnet.netuid, 1]],
      ['subtensorModule', 'uids', [subnet.netuid, validator.ss58]],
      ['subtensorModule', 'totalHotkeyAlpha', [validator.addressRaw, subnet.netuid]],
      ['subtensorModule', 'alpha', [validator.ss58, bob.ss58, subnet.netuid]],
    ]
    for (const [pallet, item, args] of reads) {
      const query = subtensor.api.query[pallet]![item]!
      expect(subtensor.raw.keys.key(pallet, item, args)).toBe(query.key(...args))
    }
  })

  it('refuses a storage read or runtime call with the wrong number of arguments', async () => {
    // Too few made a prefix key, whose missing value read as the default (tempo 360).
    const tooFew = await failure(subtensor.query('subtensorModule', 'tempo', []))
    expect(tooFew.code).toBe(ChainErrorCode.InvalidInput)
    expect(tooFew.field).toBe('args')
    expect(tooFew.message).toBe('args: subtensorModule.tempo takes 1 key, got 0')
    const tooMany = await failure(subtensor.query('subtensorModule', 'tempo', [subnet.netuid, 9]))
    expect(tooMany.message).toBe('args: subtensorModule.tempo takes 1 key, got 2')
    const plain = await failure(subtensor.query('system', 'number', [1]))
    expect(plain.message).toBe('args: system.number takes 0 keys, got 1')
    const call = await failure(subtensor.raw.call('SubnetInfoRuntimeApi', 'get_dynamic_info', []))
    expect(call.message).toBe('args: SubnetInfoRuntimeApi.get_dynamic_info takes 1 argument, got 0')
    // A decimal string is a number, as polkadot-js reads it.
    expect(await subtensor.query('subtensorModule', 'tempo', [String(subnet.netuid)])).toBe(
      await subtensor.query('subtensorModule', 'tempo', [subnet.netuid]),
    )
  })

  it('shares one read between concurrent callers (TTL cache)', async () => {
    const send = vi.spyOn(subtensor.provider, 'send')
    const all = await Promise.all(
      Array.from({ length: 20 }, () => subtensor.metagraph(subnet.netuid)),
    )
    const methods = send.mock.calls.map(([method]) => method)
    send.mockRestore()
    expect(new Set(all).size).toBe(1)
    // One round trip: the runtime call and the storage read, sent together.
    expect(methods.filter((m) => m === 'state_call')).toHaveLength(1)
    expect(methods.filter((m) => m === 'state_queryStorageAt')).toHaveLength(1)
  })
})

describe('weights', () => {
  it('sets weights, then refuses a second set inside the rate limit with the blocks to wait', async () => {
    const { netuid } = subnet
    await nextEpoch(netuid)
    const validator = subnet.validators[0]!
    const miners = [3, 4, 5]
    const result = await setWeights(subtensor, validator, {
      netuid,
      uids: miners,
      weights: [0.2, 0.3, 0.5],
    })
    expect(result.event('subtensorModule', 'WeightsSet')).toBeDefined()
    const row = (await subtensor.query('subtensorModule', 'weights', [netuid, 1])) as number[][]
    expect(row).toEqual([
      [3, 26214],
      [4, 39321],
      [5, 65535],
    ])
    await sendCall(subtensor, alice, ['adminUtils', 'sudoSetWeightsSetRateLimit', [netuid, 100]], {
      sudo: true,
    })
    const error = await failure(
      setWeights(subtensor, validator, { netuid, uids: miners, weights: [1, 1, 1] }),
    )
    expect(error.code).toBe(ChainErrorCode.WeightsTooFast)
    expect(error.message).toMatch(
      /allows once every 100 blocks, so the next can land in block \d+ \(\d+ blocks from now\)/,
    )
    await sendCall(subtensor, alice, ['adminUtils', 'sudoSetWeightsSetRateLimit', [netuid, 0]], {
      sudo: true,
    })
  })

  it('names the version key, the minimum and the permit before sending', async () => {
    const { netuid } = subnet
    const validator = subnet.validators[1]!
    await sendCall(subtensor, alice, ['adminUtils', 'sudoSetWeightsVersionKey', [netuid, 7]], {
      sudo: true,
    })
    const version = await failure(
      setWeights(subtensor, validator, { netuid, uids: [3], weights: [1], versionKey: 6n }),
    )
    expect([version.code, version.field]).toEqual([ChainErrorCode.WeightsVersion, 'versionKey'])
    await sendCall(subtensor, alice, ['adminUtils', 'sudoSetMinAllowedWeights', [netuid, 3]], {
      sudo: true,
    })
    const few = await failure(
      setWeights(subtensor, validator, { netuid, uids: [3, 4], weights: [1, 1], versionKey: 7n }),
    )
    expect(few.code).toBe(ChainErrorCode.InvalidWeights)
    expect(few.message).toMatch(/at least 3 uids, got 2/)
    const miner = subnet.miners[2]!
    const permit = await failure(
      setWeights(subtensor, miner, { netuid, uids: [3, 4, 5], weights: [1, 1, 1], versionKey: 7n }),
    )
    expect(permit.code).toBe(ChainErrorCode.NoValidatorPermit)
    ;(
      await setWeights(subtensor, validator, {
        netuid,
        uids: [3, 4, 5],
        weights: [1, 2, 3],
        versionKey: 7n,
      })
    ).orThrow()
  })

  it('previews the next epoch exactly as the chain then computes it', async () => {
    const { netuid } = subnet
    const preview = await previewEpoch(subtensor, netuid)
    while ((await subtensor.blockNumber()) < preview.epochBlock - 1) await newBlocks(subtensor)
    const atEve = await previewEpoch(subtensor, netuid)
    const epochBlock = await nextEpoch(netuid)
    expect(epochBlock).toBe(atEve.epochBlock)
    expect(epochBlock).toBe(preview.epochBlock)
    const after = await subtensor.metagraph(netuid, { block: epochBlock, bonds: true })
    const { output } = atEve
    expect([...after.incentive]).toEqual([...output.incentive])
    expect([...after.dividends]).toEqual([...output.dividends])
    expect([...after.consensus]).toEqual([...output.consensus])
    expect([...after.validatorTrust]).toEqual([...output.validator_trust])
    expect([...after.emission]).toEqual([...output.emission])
    expect([...after.bonds!.values]).toEqual([...output.bonds.values])
    expect(output.incentive.some((v) => v > 0)).toBe(true)
  })

  it('answers what-if weights without touching the chain', async () => {
    const { netuid } = subnet
    const base = await previewEpoch(subtensor, netuid)
    const allOnFive = new Map([
      [1, [[5, 65535]] as Array<[number, number]>],
      [2, [[5, 65535]] as Array<[number, number]>],
    ])
    const whatIf = await previewEpoch(subtensor, netuid, { weights: allOnFive })
    expect(whatIf.output.incentive[5]).toBe(65535)
    expect(whatIf.output.incentive[3]).toBe(0)
    expect(base.output.incentive[3]).toBeGreaterThan(0)
    // Any ReadonlyMap, such as one made in another realm.
    const foreign = runInNewContext('new Map([[1, [[5, 65535]]], [2, [[5, 65535]]]])')
    const again = await previewEpoch(subtensor, netuid, { weights: foreign })
    expect(again.output.incentive[5]).toBe(65535)
  })

  it('names a what-if weight that would not fit, rather than wrapping it', async () => {
    const { netuid } = subnet
    const cases: Array<[unknown, string, RegExp]> = [
      [new Map([[1, [[5, 70_000]]]]), 'weights[1][0]', /a weight in 0\.\.65535, got 70000/],
      [new Map([[1, [[65_536, 1]]]]), 'weights[1][0]', /a target uid in 0\.\.5, got 65536/],
      [new Map([[1, [[5, 0.5]]]]), 'weights[1][0]', /got 0\.5/],
      [new Map([[1, 5]]), 'weights[1]', /an array of \[uid, weight\] pairs/],
      [new Map([[9, []]]), 'weights', /uids in 0\.\.5, got 9/],
      [{ 1: [[5, 1]] }, 'weights', /a Map from uid/],
      [[1, 2], 'weights', /a Map from uid/],
    ]
    for (const [weights, field, message] of cases) {
      const error = await failure(previewEpoch(subtensor, netuid, { weights: weights as never }))
      expect([error.code, error.field]).toEqual([ChainErrorCode.InvalidInput, field])
      expect(error.message).toMatch(message)
    }
  })
})
