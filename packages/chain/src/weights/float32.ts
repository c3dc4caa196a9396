/**
 * Arithmetic as numpy 2 does it on 1-D float arrays. A float32 array rounds after every
 * operation, so each step goes through `Math.fround`; float64 needs no rounding, but its sums
 * still follow numpy's order, which decides the last bits.
 */

export type FloatDtype = 'float32' | 'float64'

/** Rounds a double to the precision of one dtype. */
export type Round = (value: number) => number

const exact: Round = (value) => value

export function rounding(dtype: FloatDtype): Round {
  return dtype === 'float32' ? Math.fround : exact
}

export function allocate(dtype: FloatDtype, length: number): Float32Array | Float64Array {
  return dtype === 'float32' ? new Float32Array(length) : new Float64Array(length)
}

// numpy's PW_BLOCKSIZE: below it a sum runs on eight interleaved accumulators.
const BLOCK = 128
const LANES = 8

function pairwise(values: ArrayLike<number>, start: number, count: number, round: Round): number {
  if (count < LANES) {
    let total = -0
    for (let i = 0; i < count; i++) total = round(total + values[start + i]!)
    return total
  }
  if (count <= BLOCK) {
    const lanes = new Array<number>(LANES)
    for (let j = 0; j < LANES; j++) lanes[j] = values[start + j]!
    let i = LANES
    for (; i < count - (count % LANES); i += LANES) {
      for (let j = 0; j < LANES; j++) lanes[j] = round(lanes[j]! + values[start + i + j]!)
    }
    const [r0, r1, r2, r3, r4, r5, r6, r7] = lanes as [
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
    ]
    let total = round(
      round(round(r0 + r1) + round(r2 + r3)) + round(round(r4 + r5) + round(r6 + r7)),
    )
    for (; i < count; i++) total = round(total + values[start + i]!)
    return total
  }
  // Halve, keeping the first half a multiple of the lane count, as numpy does.
  let half = Math.floor(count / 2)
  half -= half % LANES
  return round(
    pairwise(values, start, half, round) + pairwise(values, start + half, count - half, round),
  )
}

/** `np.sum` of a contiguous 1-D array: the reduction starts from 0 and adds a pairwise sum. */
export function sum(values: ArrayLike<number>, round: Round): number {
  return round(0 + pairwise(values, 0, values.length, round))
}

/** `np.cumsum`: a plain running sum. */
export function cumulativeSum(values: ArrayLike<number>, round: Round): Float64Array {
  const out = new Float64Array(values.length)
  let total = 0
  for (let i = 0; i < values.length; i++) {
    total = i === 0 ? values[0]! : round(total + values[i]!)
    out[i] = total
  }
  return out
}

export function max(values: ArrayLike<number>): number {
  let best = Number.NEGATIVE_INFINITY
  for (let i = 0; i < values.length; i++) if (values[i]! > best) best = values[i]!
  return best
}

/**
 * `np.quantile(a, q)` with the default linear method, a float32 array and a Python float q
 * (numpy ≥ 2.4): the virtual index and gamma stay double, and the interpolation runs in
 * float32 with gamma rounded to float32, from the nearer end.
 */
export function quantileFloat32(values: Float32Array, q: number): number {
  const sorted = Float32Array.from(values).sort()
  const count = sorted.length
  const position = (count - 1) * q
  if (position >= count - 1) return sorted[count - 1]!
  if (position < 0) return sorted[0]!
  const below = Math.floor(position)
  const gamma = position - below
  const low = sorted[below]!
  const high = sorted[below + 1]!
  const span = Math.fround(high - low)
  if (gamma >= 0.5) return Math.fround(high - Math.fround(span * Math.fround(1 - gamma)))
  return Math.fround(low + Math.fround(span * Math.fround(gamma)))
}

/** Python's `round()` on a double: ties go to the even integer. */
export function roundHalfEven(value: number): number {
  const floor = Math.floor(value)
  const fraction = value - floor
  if (fraction > 0.5) return floor + 1
  if (fraction < 0.5) return floor
  return floor % 2 === 0 ? floor : floor + 1
}
