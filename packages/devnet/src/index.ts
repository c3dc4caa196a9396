export { type Devnet, type DevnetOptions, devnetArgs, devnetBinary, startDevnet } from './devnet.js'
export { DevnetError, DevnetErrorCode } from './errors.js'
