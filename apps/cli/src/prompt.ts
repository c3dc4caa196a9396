import { createInterface } from 'node:readline'
import { ExitWith, UsageError } from './errors.js'

/** The shell's exit code for a command ended by Ctrl-C (128 + SIGINT). */
const EXIT_INTERRUPTED = 130

/** Whether the user can be asked something on this terminal. */
export const canPrompt = (): boolean =>
  process.stdin.isTTY === true && process.stderr.isTTY === true

/** Asks on the terminal (on stderr, so stdout stays clean); `hidden` input is not echoed. */
export function ask(question: string, options: { hidden?: boolean } = {}): Promise<string> {
  if (!canPrompt()) {
    throw new UsageError(`no terminal to ask "${question.trim()}" on; see --help for options`)
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true })
  if (options.hidden === true) {
    // Echo nothing of what is typed; readline writes the typed characters through this.
    const output = rl as unknown as { _writeToOutput: (text: string) => void }
    output._writeToOutput = (text: string) => {
      if (text.includes(question)) process.stderr.write(question)
    }
  }
  return new Promise((resolve, reject) => {
    let answered = false
    rl.question(question, (answer) => {
      answered = true
      if (options.hidden === true) process.stderr.write('\n')
      rl.close()
      resolve(answer)
    })
    // Without these, Ctrl-C or Ctrl-D would leave the question unanswered for good, and the
    // process would end with Node's exit code 13 and not a word.
    rl.on('SIGINT', () => {
      answered = true
      process.stderr.write('\n')
      rl.close()
      reject(new ExitWith(EXIT_INTERRUPTED))
    })
    rl.on('close', () => {
      if (answered) return
      process.stderr.write('\n')
      reject(new UsageError(`no answer to "${question.trim()}": the input ended`))
    })
  })
}

/**
 * A password typed at the terminal, without its surrounding spaces: btcli trims what is
 * typed, so a wallet made at either prompt opens at the other.
 */
export async function askPassword(question: string): Promise<string> {
  return (await ask(question, { hidden: true })).trim()
}

/** A new password, typed twice. */
export async function askNewPassword(question: string): Promise<string> {
  const first = await askPassword(question)
  if (first.length === 0) throw new UsageError('the password is empty', 'password')
  const second = await askPassword('Retype the password: ')
  if (first !== second) throw new UsageError('the passwords do not match', 'password')
  return first
}
