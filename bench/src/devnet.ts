import '@polkadot/api-augment'
import { readFileSync } from 'node:fs'
import { ApiPromise, WsProvider } from '@polkadot/api'
import type { SubmittableExtrinsic } from '@polkadot/api/types'
import type { ProviderInterface } from '@polkadot/rpc-provider/types'
import { type Devnet, startDevnet } from '@taokit/devnet'
import { Keypair } from '@taokit/keys'
import { forkStateFile, subnetsFile, UIDS, VALIDATORS, validatorKeys } from './fixtures.js'
import { median, type ResultRow, round, timed } from './report.js'

const signedExtensions = Object.fromEntries(
  [
    'SudoTransactionExtension',
    'CheckShieldedTxValidity',
    'SubtensorTransactionExtension',
    'DrandPriority',
  ].map((name) => [name, { extrinsic: {}, payload: {} }]),
)

function connect(url: string): Promise<ApiPromise> {
  const provider = new WsProvider(url) as unknown as ProviderInterface
  return ApiPromise.create({ provider, signedExtensions, noInitWarn: true })
}

async function rpc(devnet: Devnet, method: string, params: unknown[] = []): Promise<unknown> {
  const response = await fetch(devnet.httpUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  })
  const body = (await response.json()) as { result?: unknown; error?: { message: string } }
  if (body.error !== undefined) throw new Error(`${method}: ${body.error.message}`)
  return body.result
}

/** Spawn to listening, then one block over HTTP. */
async function startup(runs = 15): Promise<ResultRow> {
  const samples: number[] = []
  for (let i = 0; i < runs; i++) {
    const start = performance.now()
    const devnet = await startDevnet({ blockTime: 'manual' })
    await rpc(devnet, 'dev_newBlock')
    samples.push(performance.now() - start)
    await devnet.stop()
  }
  return timed('devnet start-up to first block', 'ms', samples, 'process spawn, listen, block 1')
}

/**
 * Submits pre-signed extrinsics over HTTP as JSON-RPC batches of `batch` calls, `concurrency`
 * requests at a time, so the client's HTTP cost does not hide the node's.
 */
async function submitAll(
  devnet: Devnet,
  hexes: string[],
  batch = 50,
  concurrency = 4,
): Promise<void> {
  let next = 0
  const worker = async () => {
    while (next < hexes.length) {
      const chunk = hexes.slice(next, next + batch)
      next += chunk.length
      const response = await fetch(devnet.httpUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(
          chunk.map((hex, id) => ({
            jsonrpc: '2.0',
            id,
            method: 'author_submitExtrinsic',
            params: [hex],
          })),
        ),
      })
      const answers = (await response.json()) as { error?: { message: string } }[]
      const failed = answers.find((answer) => answer.error !== undefined)
      if (failed !== undefined) throw new Error(`author_submitExtrinsic: ${failed.error!.message}`)
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
}

/** Waits until `who` has used `nonce` nonces on chain. */
async function untilNonce(api: ApiPromise, who: string, nonce: number): Promise<void> {
  for (;;) {
    if ((await api.query.system.account(who)).nonce.toNumber() >= nonce) return
    await new Promise((resolve) => setTimeout(resolve, 2))
  }
}

async function signAll(
  txs: (i: number) => SubmittableExtrinsic<'promise'>,
  signers: Keypair[],
  perSigner: number,
  api: ApiPromise,
): Promise<string[]> {
  const hexes: string[] = []
  const block = await api.rpc.chain.getHeader()
  for (let round = 0; round < perSigner; round++) {
    for (const [s, signer] of signers.entries()) {
      const tx = txs(round * signers.length + s)
      const signed = await tx.signAsync(signer, { nonce: round, era: 0, blockHash: block.hash })
      hexes.push(signed.toHex())
    }
  }
  return hexes
}

/**
 * Signed transfers per second in instant mode: 2,000 from 20 funded accounts, submitted
 * `batch` per HTTP request.
 */
async function transfers(batch: number, runs: number): Promise<ResultRow> {
  const senders = Array.from({ length: 20 }, (_, i) => Keypair.fromUri(`//Bench//sender${i}`))
  const forkState = forkStateFile('accounts.json', {
    accounts: senders.map((s) => ({ account: s.address, balance: '1000000000000000' })),
  })
  const rates: number[] = []
  for (let run = 0; run < runs; run++) {
    const devnet = await startDevnet({ forkState })
    const api = await connect(devnet.url)
    const dest = Keypair.fromUri('//Bob').address
    const perSender = 100
    const hexes = await signAll(
      () => api.tx.balances.transferKeepAlive(dest, 1_000_000_000n),
      senders,
      perSender,
      api,
    )
    const start = performance.now()
    await submitAll(devnet, hexes, batch, batch === 1 ? 16 : 4)
    await Promise.all(senders.map((s) => untilNonce(api, s.address, perSender)))
    rates.push(hexes.length / ((performance.now() - start) / 1000))
    await api.disconnect()
    await devnet.stop()
  }
  const how = batch === 1 ? 'one HTTP request each' : `HTTP batches of ${batch}`
  return timed(
    `devnet signed transfers per second (instant mode, ${how})`,
    'tx/s',
    rates,
    '2000 transfers from 20 senders',
  )
}

/** set_weights per second on a 256-uid subnet: 64 validators × 8 rounds. */
async function setWeights(devnet: Devnet, validators: Keypair[]): Promise<ResultRow> {
  const api = await connect(devnet.url)
  const rounds = 8
  const dests = Array.from({ length: UIDS - 1 - VALIDATORS }, (_, m) => VALIDATORS + 1 + m)
  const weights = dests.map((_, m) => (m % 100) + 1)
  const subtensor = api.tx.subtensorModule as unknown as Record<
    string,
    (...args: unknown[]) => SubmittableExtrinsic<'promise'>
  >
  const hexes = await signAll(
    (i) => subtensor.setWeights!(1, dests, weights, BigInt(i)),
    validators,
    rounds,
    api,
  )
  const start = performance.now()
  await submitAll(devnet, hexes)
  await Promise.all(validators.map((v) => untilNonce(api, v.address, rounds)))
  const rate = hexes.length / ((performance.now() - start) / 1000)
  await api.disconnect()
  return timed(
    'devnet set_weights per second (instant mode)',
    'tx/s',
    [rate],
    `${hexes.length} calls, ${dests.length} weights each`,
  )
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN)
  return kb / 1024
}

/**
 * Block time with and without a 256-uid epoch: 32 subnets at tempo 40 put one epoch in most
 * blocks; the difference of the medians is what an epoch adds.
 */
async function epochCost(devnet: Devnet): Promise<ResultRow[]> {
  await rpc(devnet, 'dev_setBlockBuildMode', ['Manual'])
  const withEpoch: number[] = []
  const without: number[] = []
  for (let i = 0; i < 164; i++) {
    const start = performance.now()
    const hash = (await rpc(devnet, 'dev_newBlock')) as string
    const elapsed = performance.now() - start
    const header = (await rpc(devnet, 'chain_getHeader', [hash])) as { number: string }
    const number = Number(header.number)
    const epochs = Array.from({ length: 32 }, (_, s) => s + 1).filter(
      (netuid) => (number + netuid + 1) % 41 === 40,
    ).length
    if (epochs === 1) withEpoch.push(elapsed)
    else if (epochs === 0) without.push(elapsed)
  }
  const added = median(withEpoch) - median(without)
  return [
    timed('devnet block, no epoch (32 × 256-uid subnets)', 'ms', without),
    timed('devnet block with one 256-uid epoch', 'ms', withEpoch),
    {
      name: 'devnet epoch of a 256-uid subnet, added to block time',
      unit: 'ms',
      value: round(added),
      range: '',
      extra: 'difference of the two medians above',
    },
    {
      name: 'devnet 32 epochs of 256 uids (one tempo)',
      unit: 'ms',
      value: round(added * 32),
      range: '',
      extra: '32 × the added block time',
    },
  ]
}

/** A storage read over HTTP and through @polkadot/api (WebSocket). */
async function queryRoundTrip(devnet: Devnet): Promise<ResultRow[]> {
  const api = await connect(devnet.url)
  const alice = Keypair.fromUri('//Alice').address
  const key = api.query.system.account.key(alice)
  const http: number[] = []
  const ws: number[] = []
  for (let i = 0; i < 300; i++) {
    let start = performance.now()
    await rpc(devnet, 'state_getStorage', [key])
    http.push((performance.now() - start) * 1000)
    start = performance.now()
    await api.query.system.account(alice)
    ws.push((performance.now() - start) * 1000)
  }
  await api.disconnect()
  return [
    timed('devnet storage read round trip (HTTP)', 'µs', http, 'state_getStorage System.Account'),
    timed(
      'devnet storage read round trip (@polkadot/api, WS)',
      'µs',
      ws,
      'api.query.system.account',
    ),
  ]
}

export async function devnetSuite(): Promise<ResultRow[]> {
  const rows = [await startup(), await transfers(50, 3), await transfers(1, 1)]
  const validators = validatorKeys()
  const forkState = subnetsFile(32, validators)
  const loadStart = performance.now()
  const devnet = await startDevnet({ forkState, startTimeoutMs: 120_000 })
  const loadMs = performance.now() - loadStart
  rows.push(timed('devnet start-up with 32 × 256-uid subnets (fork state)', 'ms', [loadMs]))
  try {
    rows.push(await setWeights(devnet, validators))
    rows.push(...(await epochCost(devnet)))
    rows.push(...(await queryRoundTrip(devnet)))
    rows.push(
      timed(
        'devnet RSS with 32 × 256-uid subnets',
        'MB',
        [rssMb(devnet.pid)],
        'after 164 blocks and their epochs',
      ),
    )
  } finally {
    await devnet.stop()
  }
  return rows
}
