const EMPTY: Buffer = Buffer.alloc(0)

/**
 * Bytes that arrive in pieces, copied into one growing buffer. Keeping undici's chunks
 * instead costs a Buffer object per chunk: an answer sent in 1-byte chunks took ~115 bytes
 * of heap per byte, so a cap on bytes did not bound memory.
 */
export class ReceivedBytes {
  #buffer: Buffer = EMPTY
  #size = 0

  /** `limit`: the most the caller will hold at once, so growth stops there, not at twice it. */
  constructor(readonly limit = Number.POSITIVE_INFINITY) {}

  get size(): number {
    return this.#size
  }

  /** Room for `bytes` in all, allocated at once (a declared content-length). */
  reserve(bytes: number): void {
    if (bytes > this.#buffer.length) this.#grow(bytes)
  }

  append(chunk: Uint8Array): void {
    const needed = this.#size + chunk.length
    if (needed > this.#buffer.length) {
      const doubled = Math.min(this.#buffer.length * 2, this.limit)
      this.#grow(this.#size === 0 ? needed : Math.max(needed, doubled))
    }
    this.#buffer.set(chunk, this.#size)
    this.#size = needed
  }

  /**
   * Everything received so far, in a buffer of its own size (a view of a larger one would
   * keep the rest alive for as long as the caller keeps the bytes, and `bytes.buffer` would
   * show it); what arrives next starts a new buffer.
   */
  take(): Buffer {
    const { length } = this.#buffer
    // Never the shared empty buffer: a caller may transfer or detach what it is given.
    const bytes = this.#size === length && length > 0 ? this.#buffer : this.#copy(this.#size)
    this.#buffer = EMPTY
    this.#size = 0
    return bytes
  }

  #grow(capacity: number): void {
    this.#buffer = this.#copy(capacity)
  }

  /** The bytes held, in a new buffer of `capacity`: never a slice of Node's shared pool. */
  #copy(capacity: number): Buffer {
    const copy = Buffer.allocUnsafeSlow(capacity)
    this.#buffer.copy(copy, 0, 0, this.#size)
    return copy
  }
}
