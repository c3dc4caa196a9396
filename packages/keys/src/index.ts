export type { BytesLike } from './bytes.js'
export { type WeightCommit, weightCommitHash } from './commit.js'
export { KeyError, KeyErrorCode } from './errors.js'
export {
  blake2b128,
  blake2b256,
  blake2b512,
  HASHES,
  type HashName,
  hashEach,
  keccak256,
  STORAGE_HASHERS,
  type StorageHasherName,
  type StorageKeyPart,
  sha3_256,
  sha256,
  storageKey,
  twox64,
  twox128,
  twox256,
} from './hash.js'
export {
  encryptKeyfile,
  type KeyfileFormat,
  KeyfileKey,
  keyfileFormat,
  keyfilePasswordFromEnv,
  type PublicKeyOnly,
  readKeyfile,
} from './keyfile.js'
export { Keypair, type MnemonicWords, type SignOptions } from './keypair.js'
export {
  type PowRule,
  type PowSearch,
  type PowSolution,
  powBlockAndHotkeyHash,
  powMeetsDifficulty,
  powSeal,
  powSolve,
  powSolveSync,
} from './pow.js'
export {
  BITTENSOR_SS58_PREFIX,
  isBittensorAddress,
  ss58Decode,
  ss58DecodeAny,
  ss58Encode,
} from './ss58.js'
export {
  type SignedItem,
  type Signer,
  type VerifyOptions,
  verify,
  verifyBatch,
  verifyBatchSync,
} from './verify.js'
