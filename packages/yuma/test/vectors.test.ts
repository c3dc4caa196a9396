import { readFileSync } from 'node:fs'
import { describeWithShared, loadYumaCases, sharedPath } from '@taokit/testing'
import { expect, it } from 'vitest'
import {
  type EpochInput,
  epoch,
  epochBatch,
  epochBatchSync,
  epochSync,
  fixed,
  outputToJson,
  prepareEpochInput,
} from '../src/index.js'

describeWithShared('shared Yuma vectors through the TS API', () => {
  const cases = loadYumaCases()

  it('has the full set', () => {
    expect(cases.length).toBeGreaterThan(100)
  })

  it.each(cases.map((c) => [`${c.file} / ${c.name}`, c] as const))('%s is bit-exact', (_, c) => {
    expect(outputToJson(epochSync(c.input as EpochInput))).toEqual(c.expected)
  })

  it('gives the same bits off the main thread, in a batch, and from typed input', async () => {
    const inputs = cases.map((c) => c.input as EpochInput)
    const expected = cases.map((c) => c.expected)
    const asyncOutputs = await Promise.all(inputs.map((input) => epoch(input)))
    expect(asyncOutputs.map(outputToJson)).toEqual(expected)
    expect(epochBatchSync(inputs).map(outputToJson)).toEqual(expected)
    expect((await epochBatch(inputs)).map(outputToJson)).toEqual(expected)
    const prepared = inputs.map((input) => prepareEpochInput(input))
    expect(prepared.map((p) => outputToJson(epochSync(p)))).toEqual(expected)
  })
})

describeWithShared('shared math vectors through the TS API', () => {
  const math = JSON.parse(
    readFileSync(sharedPath('vectors', 'yuma', 'math.json'), 'utf8'),
  ) as Record<string, Array<Record<string, unknown>>>
  const raws = (v: unknown) => BigInt64Array.from(v as string[], (x) => BigInt(x))

  it('max-upscales to u16 exactly', () => {
    for (const c of math.max_upscale_to_u16!) {
      expect(Array.from(fixed.maxUpscaleToU16(raws(c.input_raw)))).toEqual(c.expected)
    }
    for (const c of math.u16_max_upscale_to_u16!) {
      expect(Array.from(fixed.u16MaxUpscaleToU16(Uint16Array.from(c.input as number[])))).toEqual(
        c.expected,
      )
    }
  })

  it('finds the weighted median of each column exactly', () => {
    for (const c of math.weighted_median_col_sparse!) {
      const rows = c.weights_raw as Array<Array<[number, string]>>
      const offsets = new Uint32Array(rows.length + 1)
      const uids: number[] = []
      const values: bigint[] = []
      rows.forEach((row, i) => {
        for (const [uid, value] of row) {
          uids.push(uid)
          values.push(BigInt(value))
        }
        offsets[i + 1] = uids.length
      })
      const result = fixed.weightedMedianCols(
        raws(c.stake_raw),
        { offsets, uids: Uint16Array.from(uids), values_raw: BigInt64Array.from(values) },
        c.columns as number,
        BigInt(c.kappa_raw as string),
      )
      expect(Array.from(result, String)).toEqual(c.expected_raw)
    }
  })
})
