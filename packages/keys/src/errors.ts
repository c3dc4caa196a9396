import { nativeCaller, Reader, TaokitError } from '@taokit/core'

/** The codes a `KeyError` carries. */
export const KeyErrorCode = {
  /** A mnemonic, URI, seed, key, signature or other input of the wrong form; see `field`. */
  InvalidInput: 'KEY_INVALID_INPUT',
  /** Not a valid SS58 address (or not a Bittensor one where only those are accepted). */
  InvalidAddress: 'SS58_INVALID',
  /** A `$NACL` keyfile did not decrypt: the password is wrong or the file was altered. */
  WrongPassword: 'KEYFILE_WRONG_PASSWORD',
  /** A keyfile that is not keyfile JSON, is truncated, or holds no key. */
  CorruptKeyfile: 'KEYFILE_CORRUPT',
  /** A keyfile in a legacy encryption taokit recognises but does not decrypt. */
  UnsupportedKeyfile: 'KEYFILE_UNSUPPORTED',
  /** An encrypted keyfile was read without a key. */
  PasswordRequired: 'KEYFILE_PASSWORD_REQUIRED',
} as const

export type KeyErrorCode = (typeof KeyErrorCode)[keyof typeof KeyErrorCode]

/** Any failure of key handling. Messages never contain a secret. */
export class KeyError extends TaokitError {
  override readonly name = 'KeyError'
  declare readonly code: KeyErrorCode
}

export function invalidInput(field: string, expected: string): KeyError {
  return new KeyError(KeyErrorCode.InvalidInput, `${field}: expected ${expected}`, { field })
}

export const native = nativeCaller(
  Object.values(KeyErrorCode),
  (code, message, field) => new KeyError(code, message, field === undefined ? {} : { field }),
)

/** Checks a caller's values, throwing `KeyError`s that name the field. */
export const read = new Reader(
  (message, field) => new KeyError(KeyErrorCode.InvalidInput, message, { field }),
)
