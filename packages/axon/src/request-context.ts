import type { IncomingHttpHeaders } from 'node:http'
import type { SynapseData } from '@taokit/synapse'
import type { EpistulaRequest, ForwardContext } from './axon.js'

/**
 * The abort signal of one request's deadline. Most handlers never look at it, and an
 * AbortController costs more to make than the rest of a request's bookkeeping, so it is
 * made on first use (already aborted if the deadline has passed).
 */
export class Deadline {
  #controller: AbortController | undefined
  #expired = false

  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController()
      if (this.#expired) this.#controller.abort()
    }
    return this.#controller.signal
  }

  /** Whether the deadline passed or the caller left. */
  get expired(): boolean {
    return this.#expired
  }

  expire(): void {
    this.#expired = true
    this.#controller?.abort()
  }
}

/** What a handler gets for one request; its `signal` aborts at the request's deadline. */
abstract class UnderDeadline {
  readonly #deadline: Deadline

  constructor(deadline: Deadline) {
    this.#deadline = deadline
  }

  get signal(): AbortSignal {
    return this.#deadline.signal
  }
}

export class SynapseForwardContext extends UnderDeadline implements ForwardContext {
  constructor(
    readonly route: string,
    readonly ip: string,
    readonly hotkey: string,
    readonly headerSynapse: SynapseData,
    deadline: Deadline,
  ) {
    super(deadline)
  }
}

export class VerifiedEpistulaRequest extends UnderDeadline implements EpistulaRequest {
  constructor(
    readonly route: string,
    readonly ip: string,
    readonly body: Buffer,
    readonly headers: IncomingHttpHeaders,
    readonly signedBy: string,
    readonly signedFor: string | null,
    readonly uuid: string,
    readonly timestampMs: bigint,
    deadline: Deadline,
  ) {
    super(deadline)
  }
}
