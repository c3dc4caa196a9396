import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Subtensor, sendCall } from '@taokit/chain'
import { type Devnet, startDevnet } from '@taokit/devnet'
import { Keypair } from '@taokit/keys'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { taokitBin } from './npx.js'

const TAO = 10n ** 9n
const TEMPO = 14
const REVEAL_PERIOD_EPOCHS = 8
const dir = mkdtempSync(join(tmpdir(), 'taokit-weights-reveal-'))
let devnet: Devnet

beforeAll(async () => {
  // A block every 100 ms and a tempo of 14: each reveal window lasts 1.5 s, half a 3 s poll.
  const forkState = join(dir, 'subnet.json')
  const subnet = {
    owner: '//Alice',
    ownerHotkey: '//Alice//owner',
    tempo: TEMPO,
    commitReveal: true,
    weightsRateLimit: 0,
    neurons: [
      { hotkey: '//Bob//validator', coldkey: '//Bob', stake: String(1000n * TAO) },
      { hotkey: '//Dave//miner', coldkey: '//Dave' },
    ],
  }
  writeFileSync(forkState, JSON.stringify({ subnets: [subnet] }))
  devnet = await startDevnet({ forkState, blockTime: 100 })
  // Far enough ahead that the CLI has started and connected before the window opens.
  const subtensor = await Subtensor.connect({ network: devnet.url })
  const period = [
    'adminUtils',
    'sudoSetCommitRevealWeightsInterval',
    [1, REVEAL_PERIOD_EPOCHS],
  ] as const
  ;(await sendCall(subtensor, Keypair.fromUri('//Alice'), period, { sudo: true })).orThrow()
  await subtensor.close()
})

afterAll(async () => {
  await devnet?.stop()
  rmSync(dir, { recursive: true, force: true })
})

describe('taokit weights reveal --wait', { timeout: 120_000 }, () => {
  it('reveals within a window shorter than a poll interval, on fast blocks', () => {
    const file = join(dir, 'reveals.json')
    const signer = ['--uri', '//Bob//validator', '--reveal-file', file, '--network', devnet.url]
    const weights = ['--netuid', '1', '--uids', '2', '--weights', '1']
    const committed = taokitBin(['weights', 'commit', ...weights, ...signer])
    expect(committed.stderr).not.toMatch(/\n\s+at /)
    const window = /reveal between blocks (\d+) and (\d+)/.exec(committed.stdout)
    expect(window, committed.stdout + committed.stderr).not.toBeNull()
    expect(Number(window![2]) - Number(window![1])).toBeLessThanOrEqual(TEMPO + 1)

    const revealed = taokitBin(['weights', 'reveal', '--wait', '--json', ...signer])
    expect(revealed.stderr).toMatch(/the next reveal window opens at block/)
    const outcomes = (JSON.parse(revealed.stdout) as { outcomes: Array<{ status: string }> })
      .outcomes
    expect(outcomes.map((o) => o.status)).toEqual(['revealed'])
    expect(revealed.status).toBe(0)
  })
})
