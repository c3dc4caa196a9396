import { ss58DecodeAny } from '@taokit/keys'
import type { Signer } from '@taokit/synapse'
import { DendriteError, invalidInput } from './errors.js'

/**
 * `keypair`, with its signatures checked: a signer that answers with a promise (a remote
 * signer) or with the wrong bytes would otherwise send requests every axon refuses.
 */
export function checkedSigner(keypair: Signer): Signer {
  const expected = 'a Keypair or { address: an SS58 address, sign(message): its 64-byte signature }'
  if (keypair === null || typeof keypair !== 'object' || typeof keypair.sign !== 'function') {
    throw invalidInput('keypair', expected)
  }
  const { address } = keypair
  try {
    ss58DecodeAny(address)
  } catch {
    throw invalidInput('keypair', expected)
  }
  return {
    address,
    sign(message) {
      const signature: unknown = keypair.sign(message)
      if (signature instanceof Uint8Array && signature.length === 64) return signature
      // One made in another realm (a vm context, some worker bridges) is copied in.
      if (isForeignBytes(signature) && signature.length === 64) return Uint8Array.from(signature)
      throw invalidInput(
        'keypair',
        `sign(message) to return a 64-byte signature synchronously, got ${signature instanceof Promise ? 'a promise' : describe(signature)}`,
      )
    },
  }
}

function isForeignBytes(value: unknown): value is Uint8Array {
  return Object.prototype.toString.call(value) === '[object Uint8Array]'
}

function describe(value: unknown): string {
  if (value instanceof Uint8Array) return `${value.length} bytes`
  return value === null ? 'null' : typeof value
}

/**
 * The signer's failure among a call's prepared requests, if any: the caller's to fix, so
 * the call throws it rather than report it for every target.
 */
export function signerErrorOf(
  prepared: readonly ({ ok: true } | { ok: false; error: unknown })[],
): DendriteError | undefined {
  for (const entry of prepared) {
    if (!entry.ok && entry.error instanceof DendriteError && entry.error.field === 'keypair') {
      return entry.error
    }
  }
  return undefined
}
