import type { Subtensor } from './client.js'
import { ChainError, ChainErrorCode } from './errors.js'
import type { Metagraph } from './metagraph.js'

export interface LiveMetagraphOptions {
  /** How often the metagraph is read again, in milliseconds (default 12,000: one block). */
  refreshMs?: number
  /**
   * Told of each refresh that failed. The last metagraph read stays in use, and the next
   * refresh is tried on schedule.
   */
  onError?: (error: unknown) => void
}

const DEFAULT_REFRESH_MS = 12_000

/**
 * One subnet's metagraph, read again on a timer, with lookups by hotkey. It is the
 * `metagraph` an `@taokit/axon` Axon takes for its default caller policy: unregistered
 * hotkeys and hotkeys without a validator permit are refused, and stake sets priority.
 */
export class LiveMetagraph {
  readonly netuid: number
  readonly #subtensor: Subtensor
  readonly #refreshMs: number
  readonly #onError: ((error: unknown) => void) | undefined
  #metagraph: Metagraph
  #uids: Map<string, number>
  #updatedAt: number
  #lastError: unknown
  #timer: NodeJS.Timeout | undefined
  #refreshing: Promise<Metagraph> | undefined
  #closed = false

  private constructor(
    subtensor: Subtensor,
    metagraph: Metagraph,
    refreshMs: number,
    onError: ((error: unknown) => void) | undefined,
  ) {
    this.netuid = metagraph.netuid
    this.#subtensor = subtensor
    this.#refreshMs = refreshMs
    this.#onError = onError
    this.#metagraph = metagraph
    this.#uids = uidsByHotkey(metagraph)
    this.#updatedAt = Date.now()
    this.#schedule()
  }

  /**
   * Reads the subnet's metagraph, then keeps it fresh until `close()`. Fails as
   * `subtensor.metagraph` does (a subnet that does not exist is `CHAIN_SUBNET_NOT_FOUND`).
   */
  static async start(
    subtensor: Subtensor,
    netuid: number,
    options: LiveMetagraphOptions = {},
  ): Promise<LiveMetagraph> {
    const refreshMs = options.refreshMs ?? DEFAULT_REFRESH_MS
    if (!Number.isFinite(refreshMs) || refreshMs < 1 || refreshMs > 2 ** 31 - 1) {
      throw new ChainError(
        ChainErrorCode.InvalidInput,
        `refreshMs: expected milliseconds in 1..2147483647, got ${refreshMs}`,
        { field: 'refreshMs' },
      )
    }
    const metagraph = await subtensor.metagraph(netuid)
    return new LiveMetagraph(subtensor, metagraph, refreshMs, options.onError)
  }

  /** The metagraph last read. */
  get metagraph(): Metagraph {
    return this.#metagraph
  }

  /** When the metagraph in use was read (`Date.now()` milliseconds). */
  get updatedAt(): number {
    return this.#updatedAt
  }

  /** Why the last refresh failed, or undefined when it succeeded. */
  get lastError(): unknown {
    return this.#lastError
  }

  uidOf(hotkey: string): number | undefined {
    return this.#uids.get(hotkey)
  }

  isRegistered(hotkey: string): boolean {
    return this.#uids.has(hotkey)
  }

  /** Registered, with a validator permit. */
  isValidator(hotkey: string): boolean {
    const uid = this.#uids.get(hotkey)
    return uid !== undefined && this.#metagraph.validatorPermit[uid] === 1
  }

  /** The hotkey's stake weight in alpha rao (0 when unregistered); only its order is exact. */
  stakeOf(hotkey: string): number {
    const uid = this.#uids.get(hotkey)
    return uid === undefined ? 0 : Number(this.#metagraph.stake[uid])
  }

  /**
   * Reads the metagraph now, outside the schedule (calls made while one read runs share
   * it). Rejects when the read fails; the metagraph in use is then kept.
   */
  refresh(): Promise<Metagraph> {
    this.#refreshing ??= this.#read().finally(() => {
      this.#refreshing = undefined
    })
    return this.#refreshing
  }

  /** Stops refreshing. Lookups keep answering from the last metagraph read. */
  close(): void {
    this.#closed = true
    clearTimeout(this.#timer)
    this.#timer = undefined
  }

  async #read(): Promise<Metagraph> {
    if (this.#closed) {
      throw new ChainError(ChainErrorCode.Closed, 'the live metagraph was closed')
    }
    try {
      const metagraph = await this.#subtensor.metagraph(this.netuid)
      // An older block can come back after a reconnect to a lagging endpoint.
      if (metagraph.block >= this.#metagraph.block) {
        this.#metagraph = metagraph
        this.#uids = uidsByHotkey(metagraph)
        this.#updatedAt = Date.now()
      }
      this.#lastError = undefined
      return this.#metagraph
    } catch (error) {
      this.#lastError = error
      throw error
    }
  }

  #schedule(): void {
    if (this.#closed) return
    this.#timer = setTimeout(() => {
      this.refresh().then(
        () => this.#schedule(),
        (error: unknown) => {
          if (!this.#closed) this.#onError?.(error)
          this.#schedule()
        },
      )
    }, this.#refreshMs)
    // An axon or a client keeps the process alive; a metagraph on its own should not.
    this.#timer.unref()
  }
}

function uidsByHotkey(metagraph: Metagraph): Map<string, number> {
  const uids = new Map<string, number>()
  metagraph.hotkeys.forEach((hotkey, uid) => {
    uids.set(hotkey, uid)
  })
  return uids
}
