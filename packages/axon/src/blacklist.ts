/**
 * The default caller policy, from a metagraph the application keeps fresh (this package does
 * not talk to the chain): unregistered hotkeys and hotkeys without a validator permit are
 * refused, and priority is the caller's stake.
 */
export interface MetagraphProvider {
  /** Whether the hotkey is registered on the subnet. */
  isRegistered?(hotkey: string): boolean | Promise<boolean>
  /** Whether the hotkey is registered and holds a validator permit. */
  isValidator(hotkey: string): boolean | Promise<boolean>
  /** The hotkey's stake (any unit; only the order matters). */
  stakeOf(hotkey: string): number
}

/** `true` refuses the caller (403). Runs before the signature check and the body. */
export type BlacklistFn = (hotkey: string, context: CallerContext) => boolean | Promise<boolean>

/** Higher is served first under load. */
export type PriorityFn = (hotkey: string, context: CallerContext) => number

export interface CallerContext {
  /** The route: a synapse name, or an Epistula path. */
  route: string
  /** The TCP peer address. */
  ip: string
}

/** Refuses hotkeys that are not registered validators in `metagraph`. */
export function metagraphBlacklist(metagraph: MetagraphProvider): BlacklistFn {
  // Synchronous when the provider is (LiveMetagraph is): a promise would cost every request
  // a deadline timer in the axon. Answers are read as truthy or not (a permit may be 0/1).
  return (hotkey) => {
    const refuseUnlessValidator = (registered: unknown) => {
      if (!registered) return true
      const validator: unknown = metagraph.isValidator(hotkey)
      return isPromiseLike(validator) ? Promise.resolve(validator).then((is) => !is) : !validator
    }
    const registered: unknown = metagraph.isRegistered?.(hotkey) ?? true
    return isPromiseLike(registered)
      ? Promise.resolve(registered).then(refuseUnlessValidator)
      : refuseUnlessValidator(registered)
  }
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function'
}

/** Priority by stake. */
export function stakePriority(metagraph: MetagraphProvider): PriorityFn {
  return (hotkey) => metagraph.stakeOf(hotkey)
}
