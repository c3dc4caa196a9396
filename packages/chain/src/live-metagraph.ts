import type { Subtensor } from './client.js'
import { ChainError, ChainErrorCode } from './errors.js'
import type { Metagraph } from './metagraph.js'

export interface LiveMetagraphOptions {
  /** How often the metagraph is read again, in milliseconds (default 12,000: one block). */
  refreshMs?: number
  /**
   * Told of each refresh that failed. The last metagraph read stays in use (but a subnet
   * that no longer exists has no validators), and the next refresh is tried on schedule.
   */
  onError?: (error: unknown) => void
  /** Told of each refresh that succeeded. */
  onRefresh?: (metagraph: Metagraph) => void
}

/**
 * Reads in a row at an older block than the one in use, or without the subnet, after which
 * the node is believed (a lagging endpoint answers from an older state for a while). A node
 * that says it is syncing, or has none of the peers it should have, is never believed so.
 */
const READS_BEHIND_BEFORE_RESET = 3

const DEFAULT_REFRESH_MS = 12_000

const LAGGING = 'syncing or without peers (system_health)'

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
  readonly #onRefresh: ((metagraph: Metagraph) => void) | undefined
  /** Set while the chain says the subnet does not exist: then nobody is registered. */
  #gone = false
  #readsBehind = 0
  #readsWithoutSubnet = 0
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
    options: LiveMetagraphOptions,
  ) {
    this.netuid = metagraph.netuid
    this.#subtensor = subtensor
    this.#refreshMs = refreshMs
    this.#onError = options.onError
    this.#onRefresh = options.onRefresh
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
    return new LiveMetagraph(subtensor, metagraph, refreshMs, options)
  }

  /** The metagraph last read. */
  get metagraph(): Metagraph {
    return this.#metagraph
  }

  /** When the metagraph in use was read (`Date.now()` milliseconds). */
  get updatedAt(): number {
    return this.#updatedAt
  }

  /**
   * Whether the chain says the subnet no longer exists: three reads in a row without it (a
   * node lagging behind says the same for a while; one that says it is syncing is not
   * believed), so up to three refresh periods after it was dissolved. Then nobody is
   * registered on it.
   */
  get isGone(): boolean {
    return this.#gone
  }

  /** Why the last refresh failed, or undefined when it succeeded. */
  get lastError(): unknown {
    return this.#lastError
  }

  uidOf(hotkey: string): number | undefined {
    return this.#gone ? undefined : this.#uids.get(hotkey)
  }

  isRegistered(hotkey: string): boolean {
    return this.uidOf(hotkey) !== undefined
  }

  /** Registered, with a validator permit. */
  isValidator(hotkey: string): boolean {
    const uid = this.uidOf(hotkey)
    return uid !== undefined && this.#metagraph.validatorPermit[uid] === 1
  }

  /**
   * The hotkey's stake weight in alpha rao (0 when unregistered), as a number: exact up
   * to 2^53 rao (9 million TAO), which is what ordering callers by stake needs.
   */
  stakeOf(hotkey: string): number {
    const uid = this.uidOf(hotkey)
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
      // An older block comes back from a lagging endpoint after a reconnect, or from a
      // chain that was reset: a few such reads in a row are taken as the latter.
      if (metagraph.block < this.#metagraph.block) {
        const behind = `the node answered block ${metagraph.block}, behind block ${this.#metagraph.block} already read`
        if (await this.#nodeIsLagging()) {
          this.#readsBehind = 0
          throw new ChainError(
            ChainErrorCode.NodeError,
            `${behind}, and is ${LAGGING}; kept the latter`,
          )
        }
        this.#readsBehind++
        if (this.#readsBehind < READS_BEHIND_BEFORE_RESET) {
          throw new ChainError(ChainErrorCode.NodeError, `${behind}; kept the latter`)
        }
      }
      this.#readsBehind = 0
      this.#readsWithoutSubnet = 0
      this.#metagraph = metagraph
      this.#uids = uidsByHotkey(metagraph)
      this.#updatedAt = Date.now()
      this.#gone = false
      this.#lastError = undefined
      return metagraph
    } catch (error) {
      // A subnet that was dissolved has no validators left to serve; but a node answering
      // from a state before it was created says the same, so it is believed after a few.
      if (error instanceof ChainError && error.code === ChainErrorCode.SubnetNotFound) {
        if (await this.#nodeIsLagging()) {
          this.#readsWithoutSubnet = 0
        } else {
          this.#readsWithoutSubnet++
          if (this.#readsWithoutSubnet >= READS_BEHIND_BEFORE_RESET) this.#gone = true
        }
      }
      this.#lastError = error
      throw error
    }
  }

  /**
   * Whether the node says it is catching up (`system_health`): its older state is then lag,
   * not a chain that was reset. A node that does not answer is judged by its reads alone.
   */
  async #nodeIsLagging(): Promise<boolean> {
    try {
      const health = (await this.#subtensor.provider.send('system_health', [])) as {
        isSyncing?: unknown
        peers?: unknown
        shouldHavePeers?: unknown
      }
      return health.isSyncing === true || (health.shouldHavePeers === true && health.peers === 0)
    } catch {
      return false
    }
  }

  /** Calls a listener; what it throws or rejects with must not stop the refreshes. */
  #tell<T>(listener: ((value: T) => unknown) | undefined, value: T): void {
    if (this.#closed || listener === undefined) return
    try {
      Promise.resolve(listener(value)).catch(() => {})
    } catch {
      // Ignored, as above.
    }
  }

  #schedule(): void {
    if (this.#closed) return
    this.#timer = setTimeout(() => {
      this.refresh()
        .then(
          (metagraph) => this.#tell(this.#onRefresh, metagraph),
          (error: unknown) => this.#tell(this.#onError, error),
        )
        .finally(() => this.#schedule())
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
