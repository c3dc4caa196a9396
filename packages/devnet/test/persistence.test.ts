import '@polkadot/api-augment'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Keypair } from '@taokit/keys'
import { afterAll, expect, it } from 'vitest'
import { startDevnet } from '../src/index.js'
import { connect, query, send, tx } from './api.js'

const TAO = 10n ** 9n
const alice = Keypair.fromUri('//Alice')
const bob = Keypair.fromUri('//Bob')
const dataDir = mkdtempSync(join(tmpdir(), 'taokit-devnet-'))

afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

it('resumes from --data-dir at the last finalized block after SIGKILL', async () => {
  const first = await startDevnet({ dataDir })
  const api = await connect(first.url)
  await send(api.tx.balances.transferKeepAlive(bob.address, 3n * TAO), alice)
  await send(tx(api, 'subtensorModule')('registerNetwork', alice.address), alice)
  const head = await api.rpc.chain.getHeader()
  const bobBalance = (await api.query.system.account(bob.address)).data.free.toBigInt()
  await api.disconnect()
  await first.kill()

  const second = await startDevnet({ dataDir })
  const resumed = await connect(second.url)
  try {
    const number = head.number.toNumber()
    expect((await resumed.rpc.chain.getHeader()).number.toNumber()).toBe(number)
    expect((await resumed.rpc.chain.getBlockHash(number)).toHex()).toBe(head.hash.toHex())
    expect((await resumed.rpc.chain.getFinalizedHead()).toHex()).toBe(head.hash.toHex())
    expect((await resumed.query.system.account(bob.address)).data.free.toBigInt()).toBe(bobBalance)
    expect((await query(resumed, 'subtensorModule')('networksAdded', 1)).isTrue).toBe(true)
    const block = await resumed.rpc.chain.getBlock(await resumed.rpc.chain.getBlockHash(1))
    expect(block.block.extrinsics.length).toBeGreaterThan(1)
    const more = await send(resumed.tx.balances.transferKeepAlive(bob.address, TAO), alice)
    expect(more.dispatchError).toBeUndefined()
    expect((await resumed.rpc.chain.getHeader()).number.toNumber()).toBe(number + 1)
  } finally {
    await resumed.disconnect()
    await second.stop()
  }
})
