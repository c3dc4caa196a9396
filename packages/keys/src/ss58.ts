import * as addon from '@taokit/native'
import { fixedBytes } from './bytes.js'
import { invalidInput, KeyError, native } from './errors.js'

/** Bittensor's SS58 prefix. */
export const BITTENSOR_SS58_PREFIX = 42

/** The SS58 address of a 32-byte public key (prefix 42 unless another is given). */
export function ss58Encode(
  publicKey: Uint8Array | string,
  prefix: number = BITTENSOR_SS58_PREFIX,
): string {
  const key = fixedBytes('publicKey', publicKey, 32)
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > 16383) {
    throw invalidInput('prefix', `an integer in 0..16383, got ${prefix}`)
  }
  return native.call(() => addon.ss58Encode(key, prefix))
}

const scratch = new Uint8Array(32)

/** The public key of a Bittensor address; other networks' addresses are refused. */
export function ss58Decode(address: string): Uint8Array {
  if (typeof address !== 'string') throw invalidInput('address', 'an SS58 address string')
  // Filled in place and copied out: cheaper than a buffer made in Rust (see hash.ts).
  native.call(() => addon.ss58DecodeInto(address, scratch))
  return scratch.slice()
}

/**
 * The prefix and public key of an address of any network in the SS58 registry, checked as
 * bittensor-wallet checks it.
 */
export function ss58DecodeAny(address: string): { prefix: number; publicKey: Uint8Array } {
  if (typeof address !== 'string') throw invalidInput('address', 'an SS58 address string')
  return native.call(() => addon.ss58DecodeAny(address))
}

/** Whether `address` is a valid Bittensor address. */
export function isBittensorAddress(address: string): boolean {
  try {
    ss58Decode(address)
    return true
  } catch {
    return false
  }
}

/** A public key given as bytes, `0x` hex or an SS58 address (any registered network). */
export function publicKeyOf(field: string, signer: Uint8Array | string): Uint8Array {
  if (typeof signer === 'string' && !signer.startsWith('0x')) {
    try {
      return ss58DecodeAny(signer).publicKey
    } catch (error) {
      if (!(error instanceof KeyError)) throw error
      const message = error.message.replace(/^address:/, `${field}:`)
      throw new KeyError(error.code, message, { field, cause: error })
    }
  }
  return fixedBytes(field, signer, 32)
}
