/** Hex and UTF-8 conversions for the byte strings of chain data (`0x`-prefixed, lowercase). */

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'))

/** `0x` followed by two lowercase hex digits per byte. */
export function toHex(bytes: Uint8Array): string {
  let out = '0x'
  for (const byte of bytes) out += HEX[byte]
  return out
}

/** Whether `text` is `0x` followed by an even number of hex digits. */
export function isHex(text: string): boolean {
  return /^0x(?:[0-9a-fA-F]{2})*$/.test(text)
}

/** The bytes of a `0x…` hex string, or undefined when it is not one. */
export function fromHex(text: string): Uint8Array | undefined {
  if (!isHex(text)) return undefined
  return Uint8Array.from(Buffer.from(text.slice(2), 'hex'))
}

const encoder = new TextEncoder()

/** The UTF-8 bytes of `text`. */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text)
}
