import { nativeCaller, Reader, TaokitError } from '@taokit/core'

export const INVALID_INPUT = 'YUMA_INVALID_INPUT'

/** An epoch input that does not describe a subnet state: `field` says which part. */
export class YumaError extends TaokitError {
  override readonly name = 'YumaError'
}

const native = nativeCaller(
  [INVALID_INPUT],
  (code, message, field) => new YumaError(code, message, field === undefined ? {} : { field }),
)

/** Turns the addon's input errors into `YumaError`s; anything else is a bug, rethrown. */
export const fromNative = native.convert
export const callNative = native.call
export const callNativeAsync = native.callAsync

/** Checks a caller's values, throwing `YumaError`s that name the field. */
export const read = new Reader((message, field) => new YumaError(INVALID_INPUT, message, { field }))
