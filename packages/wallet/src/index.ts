export { WalletError, WalletErrorCode } from './errors.js'
export { DEFAULT_NAME, DEFAULT_WALLET_PATH, type WalletLocation } from './location.js'
export { type PasswordSource, readPassword } from './password.js'
export {
  type ColdkeyOptions,
  type CreatedKey,
  type HotkeyInfo,
  type HotkeyOptions,
  type KeyInfo,
  type KeySecret,
  type UnlockOptions,
  Wallet,
  type WalletInfo,
  type WriteKeyOptions,
} from './wallet.js'
