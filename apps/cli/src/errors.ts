import { ChainErrorCode } from '@taokit/chain'
import { isTaokitError, TaokitError } from '@taokit/core'
import { WalletErrorCode } from '@taokit/wallet'

/** A mistake in how the command was called or in what it was given: exit code 2. */
export class UsageError extends TaokitError {
  override readonly name = 'UsageError'
  constructor(message: string, field?: string) {
    super('CLI_USAGE', message, field === undefined ? {} : { field })
  }
}

/** Thrown by a command, after printing its result, to end with a non-zero exit code. */
export class ExitWith {
  constructor(readonly code: number) {}
}

/** What to do next, for the errors that do not say it themselves. */
const HINTS: Record<string, string> = {
  [WalletErrorCode.Exists]: ' (--overwrite replaces existing key files)',
  [WalletErrorCode.NotFound]:
    ' (check --wallet.path, --wallet.name and --wallet.hotkey; `taokit wallet create` makes a wallet)',
}

export const EXIT_OK = 0
export const EXIT_FAILURE = 1
export const EXIT_BAD_INPUT = 2
/**
 * The node could not be reached or did not answer, so nothing was sent: worth retrying,
 * unlike 2. (A transaction sent but not seen in a block, TransactionPending, is not: it may
 * still land.)
 */
export const EXIT_UNAVAILABLE = 3

const UNAVAILABLE = new Set<string>([ChainErrorCode.Unreachable, ChainErrorCode.Timeout])

/**
 * Runs `action`, naming the command-line option in the input errors of the packages it
 * calls: their `field` is the API's name (`to`), where the user typed `--dest`.
 */
export async function withOptionNames<T>(
  optionOfField: Record<string, string>,
  action: () => T | Promise<T>,
): Promise<T> {
  try {
    return await action()
  } catch (error) {
    const field = isTaokitError(error) ? (error.field ?? '') : ''
    const option = optionOfField[field]
    // Only a message that starts by naming its field is about the value given there;
    // others (commit-reveal is on, a rate limit) keep their own words and code.
    const message = (error as Error).message
    if (option === undefined || !message.startsWith(`${field}:`)) throw error
    throw new UsageError(`${option}:${message.slice(field.length + 1)}`, option.replace(/^--/, ''))
  }
}

/**
 * Every error a user can cause (a `TaokitError`) is one line on stderr and exit code 2, or 3
 * when the node could not be reached; no stack trace. Anything else is a bug in taokit: exit
 * code 1, with the stack under TAOKIT_DEBUG=1.
 */
export function report(error: unknown, stderr: (line: string) => void): number {
  if (isTaokitError(error)) {
    stderr(`taokit: ${error.message}${HINTS[error.code] ?? ''}`)
    return UNAVAILABLE.has(error.code) ? EXIT_UNAVAILABLE : EXIT_BAD_INPUT
  }
  const message = error instanceof Error ? error.message : String(error)
  stderr(`taokit: internal error: ${message}`)
  if (process.env.TAOKIT_DEBUG === '1' && error instanceof Error && error.stack) stderr(error.stack)
  else stderr('taokit: rerun with TAOKIT_DEBUG=1 for details, and please report it')
  return EXIT_FAILURE
}
