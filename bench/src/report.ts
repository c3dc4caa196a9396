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

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/** Median and quartiles of a benchmark's samples, in microseconds per operation. */
export function microseconds(bench: Benchmark, perCall = 1) {
  const samples = bench.stats.sample.map((s) => (s * 1e6) / perCall).sort((a, b) => a - b)
  return {
    median: median(samples),
    p25: samples[Math.floor(samples.length * 0.25)]!,
    p75: samples[Math.floor(samples.length * 0.75)]!,
    samples: samples.length,
  }
}

export function row(name: string, bench: Benchmark, extra = '', perCall = 1): ResultRow {
  const t = microseconds(bench, perCall)
  return {
    name,
    unit: 'µs',
    value: round(t.median),
    range: `${round(t.p25)}–${round(t.p75)}`,
    extra: [`samples=${t.samples}`, extra].filter(Boolean).join(', '),
  }
}

export function round(value: number): number {
  return value >= 100 ? Math.round(value) : Math.round(value * 100) / 100
}

/** `ours` is this many times faster than `theirs`: the ratio of medians from this run. */
export const times = (ours: number, theirs: number) => `${round(theirs / ours)}×`

/** A row from samples timed by hand (or rates, sizes), for what benchmark.js cannot drive. */
export function timed(name: string, unit: string, samples: number[], extra = ''): ResultRow {
  const sorted = [...samples].sort((a, b) => a - b)
  const at = (q: number) => round(sorted[Math.floor((sorted.length - 1) * q)]!)
  const value = round(median(samples))
  process.stderr.write(`  ${name}: ${value} ${unit}\n`)
  return {
    name,
    unit,
    value,
    range: `${at(0.25)}–${at(0.75)}`,
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
