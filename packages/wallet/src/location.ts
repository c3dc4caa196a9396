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
    name.trim().length === 0 ||
    name === '.' ||
    name === '..' ||
    /[/\\\p{Cc}]/u.test(name)
  ) {
    // Blank or with control characters, a name is a typo, and a folder no listing shows.
    throw invalidInput(
      field,
      'a name without slashes or control characters, not blank, "." or ".."',
    )
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
  const path = chosen('path', location.path, env, 'BT_WALLET_PATH', DEFAULT_WALLET_PATH)
  if (typeof path.value !== 'string' || path.value.trim().length === 0) {
    throw invalidInput(path.field, 'a folder for wallets')
  }
  const name = chosen('name', location.name, env, 'BT_WALLET_NAME', DEFAULT_NAME)
  const hotkey = chosen('hotkey', location.hotkey, env, 'BT_WALLET_HOTKEY', DEFAULT_NAME)
  return {
    root: resolve(expandHome(path.value)),
    givenRoot: expandHome(path.value),
    name: checkName(name.field, name.value),
    hotkey: checkName(hotkey.field, hotkey.value),
  }
}

/** A setting and where it came from, so that an error names what the user set. */
function chosen(
  field: string,
  given: string | undefined,
  env: NodeJS.ProcessEnv,
  variable: string,
  fallback: string,
): { field: string; value: string } {
  if (given !== undefined) return { field, value: given }
  // An empty variable counts as unset, as bittensor-wallet reads it (`getenv(...) or default`).
  const fromEnv = env[variable]
  return fromEnv === undefined || fromEnv === ''
    ? { field, value: fallback }
    : { field: variable, value: fromEnv }
}
