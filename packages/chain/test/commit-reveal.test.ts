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
  Subtensor,
  setWeights,
} from '../src/index.js'
import { createSubnet, newBlocks, startChain, type TestSubnet } from './devnet.js'
import { FaultyProxy } from './proxy.js'

let devnet: Devnet
let subtensor: Subtensor
let subnet: TestSubnet
const dir = mkdtempSync(join(tmpdir(), 'taokit-reveals-'))

beforeAll(async () => {
  ;({ devnet, subtensor } = await startChain())
  subnet = await createSubnet(subtensor, { validators: 2, miners: 2, commitReveal: true })
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
    for (const [text, message] of [
      ['{"version": 2}', /expected \{"version": 1/],
      ['null', /expected \{"version": 1/],
      ['{"version": 1, "commits": [{"hotkey": "5F", "netuid": 1}]}', /commits\[0\]: uids:/],
    ] as const) {
      writeFileSync(path, text)
      const error = await failure(RevealScheduler.open(path))
      expect(error.message).toContain(path)
      expect(error.message).toMatch(message)
    }
  })
})

describe('a reveal file shared by several processes', () => {
  // The subnet of the tests above (a network registration is rate limited).
  const validator = () => subnet.validators[0]!
  const own = (hotkey: string) => (hotkey === validator().ss58 ? validator() : undefined)
  const weights = (uid: number) => ({ netuid: subnet.netuid, uids: [uid], weights: [1] })

  it('keeps every commit when two schedulers write the file at once', async () => {
    const path = join(dir, 'two-writers.json')
    const [first, second] = await Promise.all([
      RevealScheduler.open(path),
      RevealScheduler.open(path),
    ])
    const base = { netuid: 1, uids: [1], values: [1], salt: [1], versionKey: '0' }
    const commit = (n: number) => ({
      ...base,
      hotkey: validator().ss58,
      commitHash: `0x${String(n).repeat(64)}`,
      commitBlock: 1,
      revealFrom: 2,
      revealUntil: 3,
    })
    await Promise.all([first.add(commit(1)), second.add(commit(2))])
    const stored = JSON.parse(readFileSync(path, 'utf8')).commits as Array<{ commitHash: string }>
    expect(stored.map((c) => c.commitHash).sort()).toEqual(
      [commit(1), commit(2)].map((c) => c.commitHash),
    )
  })

  it('keeps a commit in the file before it is sent, and sends nothing it cannot keep', async () => {
    const path = join(dir, 'before-send.json')
    const scheduler = await RevealScheduler.open(path)
    let keptWhenSigned: unknown
    const { commit } = await scheduler.commit(subtensor, validator(), weights(2), {
      onProgress: (stage) => {
        if (stage === 'signed') keptWhenSigned = JSON.parse(readFileSync(path, 'utf8')).commits
      },
    })
    expect(keptWhenSigned).toMatchObject([{ commitHash: commit.commitHash, unconfirmed: true }])
    expect(JSON.parse(readFileSync(path, 'utf8')).commits).toEqual([commit])

    const readOnly = join(dir, 'read-only.json')
    writeFileSync(readOnly, '{"version": 1, "commits": []}\n', { mode: 0o444 })
    const nonce = await subtensor.api.rpc.system.accountNextIndex(validator().ss58)
    const error = await failure(
      (await RevealScheduler.open(readOnly)).commit(subtensor, validator(), weights(3)),
    )
    expect(error.message).toMatch(/read-only\.json: the file is read-only/)
    const after = await subtensor.api.rpc.system.accountNextIndex(validator().ss58)
    expect(after.toNumber()).toBe(nonce.toNumber())
  })

  it('reveals a commit once, however many schedulers try, and drops one already revealed', async () => {
    const path = join(dir, 'before-send.json')
    const [commit] = (await RevealScheduler.open(path)).pending
    while ((await subtensor.blockNumber()) + 1 < commit!.revealFrom) await newBlocks(subtensor)
    const nonce = await subtensor.api.rpc.system.accountNextIndex(validator().ss58)
    const [a, b] = await Promise.all([RevealScheduler.open(path), RevealScheduler.open(path)])
    const outcomes = (
      await Promise.all([a.revealDue(subtensor, own), b.revealDue(subtensor, own)])
    ).flat()
    expect(outcomes.filter((o) => o.status === 'revealed')).toHaveLength(1)
    expect(outcomes.filter((o) => o.status === 'failed')).toEqual([])
    const after = await subtensor.api.rpc.system.accountNextIndex(validator().ss58)
    expect(after.toNumber()).toBe(nonce.toNumber() + 1)
    expect(JSON.parse(readFileSync(path, 'utf8')).commits).toEqual([])

    // A reveal that landed while its file kept the commit (a process killed in between).
    await (await RevealScheduler.open(path)).add(commit!)
    const again = await (await RevealScheduler.open(path)).revealDue(subtensor, own)
    expect(again.map((o) => o.status)).toEqual(['gone'])
    const last = await subtensor.api.rpc.system.accountNextIndex(validator().ss58)
    expect(last.toNumber()).toBe(after.toNumber())
  })

  it('keeps a commit that a node behind its block cannot show yet', async () => {
    const path = join(dir, 'ahead.json')
    const scheduler = await RevealScheduler.open(path)
    const head = await subtensor.blockNumber()
    const ahead = {
      netuid: subnet.netuid,
      hotkey: validator().ss58,
      uids: [2],
      values: [65535],
      salt: [1, 2, 3, 4, 5, 6, 7, 8],
      versionKey: '0',
      commitHash: `0x${'ab'.repeat(32)}`,
      commitBlock: head + 100,
      revealFrom: head + 110,
      revealUntil: head + 120,
    }
    await scheduler.add(ahead)
    expect(await scheduler.revealDue(subtensor, own)).toEqual([])
    expect(scheduler.pending).toEqual([ahead])
  })

  it("leaves a commit of another network alone, and records each commit's network", async () => {
    const path = join(dir, 'networks.json')
    const scheduler = await RevealScheduler.open(path)
    const { commit } = await scheduler.commit(subtensor, validator(), weights(2))
    expect(commit.genesisHash).toBe(subtensor.api.genesisHash.toHex())
    const elsewhere = {
      ...commit,
      commitHash: `0x${'cd'.repeat(32)}`,
      genesisHash: `0x${'ef'.repeat(32)}`,
      commitBlock: 1,
      revealFrom: 2,
      revealUntil: 3,
    }
    await scheduler.add(elsewhere)
    while ((await subtensor.blockNumber()) + 1 < commit.revealFrom) await newBlocks(subtensor)
    const outcomes = await scheduler.revealDue(subtensor, own)
    expect(outcomes.map((o) => [o.commit.commitHash, o.status])).toEqual([
      [commit.commitHash, 'revealed'],
    ])
    expect(scheduler.pending).toEqual([elsewhere])
  })

  it("leaves other hotkeys' commits alone, and is not locked out by expired ones", async () => {
    const path = join(dir, 'expiring.json')
    const scheduler = await RevealScheduler.open(path)
    const other = subnet.validators[1]!
    for (let i = 0; i < 10; i++) {
      await scheduler.commit(subtensor, validator(), weights(2 + (i % 2)))
      await newBlocks(subtensor)
    }
    await scheduler.commit(subtensor, other, weights(2))
    const mine = scheduler.pending.filter((c) => c.hotkey === validator().ss58)
    while ((await subtensor.blockNumber()) + 1 <= Math.max(...mine.map((c) => c.revealUntil)))
      await newBlocks(subtensor)
    // Ten expired commits are still stored on chain, which drops them at the next commit.
    await scheduler.commit(subtensor, validator(), weights(3))
    const outcomes = await scheduler.revealDue(subtensor, own)
    expect(outcomes.filter((o) => o.status === 'expired')).toHaveLength(10)
    expect(scheduler.pending.filter((c) => c.hotkey === other.ss58)).toHaveLength(1)
  })
})

describe('a chain that stores reveal windows (spec 393)', () => {
  it("takes the window the chain stored with a commit, over one counted the devnet's way", async () => {
    const validator = subnet.validators[1]!
    const { netuid } = subnet
    const block = (await subtensor.blockNumber()) + 1
    const length = 11 // tempo 10
    const period = Number(await subtensor.query('subtensorModule', 'revealPeriodEpochs', [netuid]))
    // The devnet stores (hash, epoch, block, 0); spec 393 (hash, block, first, last), with
    // epochs counted one block later. A proxy makes this devnet answer as spec 393 would.
    const devnetEpoch = Math.floor((block + netuid + 2) / length)
    const revealEpoch = Math.floor((block + netuid + 1) / length) + period
    const first = revealEpoch * length - netuid - 1
    const last = first + length - 1
    const le64 = (n: number) => Buffer.from(BigUint64Array.of(BigInt(n)).buffer).toString('hex')
    const proxy = await FaultyProxy.start(devnet.port)
    proxy.rewrite(le64(devnetEpoch) + le64(block) + le64(0), le64(block) + le64(first) + le64(last))
    const client = await Subtensor.connect({ network: proxy.url })
    try {
      const { result, commit } = await commitWeights(client, validator, {
        netuid,
        uids: [2],
        weights: [1],
      })
      expect(result.blockNumber).toBe(block)
      expect(commit).toMatchObject({ commitBlock: block, revealFrom: first, revealUntil: last })
    } finally {
      await client.close()
      await proxy.close()
    }
  })
})
