import { randomUUID } from 'node:crypto'

/**
 * Dendrite uuids for requests in flight to one axon at once. An axon keeps one nonce per
 * (hotkey, uuid) and refuses any nonce not above the last it saw, so two requests under
 * one uuid must reach it in the order they were signed. Concurrent requests to one origin
 * cannot promise that (undici may send the last-signed first on a warm socket while the
 * others connect), so each takes its own lane, a uuid of its own, and a lane is used again
 * only after its request has ended. Lane 0 is the dendrite's own uuid; an axon sees at most
 * as many uuids from this dendrite as it ever had requests in flight from it at once.
 */
export class Lanes {
  readonly #uuids: string[]
  readonly #busy = new Map<string, boolean[]>()

  constructor(uuid: string) {
    this.#uuids = [uuid]
  }

  /** Takes the first free lane to `origin`, and returns its uuid and how to give it back. */
  take(origin: string): { uuid: string; release: () => void } {
    let busy = this.#busy.get(origin)
    if (busy === undefined) {
      busy = []
      this.#busy.set(origin, busy)
    }
    let lane = busy.indexOf(false)
    if (lane === -1) lane = busy.length
    busy[lane] = true
    this.#uuids[lane] ??= randomUUID()
    let released = false
    const release = () => {
      if (released) return
      released = true
      busy[lane] = false
      if (!busy.includes(true)) this.#busy.delete(origin)
    }
    return { uuid: this.#uuids[lane]!, release }
  }
}
