import { TaokitError } from '@taokit/core'

export const INVALID_INPUT = 'YUMA_INVALID_INPUT'

/** An epoch input that does not describe a subnet state: `field` says which part. */
export class YumaError extends TaokitError {
  override readonly name = 'YumaError'
}

/**
 * Rust reports input errors with `code` YUMA_INVALID_INPUT and a message that starts with
 * the field; anything else from the addon is a bug and is rethrown as it is.
 */
export function fromNative(error: unknown): unknown {
  if (error instanceof Error && (error as { code?: unknown }).code === INVALID_INPUT) {
    const field = error.message.split(':', 1)[0]
    return new YumaError(INVALID_INPUT, error.message, field === undefined ? {} : { field })
  }
  return error
}

/** Calls the addon, turning its input errors into `YumaError`s. */
export function callNative<T>(call: () => T): T {
  try {
    return call()
  } catch (error) {
    throw fromNative(error)
  }
}

/** `callNative` for the addon's promise-returning calls. */
export async function callNativeAsync<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  } catch (error) {
    throw fromNative(error)
  }
}
