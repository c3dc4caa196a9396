/**
 * The one error type of taokit. Every package throws a subclass of it, each with a stable
 * `code` to branch on, and with `field` set when a caller's input was at fault.
 */
export class TaokitError extends Error {
  override readonly name: string = 'TaokitError'
  readonly code: string
  readonly field: string | undefined

  constructor(code: string, message: string, options: { field?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.field = options.field
  }
}

/** Whether `error` is a taokit error, optionally with the given `code`. */
export function isTaokitError(error: unknown, code?: string): error is TaokitError {
  return error instanceof TaokitError && (code === undefined || error.code === code)
}
