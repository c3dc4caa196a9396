import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { invalidInput } from './errors.js'

/** Where btcli keeps wallets unless told otherwise, and its names for the default keys. */
export const DEFAULT_WALLET_PATH = '~/.bittensor/wallets'
export const DEFAULT_NAME = 'default'

/** Which wallet and hotkey, as btcli's `--wallet.path`, `--wallet.name`, `--wallet.hotkey`. */
export interface WalletLocation {
  /** The folder holding wallets; `~` is expanded. */
  path?: string
  name?: string
  hotkey?: string
}

export interface ResolvedLocation {
  root: string
  /** The folder as given, `~` expanded but not made absolute: bittensor-wallet's spelling. */
  givenRoot: string
  name: string
  hotkey: string
}

function expandHome(path: string): string {
  if (path === '~') return homedir()
  if (path.startsWith('~/')) return join(homedir(), path.slice(2))
  return path
}

/** A wallet or hotkey name: one path segment. */
export function checkName(field: string, name: string): string {
  if (
    typeof name !== 'string' ||
    name.length === 0 ||
    name === '.' ||
    name === '..' ||
    /[/\\\0]/.test(name)
  ) {
    throw invalidInput(field, 'a name without slashes, not empty, "." or ".."')
  }
  return name
}

/**
 * Options first, then bittensor-wallet's environment variables (`BT_WALLET_PATH`,
 * `BT_WALLET_NAME`, `BT_WALLET_HOTKEY`), then btcli's defaults.
 */
export function resolveLocation(
  location: WalletLocation,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedLocation {
  const path = location.path ?? env.BT_WALLET_PATH ?? DEFAULT_WALLET_PATH
  if (typeof path !== 'string' || path.length === 0) {
    throw invalidInput('path', 'a folder for wallets')
  }
  return {
    root: resolve(expandHome(path)),
    givenRoot: expandHome(path),
    name: checkName('name', location.name ?? env.BT_WALLET_NAME ?? DEFAULT_NAME),
    hotkey: checkName('hotkey', location.hotkey ?? env.BT_WALLET_HOTKEY ?? DEFAULT_NAME),
  }
}
