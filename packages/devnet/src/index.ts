export {
  type Devnet,
  type DevnetOptions,
  devnetArgs,
  devnetBinary,
  parseBlockTime,
  runDevnet,
  startDevnet,
} from './devnet.js'
export { DevnetError, DevnetErrorCode } from './errors.js'
