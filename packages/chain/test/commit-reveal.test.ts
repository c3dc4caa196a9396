import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Devnet } from '@taokit/devnet'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  ChainError,
  ChainErrorCode,
  commitWeights,
  RevealScheduler,
  revealWeights,
  type Subtensor,
  setWeights,
} from '../src/index.js'
import { createSubnet, newBlocks, startChain, type TestSubnet } from './devnet.js'

let devnet: Devnet
let subtensor: Subtensor
let subnet: TestSubnet
const dir = mkdtempSync(join(tmpdir(), 'taokit-reveals-'))

beforeAll(async () => {
  ;({ devnet, subtensor } = await startChain())
  subnet = await createSubnet(subtensor, { validators: 1, miners: 2, commitReveal: true })
  // One epoch hands out validator permits.
  await newBlocks(subtensor, 12)
})

afterAll(async () => {
  await subtensor?.close()
  await devnet?.stop()
  rmSync(dir, { recursive: true, force: true })
})

async function failure(promise: Promise<unknown>): Promise<ChainError> {
  try {
    await promise
  } catch (error) {
    if (error instanceof ChainError) return error
    throw error
  }
  throw new Error('expected a ChainError')
}

describe('commit-reveal', () => {
  it('says to commit when set_weights would be refused', async () => {
    const error = await failure(
      setWeights(subtensor, subnet.validators[0]!, {
        netuid: subnet.netuid,
        uids: [2],
        weights: [1],
      }),
    )
    expect(error.code).toBe(ChainErrorCode.CommitReveal)
    expect(error.message).toMatch(/commit-reveal on: commit weights now/)
  })

  it('commits, survives a restart of the scheduler, and reveals in the window', async () => {
    const validator = subnet.validators[0]!
    const path = join(dir, 'reveals.json')
    const scheduler = await RevealScheduler.open(path)
    const { result, commit } = await commitWeights(subtensor, validator, {
      netuid: subnet.netuid,
      uids: [2, 3],
      weights: [0.25, 0.75],
    })
    expect(result.event('subtensorModule', 'WeightsCommitted')).toBeDefined()
    expect(commit.revealFrom).toBeGreaterThan(commit.commitBlock)
    expect(commit.revealUntil).toBeGreaterThanOrEqual(commit.revealFrom)
    await scheduler.add(commit)

    const early = await failure(revealWeights(subtensor, validator, commit))
    expect(early.code).toBe(ChainErrorCode.CommitReveal)
    expect(early.message).toMatch(/accepted from block \d+; the next block is \d+/)

    // A validator restarting between commit and reveal finds its commit on disk.
    const restarted = await RevealScheduler.open(path)
    expect(restarted.pending).toEqual([commit])
    expect(await restarted.revealDue(subtensor, () => validator)).toEqual([])

    while ((await subtensor.blockNumber()) + 1 < commit.revealFrom) await newBlocks(subtensor)
    const outcomes = await restarted.revealDue(subtensor, (hotkey) =>
      hotkey === validator.ss58 ? validator : undefined,
    )
    expect(outcomes.map((o) => o.status)).toEqual(['revealed'])
    const row = await subtensor.query('subtensorModule', 'weights', [subnet.netuid, 1])
    expect(row).toEqual([
      [2, 21845],
      [3, 65535],
    ])
    expect(restarted.pending).toEqual([])
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ version: 1, commits: [] })
  })

  it('drops a commit whose window has passed, saying so', async () => {
    const validator = subnet.validators[0]!
    const scheduler = await RevealScheduler.open(join(dir, 'expired.json'))
    while (true) {
      try {
        const { commit } = await commitWeights(subtensor, validator, {
          netuid: subnet.netuid,
          uids: [2],
          weights: [1],
        })
        await scheduler.add(commit)
        break
      } catch (error) {
        if (!(error instanceof ChainError && error.code === ChainErrorCode.WeightsTooFast))
          throw error
        await newBlocks(subtensor)
      }
    }
    const [commit] = scheduler.pending
    while ((await subtensor.blockNumber()) + 1 <= commit!.revealUntil) await newBlocks(subtensor)
    const late = await failure(revealWeights(subtensor, validator, commit!))
    expect(late.message).toMatch(/the commit expired/)
    const outcomes = await scheduler.revealDue(subtensor, () => validator)
    expect(outcomes.map((o) => o.status)).toEqual(['expired'])
    expect(scheduler.pending).toEqual([])
  })

  it('rejects a scheduler file that is not one, naming the file', async () => {
    const path = join(dir, 'broken.json')
    writeFileSync(path, '{"version": 2}')
    const error = await failure(RevealScheduler.open(path))
    expect(error.message).toContain(path)
  })
})
