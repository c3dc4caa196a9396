import { homedir } from 'node:os'
import { join } from 'node:path'
import {
  type RevealOutcome,
  RevealScheduler,
  type Subtensor,
  setWeights,
  type WeightsCommit,
  type WeightsParams,
} from '@taokit/chain'
import type { Keypair } from '@taokit/keys'
import type { Command } from 'commander'
import { EXIT_BAD_INPUT, ExitWith, UsageError } from '../errors.js'
import { examples, shareExamples } from '../help.js'
import type { Output } from '../io.js'
import {
  addNetworkOptions,
  defaultNetwork,
  type NetworkOptions,
  parseInteger,
  parseIntegerList,
  parseNumberList,
  printResult,
  progressTo,
  withChain,
} from './chain-options.js'
import { addSignerOptions, type SignerOptions, signerFrom, unlockNotice } from './wallet-options.js'

interface WeightsOptions extends NetworkOptions, SignerOptions {
  netuid: string
  uids: string
  weights: string
  versionKey?: string
  revealFile?: string
}

/** --reveal-file, else $TAOKIT_REVEAL_FILE (blank counts as unset), else the default. */
function revealFileOf(options: { revealFile?: string }): string {
  if (options.revealFile !== undefined) {
    if (options.revealFile.trim() === '') {
      throw new UsageError('--reveal-file: expected a file path, got an empty one', 'reveal-file')
    }
    return options.revealFile
  }
  const fromEnvironment = process.env.TAOKIT_REVEAL_FILE
  return fromEnvironment === undefined || fromEnvironment.trim() === ''
    ? join(homedir(), '.bittensor', 'taokit', 'reveals.json')
    : fromEnvironment
}

/** The library's names for what the weights commands take as options. */
const WEIGHTS_OPTIONS = { uids: '--uids', weights: '--weights', versionKey: '--version-key' }

function weightsParams(options: WeightsOptions): WeightsParams {
  const uids = parseIntegerList(options.uids, '--uids', 65535)
  const weights = parseNumberList(options.weights, '--weights')
  if (uids.length !== weights.length) {
    throw new UsageError(
      `--weights: expected one weight per uid (${uids.length}), got ${weights.length}`,
      'weights',
    )
  }
  const params: WeightsParams = {
    netuid: parseInteger(options.netuid, '--netuid', 65535),
    uids,
    weights,
  }
  if (options.versionKey !== undefined) {
    if (!/^\d+$/.test(options.versionKey)) {
      throw new UsageError(
        `--version-key: expected a non-negative integer, got ${JSON.stringify(options.versionKey)}`,
        'versionKey',
      )
    }
    params.versionKey = BigInt(options.versionKey)
  }
  return params
}

function addWeightsOptions(command: Command): Command {
  return addSignerOptions(
    addNetworkOptions(
      command
        .requiredOption('--netuid <n>', 'the subnet')
        .requiredOption('--uids <list>', 'comma-separated uids, e.g. 3,4,5')
        .requiredOption(
          '--weights <list>',
          'comma-separated weights on any scale, e.g. 0.2,0.3,0.5',
        )
        .option('--version-key <n>', "the validator's weights version key (default 0)"),
    ),
    'hotkey',
  )
}

function describeOutcome(outcome: RevealOutcome): string {
  const { commit } = outcome
  const what = `commit ${commit.commitHash.slice(0, 10)}… (subnet ${commit.netuid})`
  if (outcome.status === 'revealed')
    return `revealed ${what} in block ${outcome.result.blockNumber}`
  if (outcome.status === 'expired')
    return `dropped ${what}: its reveal window ended at block ${commit.revealUntil}`
  if (outcome.status === 'gone')
    return `dropped ${what}: it is no longer on chain (revealed or dropped already, or it never landed)`
  return `could not reveal ${what}: ${outcome.error.message}`
}

/** A reveal that failed, or a commit dropped unrevealed, is an epoch's weights lost: exit 2. */
function failIfLost(outcomes: readonly RevealOutcome[]): void {
  const lost = outcomes.filter((o) => o.status === 'failed' || o.status === 'expired')
  if (lost.length > 0) throw new ExitWith(EXIT_BAD_INPUT)
}

/** The hotkey's commits on this network (or on an unrecorded one, from older files). */
function hotkeysCommits(
  scheduler: RevealScheduler,
  hotkey: Keypair,
  subtensor: Subtensor,
): WeightsCommit[] {
  const genesis = subtensor.api.genesisHash.toHex()
  return scheduler.pending.filter(
    (c) => c.hotkey === hotkey.ss58 && (c.genesisHash === undefined || c.genesisHash === genesis),
  )
}

async function revealUntilDone(
  subtensor: Subtensor,
  scheduler: RevealScheduler,
  hotkey: Keypair,
  wait: boolean,
  out: Output,
): Promise<RevealOutcome[]> {
  const mine = () => hotkeysCommits(scheduler, hotkey, subtensor)
  const outcomes: RevealOutcome[] = []
  const heads = wait ? await HeadWatch.start(subtensor) : undefined
  try {
    let told = ''
    for (;;) {
      outcomes.push(
        ...(await scheduler.revealDue(subtensor, (key) =>
          key === hotkey.ss58 ? hotkey : undefined,
        )),
      )
      const left = mine()
      if (heads === undefined || left.length === 0) return outcomes
      const head = heads.latest ?? (await subtensor.blockNumber())
      const next = Math.min(...left.map((c) => c.revealFrom))
      const status = `${left.length} commit(s) waiting, the next reveal window opens at block ${next}`
      if (status !== told) out.stderr(`… block ${head}; ${status}`)
      told = status
      await heads.reach(Math.max(next, head + 1), RECHECK_MS)
    }
  } finally {
    heads?.stop()
  }
}

/**
 * A reveal window lasts one tempo, which on a devnet with fast blocks can be well under a
 * second, so the wait follows new heads rather than polling; the timer only covers a
 * subscription that went quiet.
 */
const RECHECK_MS = 12_000

class HeadWatch {
  latest: number | undefined
  #wake: (() => void) | undefined
  #target = Number.POSITIVE_INFINITY
  #unsubscribe: () => void = () => {}

  static async start(subtensor: Subtensor): Promise<HeadWatch> {
    const watch = new HeadWatch()
    watch.#unsubscribe = await subtensor.subscribeBlocks(({ number }) => {
      watch.latest = Math.max(watch.latest ?? 0, number)
      if (number >= watch.#target) watch.#wake?.()
    })
    return watch
  }

  /** Resolves at the first head numbered `target` or more, or after `ms`. */
  reach(target: number, ms: number): Promise<void> {
    if ((this.latest ?? 0) >= target) return Promise.resolve()
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer)
        this.#wake = undefined
        this.#target = Number.POSITIVE_INFINITY
        resolve()
      }
      const timer = setTimeout(wake, ms)
      this.#target = target
      this.#wake = wake
    })
  }

  stop(): void {
    this.#unsubscribe()
    this.#wake?.()
  }
}

/**
 * How to reveal a commit: the same wallet, password source and reveal file, spelt out; a
 * --uri or a --network only named, since either may hold a secret (a mnemonic, an API key).
 */
function revealAdvice(options: WeightsOptions): string {
  const words = ['taokit weights reveal --wait']
  const spelt = [
    ['--wallet.path', options['wallet.path']],
    ['--wallet.name', options['wallet.name']],
    ['--wallet.hotkey', options['wallet.hotkey']],
    ['--password-file', options.passwordFile],
    ['--password-env', options.passwordEnv],
    ['--reveal-file', options.revealFile],
  ] as const
  for (const [flag, value] of spelt) {
    // A value starting with '--' is only read as one attached.
    if (value === undefined) continue
    if (value.startsWith('--')) words.push(`${flag}=${shellWord(value)}`)
    else words.push(flag, shellWord(value))
  }
  const same = [
    ...(options.uri === undefined ? [] : ['--uri']),
    ...(options.network === defaultNetwork() ? [] : ['--network']),
  ]
  const command = words.join(' ')
  return same.length === 0 ? `with: ${command}` : `with the same ${same.join(' and ')}: ${command}`
}

/** A word the shell reads back as it is: a leading ~ or = would be expanded, so it is quoted. */
function shellWord(text: string): string {
  return /^[\w@%+:,./-][\w@%+=:,./~-]*$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`
}

const WEIGHTS_EXAMPLES = [
  'taokit weights set --netuid 1 --uids 3,4,5 --weights 0.2,0.3,0.5 --wallet.name validator',
  'taokit weights commit --netuid 1 --uids 3,4,5 --weights 1,1,2',
  'taokit weights reveal --wait',
]

export function registerWeights(program: Command, out: Output): void {
  const weights = program
    .command('weights')
    .summary("set, commit or reveal a validator's weights")
    .addHelpText(
      'after',
      [
        '',
        'Weights are converted to u16 exactly as the Python SDK does (max = 65535,',
        'zeros dropped). Checks that the chain would fail (rate limit, permit, version',
        'key, minimum count, commit-reveal state) are made before anything is paid.',
      ].join('\n'),
    )
    .addHelpText('after', examples(...WEIGHTS_EXAMPLES))
  addWeightsOptions(
    weights.command('set').summary('set weights (subnets without commit-reveal)'),
  ).action(async (options: WeightsOptions) => {
    const params = weightsParams(options)
    const hotkey = await signerFrom(options, 'hotkey', unlockNotice(out, options.json))
    await withChain(
      options,
      async (subtensor) => {
        const result = await setWeights(subtensor, hotkey, params, progressTo(out, options.json))
        printResult(out, result, options.json, `set weights on subnet ${params.netuid}`)
      },
      WEIGHTS_OPTIONS,
    )
  })
  addWeightsOptions(
    weights.command('commit').summary('commit the hash of weights, to reveal later'),
  )
    .option(
      '--reveal-file <path>',
      'where commits wait for their reveal (default ~/.bittensor/taokit/reveals.json)',
    )
    .action(async (options: WeightsOptions) => {
      const params = weightsParams(options)
      const revealFile = revealFileOf(options)
      const hotkey = await signerFrom(options, 'hotkey', unlockNotice(out, options.json))
      const scheduler = await RevealScheduler.open(revealFile)
      await withChain(
        options,
        async (subtensor) => {
          const { result, commit } = await scheduler.commit(
            subtensor,
            hotkey,
            params,
            progressTo(out, options.json),
          )
          if (options.json) out.stdout(JSON.stringify({ blockNumber: result.blockNumber, commit }))
          else {
            out.stdout(
              `committed ${commit.commitHash} in block ${result.blockNumber}; reveal between blocks ${commit.revealFrom} and ${commit.revealUntil} ${revealAdvice(options)}`,
            )
          }
        },
        WEIGHTS_OPTIONS,
      )
    })
  addSignerOptions(
    addNetworkOptions(
      weights
        .command('reveal')
        .summary("reveal this hotkey's commits whose window is open")
        .option(
          '--reveal-file <path>',
          'where commits wait (default ~/.bittensor/taokit/reveals.json)',
        )
        .option('--wait', 'wait until every commit of the hotkey is revealed or expired'),
    ),
    'hotkey',
  ).action(
    async (options: NetworkOptions & SignerOptions & { revealFile?: string; wait?: boolean }) => {
      const revealFile = revealFileOf(options)
      const hotkey = await signerFrom(options, 'hotkey', unlockNotice(out, options.json))
      const scheduler = await RevealScheduler.open(revealFile)
      await withChain(
        options,
        async (subtensor) => {
          const outcomes = await revealUntilDone(
            subtensor,
            scheduler,
            hotkey,
            options.wait === true,
            out,
          )
          const waiting = hotkeysCommits(scheduler, hotkey, subtensor)
          if (options.json) {
            out.stdout(
              JSON.stringify({
                outcomes: outcomes.map((o) => ({
                  commitHash: o.commit.commitHash,
                  status: o.status,
                  ...(o.status === 'revealed' ? { blockNumber: o.result.blockNumber } : {}),
                  ...(o.status === 'failed' ? { error: o.error.message } : {}),
                })),
                waiting,
              }),
            )
            failIfLost(outcomes)
            return
          }
          for (const outcome of outcomes) out.stdout(describeOutcome(outcome))
          failIfLost(outcomes)
          for (const commit of waiting) {
            out.stdout(
              `waiting: commit ${commit.commitHash.slice(0, 10)}… reveals between blocks ${commit.revealFrom} and ${commit.revealUntil}`,
            )
          }
          if (outcomes.length === 0 && waiting.length === 0)
            out.stdout(`no commits of ${hotkey.ss58} to reveal`)
        },
        WEIGHTS_OPTIONS,
      )
    },
  )
  shareExamples(weights, WEIGHTS_EXAMPLES)
}
