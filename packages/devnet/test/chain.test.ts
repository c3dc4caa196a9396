import '@polkadot/api-augment'
import { type ApiPromise, Keyring, WsProvider } from '@polkadot/api'
import { cryptoWaitReady } from '@polkadot/util-crypto'
import { Keypair } from '@taokit/keys'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { type Devnet, startDevnet } from '../src/index.js'
import { connect, postStatus, rpc, send } from './api.js'

const TAO = 10n ** 9n
const alice = Keypair.fromUri('//Alice')
const bob = Keypair.fromUri('//Bob')
const sendAs = (tx: Parameters<typeof send>[0], signer = alice) => send(tx, signer)

let devnet: Devnet
let api: ApiPromise

beforeAll(async () => {
  devnet = await startDevnet()
  api = await connect(devnet.url)
})

afterAll(async () => {
  await api?.disconnect()
  await devnet?.stop()
})

describe('a real @polkadot/api against the devnet', () => {
  it('reads the chain properties finney has', async () => {
    expect((await api.rpc.system.chain()).toString()).toBe('Bittensor')
    expect(api.registry.chainSS58).toBe(42)
    expect(api.registry.chainDecimals).toEqual([9])
    expect(api.registry.chainTokens).toEqual(['TAO'])
    expect(api.runtimeVersion.specName.toString()).toBe('node-subtensor')
    expect(api.runtimeVersion.specVersion.toNumber()).toBe(393)
    expect(api.consts.balances.existentialDeposit.toBigInt()).toBe(500n)
  })

  it('transfers, with the balances and events a client expects', async () => {
    const before = (await api.query.system.account(bob.address)).data.free.toBigInt()
    const aliceBefore = (await api.query.system.account(alice.address)).data.free.toBigInt()
    const tx = api.tx.balances.transferKeepAlive(bob.address, 7n * TAO)
    const fee = (await tx.paymentInfo(alice.address)).partialFee.toBigInt()
    const result = await sendAs(tx)
    expect(result.events.map(({ event }) => `${event.section}.${event.method}`)).toEqual([
      'balances.Withdraw',
      'balances.Transfer',
      'transactionPayment.TransactionFeePaid',
      'system.ExtrinsicSuccess',
    ])
    expect((await api.query.system.account(bob.address)).data.free.toBigInt() - before).toBe(
      7n * TAO,
    )
    const aliceAfter = (await api.query.system.account(alice.address)).data.free.toBigInt()
    expect(aliceBefore - aliceAfter).toBe(7n * TAO + fee)
  })

  it('reports a failed call with its module error and keeps the fee', async () => {
    const result = await sendAs(api.tx.balances.transferKeepAlive(bob.address, 2n ** 62n))
    expect(result.dispatchError?.isModule).toBe(true)
    const error = api.registry.findMetaError(result.dispatchError!.asModule)
    expect(`${error.section}.${error.name}`).toBe('balances.InsufficientBalance')
  })

  it('accepts transactions signed with ed25519', async () => {
    await cryptoWaitReady()
    const eve = new Keyring({ type: 'ed25519', ss58Format: 42 }).addFromUri('//Eve')
    await sendAs(api.tx.balances.transferKeepAlive(eve.address, 10n * TAO))
    const result = await send(api.tx.balances.transferKeepAlive(bob.address, TAO), eve)
    expect(result.dispatchError).toBeUndefined()
    expect((await api.query.system.account(eve.address)).nonce.toNumber()).toBe(1)
  })

  it('runs sudo calls for Alice only', async () => {
    const call = api.tx.balances.forceSetBalance(bob.address, 5n * TAO)
    const result = await sendAs(api.tx.sudo.sudo(call))
    const sudid = result.events.find(({ event }) => event.method === 'Sudid')
    expect(sudid?.event.data.toJSON()).toEqual([{ ok: null }])
    expect((await api.query.system.account(bob.address)).data.free.toBigInt()).toBe(5n * TAO)
    const denied = await sendAs(api.tx.sudo.sudo(call), bob)
    expect(api.registry.findMetaError(denied.dispatchError!.asModule).name).toBe('RequireSudo')
  })

  it('subscribes to new heads and serves past blocks', async () => {
    const heads: number[] = []
    const unsubscribe = await api.rpc.chain.subscribeNewHeads((header) => {
      heads.push(header.number.toNumber())
    })
    await api.rpc('dev_newBlock' as never)
    await new Promise((resolve) => setTimeout(resolve, 200))
    unsubscribe()
    expect(heads.length).toBeGreaterThanOrEqual(2)
    const hash = await api.rpc.chain.getBlockHash(1)
    const block = await api.rpc.chain.getBlock(hash)
    expect(block.block.header.number.toNumber()).toBe(1)
    const at = await api.at(hash)
    expect((await at.query.system.number()).toNumber()).toBe(1)
  })

  it('finalizes on request, and never moves the finalized heads backwards', async () => {
    const finalized: number[] = []
    const unsubscribe = await api.rpc.chain.subscribeFinalizedHeads((header) => {
      finalized.push(header.number.toNumber())
    })
    const create = async () =>
      (
        (await rpc(devnet.httpUrl, 'engine_createBlock', [true, false])) as {
          result: { hash: string }
        }
      ).result.hash
    const first = await create()
    const second = await create()
    await rpc(devnet.httpUrl, 'engine_finalizeBlock', [second])
    // Finalizing an ancestor of the finalized head changes nothing and tells nobody.
    await rpc(devnet.httpUrl, 'engine_finalizeBlock', [first])
    await new Promise((resolve) => setTimeout(resolve, 200))
    unsubscribe()
    const head = (await api.rpc.chain.getHeader(second)).number.toNumber()
    expect(finalized.at(-1)).toBe(head)
    expect(finalized).toEqual([...finalized].sort((a, b) => a - b))
  })
})

describe('finality on request', () => {
  it('tells a watched transaction it is final when a later finalization reaches its block', async () => {
    const manual = await startDevnet({ blockTime: 'manual' })
    const client = await connect(manual.url)
    try {
      const statuses: string[] = []
      const unsubscribe = await client.tx.balances
        .transferKeepAlive(bob.address, TAO)
        .signAndSend(alice, (result) => {
          statuses.push(result.status.type)
        })
      await vi.waitFor(() => expect(statuses).toContain('Ready'))
      const created = (await rpc(manual.httpUrl, 'engine_createBlock', [true, false])) as {
        result: { hash: string }
      }
      await vi.waitFor(() => expect(statuses).toContain('InBlock'))
      await rpc(manual.httpUrl, 'dev_newBlock', [{ count: 1 }])
      await vi.waitFor(() => expect(statuses).toContain('Finalized'), { timeout: 5_000 })
      unsubscribe()
      expect(statuses).toEqual(['Ready', 'InBlock', 'Finalized'])
      const head = await client.rpc.chain.getFinalizedHead()
      expect((await client.rpc.chain.getHeader(head)).number.toNumber()).toBe(2)
      expect(created.result.hash).toMatch(/^0x/)
    } finally {
      await client.disconnect()
      await manual.stop()
    }
  })
})

describe('bad input gets a JSON-RPC error and the node keeps running', () => {
  it('makes the blocks dev_newBlock asks for, and refuses options it would misread', async () => {
    const head = async () => (await api.rpc.chain.getHeader()).number.toNumber()
    const before = await head()
    expect((await rpc(devnet.httpUrl, 'dev_newBlock', [{ to: before + 3 }])).error).toBeUndefined()
    expect(await head()).toBe(before + 3)
    // As chopsticks: a block at least, for a count of 0 or a block already passed.
    for (const options of [{ count: 0 }, { to: 1 }, { count: null }]) {
      const at = await head()
      await rpc(devnet.httpUrl, 'dev_newBlock', [options])
      expect(await head(), JSON.stringify(options)).toBe(at + 1)
    }
    const now = await head()
    for (const [options, message] of [
      [5, 'options: expected an object'],
      [{ count: 2, to: 9 }, 'give count or to, not both'],
      [{ transactions: [] }, 'transactions: not supported here'],
      [{ to: 'x' }, 'to: expected a block number'],
      [{ to: now + 100_001 }, `to: expected at most ${now + 100_000}`],
    ] as const) {
      const { error } = await rpc(devnet.httpUrl, 'dev_newBlock', [options])
      expect(error?.message, JSON.stringify(options)).toContain(message)
    }
    expect(await head()).toBe(now)
  })

  it('refuses storage subscriptions whose keys are not a list, rather than send everything', async () => {
    const provider = new WsProvider(devnet.url)
    await provider.isReady
    try {
      for (const keys of ['0x26aa394eea5630e07c48ae0c9558cef7', [42]]) {
        await expect(provider.send('state_subscribeStorage', [keys])).rejects.toThrow(
          /keys: expected/,
        )
      }
    } finally {
      await provider.disconnect()
    }
  })

  const submit = (hex: string) => rpc(devnet.httpUrl, 'author_submitExtrinsic', [hex])

  it('refuses a malformed extrinsic', async () => {
    const { error } = await submit('0x1234')
    expect(error?.code).toBe(1001)
  })

  it('refuses a bad signature', async () => {
    const signed = await api.tx.system.remark('0x01').signAsync(alice)
    const bytes = signed.toU8a()
    bytes[50]! ^= 0xff
    const { error } = await submit(`0x${Buffer.from(bytes).toString('hex')}`)
    expect(error).toMatchObject({ code: 1010, data: 'Transaction has a bad signature' })
  })

  it('refuses a transaction signed for another genesis', async () => {
    const tx = api.tx.system.remark('0x02')
    const nonce = await api.rpc.system.accountNextIndex(alice.address)
    const wrong = `0x${'42'.repeat(32)}`
    tx.sign(alice, {
      blockHash: wrong,
      genesisHash: wrong,
      nonce,
      runtimeVersion: api.runtimeVersion,
      signedExtensions: api.registry.signedExtensions,
    })
    const { error } = await submit(tx.toHex())
    expect(error).toMatchObject({ code: 1010, data: 'Transaction has a bad signature' })
  })

  it('refuses a stale nonce', async () => {
    const tx = await api.tx.system.remark('0x03').signAsync(alice, { nonce: 0 })
    const { error } = await submit(tx.toHex())
    expect(error).toMatchObject({ code: 1010, data: 'Transaction is outdated' })
  })

  it('answers unknown methods and huge payloads with errors', async () => {
    expect((await rpc(devnet.httpUrl, 'nope_nothing')).error?.code).toBe(-32601)
    const oversized = await api.tx.system.remark(`0x${'00'.repeat(7_900_000)}`).signAsync(alice)
    expect((await submit(oversized.toHex())).error).toMatchObject({
      code: 1010,
      data: 'Transaction would exhaust the block limits',
    })
    const beyondTheRequestCap = JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'author_submitExtrinsic',
      params: [`0x${'00'.repeat(9 * 1024 * 1024)}`],
    })
    expect([413, 'closed']).toContain(await postStatus(devnet.httpUrl, beyondTheRequestCap))
    expect((await rpc(devnet.httpUrl, 'system_health')).result).toEqual({
      peers: 0,
      isSyncing: false,
      shouldHavePeers: false,
    })
  })
})
