import { type Devnet, startDevnet } from '@taokit/devnet'
import { Keypair } from '@taokit/keys'
import { addStake, burnedRegister, registerNetwork, Subtensor, sendCall } from '../src/index.js'

export const TAO = 10n ** 9n
export const alice = Keypair.fromUri('//Alice')
export const bob = Keypair.fromUri('//Bob')

/** Produces `count` blocks on a devnet in instant or manual mode. */
export async function newBlocks(subtensor: Subtensor, count = 1): Promise<void> {
  await subtensor.provider.send('dev_newBlock', [{ count }])
}

export interface TestSubnet {
  netuid: number
  owner: Keypair
  validators: Keypair[]
  miners: Keypair[]
}

/**
 * A subnet built the way a user would, through @taokit/chain: registered by Alice, emission
 * started, a short tempo and no weights rate limit (set through sudo), then neurons
 * registered by burning and the validators staked.
 */
export async function createSubnet(
  subtensor: Subtensor,
  options: { validators: number; miners: number; tempo?: number; commitReveal?: boolean },
): Promise<TestSubnet> {
  const owner = Keypair.fromUri(`//Alice//owner${Date.now()}`)
  const result = (await registerNetwork(subtensor, alice, { hotkey: owner.ss58 })).orThrow()
  const added = result.event('subtensorModule', 'NetworkAdded')
  const netuid = (added!.data as [number])[0]
  await sendCall(subtensor, alice, ['subtensorModule', 'startCall', [netuid]])
  const admin = async (name: string, ...args: unknown[]) =>
    (
      await sendCall(subtensor, alice, ['adminUtils', name, [netuid, ...args]], { sudo: true })
    ).orThrow()
  await admin('sudoSetTempo', options.tempo ?? 10)
  await admin('sudoSetWeightsSetRateLimit', 0)
  await admin('sudoSetCommitRevealWeightsEnabled', options.commitReveal ?? false)
  const validators = Array.from({ length: options.validators }, (_, i) =>
    Keypair.fromUri(`//Bob//${netuid}//validator${i}`),
  )
  const miners = Array.from({ length: options.miners }, (_, i) =>
    Keypair.fromUri(`//Bob//${netuid}//miner${i}`),
  )
  for (const hotkey of [...validators, ...miners]) {
    ;(await burnedRegister(subtensor, bob, { netuid, hotkey: hotkey.ss58 })).orThrow()
  }
  // Permits go to the staked: each validator gets a different stake.
  for (const [i, hotkey] of validators.entries()) {
    const amount = BigInt(i + 1) * 100n * TAO
    ;(await addStake(subtensor, bob, { netuid, hotkey: hotkey.ss58, amount })).orThrow()
  }
  return { netuid, owner, validators, miners }
}

export async function startChain(): Promise<{ devnet: Devnet; subtensor: Subtensor }> {
  const devnet = await startDevnet()
  const subtensor = await Subtensor.connect({ network: devnet.url })
  return { devnet, subtensor }
}
