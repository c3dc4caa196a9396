import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import Benchmark from 'benchmark'

/** One row of `bench/results/<suite>.json` (github-action-benchmark's custom format). */
export interface ResultRow {
  name: string
  unit: string
  value: number
  range: string
  extra: string
}

export const resultsDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'results')

/**
 * The q-quantile of ascending `sorted`, interpolating between neighbours (as numpy and R's
 * default do), so that 0 is the least sample, 1 the greatest and 0.5 the median.
 */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN
  const at = (sorted.length - 1) * q
  const below = Math.floor(at)
  const low = sorted[below]!
  const high = sorted[Math.min(sorted.length - 1, below + 1)]!
  const t = at - below
  // Spelled out so that an infinite sample (a failed request) never makes a NaN.
  return t === 0 || low === high ? low : low + (high - low) * t
}

export function median(values: number[]): number {
  return quantile(
    [...values].sort((a, b) => a - b),
    0.5,
  )
}

/**
 * What a row's `range` spans: the interquartile range, or with fewer than five samples
 * (where quartiles would hide the extremes) every sample, least to greatest.
 */
export function spread(values: number[]): { low: number; high: number } {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted.length < 5
    ? { low: sorted[0] ?? Number.NaN, high: sorted[sorted.length - 1] ?? Number.NaN }
    : { low: quantile(sorted, 0.25), high: quantile(sorted, 0.75) }
}

/** Median and spread of a benchmark's samples, in microseconds per operation. */
export function microseconds(bench: Benchmark, perCall = 1) {
  const samples = bench.stats.sample.map((s) => (s * 1e6) / perCall)
  return { median: median(samples), ...spread(samples), samples: samples.length }
}

export function row(name: string, bench: Benchmark, extra = '', perCall = 1): ResultRow {
  const t = microseconds(bench, perCall)
  return {
    name,
    unit: 'µs',
    value: round(t.median),
    range: `${round(t.low)}–${round(t.high)}`,
    extra: [`samples=${t.samples}`, extra].filter(Boolean).join(', '),
  }
}

export function round(value: number): number {
  return value >= 100 ? Math.round(value) : Math.round(value * 100) / 100
}

/** `ours` is this many times faster than `theirs`: the ratio of medians from this run. */
export const times = (ours: number, theirs: number) => `${round(theirs / ours)}×`

/**
 * JSON written by a process whose numbers may be infinite (a latency of requests that
 * never got an answer): JSON.stringify writes Infinity as null, read back here.
 */
export function parseInfinite(text: string): unknown {
  return JSON.parse(text, (_key, value: unknown) =>
    value === null ? Number.POSITIVE_INFINITY : value,
  )
}

/** A row from samples timed by hand (or rates, sizes), for what benchmark.js cannot drive. */
export function timed(name: string, unit: string, samples: number[], extra = ''): ResultRow {
  const value = round(median(samples))
  const { low, high } = spread(samples)
  process.stderr.write(`  ${name}: ${value} ${unit}\n`)
  return {
    name,
    unit,
    value,
    range: `${round(low)}–${round(high)}`,
    extra: [`samples=${samples.length}`, extra].filter(Boolean).join(', '),
  }
}

/** Runs benchmarks one by one (synchronously), printing progress to stderr. */
export function measure(
  name: string,
  fn: () => unknown,
  options: Benchmark.Options = {},
): Benchmark {
  let sink: unknown
  const bench = new Benchmark(
    name,
    () => {
      sink = fn()
    },
    { minSamples: 25, maxTime: 2, ...options },
  )
  bench.run()
  if (bench.error) throw bench.error
  if (sink === undefined) throw new Error(`${name}: the benchmark body returned nothing`)
  process.stderr.write(`  ${name}: ${round(microseconds(bench).median)} µs\n`)
  return bench
}

export function writeSuite(suite: string, rows: ResultRow[]): void {
  mkdirSync(resultsDir, { recursive: true })
  const path = join(resultsDir, `${suite}.json`)
  writeFileSync(path, `${JSON.stringify(rows, null, 2)}\n`)
  const width = Math.max(...rows.map((r) => r.name.length))
  process.stdout.write(`\n${suite} (medians; written to ${path})\n`)
  for (const r of rows) {
    process.stdout.write(
      `  ${r.name.padEnd(width)}  ${String(r.value).padStart(9)} ${r.unit}  [${r.range}]  ${r.extra}\n`,
    )
  }
}
