import { readFile } from 'node:fs/promises'
import { utf8 } from '@taokit/core'
import { invalidInput, WalletError, WalletErrorCode } from './errors.js'

// ignoreBOM keeps a leading BOM in the password, as reading the file as text always did.
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/**
 * Where a password comes from: the password itself, an environment variable holding it, a
 * file holding it (one trailing newline ignored), or a prompt (the CLI asks on the
 * terminal without echo).
 */
export type PasswordSource =
  | string
  | Uint8Array
  | { env: string }
  | { file: string }
  | { prompt: (question: string) => Promise<string> }

/**
 * The password's bytes. The caller should `fill(0)` them when done; when the source is a
 * Uint8Array, that is the caller's own buffer.
 */
export async function readPassword(
  source: PasswordSource,
  question: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Uint8Array> {
  if (source instanceof Uint8Array) return source
  if (typeof source === 'string') return utf8(source)
  if (typeof source !== 'object' || source === null) {
    throw invalidInput('password', 'a string, { env }, { file } or { prompt }')
  }
  if ('env' in source) {
    const value = env[source.env]
    if (value === undefined) {
      throw new WalletError(
        WalletErrorCode.PasswordRequired,
        `password: the environment variable ${source.env} is not set`,
        { field: 'password' },
      )
    }
    return utf8(value)
  }
  if ('file' in source) {
    let bytes: Uint8Array
    try {
      bytes = await readFile(source.file)
    } catch {
      throw new WalletError(WalletErrorCode.NotFound, `passwordFile: cannot read ${source.file}`, {
        field: 'passwordFile',
      })
    }
    let text: string
    try {
      text = STRICT_UTF8.decode(bytes)
    } catch {
      // Decoded leniently, every invalid byte would be U+FFFD: other bytes would unlock it.
      throw invalidInput('passwordFile', `a file of UTF-8 text: ${source.file} is not`)
    } finally {
      bytes.fill(0)
    }
    return utf8(text.replace(/\r?\n$/, ''))
  }
  if ('prompt' in source) return utf8(await source.prompt(question))
  throw invalidInput('password', 'a string, { env }, { file } or { prompt }')
}
