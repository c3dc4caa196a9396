import { epochRepeatSync } from '@taokit/native'
import { epochBatchSync, epochSync, prepareEpochInput } from '@taokit/yuma'
import { syntheticSubnet } from './fixtures.js'
import { measure, microseconds, type ResultRow, round, row } from './report.js'

/** How many epochs one Rust-side sample runs, so timer overhead is negligible. */
const REPEAT = 20

function toJsonArrays(input: ReturnType<typeof syntheticSubnet>) {
  const rows = (r: { offsets: Uint32Array; uids: Uint16Array; values: Uint16Array }) =>
    Array.from({ length: r.offsets.length - 1 }, (_, i) =>
      Array.from({ length: r.offsets[i + 1]! - r.offsets[i]! }, (_, k) => {
        const at = r.offsets[i]! + k
        return [r.uids[at]!, r.values[at]!] as [number, number]
      }),
    )
  const strings = (v: BigUint64Array) => Array.from(v, String)
  return {
    ...input,
    stake_alpha: strings(input.stake_alpha as BigUint64Array),
    stake_tao: strings(input.stake_tao as BigUint64Array),
    last_update: strings(input.last_update as BigUint64Array),
    block_at_registration: strings(input.block_at_registration as BigUint64Array),
    commit_block: Array.from(input.commit_block as BigUint64Array, () => null),
    validator_permit: Array.from(input.validator_permit as Uint8Array, (x) => x === 1),
    weights: rows(input.weights as never),
    bonds: rows(input.bonds as never),
  }
}

export function yumaSuite(): ResultRow[] {
  const rows: ResultRow[] = []
  const subnet256 = prepareEpochInput(syntheticSubnet({ n: 256, validators: 64 }))

  const js = measure('epoch n=256 v=64 (JS → Rust)', () => epochSync(subnet256))
  const rust = measure('epoch n=256 v=64 (inside Rust)', () =>
    epochRepeatSync(subnet256.prepared, REPEAT),
  )
  rows.push(
    row(
      'epoch n=256, 64 validators, from JS (Yuma3)',
      js,
      'default config of a new subnet; typed input',
    ),
  )
  rows.push(row('  same epoch, timed inside Rust', rust, `${REPEAT} epochs per sample`, REPEAT))

  // The crossing itself, measured where the epoch is too small to hide it.
  const tiny = prepareEpochInput(syntheticSubnet({ n: 8, validators: 2 }))
  const tinyJs = microseconds(measure('tiny epoch (JS → Rust)', () => epochSync(tiny))).median
  const tinyRust = microseconds(
    measure('tiny epoch (inside Rust)', () => epochRepeatSync(tiny.prepared, 100)),
    100,
  ).median
  const crossing = tinyJs - tinyRust
  rows.push({
    name: 'N-API crossing per call (n=8 epoch, from JS − inside Rust)',
    unit: 'µs',
    value: round(crossing),
    range: '',
    extra: `${round((crossing / microseconds(js).median) * 100)}% of the n=256 call`,
  })

  const json = toJsonArrays(syntheticSubnet({ n: 256, validators: 64 }))
  rows.push(
    row(
      'epoch n=256, 64 validators, from plain JSON',
      measure('epoch from JSON', () => epochSync(json)),
      'parsing and checking included',
    ),
  )

  for (const [label, shape] of [
    ['legacy bonds', { yuma3: false }],
    ['Yuma3 + liquid alpha', { liquidAlpha: true }],
  ] as const) {
    const input = prepareEpochInput(syntheticSubnet({ n: 256, validators: 64, ...shape }))
    rows.push(
      row(
        `epoch n=256, 64 validators, ${label}`,
        measure(label, () => epochSync(input)),
      ),
    )
  }

  for (const [n, validators] of [
    [1024, 128],
    [4096, 256],
  ] as const) {
    const input = prepareEpochInput(syntheticSubnet({ n, validators }))
    rows.push(
      row(
        `epoch n=${n}, ${validators} validators`,
        measure(`n=${n}`, () => epochSync(input)),
      ),
    )
  }

  const batch = Array.from({ length: 128 }, (_, i) =>
    prepareEpochInput(syntheticSubnet({ n: 256, validators: 64, seed: BigInt(i + 1) })),
  )
  const batchBench = measure('batch 128×256', () => epochBatchSync(batch), { minSamples: 15 })
  const batchTime = microseconds(batchBench).median
  rows.push(
    row(
      'batch: 128 subnets × 256 uids, one call',
      batchBench,
      `${round(batchTime / 128)} µs per epoch`,
    ),
  )

  // Cost follows the number of weight entries: the same 65,536 entries over ever larger n,
  // then n = 4096 with 4× more entries per row.
  for (const [n, validators] of [
    [256, 256],
    [1024, 64],
    [4096, 16],
    [4096, 64],
  ] as const) {
    const input = prepareEpochInput(syntheticSubnet({ n, validators }))
    const bench = measure(`scaling n=${n} v=${validators}`, () => epochSync(input))
    const entries = n * validators
    rows.push(
      row(
        `scaling: n=${n}, ${validators} validators (${entries.toLocaleString('en')} entries)`,
        bench,
        `${round((microseconds(bench).median * 1000) / entries)} ns per entry`,
      ),
    )
  }
  return rows
}
