import { availableParallelism } from 'node:os'
import {
  blake2AsU8a,
  decodeAddress,
  encodeAddress,
  sr25519PairFromSeed,
  sr25519Sign,
  sr25519Verify,
  xxhashAsU8a,
} from '@polkadot/util-crypto'
import * as wasm from '@polkadot/wasm-crypto'
import { utf8 } from '@taokit/core'
import {
  blake2b256,
  hashEach,
  Keypair,
  powSolveSync,
  type SignedItem,
  ss58Decode,
  ss58Encode,
  twox128,
  verify,
  verifyBatchSync,
} from '@taokit/keys'
import {
  measure,
  median as medianOf,
  microseconds,
  type ResultRow,
  round,
  row,
  spread,
  times,
} from './report.js'

/** A dendrite-style request message: nonce.sender.receiver.uuid.body-hash. */
const MESSAGE = utf8(
  '1732567890123456789.5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY.' +
    '5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty.' +
    'a1b2c3d4-e5f6-4789-8abc-def012345678.' +
    'a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a',
)
const BATCH = 64
const HASH_ITEMS = 1024

const median = (bench: Parameters<typeof microseconds>[0], perCall = 1) =>
  microseconds(bench, perCall).median

function keys(count: number) {
  return Array.from({ length: count }, (_, i) => {
    const seed = new Uint8Array(32).fill(i + 1)
    return { ours: Keypair.fromSeed(seed), theirs: sr25519PairFromSeed(seed), seed }
  })
}

/** Nonces per second of the PoW solver on `threads` threads, one rate per search. */
function powRate(threads: number, nonces: bigint, runs = 7): number[] {
  const search = {
    blockHash: new Uint8Array(32).fill(0x11),
    hotkey: new Uint8Array(32).fill(0x22),
    difficulty: (1n << 64n) - 1n, // never met: every nonce is tried
    maxNonces: nonces,
    threads,
  }
  powSolveSync(search) // a warm-up, not counted, as benchmark.js gives the other rows
  const rates: number[] = []
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint()
    powSolveSync(search)
    rates.push(Number(nonces) / (Number(process.hrtime.bigint() - start) / 1e9))
  }
  return rates
}

export async function keysSuite(): Promise<ResultRow[]> {
  const rows: ResultRow[] = []
  const [signer] = keys(1)
  const { ours, theirs } = signer!
  const signature = ours.sign(MESSAGE)
  const batch = keys(BATCH)
  const items: SignedItem[] = batch.map((k) => ({
    message: MESSAGE,
    signature: k.ours.sign(MESSAGE),
    signer: k.ours.publicKey,
  }))
  const data32 = new Uint8Array(32).fill(7)
  const many32 = new Uint8Array(32 * HASH_ITEMS).fill(7)

  // @polkadot/util-crypto first: once wasm-crypto is initialised below, util-crypto's hashes
  // and SS58 switch to it. Before, they run in JS, as for a program that never awaits
  // cryptoWaitReady.
  const js = {
    sign: measure('util-crypto sign', () => sr25519Sign(MESSAGE, theirs)),
    verify: measure('util-crypto verify', () => sr25519Verify(MESSAGE, signature, ours.publicKey)),
    blake2: measure('util-crypto blake2b-256', () => blake2AsU8a(data32, 256, null, true)),
    twox: measure('util-crypto twox128', () => xxhashAsU8a(data32, 128, true)),
    encode: measure('util-crypto ss58 encode', () => encodeAddress(ours.publicKey, 42)),
    decode: measure('util-crypto ss58 decode', () => decodeAddress(ours.address)),
  }

  await wasm.waitReady()
  const secret = theirs.secretKey
  const w = {
    sign: measure('wasm sign', () => wasm.sr25519Sign(theirs.publicKey, secret, MESSAGE)),
    verify: measure('wasm verify', () => wasm.sr25519Verify(signature, MESSAGE, ours.publicKey)),
    batch: measure('wasm verify ×64', () =>
      batch.every((k, i) =>
        wasm.sr25519Verify(items[i]!.signature as Uint8Array, MESSAGE, k.ours.publicKey),
      ),
    ),
    blake2: measure('wasm blake2b-256', () => wasm.blake2b(data32, new Uint8Array(), 32)),
    blake2Fresh: measure('wasm blake2b-256, fresh input', () =>
      wasm.blake2b(data32.slice(), new Uint8Array(), 32),
    ),
    twox: measure('wasm twox128', () => wasm.twox(data32, 2)),
  }

  const t = {
    sign: measure('taokit sign', () => ours.sign(MESSAGE)),
    verify: measure('taokit verify', () =>
      verify(MESSAGE, signature, ours.publicKey, { wrapped: false }),
    ),
    verifyAddress: measure('taokit verify (SS58 signer)', () =>
      verify(MESSAGE, signature, ours.address),
    ),
    batch: measure('taokit verifyBatchSync ×64', () => verifyBatchSync(items)),
    blake2: measure('taokit blake2b-256', () => blake2b256(data32)),
    blake2Fresh: measure('taokit blake2b-256, fresh input', () => blake2b256(data32.slice())),
    blake2Each: measure('taokit hashEach blake2b-256 ×1024', () =>
      hashEach('blake2b-256', many32, 32),
    ),
    twox: measure('taokit twox128', () => twox128(data32)),
    twoxEach: measure('taokit hashEach twox-128 ×1024', () => hashEach('twox-128', many32, 32)),
    encode: measure('taokit ss58 encode', () => ss58Encode(ours.publicKey)),
    decode: measure('taokit ss58 decode', () => ss58Decode(ours.address)),
  }

  const vs = (ours: number, wasmTime: number | undefined, jsTime: number) =>
    [
      wasmTime === undefined ? '' : `${times(ours, wasmTime)} wasm-crypto`,
      `${times(ours, jsTime)} util-crypto`,
    ]
      .filter(Boolean)
      .join(', ')

  const signT = median(t.sign)
  rows.push(row('sr25519 sign', t.sign, vs(signT, median(w.sign), median(js.sign))))
  const verifyT = median(t.verify)
  rows.push(row('sr25519 verify', t.verify, vs(verifyT, median(w.verify), median(js.verify))))
  rows.push(row('  verify, signer given as SS58', t.verifyAddress, 'address decoded on each call'))
  const batchT = median(t.batch, BATCH)
  rows.push(
    row(
      `sr25519 batch verify, ${BATCH} signatures (per signature)`,
      t.batch,
      `${times(batchT, median(w.batch, BATCH))} wasm-crypto (${BATCH} single verifies); all ${availableParallelism()} cores`,
      BATCH,
    ),
  )
  rows.push(row('util-crypto sr25519 sign', js.sign, 'pure JS (@scure/sr25519)'))
  rows.push(row('util-crypto sr25519 verify', js.verify, 'pure JS (@scure/sr25519)'))
  rows.push(row('wasm-crypto sr25519 sign', w.sign))
  rows.push(row('wasm-crypto sr25519 verify', w.verify))

  const blakeT = median(t.blake2)
  rows.push(row('blake2b-256, 32 bytes', t.blake2, vs(blakeT, median(w.blake2), median(js.blake2))))
  rows.push(
    row(
      '  blake2b-256, 32 bytes, a new input array each call',
      t.blake2Fresh,
      `${times(median(t.blake2Fresh), median(w.blake2Fresh))} wasm-crypto (also given new arrays)`,
    ),
  )
  rows.push(
    row(
      `  blake2b-256, 32 bytes, ${HASH_ITEMS} per call (per hash)`,
      t.blake2Each,
      vs(median(t.blake2Each, HASH_ITEMS), median(w.blake2), median(js.blake2)),
      HASH_ITEMS,
    ),
  )
  const twoxT = median(t.twox)
  rows.push(row('twox128, 32 bytes', t.twox, vs(twoxT, median(w.twox), median(js.twox))))
  rows.push(
    row(
      `  twox128, 32 bytes, ${HASH_ITEMS} per call (per hash)`,
      t.twoxEach,
      vs(median(t.twoxEach, HASH_ITEMS), median(w.twox), median(js.twox)),
      HASH_ITEMS,
    ),
  )
  rows.push(
    row(
      'util-crypto blake2b-256 / twox128 (JS)',
      js.blake2,
      `twox128 ${round(median(js.twox))} µs`,
    ),
  )
  rows.push(
    row('wasm-crypto blake2b-256 / twox128', w.blake2, `twox128 ${round(median(w.twox))} µs`),
  )
  rows.push(row('SS58 encode', t.encode, vs(median(t.encode), undefined, median(js.encode))))
  rows.push(row('SS58 decode', t.decode, vs(median(t.decode), undefined, median(js.decode))))
  rows.push(
    row('util-crypto SS58 encode / decode', js.encode, `decode ${round(median(js.decode))} µs`),
  )

  const cores = availableParallelism()
  const one = powRate(1, 1n << 22n)
  const all = powRate(cores, 1n << 23n)
  const mhs = (rate: number) => round(rate / 1e6)
  const rangeOf = (rates: number[]) => {
    const { low, high } = spread(rates)
    return `${mhs(low)}–${mhs(high)}`
  }
  rows.push({
    name: 'PoW solver, 1 thread',
    unit: 'MH/s',
    value: mhs(medianOf(one)),
    range: rangeOf(one),
    extra: `samples=${one.length}, 2^22 nonces each`,
  })
  rows.push({
    name: `PoW solver, ${cores} threads`,
    unit: 'MH/s',
    value: mhs(medianOf(all)),
    range: rangeOf(all),
    extra: `samples=${all.length}, 2^23 nonces each; ${round(medianOf(all) / medianOf(one))}× one thread`,
  })
  return rows
}
