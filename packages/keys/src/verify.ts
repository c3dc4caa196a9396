import { withSignal } from '@taokit/core'
import * as addon from '@taokit/native'
import { type BytesLike, bytesOf, fixedBytes } from './bytes.js'
import { invalidInput, native, read } from './errors.js'
import { publicKeyOf } from './ss58.js'

/**
 * Who signed: an SS58 address (any registered network), a 32-byte public key, or its
 * `0x` hex.
 */
export type Signer = string | Uint8Array

export interface VerifyOptions {
  /**
   * Also accept a signature of `<Bytes>message</Bytes>`, the form wallets such as
   * polkadot-js `signRaw` produce. On by default, as in bittensor-wallet; turn it off to
   * accept only signatures of exactly `message`.
   */
  wrapped?: boolean
}

function signatureOf(field: string, signature: Uint8Array | string): Uint8Array {
  if (typeof signature === 'string' && !signature.startsWith('0x')) {
    throw invalidInput(field, '64 bytes (a Uint8Array or 0x hex)')
  }
  return fixedBytes(field, signature, 64)
}

/** Whether `signature` is `signer`'s sr25519 signature of `message`. */
export function verify(
  message: BytesLike,
  signature: Uint8Array | string,
  signer: Signer,
  options: VerifyOptions = {},
): boolean {
  const bytes = bytesOf('message', message)
  const sig = signatureOf('signature', signature)
  const key = publicKeyOf('signer', signer)
  return options.wrapped === false
    ? native.call(() => addon.verify(bytes, sig, key))
    : native.call(() => addon.verifyWrapped(bytes, sig, key))
}

export interface SignedItem {
  message: BytesLike
  signature: Uint8Array | string
  signer: Signer
}

interface PackedBatch {
  messages: Uint8Array
  ends: Uint32Array
  signatures: Uint8Array
  publicKeys: Uint8Array
}

function pack(items: readonly SignedItem[]): PackedBatch {
  if (!Array.isArray(items))
    throw invalidInput('items', 'an array of { message, signature, signer }')
  const messages = items.map((item, i) => {
    if (typeof item !== 'object' || item === null) {
      throw invalidInput(`items[${i}]`, '{ message, signature, signer }')
    }
    return bytesOf(`items[${i}].message`, item.message)
  })
  const ends = new Uint32Array(items.length)
  let total = 0
  messages.forEach((message, i) => {
    total += message.length
    ends[i] = total
  })
  const packed: PackedBatch = {
    messages: new Uint8Array(total),
    ends,
    signatures: new Uint8Array(items.length * 64),
    publicKeys: new Uint8Array(items.length * 32),
  }
  items.forEach((item, i) => {
    packed.messages.set(messages[i]!, i === 0 ? 0 : ends[i - 1]!)
    packed.signatures.set(signatureOf(`items[${i}].signature`, item.signature), i * 64)
    packed.publicKeys.set(publicKeyOf(`items[${i}].signer`, item.signer), i * 32)
  })
  return packed
}

const verdicts = (bytes: Uint8Array): boolean[] => Array.from(bytes, (byte) => byte === 1)

/**
 * Verifies many signatures at once with schnorrkel's batch verification, on all cores;
 * returns each one's verdict (exact messages only: no `<Bytes>` wrapping). Much cheaper per
 * signature than `verify` from a few dozen signatures on.
 */
export async function verifyBatch(
  items: readonly SignedItem[],
  options: { signal?: AbortSignal } = {},
): Promise<boolean[]> {
  const { messages, ends, signatures, publicKeys } = pack(items)
  return withSignal(read, options.signal, async (signal) =>
    verdicts(
      await native.callAsync(() =>
        addon.verifyBatch(messages, ends, signatures, publicKeys, signal),
      ),
    ),
  )
}

/** `verifyBatch` on the calling thread (plus Rust's worker threads). */
export function verifyBatchSync(items: readonly SignedItem[]): boolean[] {
  const { messages, ends, signatures, publicKeys } = pack(items)
  return verdicts(native.call(() => addon.verifyBatchSync(messages, ends, signatures, publicKeys)))
}
