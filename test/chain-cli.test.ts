import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Subtensor, sendCall } from '@taokit/chain'
import { type Devnet, startDevnet } from '@taokit/devnet'
import { Keypair, ss58Encode } from '@taokit/keys'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { npxTaokit, root, taokitBin } from './npx.js'

let devnet: Devnet
const dir = mkdtempSync(join(tmpdir(), 'taokit-chain-cli-'))
const owner = Keypair.fromUri('//Alice//cli-owner')
const miner = Keypair.fromUri('//Bob//cli-miner')

beforeAll(async () => {
  devnet = await startDevnet()
})

afterAll(async () => {
  await devnet?.stop()
  rmSync(dir, { recursive: true, force: true })
})

const ONE_WEIGHT = ['--netuid', '1', '--uids', '1', '--weights', '1']

/** `taokit ...` against the test's devnet (one case goes through npx, as users run it). */
function taokit(...args: string[]) {
  const result = taokitBin([...args, '--network', devnet.url])
  return { ...result, json: () => JSON.parse(result.stdout) as Record<string, unknown> }
}

// Several CLI runs per test, each a new node process loading @polkadot/api: give the
// cases room when npm test runs the Rust suites on the same two cores.
describe('taokit chain commands on the devnet', { timeout: 180_000 }, () => {
  it('creates a subnet, registers, stakes and transfers, printing each outcome', () => {
    const created = taokit('subnets', 'create', '--uri', '//Alice', '--hotkey', owner.ss58)
    expect(created.stderr).toBe('… signed; submitting\n… in the pool; waiting for a block\n')
    expect(created.stdout).toMatch(/^registered subnet 1 in block \d+ \(fee 0\.\d+ TAO\)/)
    const registered = taokit('register', '--netuid', '1', '--uri', '//Bob', '--hotkey', miner.ss58)
    expect(registered.stdout).toMatch(/registered \S+ on subnet 1 as uid 1 in block/)
    expect(taokit('subnets', '--json').json()).toMatchObject([
      { netuid: 1, ownerHotkey: owner.ss58 },
    ])

    const notStarted = taokit(
      'stake',
      'add',
      '--netuid',
      '1',
      '--amount',
      '5',
      '--uri',
      '//Bob',
      '--hotkey',
      miner.ss58,
    )
    expect(notStarted.status).toBe(2)
    expect(notStarted.stderr).toMatch(
      /subnet 1 has not started yet; its owner must call start_call/,
    )

    const sent = taokit(
      'transfer',
      '--dest',
      miner.ss58,
      '--amount',
      '2.5',
      '--uri',
      '//Alice',
      '--json',
    )
    expect(sent.status).toBe(0)
    expect(sent.json()).toMatchObject({ succeeded: true, error: null })
  })

  it('prints the metagraph as a table and as JSON, and previews the epoch', () => {
    const table = taokit('metagraph', '--netuid', '1')
    expect(table.status).toBe(0)
    expect(table.stdout).toMatch(/^subnet 1 at block \d+: 2 neurons, tempo 360/)
    expect(table.stdout).toMatch(/uid +hotkey +vp +stake α +incentive/)
    const json = taokit('metagraph', '--netuid', '1', '--json', '--weights').json()
    expect(json).toMatchObject({ netuid: 1, n: 2, hotkeys: [owner.ss58, miner.ss58] })
    expect(json.stake).toEqual(['0', '0'])
    const preview = taokit('epoch', '--netuid', '1').json()
    expect(preview).toMatchObject({ netuid: 1, epochBlock: 358 })
    expect((preview.output as { incentive: number[] }).incentive).toHaveLength(2)
  })

  it('commits weights to a reveal file and reports the reveal window', async () => {
    const file = join(dir, 'reveals.json')
    const commit = (uri: string) =>
      taokit('weights', 'commit', ...ONE_WEIGHT, '--uri', uri, '--reveal-file', file)
    const stranger = commit('//Nobody')
    expect(stranger.status).toBe(2)
    expect(stranger.stderr).toMatch(/is not registered on subnet 1; register it first/)
    expect(stranger.stderr).not.toMatch(/\n\s+at /)
    const tooFast = commit('//Bob//cli-miner')
    // Registering counts as setting weights, so the rate limit applies at once.
    expect(tooFast.status).toBe(2)
    expect(tooFast.stderr).toMatch(
      /^taokit: uid 1 last set weights at block \d+; subnet 1 allows once every 100 blocks, so the next can land in block \d+/,
    )
    // npx runs synchronously here and blocks this process's event loop, so connect only now.
    const subtensor = await Subtensor.connect({ network: devnet.url })
    const rateLimit = ['adminUtils', 'sudoSetWeightsSetRateLimit', [1, 0]] as const
    await sendCall(subtensor, Keypair.fromUri('//Alice'), rateLimit, { sudo: true })
    await subtensor.close()
    const committed = commit('//Bob//cli-miner')
    expect(committed.stdout).toMatch(
      /committed 0x[0-9a-f]{64} in block \d+; reveal between blocks \d+ and \d+/,
    )
    // The reveal it suggests names the same reveal file, and the --uri without repeating it.
    expect(committed.stdout).toContain(
      `with the same --uri and --network: taokit weights reveal --wait --reveal-file ${file}`,
    )
    const waiting = taokit('weights', 'reveal', '--uri', '//Bob//cli-miner', '--reveal-file', file)
    expect(waiting.stdout).toMatch(/waiting: commit 0x[0-9a-f]{8}… reveals between blocks/)
    const set = taokit('weights', 'set', ...ONE_WEIGHT, '--uri', '//Bob//cli-miner')
    expect(set.status).toBe(2)
    expect(set.stderr).toMatch(/^taokit: subnet 1 has commit-reveal on: commit weights now/)
  })

  it('exits 2 naming the option for bad input, without a stack trace', () => {
    const cases: Array<[string[], RegExp]> = [
      [['metagraph', '--netuid', 'one'], /--netuid: expected an integer in 0\.\.65535, got "one"/],
      [
        ['transfer', '--dest', miner.ss58, '--amount', '1.2.3', '--uri', '//Alice'],
        /--amount: expected an amount/,
      ],
      [
        ['weights', 'set', '--netuid', '1', '--uids', '1,2', '--weights', '1', '--uri', '//Bob'],
        /--weights: expected one weight per uid \(2\), got 1/,
      ],
      [['metagraph', '--netuid', '7'], /subnet 7 does not exist/],
      [
        ['transfer', '--dest', 'nowhere', '--amount', '1', '--uri', '//Alice'],
        /--dest: expected an SS58 address, got "nowhere"/,
      ],
      [
        ['transfer', '--dest', ss58Encode(miner.publicKey, 0), '--amount', '1', '--uri', '//Alice'],
        /--dest: expected a Bittensor address \(SS58 prefix 42\), got one of prefix 0/,
      ],
      [
        ['stake', 'add', '--netuid', '1', '--amount', '1', '--uri', '//Bob', '--wallet.path', dir],
        /--hotkey: not given, and the wallet has no hotkey: .*no such key file/,
      ],
      [
        ['stake', 'add', '--netuid', '1', '--amount', '1', '--allow-partial', '--uri', '//Bob'],
        /--allow-partial: only means something with --limit-price/,
      ],
      [
        ['transfer', '--dest', miner.ss58, '--amount', '0', '--uri', '//Alice'],
        /--amount: expected more than 0 and at most 18446744073\.709551615, got "0"/,
      ],
      [['metagraph', '--netuid', '1', '--block', '99999'], /^taokit: --block: block 99999 does/],
      [['metagraph', '--netuid', '1', '--timeout', '1e3'], /--timeout: expected milliseconds/],
      [['epoch', '--netuid', '1', '--case', '0'], /--case: picks a case of an --input file/],
      [['epoch', '--input', 'state.json', '--block', '5'], /--block: reads the chain with/],
      [
        ['weights', 'set', '--netuid', '1', '--uids', '1', '--weights', '-1', '--uri', '//Bob'],
        /^taokit: --weights: /,
      ],
      [
        [
          'weights',
          'set',
          ...ONE_WEIGHT,
          '--version-key',
          '18446744073709551616',
          '--uri',
          '//Bob',
        ],
        /^taokit: --version-key: /,
      ],
      [
        ['weights', 'set', '--netuid', '1', '--uids', '0x1', '--weights', '1', '--uri', '//Bob'],
        /^taokit: --uids: expected an integer in 0\.\.65535, got "0x1"/,
      ],
    ]
    for (const [args, message] of cases) {
      const result = taokit(...args)
      expect({ args, status: result.status }).toEqual({ args, status: 2 })
      expect(result.stderr).toMatch(message)
      expect(result.stderr).not.toMatch(/\n\s+at /)
    }
    const unknown = npxTaokit(['metagraph', '--netuid', '1', '--network', 'finny'])
    expect(unknown.status).toBe(2)
    expect(unknown.stderr).toMatch(/--network: expected one of finney, test, archive, local/)
  })

  it('takes a development key as its own hotkey when --hotkey is not given', () => {
    // With no wallet at all: the hotkey is //Charlie's own address, not the default wallet's.
    const created = taokit('subnets', 'create', '--uri', '//Charlie', '--wallet.path', dir)
    expect(created.stderr).not.toMatch(/key file/)
    expect(created.stdout).toMatch(/^registered subnet \d+ in block/)
    const owners = (
      taokit('subnets', '--json').json() as unknown as Array<{ ownerHotkey: string }>
    ).map((subnet) => subnet.ownerHotkey)
    expect(owners).toContain(Keypair.fromUri('//Charlie').ss58)
  })

  it('reports the stake a price limit let in, not the amount asked', () => {
    expect(taokit('subnets', 'start', '--netuid', '1', '--uri', '//Alice').status).toBe(0)
    // The price limit lets only part of the 500 TAO in: the summary says what was filled.
    const partial = taokit(
      'stake',
      'add',
      ...['--netuid', '1', '--amount', '500', '--uri', '//Bob', '--hotkey', miner.ss58],
      ...['--limit-price', '1.01', '--allow-partial'],
    )
    expect(partial.status).toBe(0)
    const [, staked, alpha] = /^staked (\S+) TAO to \S+ on subnet 1, for (\S+) α/.exec(
      partial.stdout,
    ) ?? ['', '', '']
    expect(Number(staked)).toBeGreaterThan(0)
    expect(Number(staked)).toBeLessThan(500)
    expect(Number(alpha)).toBeGreaterThan(0)
    const tooMuch = taokit(
      'stake',
      'remove',
      ...['--netuid', '1', '--amount', '1000000', '--uri', '//Bob', '--hotkey', miner.ss58],
    )
    expect(tooMuch.status).toBe(2)
    expect(tooMuch.stderr).toMatch(
      /^taokit: --amount: \S+ has [\d.]+ α staked on \S+ in subnet 1, less than the 1000000 α asked/m,
    )
  })
})

it('npm start (taokit demo) runs a subnet to its summary offline', () => {
  const result = npxTaokit(['demo', '--epochs', '1'])
  expect(result.status).toBe(0)
  expect(result.stdout).toMatch(/Registered subnet 1 .* 2 validators and 6 miners/)
  expect(result.stdout).toMatch(/epoch 1 at block \d+; .* preview matched the chain exactly/)
  expect(result.stdout).toMatch(/matched the chain in 1 of 1 epochs, bit for bit/)
}, 120_000)

it('taokit demo stopped with Ctrl-C leaves no wallets behind', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'taokit-demo-tmp-'))
  const child = spawn(process.execPath, [join(root, 'node_modules', '.bin', 'taokit'), 'demo'], {
    cwd: root,
    env: { ...process.env, TMPDIR: tmp },
  })
  let stdout = ''
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString()
  })
  // Once the subnet exists, its wallets are on disk.
  await expect.poll(() => stdout, { timeout: 60_000, interval: 100 }).toMatch(/Registered subnet/)
  expect(readdirSync(tmp).some((name) => name.startsWith('taokit-demo-'))).toBe(true)
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
  child.kill('SIGINT')
  expect(await exited).toBe(130)
  expect(readdirSync(tmp)).toEqual([])
  rmSync(tmp, { recursive: true, force: true })
}, 90_000)
