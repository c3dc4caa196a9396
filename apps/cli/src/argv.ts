import type { Command, Option } from 'commander'
import { NETWORK_OPTION_ALIASES } from './commands/chain-options.js'
import { WALLET_OPTION_ALIASES } from './commands/wallet-options.js'
import { UsageError } from './errors.js'

const ALIASES = new Map(Object.entries({ ...WALLET_OPTION_ALIASES, ...NETWORK_OPTION_ALIASES }))

/** argv with btcli's spellings made ours, and what it asks for. */
export interface ScannedArgs {
  args: string[]
  /** The words of the command that runs (`['stake', 'add']`). */
  words: string[]
  command: Command
  /** The value options given to that command, by long name, once per time given. */
  given: string[]
}

const takesValue = (option: Option) => option.required || option.optional

/** The option `flag` (`--network`, `-n`) names for `command` or a command it is under. */
function optionOf(path: readonly Command[], flag: string): Option | undefined {
  for (const command of [...path].reverse()) {
    const found = command.options.find((o) => o.long === flag || o.short === flag)
    if (found !== undefined) return found
  }
  return undefined
}

/**
 * Reads argv as commander will, a command at a time, so that each word is known for what
 * it is: a subcommand, an option, or an option's value. btcli's other spellings of an
 * option (`--wallet-name`, `--wallet_name=x`) become ours where an option name goes, and
 * never where a value does, nor after `--`. A word starting with '--' where a value goes
 * is refused.
 */
export function scanArgs(program: Command, argv: readonly string[]): ScannedArgs {
  const path = [program]
  const words: string[] = []
  const args: string[] = []
  let given: string[] = []
  let valueNext = false
  let awaiting = ''
  let ended = false
  for (const arg of argv) {
    if (ended || valueNext) {
      if (!ended && arg.startsWith('--')) refuseOptionAsValue(awaiting, arg)
      args.push(arg)
      valueNext = false
      continue
    }
    if (arg === '--') {
      ended = true
      args.push(arg)
      continue
    }
    if (arg.startsWith('--')) {
      const [name = '', ...value] = arg.split('=')
      const canonical = ALIASES.get(name) ?? name
      args.push(value.length === 0 ? canonical : [canonical, ...value].join('='))
      const option = optionOf(path, canonical)
      if (option !== undefined && takesValue(option)) {
        given.push(option.long ?? canonical)
        valueNext = value.length === 0
        awaiting = name
      }
      continue
    }
    args.push(arg)
    if (arg.startsWith('-') && arg.length > 1) {
      // A cluster of short flags (-yn); the first that takes a value takes the rest, or
      // the next word.
      for (let i = 1; i < arg.length; i++) {
        const option = optionOf(path, `-${arg[i]}`)
        if (option === undefined || !takesValue(option)) continue
        given.push(option.long ?? `-${arg[i]}`)
        valueNext = i === arg.length - 1
        // Named long in the message: commander reads `-m=--x` as the value "=--x".
        awaiting = option.long ?? `-${arg[i]}`
        break
      }
      continue
    }
    const current = path[path.length - 1]!
    const sub = current.commands.find((c) => c.name() === arg || c.aliases().includes(arg))
    if (sub !== undefined && !ended) {
      path.push(sub)
      words.push(arg)
      // Options before a subcommand are its parent's.
      given = []
    }
  }
  return { args, words, command: path[path.length - 1]!, given }
}

/**
 * A word like an option where a value goes is most likely a value forgotten (`sign
 * --message --json` signed "--json"; `devnet --data-dir --quiet` made a folder named
 * --quiet). A value that does start with '--' can still be given attached: `--message=--x`.
 */
function refuseOptionAsValue(option: string, word: string): void {
  throw new UsageError(
    `${option}: expected a value, got the option ${word} (write ${option}=${word} if that is the value)`,
    option.replace(/^-+/, ''),
  )
}
