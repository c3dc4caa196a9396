import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Devnet, startDevnet } from '@taokit/devnet'
import { Keypair } from '@taokit/keys'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { burnedRegister, ChainErrorCode, LiveMetagraph, Subtensor } from '../src/index.js'
import { bob, createSubnet, newBlocks, startChain, type TestSubnet } from './devnet.js'
import { FaultyProxy } from './proxy.js'

let devnet: Devnet
let subtensor: Subtensor
let subnet: TestSubnet

beforeAll(async () => {
  ;({ devnet, subtensor } = await startChain())
  subnet = await createSubnet(subtensor, { validators: 2, miners: 2, tempo: 5 })
  // Validator permits are handed out by the subnet's epoch.
  await newBlocks(subtensor, 12)
})

afterAll(async () => {
  await subtensor?.close()
  await devnet?.stop()
})

describe('LiveMetagraph', () => {
  it('answers by hotkey what the metagraph says', async () => {
    const live = await LiveMetagraph.start(subtensor, subnet.netuid)
    try {
      const graph = await subtensor.metagraph(subnet.netuid)
      expect(live.metagraph.block).toBeGreaterThanOrEqual(graph.block - 1)
      for (const [uid, hotkey] of graph.hotkeys.entries()) {
        expect(live.uidOf(hotkey)).toBe(uid)
        expect(live.isRegistered(hotkey)).toBe(true)
        expect(live.isValidator(hotkey)).toBe(graph.validatorPermit[uid] === 1)
        expect(live.stakeOf(hotkey)).toBe(Number(graph.stake[uid]))
      }
      const [low, high] = subnet.validators.map((validator) => validator.ss58)
      expect(live.isValidator(low!)).toBe(true)
      expect(live.isValidator(high!)).toBe(true)
      expect(live.stakeOf(high!)).toBeGreaterThan(live.stakeOf(low!))
      const stranger = Keypair.fromUri('//LiveMetagraph//stranger').ss58
      expect(live.isRegistered(stranger)).toBe(false)
      expect(live.isValidator(stranger)).toBe(false)
      expect(live.stakeOf(stranger)).toBe(0)
      expect(live.uidOf(stranger)).toBeUndefined()
    } finally {
      live.close()
    }
  })

  it('sees a hotkey registered after it started, on its own schedule', async () => {
    const live = await LiveMetagraph.start(subtensor, subnet.netuid, { refreshMs: 50 })
    try {
      const newcomer = Keypair.fromUri(`//LiveMetagraph//newcomer${Date.now()}`).ss58
      expect(live.isRegistered(newcomer)).toBe(false)
      const before = live.metagraph.block
      ;(await burnedRegister(subtensor, bob, { netuid: subnet.netuid, hotkey: newcomer })).orThrow()
      await vi.waitFor(() => expect(live.isRegistered(newcomer)).toBe(true), { timeout: 10_000 })
      expect(live.metagraph.block).toBeGreaterThan(before)
      expect(live.lastError).toBeUndefined()
    } finally {
      live.close()
    }
  })

  it('keeps the last metagraph when a refresh fails, and says why', async () => {
    const own = await Subtensor.connect({ network: devnet.url })
    const errors: unknown[] = []
    const live = await LiveMetagraph.start(own, subnet.netuid, {
      refreshMs: 20,
      onError: (error) => errors.push(error),
    })
    try {
      const validator = subnet.validators[0]!.ss58
      const block = live.metagraph.block
      await own.close()
      await vi.waitFor(() => expect(errors.length).toBeGreaterThan(1), { timeout: 10_000 })
      expect(errors[0]).toMatchObject({ code: ChainErrorCode.Closed })
      expect(live.lastError).toMatchObject({ code: ChainErrorCode.Closed })
      await expect(live.refresh()).rejects.toMatchObject({ code: ChainErrorCode.Closed })
      expect(live.metagraph.block).toBe(block)
      expect(live.isValidator(validator)).toBe(true)
    } finally {
      live.close()
    }
  })

  it('stops refreshing once closed', async () => {
    const errors: unknown[] = []
    const live = await LiveMetagraph.start(subtensor, subnet.netuid, {
      refreshMs: 20,
      onError: (error) => errors.push(error),
    })
    live.close()
    const updatedAt = live.updatedAt
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(live.updatedAt).toBe(updatedAt)
    expect(errors).toEqual([])
    await expect(live.refresh()).rejects.toMatchObject({ code: ChainErrorCode.Closed })
  })

  it('names a subnet that does not exist, and a bad refresh period', async () => {
    await expect(LiveMetagraph.start(subtensor, 4_000)).rejects.toMatchObject({
      code: ChainErrorCode.SubnetNotFound,
      field: 'netuid',
    })
    await expect(
      LiveMetagraph.start(subtensor, subnet.netuid, { refreshMs: 0 }),
    ).rejects.toMatchObject({ code: ChainErrorCode.InvalidInput, field: 'refreshMs' })
  })
})

describe('LiveMetagraph across node restarts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'taokit-live-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  /** A fork-state file whose subnet 1 has `validator` staked (and so holding a permit). */
  function subnetWith(validator: string): string {
    const path = join(dir, `${validator.replace(/\W/g, '')}.json`)
    const neurons = [{ hotkey: validator, coldkey: '//Bob', stake: '1000000000000' }]
    const subnet = { owner: '//Alice', ownerHotkey: '//Alice//owner', tempo: 100, neurons }
    writeFileSync(path, JSON.stringify({ subnets: [subnet] }))
    return path
  }

  const bobV = Keypair.fromUri('//Bob//v').ss58
  const eve = Keypair.fromUri('//Eve//v').ss58

  /** Ten more blocks, and the live metagraph has read them. */
  async function advanceTen(own: Subtensor, live: LiveMetagraph): Promise<void> {
    await own.provider.send('dev_newBlock', [{ count: 10 }])
    await vi.waitFor(() => expect(live.metagraph.block).toBeGreaterThanOrEqual(10), {
      timeout: 10_000,
    })
  }

  it('follows a chain that was reset, refuses everyone once the subnet is gone, and survives a throwing onError', async () => {
    const first = await startDevnet({ forkState: subnetWith('//Bob//v') })
    const port = first.port
    let devnet: Devnet = first
    const own = await Subtensor.connect({ network: first.url, timeoutMs: 2000 })
    const errors: unknown[] = []
    const live = await LiveMetagraph.start(own, 1, {
      refreshMs: 50,
      onError: (error) => {
        errors.push(error)
        throw new Error('a broken listener must not stop the refreshes')
      },
    })
    try {
      await advanceTen(own, live)
      expect(live.isValidator(bobV)).toBe(true)

      // The same endpoint now serves a new chain, at a lower block, where Eve validates.
      await devnet.stop()
      devnet = await startDevnet({ port, forkState: subnetWith('//Eve//v') })
      await vi.waitFor(() => expect(live.isValidator(eve)).toBe(true), { timeout: 20_000 })
      expect(live.isValidator(bobV)).toBe(false)
      expect(live.metagraph.block).toBeLessThan(10)
      expect(errors.some((e) => String((e as Error).message).includes('behind block'))).toBe(true)

      // And then a chain without the subnet: nobody is a validator of it any more.
      await devnet.stop()
      devnet = await startDevnet({ port })
      await vi.waitFor(() => expect(live.isRegistered(eve)).toBe(false), { timeout: 20_000 })
      expect(live.isValidator(eve)).toBe(false)
      expect(live.lastError).toMatchObject({ code: ChainErrorCode.SubnetNotFound })
    } finally {
      live.close()
      await own.close()
      await devnet.stop()
    }
  })

  it('keeps what it read while the node answers from behind and says it is syncing', async () => {
    let devnet = await startDevnet({ forkState: subnetWith('//Bob//v') })
    const port = devnet.port
    const proxy = await FaultyProxy.start(port)
    const own = await Subtensor.connect({ network: proxy.url, timeoutMs: 2000 })
    const errors: string[] = []
    const live = await LiveMetagraph.start(own, 1, {
      refreshMs: 50,
      onError: (error) => errors.push((error as Error).message),
    })
    try {
      await advanceTen(own, live)
      // Behind the endpoint now, a node at a lower block that is still catching up.
      proxy.rewrite('"isSyncing":false', '"isSyncing":true ')
      await devnet.stop()
      devnet = await startDevnet({ port, forkState: subnetWith('//Eve//v') })
      await vi.waitFor(() => expect(errors.filter((e) => e.includes('syncing'))).toHaveLength(6), {
        timeout: 20_000,
      })
      expect(live.isValidator(bobV)).toBe(true)
      expect(live.isRegistered(eve)).toBe(false)
      expect(errors.at(-1)).toMatch(
        /behind block \d+ already read, and is syncing or without peers/,
      )

      // Once it says it is not syncing, its chain is taken as one that was reset.
      proxy.rewrite('"isSyncing":false', '"isSyncing":false')
      await vi.waitFor(() => expect(live.isValidator(eve)).toBe(true), { timeout: 20_000 })
    } finally {
      live.close()
      await own.close()
      await proxy.close()
      await devnet.stop()
    }
  })
})
