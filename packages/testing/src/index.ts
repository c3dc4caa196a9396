export { describeWithShared, readSharedJson, sharedPath, sharedRoot } from './shared.js'
export {
  type BodyHashCase,
  type EpistulaCase,
  type EpistulaVectors,
  loadEpistulaVectors,
  loadSynapseVectors,
  type RequestCase,
  type SynapseVectors,
  sampleHotkeyMnemonic,
} from './synapse-vectors.js'
export { argon2Timeout } from './timeouts.js'
export { loadYumaCases, type YumaCase } from './yuma-vectors.js'
