import { type SignedItem, verify, verifyBatchSync } from '@taokit/keys'

const OPEN = Buffer.from('<Bytes>')
const CLOSE = Buffer.from('</Bytes>')
const NO_WRAP = { wrapped: false } as const

/** Whether `signature` is over `<Bytes>message</Bytes>`, as polkadot-js `signRaw` signs. */
function verifiesWrapped(item: Waiting): boolean {
  const message = Buffer.from(item.message.buffer, item.message.byteOffset, item.message.length)
  // Already wrapped: wallets do not wrap twice.
  if (
    message.subarray(0, OPEN.length).equals(OPEN) &&
    message.subarray(-CLOSE.length).equals(CLOSE)
  ) {
    return false
  }
  try {
    return verify(Buffer.concat([OPEN, message, CLOSE]), item.signature, item.signer, NO_WRAP)
  } catch {
    return false
  }
}

/** One signature on its own, `<Bytes>`-wrapped or not; false for malformed input. */
function verifiesAlone(item: Waiting): boolean {
  try {
    return verify(item.message, item.signature, item.signer)
  } catch {
    return false
  }
}

/**
 * Fewer signatures than this are checked one by one: a batch equation of two or three costs
 * as much as, or more than, checking each alone (measured with one signer: 2 → +6 to +17%
 * per signature, 3 → about even, 4 → −25%, 8 → −40%).
 */
const MIN_BATCH = 4

interface Waiting extends SignedItem {
  message: Uint8Array
  signature: Uint8Array
  signer: Uint8Array
  resolve: (valid: boolean) => void
}

/**
 * Verifies the signatures that arrive in one turn of the event loop together. Under load
 * that is one batch equation per turn, in which each validator's signatures share one
 * term, at a half to two thirds of the cost per signature of checking them one by one. A
 * request alone in its turn is checked alone, so light traffic waits for nothing.
 */
export class SignatureBatcher {
  readonly #maxBatch: number
  /** Batch equations run (a signature checked alone counts as one) and the signatures in them. */
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
    this.stats.signatures += batch.length
    if (batch.length < MIN_BATCH) {
      this.stats.batches += batch.length
      for (const item of batch) item.resolve(verifiesAlone(item))
      return
    }
    this.stats.batches++
    let verdicts: boolean[]
    try {
      verdicts = verifyBatchSync(batch)
    } catch {
      // Inputs the batch cannot take (callers check lengths first): each alone says which.
      for (const item of batch) item.resolve(verifiesAlone(item))
      return
    }
    // A false verdict here means the exact message did not verify (a failed batch is
    // re-checked one by one); what is left to try is a wallet's <Bytes>-wrapped signature.
    batch.forEach((item, i) => {
      item.resolve(verdicts[i] === true || verifiesWrapped(item))
    })
  }
}
