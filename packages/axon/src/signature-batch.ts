import { type SignedItem, verify, verifyBatchSync } from '@taokit/keys'

interface Waiting extends SignedItem {
  resolve: (valid: boolean) => void
}

/**
 * Verifies the signatures that arrive in one turn of the event loop together. Under load
 * that is one batch equation per turn, in which each validator's signatures share one
 * term, at about half the cost per signature of checking them one by one. A request alone
 * in its turn is checked alone, so light traffic waits for nothing.
 */
export class SignatureBatcher {
  readonly #maxBatch: number
  /** Batch equations run (a lone signature counts as one) and the signatures in them. */
  readonly stats = { batches: 0, signatures: 0 }
  #waiting: Waiting[] = []
  #scheduled = false

  constructor(maxBatch = 64) {
    this.#maxBatch = maxBatch
  }

  /** Whether `signature` is `publicKey`'s signature of `message` (or of it `<Bytes>`-wrapped). */
  verify(message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): Promise<boolean> {
    return new Promise((resolve) => {
      this.#waiting.push({ message, signature, signer: publicKey, resolve })
      if (this.#waiting.length >= this.#maxBatch) this.#flush()
      else if (!this.#scheduled) {
        this.#scheduled = true
        setImmediate(() => this.#flush())
      }
    })
  }

  #flush(): void {
    const batch = this.#waiting
    this.#waiting = []
    this.#scheduled = false
    if (batch.length === 0) return
    this.stats.batches++
    this.stats.signatures += batch.length
    const verdicts = batch.length === 1 ? [false] : verifyBatchSync(batch)
    batch.forEach((item, i) => {
      // The batch checks exact messages; a wallet's <Bytes>-wrapped signature, or a lone
      // request, is checked on its own.
      item.resolve(verdicts[i] || verify(item.message, item.signature, item.signer))
    })
  }
}
