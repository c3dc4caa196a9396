export { fromHex, isHex, toHex, utf8 } from './bytes.js'
export { isTaokitError, TaokitError } from './errors.js'
export { type NativeCaller, type NativeErrorFactory, nativeCaller } from './native.js'
export { type InputErrorFactory, Reader, U64_MAX, type U64Like } from './parse.js'
