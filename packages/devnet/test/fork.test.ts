import '@polkadot/api-augment'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { DevnetError, startDevnet } from '../src/index.js'
import { call, connect, field, query } from './api.js'

const dir = mkdtempSync(join(tmpdir(), 'taokit-fork-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function forkFile(name: string, content: unknown): string {
  const path = join(dir, name)
  writeFileSync(path, JSON.stringify(content))
  return path
}

const miners = [1, 2, 3].map((i) => ({ hotkey: `//Dave//miner${i}`, coldkey: '//Dave' }))

it('starts from a fork state whose subnet pays its miners at the first epoch', async () => {
  const forkState = forkFile('subnet.json', {
    subnets: [
      {
        owner: '//Alice',
        ownerHotkey: '//Alice//owner',
        tempo: 4,
        commitReveal: false,
        neurons: [
          {
            hotkey: '//Bob//v',
            coldkey: '//Bob',
            stake: '1000000000000',
            weights: [
              [2, 1],
              [3, 3],
            ],
          },
          ...miners,
        ],
      },
    ],
  })
  const devnet = await startDevnet({ forkState })
  const api = await connect(devnet.url)
  try {
    const neurons = await call(api, 'neuronInfoRuntimeApi')('getNeuronsLite', 1)
    expect(neurons.map((n) => field(n, 'uid').toNumber())).toEqual([0, 1, 2, 3, 4])
    await api.rpc('dev_newBlock' as never, { count: 6 } as never)
    const incentive = (await query(api, 'subtensorModule')('incentive', 1)).toJSON() as number[]
    expect(incentive[3]).toBeGreaterThan(incentive[2]!)
    expect(incentive[4]).toBe(0)
  } finally {
    await api.disconnect()
    await devnet.stop()
  }
})

it('refuses a fork state with a message naming the bad field', async () => {
  const forkState = forkFile('bad.json', {
    subnets: [{ owner: '//Alice', ownerHotkey: 'not-a-key' }],
  })
  const started = startDevnet({ forkState })
  await expect(started).rejects.toBeInstanceOf(DevnetError)
  await expect(started).rejects.toThrow(/subnets\[0\]\.ownerHotkey: expected an SS58 address/)
})
