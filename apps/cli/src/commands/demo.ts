import { mkdtempSync, rmSync } from 'node:fs'
import { constants, tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  addStake,
  burnedRegister,
  formatTao,
  type Metagraph,
  previewEpoch,
  registerNetwork,
  Subtensor,
  sendCall,
  serveAxon,
  setWeights,
} from '@taokit/chain'
import { type Devnet, startDevnet } from '@taokit/devnet'
import { Keypair } from '@taokit/keys'
import { Wallet } from '@taokit/wallet'
import type { Command } from 'commander'
import { examples, prose } from '../help.js'
import type { Output } from '../io.js'
import { parseInteger } from './chain-options.js'
import { alpha, percent, renderTable } from './table.js'

const TAO = 1_000_000_000n
const TEMPO = 9
const MINERS = 6

/** Each validator scores the miners its own way; the chain's consensus reconciles them. */
const STRATEGIES = [
  {
    name: 'validator-a',
    stake: 300n * TAO,
    about: 'weights every miner by its measured quality',
    weigh: (quality: number[]) => quality,
  },
  {
    name: 'validator-b',
    stake: 100n * TAO,
    about: 'gives equal weight to the 3 best miners of the previous round',
    weigh: (_quality: number[], previous: number[]) => {
      const best = previous
        .map((q, i) => [q, i] as const)
        .sort((a, b) => b[0] - a[0])
        .slice(0, 3)
        .map(([, i]) => i)
      return previous.map((_, i) => (best.includes(i) ? 1 : 0))
    },
  },
]

/** Miner quality per round: miner-6 starts poor and keeps improving. */
function qualityAt(round: number): number[] {
  return [0.9, 0.75, 0.6, 0.45, 0.3, Math.min(0.95, 0.05 + 0.25 * round)]
}

interface Neuron {
  name: string
  coldkey: Keypair
  hotkey: Keypair
}

async function createWallets(dir: string, names: string[]): Promise<Neuron[]> {
  return Promise.all(
    names.map(async (name) => {
      const wallet = new Wallet({ path: dir, name, hotkey: 'default' })
      await wallet.create({ password: false })
      return { name, coldkey: await wallet.unlockColdkey(), hotkey: await wallet.hotkey() }
    }),
  )
}

function waitForEpoch(subtensor: Subtensor, netuid: number, after: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let unsubscribe: (() => void) | undefined
    let done = false
    subtensor
      .subscribeBlocks(({ number }) => {
        if (done) return
        subtensor
          .query('subtensorModule', 'lastMechansimStepBlock', [netuid], { block: number })
          .then((step) => {
            if (done || Number(step) <= after) return
            done = true
            unsubscribe?.()
            resolve(Number(step))
          })
          .catch(reject)
      })
      .then((stop) => {
        unsubscribe = stop
        if (done) stop()
      })
      .catch(reject)
  })
}

function epochTable(metagraph: Metagraph, names: Map<string, string>, earned: bigint[]): string {
  const rows = metagraph.hotkeys.map((hotkey, uid) => [
    String(uid),
    names.get(hotkey) ?? hotkey.slice(0, 8),
    alpha(metagraph.stake[uid] ?? 0n),
    percent(metagraph.incentive[uid] ?? 0),
    percent(metagraph.dividends[uid] ?? 0),
    percent(metagraph.validatorTrust[uid] ?? 0),
    alpha(metagraph.emission[uid] ?? 0n),
    alpha(earned[uid] ?? 0n),
  ])
  return renderTable(
    ['uid', 'neuron', 'stake α', 'incentive', 'dividends', 'vtrust', 'emission α', 'total α'],
    rows,
  )
}

/** Ctrl-C, a kill, a closed terminal: each would skip the cleanup. */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const

async function runDemo(out: Output, epochs: number): Promise<void> {
  const started = Date.now()
  const say = (text = '') => out.stdout(text)
  const dir = mkdtempSync(join(tmpdir(), 'taokit-demo-'))
  let devnet: Devnet | undefined
  let subtensor: Subtensor | undefined
  // Ctrl-C skips the finally below: the wallets (plain-text coldkeys) must not stay behind.
  const interrupted = (signal: NodeJS.Signals) => {
    rmSync(dir, { recursive: true, force: true })
    process.exit(128 + (constants.signals[signal] ?? 0))
  }
  for (const signal of STOP_SIGNALS) process.once(signal, interrupted)
  try {
    devnet = await startDevnet({ blockTime: 250 })
    subtensor = await Subtensor.connect({ network: devnet.url })
    const chain = subtensor
    say(
      `1. Started taokit's local devnet at ${devnet.url} (a block every 250 ms, no network needed).`,
    )

    const minerNames = Array.from({ length: MINERS }, (_, i) => `miner-${i + 1}`)
    const [owner, ...neurons] = await createWallets(dir, [
      'owner',
      ...STRATEGIES.map((s) => s.name),
      ...minerNames,
    ])
    const validators = neurons.slice(0, STRATEGIES.length)
    const miners = neurons.slice(STRATEGIES.length)
    const alice = Keypair.fromUri('//Alice')
    const funding = [owner!, ...neurons].map((n) =>
      chain.api.tx.balances!.transferKeepAlive!(
        n.coldkey.ss58,
        n === owner ? 2_000n * TAO : 1_000n * TAO,
      ),
    )
    ;(await sendCall(chain, alice, ['utility', 'batchAll', [funding]])).orThrow()
    say(
      `2. Created ${neurons.length + 1} wallets in ${dir} and funded them from //Alice, the devnet's rich account.`,
    )

    const registered = (
      await registerNetwork(chain, owner!.coldkey, { hotkey: owner!.hotkey.ss58 })
    ).orThrow()
    const netuid = (registered.event('subtensorModule', 'NetworkAdded')!.data as number[])[0]!
    ;(await sendCall(chain, owner!.coldkey, ['subtensorModule', 'startCall', [netuid]])).orThrow()
    for (const [name, value] of [
      ['sudoSetTempo', TEMPO],
      ['sudoSetWeightsSetRateLimit', 0],
      ['sudoSetCommitRevealWeightsEnabled', false],
    ] as const) {
      ;(
        await sendCall(chain, alice, ['adminUtils', name, [netuid, value]], { sudo: true })
      ).orThrow()
    }
    // A subnet takes one registration per block, as on finney.
    for (const n of neurons) {
      ;(await burnedRegister(chain, n.coldkey, { netuid, hotkey: n.hotkey.ss58 })).orThrow()
    }
    await Promise.all([
      ...validators.map(async (v, i) =>
        (
          await addStake(chain, v.coldkey, {
            netuid,
            hotkey: v.hotkey.ss58,
            amount: STRATEGIES[i]!.stake,
          })
        ).orThrow(),
      ),
      ...miners.map(async (m, i) =>
        (
          await serveAxon(chain, m.hotkey, { netuid, ip: `203.0.113.${i + 1}`, port: 8091 })
        ).orThrow(),
      ),
    ])
    say(
      `3. Registered subnet ${netuid} (an epoch every ${TEMPO + 1} blocks), ${validators.length} validators and ${miners.length} miners; the validators staked ${STRATEGIES.map((s) => formatTao(s.stake)).join(' and ')}.`,
    )
    for (const [i, s] of STRATEGIES.entries()) say(`   ${validators[i]!.name} ${s.about}.`)

    const names = new Map([
      [owner!.hotkey.ss58, 'owner'],
      ...neurons.map((n) => [n.hotkey.ss58, n.name] as const),
    ])
    let lastEpoch = await waitForEpoch(chain, netuid, await chain.blockNumber())
    say(
      `4. The first epoch (block ${lastEpoch}) gave the staked validators their permits. Now ${epochs} epochs:`,
    )

    const earned: bigint[] = []
    let previous = qualityAt(0)
    let exact = 0
    const firstIncentive: number[] = []
    let lastGraph: Metagraph | undefined
    for (let round = 1; round <= epochs; round++) {
      const quality = qualityAt(round)
      await Promise.all(
        validators.map(async (v, i) => {
          const weights = STRATEGIES[i]!.weigh(quality, previous)
          const uids = miners.map((_, m) => 1 + validators.length + m)
          ;(await setWeights(chain, v.hotkey, { netuid, uids, weights })).orThrow()
        }),
      )
      previous = quality
      const epochBlock = await waitForEpoch(chain, netuid, lastEpoch)
      lastEpoch = epochBlock
      const [metagraph, preview] = await Promise.all([
        chain.metagraph(netuid, { block: epochBlock }),
        previewEpoch(chain, netuid, { block: epochBlock - 1 }),
      ])
      const matches =
        preview.epochBlock === epochBlock &&
        metagraph.incentive.every((v, uid) => v === preview.output.incentive[uid]) &&
        metagraph.dividends.every((v, uid) => v === preview.output.dividends[uid]) &&
        metagraph.emission.every((v, uid) => v === preview.output.emission[uid])
      if (matches) exact += 1
      metagraph.emission.forEach((e, uid) => {
        earned[uid] = (earned[uid] ?? 0n) + e
      })
      if (round === 1) firstIncentive.push(...metagraph.incentive)
      lastGraph = metagraph
      say()
      say(
        `   epoch ${round} at block ${epochBlock}; miner quality now ${quality.map((q) => q.toFixed(2)).join(' ')}; taokit's preview ${matches ? 'matched the chain exactly' : 'DIFFERED from the chain'}`,
      )
      say(epochTable(metagraph, names, earned))
    }

    const graph = lastGraph!
    const minerUids = miners.map((_, m) => 1 + validators.length + m)
    const best = minerUids.reduce((a, b) => ((earned[b] ?? 0n) > (earned[a] ?? 0n) ? b : a))
    const improver = minerUids.at(-1)!
    const seconds = ((Date.now() - started) / 1000).toFixed(1)
    say()
    say(`Summary (${seconds} s, all offline):`)
    say(
      `- Miners are paid by incentive, which follows the stake-weighted consensus of the validators' weights: ${names.get(graph.hotkeys[best]!)} earned the most, ${formatTao(earned[best] ?? 0n).replace('TAO', 'α')}.`,
    )
    say(
      `- ${names.get(graph.hotkeys[improver]!)} kept improving: its incentive went from ${percent(firstIncentive[improver] ?? 0)} to ${percent(graph.incentive[improver] ?? 0)}.`,
    )
    const [a, b] = [1, 2].map((uid) => earned[uid] ?? 0n)
    say(
      `- Validators are paid dividends for weights that agree with consensus, in proportion to stake: validator-a earned ${formatTao(a!).replace('TAO', 'α')}, validator-b ${formatTao(b!).replace('TAO', 'α')}.`,
    )
    say(
      `- taokit's local epoch preview matched the chain in ${exact} of ${epochs} epochs, bit for bit.`,
    )
    say(
      'Try next: `taokit devnet` keeps a devnet running; against it, `taokit metagraph --netuid 1`,',
    )
    say('`taokit epoch --netuid 1 --format table` and the other commands in the README.')
  } finally {
    // First, so that a Ctrl-C while the chain shuts down has nothing left to remove.
    rmSync(dir, { recursive: true, force: true })
    for (const signal of STOP_SIGNALS) process.off(signal, interrupted)
    await subtensor?.close()
    await devnet?.stop()
  }
}

export function registerDemo(program: Command, out: Output): void {
  program
    .command('demo')
    .summary('a subnet on a local devnet: 2 validators, 6 miners, 5 epochs, in about 30 seconds')
    .description(
      prose(
        'Starts the devnet, creates wallets, registers a subnet with 2 validators and 6 miners,',
        'lets the validators set weights each with its own strategy, and prints the metagraph',
        'after each epoch: incentive, dividends and emission as the chain computes them. Needs',
        'no network. This is what `npm start` runs.',
      ),
    )
    .option('--epochs <n>', 'how many epochs to run', '5')
    .addHelpText('after', examples('taokit demo', 'taokit demo --epochs 10'))
    .action(async (options: { epochs: string }) => {
      await runDemo(out, parseInteger(options.epochs, '--epochs', 100, 1))
    })
}
