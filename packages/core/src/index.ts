export { isTaokitError, TaokitError } from './errors.js'
export { type InputErrorFactory, Reader, U64_MAX, type U64Like } from './parse.js'
