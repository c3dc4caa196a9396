import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Axon } from '@taokit/axon'
import {
  type AxonInfo,
  addStake,
  burnedRegister,
  LiveMetagraph,
  Subtensor,
  serveAxon as serveOnChain,
} from '@taokit/chain'
import { Dendrite } from '@taokit/dendrite'
import { type Devnet, startDevnet } from '@taokit/devnet'
import { Keypair } from '@taokit/keys'
import { Dummy } from '@taokit/synapse'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { serveAxon } from './axon-serve.js'
import { taokitBin } from './npx.js'
import { waitFor } from './wait.js'

const TAO = 10n ** 9n
const NETUID = 1
const bob = Keypair.fromUri('//Bob')
const validator = Keypair.fromUri('//Bob//validator')
const miner = Keypair.fromUri('//Dave//miner')
const stranger = Keypair.fromUri('//Eve//stranger')

const dir = mkdtempSync(join(tmpdir(), 'taokit-axon-metagraph-'))
let devnet: Devnet
let subtensor: Subtensor

beforeAll(async () => {
  // Subnet 1 from genesis: a staked validator (its permit granted) and an unstaked miner.
  const forkState = join(dir, 'subnet.json')
  const neuron = (key: string, coldkey: string, stake?: bigint) => ({
    hotkey: key,
    coldkey,
    ...(stake === undefined ? {} : { stake: String(stake) }),
  })
  const subnet = {
    owner: '//Alice',
    ownerHotkey: '//Alice//owner',
    tempo: 4,
    commitReveal: false,
    neurons: [neuron('//Bob//validator', '//Bob', 1000n * TAO), neuron('//Dave//miner', '//Dave')],
  }
  writeFileSync(forkState, JSON.stringify({ subnets: [subnet] }))
  devnet = await startDevnet({ forkState })
  subtensor = await Subtensor.connect({ network: devnet.url })
})

afterAll(async () => {
  await subtensor?.close()
  await devnet?.stop()
  rmSync(dir, { recursive: true, force: true })
})

/** The status `caller`'s signed Dummy gets from the miner's axon at `target` (or on `port`). */
async function statusFor(caller: Keypair, target: AxonInfo | number): Promise<number | undefined> {
  const dendrite = new Dendrite({ keypair: caller })
  try {
    const axon =
      typeof target === 'number' ? { ip: '127.0.0.1', port: target, hotkey: miner.address } : target
    const batch = await dendrite.query([axon], Dummy, Dummy.create({ dummy_input: 2 }), {
      timeoutMs: 5000,
    })
    expect(batch.results[0]?.axon).toBe(axon)
    return batch.results[0]?.status
  } finally {
    await dendrite.close()
  }
}

describe('an axon whose default policy follows the chain', () => {
  it('serves the subnet validators only, and lets in a validator once its permit is on chain', async () => {
    const live = await LiveMetagraph.start(subtensor, NETUID, { refreshMs: 100 })
    // The chain refuses 127.0.0.1 as an axon address, not the rest of 127.0.0.0/8.
    const host = '127.0.0.2'
    const axon = new Axon({ keypair: miner, port: 0, host, metagraph: live })
    axon.attach(Dummy, { forward: (s) => ({ ...s, dummy_output: s.dummy_input * 2 }) })
    const port = await axon.start()
    try {
      // The validator's side: the miner's axon as the metagraph shows it, a target as it is.
      ;(await serveOnChain(subtensor, miner, { netuid: NETUID, ip: host, port })).orThrow()
      const uid = live.uidOf(miner.address)!
      await vi.waitFor(() => expect(live.metagraph.axons[uid]?.port).toBe(port), {
        timeout: 5_000,
      })
      const served = live.metagraph.axons[uid]!
      expect(served).toMatchObject({ hotkey: miner.address, ip: host, port })

      expect(await statusFor(validator, served)).toBe(200)
      // Registered without a permit, and not registered at all: refused before the body.
      expect(await statusFor(miner, served)).toBe(403)
      expect(await statusFor(stranger, served)).toBe(403)

      const hotkey = stranger.address
      ;(await burnedRegister(subtensor, bob, { netuid: NETUID, hotkey })).orThrow()
      ;(await addStake(subtensor, bob, { netuid: NETUID, hotkey, amount: 500n * TAO })).orThrow()
      // The next epoch hands the staked newcomer a permit.
      await vi.waitFor(
        async () => {
          await subtensor.provider.send('dev_newBlock', [{ count: 1 }])
          expect(live.isValidator(hotkey)).toBe(true)
        },
        { timeout: 20_000, interval: 200 },
      )
      await vi.waitFor(async () => expect(await statusFor(stranger, served)).toBe(200), {
        timeout: 5_000,
      })
    } finally {
      await axon.stop()
      live.close()
    }
  })

  it('npx taokit axon serve --netuid serves only that subnet validators', async () => {
    const served = await serveAxon([
      '--uri',
      '//Dave//miner',
      '--netuid',
      '1',
      '--network',
      devnet.url,
    ])
    try {
      expect(served.hotkey).toBe(miner.address)
      await waitFor(served.stderr, /only validators of subnet 1 are served/)
      expect(await statusFor(validator, served.port)).toBe(200)
      expect(await statusFor(Keypair.fromUri('//Ferdie//nobody'), served.port)).toBe(403)
      await waitFor(served.stderr, /POST \/Dummy from \w+ \(unverified\) 403 \(blacklisted\)/)
      expect(served.stderr()).not.toMatch(/not registered on subnet 1/)
    } finally {
      await served.interrupt()
    }
  })

  it('taokit axon serve names a subnet that does not exist, or --network without --netuid', () => {
    const cases: Array<[string[], RegExp]> = [
      [['--netuid', '9', '--network', devnet.url], /netuid: subnet 9 does not exist/],
      [['--netuid', 'one'], /--netuid: expected an integer in 0\.\.65535, got "one"/],
      [['--network', devnet.url], /--network: read only to find the validators of --netuid/],
    ]
    for (const [args, message] of cases) {
      const result = taokitBin(['axon', 'serve', '--uri', '//Dave//miner', '--port', '0', ...args])
      expect({ args, status: result.status }).toEqual({ args, status: 2 })
      expect(result.stderr).toMatch(message)
      expect(result.stderr).not.toMatch(/\n\s+at /)
    }
  })
})
