import type { EpochOutput } from './types.js'

/**
 * Reads the single buffer the addon returns an epoch output in (see
 * `crates/node/src/packed.rs`): typed-array views over it, no copying.
 */
export function unpackOutput(bytes: Uint8Array): EpochOutput {
  const { buffer, byteOffset } = bytes
  const header = new Uint32Array(buffer, byteOffset, 2)
  const n = header[0]!
  const entries = header[1]!
  let at = byteOffset + 8
  const next = <T>(make: (offset: number) => T, count: number, size: number): T => {
    const view = make(at)
    at += Math.ceil((count * size) / 8) * 8
    return view
  }
  const u64 = () => next((o) => new BigUint64Array(buffer, o, n), n, 8)
  const u16 = (count: number) => next((o) => new Uint16Array(buffer, o, count), count, 2)
  const u8 = () => next((o) => new Uint8Array(buffer, o, n), n, 1)
  const server_emission = u64()
  const validator_emission = u64()
  const emission = u64()
  const offsets = next((o) => new Uint32Array(buffer, o, n + 1), n + 1, 4)
  const stake_weight = u16(n)
  const consensus = u16(n)
  const validator_trust = u16(n)
  const incentive = u16(n)
  const dividends = u16(n)
  const uids = u16(entries)
  const values = u16(entries)
  const active = u8()
  const validator_permit = u8()
  return {
    active,
    validator_permit,
    stake_weight,
    consensus,
    validator_trust,
    incentive,
    dividends,
    bonds: { offsets, uids, values },
    server_emission,
    validator_emission,
    emission,
  }
}
