import { TaokitError } from '@taokit/core'
import { KeyError } from '@taokit/keys'

/** The codes a `WalletError` carries, besides the `KeyError` codes of the keyfiles it reads. */
export const WalletErrorCode = {
  /** A key file exists and `overwrite` was not given. */
  Exists: 'WALLET_EXISTS',
  /** A wallet, key file or password file that is not there. */
  NotFound: 'WALLET_NOT_FOUND',
  /** A wallet name, path, mnemonic or option of the wrong form; see `field`. */
  InvalidInput: 'WALLET_INVALID_INPUT',
  /** An encrypted key needs a password and no source gave one. */
  PasswordRequired: 'WALLET_PASSWORD_REQUIRED',
  /** A key file the system will not read: permissions, or a file or folder in the way. */
  Unreadable: 'WALLET_UNREADABLE',
  /** Key files the system will not write (permissions, a full disk, a name too long); none was. */
  Unwritable: 'WALLET_UNWRITABLE',
} as const

/** A failure of wallet handling; keyfile problems keep their `KeyError` code. */
export class WalletError extends TaokitError {
  override readonly name = 'WalletError'
}

export function invalidInput(field: string, expected: string): WalletError {
  return new WalletError(WalletErrorCode.InvalidInput, `${field}: expected ${expected}`, { field })
}

/** Runs `read` on the keyfile at `path`, naming the file in any `KeyError` it raises. */
export function inKeyfile<T>(path: string, read: () => T): T {
  try {
    return read()
  } catch (error) {
    if (!(error instanceof KeyError)) throw error
    const field = error.field
    throw new WalletError(error.code, `${path}: ${error.message}`, {
      cause: error,
      ...(field === undefined ? {} : { field }),
    })
  }
}
