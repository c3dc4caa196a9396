import { type Devnet, startDevnet } from '@taokit/devnet'
import { Keypair } from '@taokit/keys'
import { afterAll, beforeAll, expect, it, vi } from 'vitest'
import { ChainErrorCode, Subtensor, sendCall, transfer } from '../src/index.js'
import { alice, newBlocks, TAO } from './devnet.js'
import { FaultyProxy } from './proxy.js'

let devnet: Devnet
let direct: Subtensor

beforeAll(async () => {
  // Blocks only on request, so the test decides when the transaction lands.
  devnet = await startDevnet({ blockTime: 'manual' })
  direct = await Subtensor.connect({ network: devnet.url })
})

afterAll(async () => {
  await direct?.close()
  await devnet?.stop()
})

/**
 * Sends a transfer through a proxy that is cut once the transaction is in the pool, lets
 * `beforeBlock` run once the client is looking for it, then makes the block.
 */
async function transferAcrossADrop(
  beforeBlock: (stages: string[]) => Promise<void>,
): Promise<{ stages: string[]; landed: number; fee: bigint }> {
  const proxy = await FaultyProxy.start(devnet.port)
  const client = await Subtensor.connect({ network: proxy.url, timeoutMs: 5_000 })
  const to = Keypair.fromUri(`//ExactlyOnce//${Date.now()}`)
  const nonce = async () =>
    Number(((await direct.query('system', 'account', [alice.ss58])) as { nonce: number }).nonce)
  const before = await nonce()
  const stages: string[] = []
  const sent = transfer(
    client,
    alice,
    { to: to.ss58, amount: 3n * TAO },
    {
      onProgress: (stage) => {
        stages.push(stage)
        // In the pool, not yet in a block: the worst moment to lose the connection.
        if (stage === 'ready') proxy.cut()
      },
    },
  )
  await expect.poll(() => stages.includes('reconnecting'), { timeout: 10_000 }).toBe(true)
  await beforeBlock(stages)
  await newBlocks(direct)
  const result = await sent
  expect(result.event('balances', 'Transfer')).toBeDefined()
  // Nothing else is waiting to land a second time.
  await newBlocks(direct)
  const landed = Number((await direct.balance(to.ss58)) / (3n * TAO))
  expect(await nonce()).toBe(before + 1)
  await client.close()
  await proxy.close()
  return { stages, landed, fee: result.fee }
}

it('a transaction in flight when the connection drops is found in its block, once', async () => {
  const { stages, landed, fee } = await transferAcrossADrop(async () => {})
  expect(stages.slice(0, 3)).toEqual(['signed', 'ready', 'reconnecting'])
  expect(landed).toBe(1)
  expect(fee).toBeGreaterThan(0n)
})

it('resubmitting the same signed bytes after a reconnect cannot make it land twice', async () => {
  const { stages, landed } = await transferAcrossADrop(async (seen) => {
    await expect.poll(() => seen.includes('resubmitted'), { timeout: 10_000 }).toBe(true)
  })
  expect(stages).toEqual(['signed', 'ready', 'reconnecting', 'resubmitted', 'in-block'])
  expect(landed).toBe(1)
})

it('a transaction the node refuses for its fee fails at once, and nothing is logged', async () => {
  const penniless = Keypair.fromUri(`//Penniless//${Date.now()}`)
  const logged = vi.spyOn(console, 'error')
  const stages: string[] = []
  const started = Date.now()
  const error = await sendCall(direct, penniless, ['system', 'remark', ['0x00']], {
    onProgress: (stage) => stages.push(stage),
  }).catch((e: unknown) => e)
  expect(error).toMatchObject({ code: ChainErrorCode.InsufficientBalance, field: 'balance' })
  // Not taken for a lost connection: that waits out the transaction's whole era.
  expect(stages).not.toContain('reconnecting')
  expect(Date.now() - started).toBeLessThan(10_000)
  expect(logged).not.toHaveBeenCalled()
  logged.mockRestore()
})

it('a status the client cannot read ends the watch, and the transaction is found in its block', async () => {
  const proxy = await FaultyProxy.start(devnet.port)
  proxy.rewrite('"result":"ready"', '"result":"bogus"')
  const client = await Subtensor.connect({ network: proxy.url, timeoutMs: 5_000 })
  const stages: string[] = []
  const sent = sendCall(client, alice, ['system', 'remark', ['0x07']], {
    onProgress: (stage) => stages.push(stage),
  })
  await expect.poll(() => stages.includes('reconnecting'), { timeout: 10_000 }).toBe(true)
  await newBlocks(direct)
  expect((await sent).succeeded).toBe(true)
  await client.close()
  await proxy.close()
})

it('a connection lost before the node answered the submission does not hang the write', async () => {
  const proxy = await FaultyProxy.start(devnet.port)
  const client = await Subtensor.connect({ network: proxy.url, timeoutMs: 5_000 })
  const stages: string[] = []
  const sent = sendCall(client, alice, ['system', 'remark', ['0x08']], {
    timeoutMs: 20_000,
    onProgress: (stage) => {
      stages.push(stage)
      if (stage === 'signed') proxy.cut()
    },
  })
  await expect.poll(() => stages.includes('reconnecting'), { timeout: 10_000 }).toBe(true)
  await expect.poll(() => stages.includes('resubmitted'), { timeout: 10_000 }).toBe(true)
  await newBlocks(direct)
  expect((await sent).succeeded).toBe(true)
  await client.close()
  await proxy.close()
}, 30_000)

it('a write queued behind one lost in flight takes the next nonce, and both land', async () => {
  const proxy = await FaultyProxy.start(devnet.port)
  const client = await Subtensor.connect({ network: proxy.url, timeoutMs: 5_000 })
  const nonce = async () =>
    Number(((await direct.query('system', 'account', [alice.ss58])) as { nonce: number }).nonce)
  const before = await nonce()
  const first: string[] = []
  const second: string[] = []
  const lost = sendCall(client, alice, ['system', 'remark', ['0x09']], {
    timeoutMs: 20_000,
    onProgress: (stage) => {
      first.push(stage)
      if (stage === 'signed') proxy.cut()
    },
  })
  await expect.poll(() => first.includes('reconnecting'), { timeout: 10_000 }).toBe(true)
  const queued = sendCall(client, alice, ['system', 'remark', ['0x0a']], {
    timeoutMs: 20_000,
    onProgress: (stage) => second.push(stage),
  })
  await expect.poll(() => first.includes('resubmitted'), { timeout: 10_000 }).toBe(true)
  // Resent, so the pool holds its nonce: the next write goes out without waiting a block.
  await expect.poll(() => second.includes('ready'), { timeout: 10_000 }).toBe(true)
  await newBlocks(direct)
  expect((await lost).succeeded).toBe(true)
  expect((await queued).succeeded).toBe(true)
  expect(await nonce()).toBe(before + 2)
  await client.close()
  await proxy.close()
}, 40_000)

it('a node that never answers the submission ends it by its deadline, and a write whose turn comes after its own sends nothing', async () => {
  const proxy = await FaultyProxy.start(devnet.port)
  const client = await Subtensor.connect({ network: proxy.url, timeoutMs: 10_000 })
  const stages: string[] = []
  const stalled = sendCall(client, alice, ['system', 'remark', ['0x0b']], {
    timeoutMs: 2_000,
    onProgress: (stage) => {
      stages.push(stage)
      if (stage === 'signed') proxy.stall()
    },
  }).catch((e: unknown) => e)
  await expect.poll(() => stages.includes('signed'), { timeout: 5_000 }).toBe(true)
  const late = sendCall(client, alice, ['system', 'remark', ['0x0c']], { timeoutMs: 1_000 }).catch(
    (e: unknown) => e,
  )
  expect(await stalled).toMatchObject({ code: ChainErrorCode.TransactionPending })
  expect(await late).toMatchObject({ code: ChainErrorCode.Timeout })
  expect(((await late) as Error).message).toMatch(/^nothing was sent/)
  // Not taken for a lost connection: nothing was sent again.
  expect(stages).not.toContain('reconnecting')
  proxy.stall(false)
  await client.close()
  await proxy.close()
}, 30_000)
