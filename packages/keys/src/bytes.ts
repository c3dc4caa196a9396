import { fromHex, utf8 } from '@taokit/core'
import { invalidInput } from './errors.js'

/**
 * Bytes to sign, verify or hash. A string is UTF-8 text unless it starts with `0x`, in
 * which case it is hex, as bittensor-wallet and polkadot-js read it; pass a Uint8Array to
 * sign text that itself starts with `0x`.
 */
export type BytesLike = Uint8Array | string

export function bytesOf(field: string, value: BytesLike): Uint8Array {
  if (value instanceof Uint8Array) return value
  if (typeof value !== 'string') throw invalidInput(field, 'a Uint8Array or a string')
  if (!value.startsWith('0x')) return utf8(value)
  const bytes = fromHex(value)
  if (bytes === undefined) throw invalidInput(field, 'hex digits after 0x (an even number)')
  return bytes
}

/** Exactly `length` bytes, given as a Uint8Array or `0x` hex. */
export function fixedBytes(field: string, value: Uint8Array | string, length: number): Uint8Array {
  const bytes =
    value instanceof Uint8Array ? value : typeof value === 'string' ? fromHex(value) : undefined
  if (bytes === undefined) throw invalidInput(field, `${length} bytes (a Uint8Array or 0x hex)`)
  if (bytes.length !== length) {
    throw invalidInput(field, `${length} bytes, got ${bytes.length}`)
  }
  return bytes
}
