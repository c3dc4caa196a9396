import type { TaokitError } from './errors.js'

/**
 * The addon reports errors a caller can cause with a taokit `code` on the thrown Error and,
 * for bad input, a message of the form `field: expected …`. Anything else it throws is a
 * bug and passes through unchanged.
 */
export type NativeErrorFactory = (code: string, message: string, field?: string) => TaokitError

const FIELD = /^([A-Za-z_][\w.[\]]*): /

export interface NativeCaller {
  /** Turns an addon error with one of the codes into the package's own error. */
  convert(error: unknown): unknown
  /** Calls the addon, converting its errors. */
  call<T>(call: () => T): T
  /** `call` for the addon's promise-returning functions. */
  callAsync<T>(call: () => Promise<T>): Promise<T>
}

export function nativeCaller(codes: readonly string[], make: NativeErrorFactory): NativeCaller {
  const known = new Set(codes)
  const convert = (error: unknown): unknown => {
    if (!(error instanceof Error)) return error
    const code = (error as { code?: unknown }).code
    if (typeof code !== 'string' || !known.has(code)) return error
    return make(code, error.message, FIELD.exec(error.message)?.[1])
  }
  return {
    convert,
    call(call) {
      try {
        return call()
      } catch (error) {
        throw convert(error)
      }
    },
    async callAsync(call) {
      try {
        return await call()
      } catch (error) {
        throw convert(error)
      }
    },
  }
}
