export { describeWithShared, readSharedJson, sharedPath, sharedRoot } from './shared.js'
export { loadYumaCases, type YumaCase } from './yuma-vectors.js'
