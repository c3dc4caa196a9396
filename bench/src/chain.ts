import { deepStrictEqual } from 'node:assert'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import {
  type Decoded,
  type Metagraph,
  type StorageRead,
  Subtensor,
  setWeights,
  toMetagraph,
} from '@taokit/chain'
import { startDevnet } from '@taokit/devnet'
import type { Keypair } from '@taokit/keys'
import { subnetsFile, UIDS, VALIDATORS, validatorKeys } from './fixtures.js'
import {
  measure,
  median,
  microseconds,
  type ResultRow,
  round,
  row,
  timed,
  times,
} from './report.js'

const NETUID = 1

type Fields = { [key: string]: Decoded }

/** The slice of a polkadot-js codec the comparison reads. */
interface Codec {
  toNumber(): number
  toBigInt(): bigint
  toU8a(bare?: boolean): Uint8Array
  readonly isTrue: boolean
  get(field: string): Codec
  map<T>(fn: (item: Codec) => T): T[]
  unwrap(): Codec
}

/** A u16 as the SCALE bytes (little-endian) of a runtime call's argument: 1 is `0x0100`. */
function scaleU16(value: number): string {
  const bytes = Buffer.alloc(2)
  bytes.writeUInt16LE(value)
  return `0x${bytes.toString('hex')}`
}

/** `SubnetInfoRuntimeApi.get_metagraph`'s output type id in the node's metadata. */
function metagraphTypeId(subtensor: Subtensor): number {
  const method = subtensor.api.runtimeMetadata.asLatest.apis
    .find((api) => api.name.toString() === 'SubnetInfoRuntimeApi')
    ?.methods.find((m) => m.name.toString() === 'get_metagraph')
  if (method === undefined) throw new Error('the node has no SubnetInfoRuntimeApi.get_metagraph')
  return method.output.toNumber()
}

/**
 * polkadot-js's metagraph codec as the values {@link toMetagraph} takes, field by field, so
 * both paths end in the same Metagraph (and the comparison does the same work after decoding).
 */
function polkadotFields(option: Codec): Fields {
  const graph = option.unwrap()
  const u16s = (field: string) => Uint16Array.from(graph.get(field).map((v) => v.toNumber()))
  const u64s = (field: string) => BigUint64Array.from(graph.get(field).map((v) => v.toBigInt()))
  const bools = (field: string) => Uint8Array.from(graph.get(field).map((v) => (v.isTrue ? 1 : 0)))
  const bytes = (field: string) => Uint8Array.from(graph.get(field).map((v) => v.toNumber()))
  return {
    netuid: graph.get('netuid').toNumber(),
    numUids: graph.get('numUids').toNumber(),
    name: bytes('name'),
    symbol: bytes('symbol'),
    tempo: graph.get('tempo').toNumber(),
    taoIn: graph.get('taoIn').toBigInt(),
    alphaIn: graph.get('alphaIn').toBigInt(),
    ownerHotkey: graph.get('ownerHotkey').toU8a(),
    ownerColdkey: graph.get('ownerColdkey').toU8a(),
    hotkeys: graph.get('hotkeys').map((key) => key.toU8a()),
    coldkeys: graph.get('coldkeys').map((key) => key.toU8a()),
    axons: graph.get('axons').map((axon) => ({
      ip: axon.get('ip').toBigInt(),
      ipType: axon.get('ipType').toNumber(),
      port: axon.get('port').toNumber(),
      protocol: axon.get('protocol').toNumber(),
      version: axon.get('version').toNumber(),
      block: axon.get('block').toBigInt(),
    })),
    totalStake: u64s('totalStake'),
    alphaStake: u64s('alphaStake'),
    taoStake: u64s('taoStake'),
    incentives: u16s('incentives'),
    dividends: u16s('dividends'),
    consensus: u16s('consensus'),
    emission: u64s('emission'),
    active: bools('active'),
    validatorPermit: bools('validatorPermit'),
    lastUpdate: u64s('lastUpdate'),
    blockAtRegistration: u64s('blockAtRegistration'),
  }
}

/**
 * Decoding one 256-uid `get_metagraph` answer: taokit's decoder and toMetagraph, then
 * polkadot-js's codec (what `api.call.subnetInfoRuntimeApi.getMetagraph` builds) read into
 * the same Metagraph. The bytes are fetched once; only decoding is timed.
 */
async function metagraphDecode(subtensor: Subtensor): Promise<ResultRow[]> {
  const block = await subtensor.head()
  const hex = await subtensor.provider.send<string>('state_call', [
    'SubnetInfoRuntimeApi_get_metagraph',
    scaleU16(NETUID),
    block.hash,
  ])
  const bytes = Uint8Array.from(Buffer.from(hex.slice(2), 'hex'))
  const [trust] = await subtensor.raw.storage(
    [['subtensorModule', 'validatorTrust', [NETUID]]],
    block.hash,
  )
  const validatorTrust = trust as Uint16Array
  const typeId = metagraphTypeId(subtensor)
  const decoder = subtensor.raw.decoder
  const ours = (): Metagraph =>
    toMetagraph(decoder.decode(typeId, bytes) as Fields, validatorTrust, block)

  const { registry } = subtensor.api
  const typeName = (
    await subtensor.api.call.subnetInfoRuntimeApi!.getMetagraph!(NETUID)
  ).toRawType()
  const theirs = (): Metagraph =>
    toMetagraph(
      polkadotFields(registry.createType(typeName, bytes) as unknown as Codec),
      validatorTrust,
      block,
    )
  const sample = ours()
  if (sample.n !== UIDS)
    throw new Error(`metagraph of subnet ${NETUID}: ${sample.n} uids, expected ${UIDS}`)
  deepStrictEqual(theirs(), sample)

  const oursBench = measure('metagraph decode (taokit)', ours)
  const theirsBench = measure('metagraph decode (polkadot-js)', theirs)
  const oursUs = microseconds(oursBench).median
  const size = `${bytes.length} bytes`
  return [
    row(
      `metagraph decode, ${UIDS} uids (SCALE bytes → Metagraph)`,
      oursBench,
      `${size}; ScaleDecoder.decode + toMetagraph; ${times(oursUs, microseconds(theirsBench).median)} polkadot-js; target ≤ 5 ms`,
    ),
    row(
      `polkadot-js metagraph decode, ${UIDS} uids (same bytes → same Metagraph)`,
      theirsBench,
      `registry.createType('${typeName}') read into toMetagraph`,
    ),
  ]
}

/** `subtensor.metagraph(1)` with no cache: latest head, then get_metagraph and validatorTrust. */
async function metagraphFetch(subtensor: Subtensor, calls = 100): Promise<ResultRow> {
  for (let i = 0; i < 10; i++) await subtensor.metagraph(NETUID)
  const samples: number[] = []
  const requests = new Set<number>()
  for (let i = 0; i < calls; i++) {
    const sent = subtensor.provider.requestsSent
    const start = performance.now()
    await subtensor.metagraph(NETUID)
    samples.push(performance.now() - start)
    requests.add(subtensor.provider.requestsSent - sent)
  }
  return timed(
    `metagraph fetch end to end, ${UIDS} uids`,
    'ms',
    samples,
    `Subtensor.metagraph with cacheTtlMs 0; ${[...requests].join('/')} requests per call, sent together (state_call, state_queryStorageAt); target ≤ 20 ms`,
  )
}

/**
 * 1,000 storage values (Weights, Bonds, Keys, BlockAtRegistration of uids 0..249) read one
 * awaited request at a time, and all in one state_queryStorageAt.
 */
async function storageReads(subtensor: Subtensor): Promise<ResultRow[]> {
  const { hash } = await subtensor.head()
  const reads: StorageRead[] = ['weights', 'bonds', 'keys', 'blockAtRegistration'].flatMap((item) =>
    Array.from({ length: 250 }, (_, uid) => ['subtensorModule', item, [NETUID, uid]] as const),
  )
  const sequential = async () => {
    for (const read of reads) await subtensor.raw.storage([read], hash)
  }
  const batched = () => subtensor.raw.storage(reads, hash)
  const sequentialMs = await repeat(sequential, 15)
  const batchedMs = await repeat(batched, 40)
  // Building the 1,000 keys: natively from the metadata's hashers (what raw.storage does)
  // and through polkadot-js's query.x.y.key(), which the client used before.
  const query = subtensor.api.query as unknown as Record<
    string,
    Record<string, { key(...args: unknown[]): string }>
  >
  const keysMs = await repeat(
    async () => reads.map(([pallet, item, args]) => subtensor.raw.keys.key(pallet, item, args)),
    40,
  )
  const polkadotKeysMs = await repeat(
    async () => reads.map(([pallet, item, args]) => query[pallet]![item]!.key(...args)),
    40,
  )
  const ratio = times(median(batchedMs), median(sequentialMs))
  return [
    timed(
      `${reads.length.toLocaleString('en')} sequential storage reads`,
      'ms',
      sequentialMs,
      'raw.storage of one key, each awaited; Weights, Bonds, Keys, BlockAtRegistration × 250 uids',
    ),
    timed(
      `one batched state_queryStorageAt of the same ${reads.length.toLocaleString('en')} keys`,
      'ms',
      batchedMs,
      `raw.storage of all keys; ${ratio} faster than sequential; building the keys takes ${round(median(keysMs))} ms (polkadot-js's key(): ${round(median(polkadotKeysMs))} ms)`,
    ),
  ]
}

/** Milliseconds of each of `runs` awaited calls, after two unmeasured ones. */
async function repeat(fn: () => Promise<unknown>, runs: number): Promise<number[]> {
  for (let i = 0; i < 2; i++) await fn()
  const samples: number[] = []
  for (let i = 0; i < runs; i++) {
    const start = performance.now()
    await fn()
    samples.push(performance.now() - start)
  }
  return samples
}

/** setWeights on the fork's subnet, in instant mode: each transaction makes its block. */
async function setWeightsRoundTrip(
  subtensor: Subtensor,
  validator: Keypair,
  rounds = 30,
): Promise<ResultRow> {
  const uids = Array.from({ length: UIDS - 1 - VALIDATORS }, (_, m) => VALIDATORS + 1 + m)
  const samples: number[] = []
  const requests = new Set<number>()
  for (let i = 0; i < rounds + 3; i++) {
    const weights = uids.map((_, m) => ((m + i) % 100) + 1)
    const sent = subtensor.provider.requestsSent
    const start = performance.now()
    ;(await setWeights(subtensor, validator, { netuid: NETUID, uids, weights })).orThrow()
    // The first rounds warm up polkadot-js's signing and event decoding.
    if (i < 3) continue
    samples.push(performance.now() - start)
    requests.add(subtensor.provider.requestsSent - sent)
  }
  return timed(
    'set_weights round trip (pre-flight, sign, submit, inclusion, result)',
    'ms',
    samples,
    `setWeights of ${uids.length} weights, devnet instant mode (a block per transaction); ${[...requests].join('/')} requests per call; after 3 warm-up rounds`,
  )
}

/** `global.gc` when node runs with --expose-gc, otherwise the same function got through V8's flags. */
function collector(): () => void {
  if (globalThis.gc !== undefined) return globalThis.gc
  setFlagsFromString('--expose-gc')
  return runInNewContext('gc') as () => void
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Resident memory after a full collection, once polkadot-js has let go of closed clients. */
/** RSS and live JS heap (MB) once closed clients are released and collected. */
async function settledMemoryMb(gc: () => void): Promise<{ rss: number; heap: number }> {
  // polkadot-js drops a closed client's internal subscriptions 1.75 s after disconnect.
  await sleep(2_500)
  for (let i = 0; i < 3; i++) {
    gc()
    await sleep(50)
  }
  const { rss, heapUsed } = process.memoryUsage()
  return { rss: rss / 2 ** 20, heap: heapUsed / 2 ** 20 }
}

/** Connect, one read, close, `cycles` times: what a leak per client would add up to. */
async function connectCycles(url: string, cycles = 200, warmup = 20): Promise<ResultRow> {
  const gc = collector()
  const cycle = async () => {
    const subtensor = await Subtensor.connect({ network: url })
    await subtensor.blockNumber()
    await subtensor.close()
  }
  for (let i = 0; i < warmup; i++) await cycle()
  const before = await settledMemoryMb(gc)
  const start = performance.now()
  for (let i = 0; i < cycles; i++) await cycle()
  const perCycle = (performance.now() - start) / cycles
  const after = await settledMemoryMb(gc)
  const growth = after.rss - before.rss
  const heapGrowth = after.heap - before.heap
  process.stderr.write(`  RSS growth: ${round(growth)} MB\n`)
  return {
    name: `RSS growth after ${cycles} connect/close cycles`,
    unit: 'MB',
    value: round(growth),
    range: '',
    extra: `RSS ${before.rss.toFixed(1)} → ${after.rss.toFixed(1)} MB after ${warmup} warm-up cycles and GC; live JS heap ${heapGrowth >= 0 ? '+' : ''}${round(heapGrowth)} MB; connect + blockNumber + close, ${round(perCycle)} ms per cycle; target ≤ 5 MB`,
  }
}

export async function chainSuite(): Promise<ResultRow[]> {
  const validators = validatorKeys()
  const forkState = subnetsFile(1, validators)
  const devnet = await startDevnet({ forkState, startTimeoutMs: 120_000 })
  const rows: ResultRow[] = []
  try {
    const subtensor = await Subtensor.connect({ network: devnet.url, cacheTtlMs: 0 })
    try {
      rows.push(...(await metagraphDecode(subtensor)))
      rows.push(await metagraphFetch(subtensor))
      rows.push(...(await storageReads(subtensor)))
      rows.push(await setWeightsRoundTrip(subtensor, validators[0]!))
    } finally {
      await subtensor.close()
    }
    rows.push(await connectCycles(devnet.url))
  } finally {
    await devnet.stop()
  }
  return rows
}
