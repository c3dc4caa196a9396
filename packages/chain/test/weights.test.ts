import { createHash } from 'node:crypto'
import { describeWithShared, readSharedJson } from '@taokit/testing'
import { describe, expect, it } from 'vitest'
import { ChainError, ChainErrorCode } from '../src/errors.js'
import { quantileFloat32, sum } from '../src/weights/float32.js'
import {
  convertWeightsAndUidsForEmit,
  maxWeightLimitFromU16,
  normalizeMaxWeight,
  processWeightsForNetuid,
  weightsFromU16,
} from '../src/weights/index.js'

type Dtype = 'float32' | 'float64'

type FloatOutput =
  | { dtype: 'float32'; values: number[]; float32_bits: string[] }
  | { dtype: 'float64'; values: number[] }

interface EmitCase {
  id: string
  function: 'convert_weights_and_uids_for_emit'
  input: { uids: number[]; weights: number[]; weights_dtype: Dtype }
  output: { uids: number[]; weights_u16: number[] } | { error: string; message: string }
}

interface NormalizeCase {
  id: string
  function: 'normalize_max_weight'
  input: { x: number[]; x_dtype: Dtype; limit: number }
  output: FloatOutput
}

interface ProcessCase {
  id: string
  function: 'process_weights_for_netuid'
  input: {
    uids: number[]
    weights: number[]
    weights_dtype: Dtype
    n: number
    min_allowed_weights: number
    max_weight_limit_u16: number
    max_weight_limit: number
    exclude_quantile: number
  }
  output: { uids: number[]; weights: FloatOutput }
}

type WeightsCase = EmitCase | NormalizeCase | ProcessCase

/** `np.array(values, dtype)`: float32 as a Float32Array, float64 as plain numbers. */
function asInput(values: number[], dtype: Dtype): Float32Array | number[] {
  return dtype === 'float32' ? Float32Array.from(values) : values
}

function float32Bits(values: Float32Array): string[] {
  return Array.from(
    new Uint32Array(values.buffer, values.byteOffset, values.length),
    (bits) => `0x${bits.toString(16).padStart(8, '0')}`,
  )
}

function expectFloats(actual: Float32Array | Float64Array, expected: FloatOutput): void {
  if (expected.dtype === 'float32') {
    expect(actual).toBeInstanceOf(Float32Array)
    expect(float32Bits(actual as Float32Array)).toEqual(expected.float32_bits)
  } else {
    expect(actual).toBeInstanceOf(Float64Array)
  }
  expect(Array.from(actual)).toEqual(expected.values)
}

function errorOf(run: () => unknown): ChainError {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(ChainError)
    const chainError = error as ChainError
    expect(chainError.code).toBe(ChainErrorCode.InvalidInput)
    return chainError
  }
  throw new Error('expected a ChainError')
}

/** The field the SDK's ValueError is about, from its message. */
function fieldOf(message: string): string {
  if (message.includes('weight is negative')) return 'weights'
  if (message.includes('uid is negative')) return 'uids'
  if (message.includes('same length')) return 'weights'
  throw new Error(`no field known for the SDK error "${message}"`)
}

describeWithShared('weights vectors (shared/vectors/weights.json)', () => {
  const { cases } = readSharedJson<{ cases: WeightsCase[] }>('vectors', 'weights.json')

  it('has cases for every function', () => {
    const functions = new Set(cases.map((testCase) => testCase.function))
    expect([...functions].sort()).toEqual([
      'convert_weights_and_uids_for_emit',
      'normalize_max_weight',
      'process_weights_for_netuid',
    ])
  })

  for (const testCase of cases) {
    it(`${testCase.function}: ${testCase.id}`, () => {
      switch (testCase.function) {
        case 'convert_weights_and_uids_for_emit': {
          const { uids, weights, weights_dtype } = testCase.input
          const run = () => convertWeightsAndUidsForEmit(uids, asInput(weights, weights_dtype))
          const expected = testCase.output
          if ('error' in expected) {
            const error = errorOf(run)
            expect(error.field).toBe(fieldOf(expected.message))
            expect(error.message).toMatch(new RegExp(`^${error.field}: expected`))
          } else {
            const result = run()
            expect(Array.from(result.uids)).toEqual(expected.uids)
            expect(Array.from(result.weights)).toEqual(expected.weights_u16)
          }
          break
        }
        case 'normalize_max_weight': {
          const { x, x_dtype, limit } = testCase.input
          const result = normalizeMaxWeight(asInput(x, x_dtype), limit, { dtype: x_dtype })
          expectFloats(result, testCase.output)
          break
        }
        case 'process_weights_for_netuid': {
          const input = testCase.input
          const maxWeightLimit = maxWeightLimitFromU16(input.max_weight_limit_u16)
          expect(maxWeightLimit).toBe(input.max_weight_limit)
          const result = processWeightsForNetuid(
            input.uids,
            asInput(input.weights, input.weights_dtype),
            {
              n: input.n,
              minAllowedWeights: input.min_allowed_weights,
              maxWeightLimit,
              excludeQuantile: input.exclude_quantile,
            },
          )
          expect(Array.from(result.uids)).toEqual(testCase.output.uids)
          expect(result.dtype).toBe(testCase.output.weights.dtype)
          expectFloats(result.weights, testCase.output.weights)
          break
        }
      }
    })
  }
})

// Expected values below come from running the SDK code under numpy 2.4.6.
describe('numpy order of operations beyond the vectors', () => {
  const sha256 = (array: ArrayBufferView) =>
    createHash('sha256')
      .update(new Uint8Array(array.buffer, array.byteOffset, array.byteLength))
      .digest('hex')

  // 300 values in 0.001..1, every 37th raised 400-fold, so normalization caps them.
  const spiky = Float32Array.from({ length: 300 }, (_, i) => {
    const value = Math.fround(((i * 7919) % 1000) + 1) / 1000
    return i % 37 === 0 ? Math.fround(Math.fround(value) * 400) : value
  })

  it('float32 sums are pairwise (8 lanes, 128-element blocks), not sequential', () => {
    const cases: [number, string][] = [
      [7, '0x4025f160'],
      [9, '0x40350dd2'],
      [129, '0x40ae1bda'],
      [1000, '0x40ef88fc'],
      [10000, '0x411c9a09'],
    ]
    for (const [length, bits] of cases) {
      const harmonic = Float32Array.from({ length }, (_, i) => 1 / (i + 1))
      expect(float32Bits(Float32Array.of(sum(harmonic, Math.fround)))).toEqual([bits])
    }
  })

  it('np.quantile interpolates in float32 with gamma rounded to float32', () => {
    expect(
      quantileFloat32(
        Float32Array.of(2, 201.76824951171875, 0.2899608314037323),
        0.07389944304570077,
      ),
    ).toBe(0.5427026748657227)
    expect(
      quantileFloat32(
        Float32Array.of(23.422813415527344, 932.62646484375, 7, 0.0012678588973358274),
        0.1847104600595102,
      ),
    ).toBe(3.8794851303100586)
  })

  it('normalizeMaxWeight over 300 entries, both dtypes', () => {
    const single = normalizeMaxWeight(spiky, 0.01)
    expect(single).toBeInstanceOf(Float32Array)
    expect(sha256(single)).toBe('f59bc6405eb008d36b762a67f86f2c9333b2a693b5cb4fb268d75f4a85d2bad2')
    const double = normalizeMaxWeight(Float64Array.from(spiky), 0.01)
    expect(double).toBeInstanceOf(Float64Array)
    expect(sha256(double)).toBe('f1ac779968ddf2fee7a83c4296f7c360a1b4df673af6209c50c6c8358b9d202e')
  })

  it('processWeightsForNetuid over 300 entries with a quantile cut', () => {
    const weights = spiky.map((value, i) => (i % 11 === 5 ? 0 : value))
    const uids = Uint16Array.from({ length: 300 }, (_, i) => i)
    const result = processWeightsForNetuid(uids, weights, {
      n: 300,
      minAllowedWeights: 50,
      maxWeightLimit: maxWeightLimitFromU16(6553),
      excludeQuantile: 13107,
    })
    expect(result.dtype).toBe('float32')
    expect(result.uids).toHaveLength(218)
    expect(sha256(result.uids)).toBe(
      '64bcaa19c6c01b6e03a9aca6928063f633b7ad381990e4034fd7ecffa68d3af8',
    )
    expect(sha256(result.weights)).toBe(
      'bfd1ab25fb3d43f7297b5a66b3a393c75369825958e84c7dde71b8996c920f2c',
    )
  })
})

describe('weightsFromU16', () => {
  it('places values at their uids and divides by the row sum', () => {
    expect(Array.from(weightsFromU16([0, 1, 2], [15, 5, 80], 3))).toEqual([0.15, 0.05, 0.8])
    expect(Array.from(weightsFromU16([1, 3], [50, 50], 4))).toEqual([0, 0.5, 0, 0.5])
    expect(Array.from(weightsFromU16([], [], 2))).toEqual([0, 0])
  })

  it('round-trips emitted weights up to u16 precision', () => {
    const emitted = convertWeightsAndUidsForEmit([4, 1], [0.75, 0.25])
    const row = weightsFromU16(emitted.uids, emitted.weights, 5)
    expect(row[4]).toBeCloseTo(0.75, 4)
    expect(row[1]).toBeCloseTo(0.25, 4)
  })
})

describe('bad input gives a ChainError naming the field', () => {
  const processOptions = { n: 4, minAllowedWeights: 1, maxWeightLimit: 1 }

  it.each<[string, () => unknown, string]>([
    ['emit: length mismatch', () => convertWeightsAndUidsForEmit([0, 1, 2], [0.5, 0.5]), 'weights'],
    ['emit: negative weight', () => convertWeightsAndUidsForEmit([0, 1], [0.5, -0.1]), 'weights'],
    ['emit: NaN weight', () => convertWeightsAndUidsForEmit([0, 1], [0.5, Number.NaN]), 'weights'],
    [
      'emit: infinite weight',
      () => convertWeightsAndUidsForEmit([0], Float64Array.of(Number.POSITIVE_INFINITY)),
      'weights',
    ],
    ['emit: negative uid', () => convertWeightsAndUidsForEmit([-1, 1], [0.5, 0.1]), 'uids'],
    ['emit: uid above u16', () => convertWeightsAndUidsForEmit([65536], [1]), 'uids'],
    ['emit: fractional uid', () => convertWeightsAndUidsForEmit([1.5], [1]), 'uids'],
    [
      'process: length mismatch',
      () => processWeightsForNetuid([0, 1], [1], processOptions),
      'weights',
    ],
    [
      'process: negative weight',
      () => processWeightsForNetuid([0], [-1], processOptions),
      'weights',
    ],
    [
      'process: NaN weight',
      () => processWeightsForNetuid([0], [Number.NaN], processOptions),
      'weights',
    ],
    [
      'process: weight beyond float32',
      () => processWeightsForNetuid([0], [1e39], processOptions),
      'weights',
    ],
    ['process: uid above u16', () => processWeightsForNetuid([70000], [1], processOptions), 'uids'],
    [
      'process: n not an integer',
      () => processWeightsForNetuid([0], [1], { ...processOptions, n: 2.5 }),
      'n',
    ],
    [
      'process: excludeQuantile above u16',
      () => processWeightsForNetuid([0], [1], { ...processOptions, excludeQuantile: 65536 }),
      'excludeQuantile',
    ],
    [
      'process: NaN maxWeightLimit',
      () => processWeightsForNetuid([0], [1], { ...processOptions, maxWeightLimit: Number.NaN }),
      'maxWeightLimit',
    ],
    [
      'process: padded weight beyond n',
      () =>
        processWeightsForNetuid([0, 1, 2], [0, 0, 1], {
          ...processOptions,
          n: 2,
          minAllowedWeights: 2,
        }),
      'weights',
    ],
    ['normalize: NaN entry', () => normalizeMaxWeight([1, Number.NaN]), 'x'],
    [
      'normalize: infinite limit',
      () => normalizeMaxWeight([1, 2], Number.POSITIVE_INFINITY),
      'limit',
    ],
    ['inverse: uid not below n', () => weightsFromU16([3], [1], 3), 'uids'],
    ['inverse: value above u16', () => weightsFromU16([0], [65536], 3), 'values'],
    ['inverse: length mismatch', () => weightsFromU16([0, 1], [1], 3), 'values'],
    ['maxWeightLimitFromU16: above u16', () => maxWeightLimitFromU16(65536), 'maxWeightLimit'],
  ])('%s', (_name, run, field) => {
    const error = errorOf(run)
    expect(error.field).toBe(field)
    expect(error.message).toContain(field)
  })
})
