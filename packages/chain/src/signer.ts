import type { Signer, SignerResult } from '@polkadot/api/types'
import type { Registry, SignerPayloadJSON } from '@polkadot/types/types'
import { toHex } from '@taokit/core'
import { blake2b256, type Keypair } from '@taokit/keys'

// MultiSignature's variant index for sr25519.
const SR25519 = 0x01

/** Signs transactions for @polkadot/api with a taokit sr25519 keypair (native signing). */
export class KeypairSigner implements Signer {
  #id = 0

  constructor(
    private readonly registry: Registry,
    private readonly keypair: Keypair,
  ) {}

  async signPayload(payload: SignerPayloadJSON): Promise<SignerResult> {
    const encoded = this.registry
      .createType('ExtrinsicPayload', payload, { version: payload.version })
      .toU8a({ method: true })
    // Substrate signs the hash of payloads longer than 256 bytes, not the payload itself.
    const message = encoded.length > 256 ? blake2b256(encoded) : encoded
    const signature = this.keypair.sign(message)
    const typed = new Uint8Array(signature.length + 1)
    typed[0] = SR25519
    typed.set(signature, 1)
    this.#id += 1
    return { id: this.#id, signature: toHex(typed) as `0x${string}` }
  }
}
