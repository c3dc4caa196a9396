import { describe, expect, it } from 'vitest'
import { median, parseInfinite, quantile, spread, timed } from '../src/report.js'

describe('quantile', () => {
  it('interpolates between neighbours, from the least sample to the greatest', () => {
    const sorted = [10, 20, 30, 40]
    expect(quantile(sorted, 0)).toBe(10)
    expect(quantile(sorted, 1)).toBe(40)
    expect(quantile(sorted, 0.5)).toBe(25)
    expect(quantile(sorted, 0.25)).toBeCloseTo(17.5)
    expect(median([3, 1, 2])).toBe(2)
  })

  it('puts failed (infinite) samples above every answer without making NaN', () => {
    const sorted = [1, 2, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY]
    expect(quantile(sorted, 0)).toBe(1)
    expect(quantile(sorted, 1 / 3)).toBe(2)
    expect(quantile(sorted, 0.5)).toBe(Number.POSITIVE_INFINITY)
    expect(quantile(sorted, 1)).toBe(Number.POSITIVE_INFINITY)
  })
})

describe('a row range', () => {
  it('shows every sample, least to greatest, when there are fewer than five', () => {
    // The p99 runs of one README table: quartiles of three hid the slowest run.
    expect(spread([4.85, 4.69, 5.29])).toEqual({ low: 4.69, high: 5.29 })
    expect(timed('p99', 'ms', [4.85, 4.69, 5.29]).range).toBe('4.69–5.29')
  })

  it('is the interquartile range from five samples on', () => {
    expect(spread([5, 1, 4, 2, 3])).toEqual({ low: 2, high: 4 })
    expect(timed('rate', 'req/s', [100, 200, 300, 400, 500, 600]).range).toBe('225–475')
  })
})

describe('failed latency runs', () => {
  it('come back from the generator as infinite, not as 0 ms', () => {
    const runs = ['{"p99":4.8}', '{"p99":null}', '{"p99":5.1}'].map(
      (line) => (parseInfinite(line) as { p99: number }).p99,
    )
    expect(runs).toEqual([4.8, Number.POSITIVE_INFINITY, 5.1])
    const row = timed('p99', 'ms', runs)
    expect(row.value).toBe(5.1)
    expect(row.range).toBe('4.8–Infinity')
    expect(
      timed(
        'p99',
        'ms',
        runs.map(() => Number.POSITIVE_INFINITY),
      ).value,
    ).toBe(Number.POSITIVE_INFINITY)
  })
})
