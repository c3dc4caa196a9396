import { spawnSync } from 'node:child_process'
import { closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, writeFileSync } from 'node:fs'
import { type AddressInfo, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ChainError, ChainErrorCode } from '@taokit/chain'
import { describeWithShared, loadYumaCases, sharedPath } from '@taokit/testing'
import { describe, expect, it } from 'vitest'
import { report } from '../src/errors.js'
import { run } from '../src/program.js'

async function cli(...argv: string[]) {
  const stdout: string[] = []
  const stderr: string[] = []
  const code = await run(argv, { stdout: (t) => stdout.push(t), stderr: (t) => stderr.push(t) })
  return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n') }
}

function tempFile(name: string, content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'taokit-cli-')), name)
  writeFileSync(path, content)
  return path
}

describeWithShared('taokit epoch on the shared vectors', () => {
  const cases = loadYumaCases()
  // Every fifth case keeps the run short; the TS and Rust suites cover all of them.
  const sample = cases.filter((_, i) => i % 5 === 0)

  it.each(sample.map((c) => [`${c.file} / ${c.name}`, c] as const))('%s', async (_, c) => {
    const path = tempFile('input.json', JSON.stringify(c.input))
    const result = await cli('epoch', '--input', path)
    expect(result.code).toBe(0)
    expect(JSON.parse(result.stdout)).toEqual(c.expected)
  })

  it('takes a case from a multi-case vector file by index or name', async () => {
    const file = sharedPath('vectors', 'yuma', 'subtensor_test_bonds.json')
    const byIndex = await cli('epoch', '--input', file, '--case', '3')
    const cases3 = cases.filter((c) => c.file === 'subtensor_test_bonds.json')
    expect(JSON.parse(byIndex.stdout)).toEqual(cases3[3]!.expected)
    const byName = await cli('epoch', '--input', file, '--case', cases3[2]!.name)
    expect(JSON.parse(byName.stdout)).toEqual(cases3[2]!.expected)
  })

  it('runs every case of a multi-case vector file, in order', async () => {
    const file = 'subtensor_test_bonds.json'
    const result = await cli('epoch', '--input', sharedPath('vectors', 'yuma', file))
    expect(result.code).toBe(0)
    expect(JSON.parse(result.stdout)).toEqual(
      cases.filter((c) => c.file === file).map((c) => c.expected),
    )
  })

  it('asks which case to simulate from a multi-case file', async () => {
    const file = sharedPath('vectors', 'yuma', 'subtensor_test_bonds.json')
    const result = await cli('simulate', '--input', file)
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/holds 9 cases; choose one with --case/)
  })
})

describe('taokit epoch, bad input', () => {
  it('exits 2 naming the bad field, without a stack trace', async () => {
    const path = tempFile('bad.json', JSON.stringify({ n: 2, block: 1 }))
    const result = await cli('epoch', '--input', path)
    expect(result.code).toBe(2)
    expect(result.stderr).toBe('taokit: hyperparams: expected an object, got undefined')
  })

  it('exits 2 for a missing file, broken JSON and missing options', async () => {
    expect((await cli('epoch', '--input', '/nonexistent/x.json')).stderr).toMatch(
      /cannot read .* \(no such file\)/,
    )
    const broken = await cli('epoch', '--input', tempFile('broken.json', '{"n": 2,'))
    expect(broken.code).toBe(2)
    expect(broken.stderr).toMatch(/is not valid JSON/)
    const missing = await cli('epoch')
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/give either --input <file> or --netuid <n>/)
    const unknown = await cli('epoch', '--nope')
    expect(unknown.code).toBe(2)
  })
})

describe('taokit help and simulate', () => {
  it('teaches with examples', async () => {
    const result = await cli('epoch', '--help')
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/Examples:\n {2}\$ taokit epoch --input subnet.json/)
    expect(result.stdout).toMatch(/Exit codes: 0 done, 2 bad input/)
    // Every command and command group the README lists shows examples.
    const commands = ['simulate', 'wallet', 'sign', 'verify', 'devnet', 'demo', 'metagraph']
    commands.push('subnets', 'register', 'weights', 'stake', 'transfer', 'axon serve')
    commands.push('wallet create', 'wallet regen-coldkey', 'wallet regen-hotkey', 'wallet list')
    commands.push('wallet show', 'weights set', 'weights commit', 'weights reveal', 'stake add')
    commands.push('stake remove', 'subnets create', 'subnets start')
    for (const command of commands) {
      const help = await cli(...command.split(' '), '--help')
      expect(help.stdout, command).toMatch(new RegExp(`Examples:\\n {2}\\$ taokit ${command}`))
    }
  })

  it('simulates the example subnet as a table and as JSON', async () => {
    const table = await cli('simulate', '--example', '--steps', '3')
    expect(table.code).toBe(0)
    expect(table.stdout).toMatch(/Epoch 3 of 3/)
    expect(table.stdout).toMatch(/Summary/)
    const json = await cli('simulate', '--example', '--steps', '2', '--json')
    const outputs = JSON.parse(json.stdout) as unknown[]
    expect(outputs).toHaveLength(2)
    const bothJson = await cli('simulate', '--example', '--steps', '2', '--json', '-f', 'json')
    expect(bothJson.stdout).toBe(json.stdout)
  })

  it('refuses --json with --format table rather than pick one', async () => {
    for (const command of ['simulate --example', 'epoch --input -']) {
      const result = await cli(...command.split(' '), '--json', '--format', 'table')
      expect(result.code, command).toBe(2)
      expect(result.stderr, command).toBe(
        'taokit: --json: contradicts --format table; give one of them',
      )
    }
  })

  it('asks for --input or --example when given neither', async () => {
    const result = await cli('simulate')
    expect(result.code).toBe(2)
    expect(result.stderr).toBe('taokit: give exactly one of --input <file> and --example')
  })

  it('rejects a bad step count', async () => {
    const result = await cli('simulate', '--example', '--steps', 'many')
    expect(result.code).toBe(2)
    expect(result.stderr).toBe('taokit: --steps: expected a whole number from 1 to 10000, got many')
  })
})

describe('$BT_SUBTENSOR_CHAIN_ENDPOINT', () => {
  it('is named when it is what was wrong, and counts as unset when empty', async () => {
    const saved = process.env.BT_SUBTENSOR_CHAIN_ENDPOINT
    try {
      process.env.BT_SUBTENSOR_CHAIN_ENDPOINT = 'finny'
      const bad = await cli('metagraph', '--netuid', '1')
      expect(bad.code).toBe(2)
      expect(bad.stderr).toMatch(/^taokit: \$BT_SUBTENSOR_CHAIN_ENDPOINT: expected one of finney/)
      const serve = await cli('axon', 'serve', '--uri', '//Bob', '--netuid', '1', '--port', '0')
      expect(serve.stderr).toMatch(/^taokit: \$BT_SUBTENSOR_CHAIN_ENDPOINT: expected one of/)
      process.env.BT_SUBTENSOR_CHAIN_ENDPOINT = ''
      const typed = await cli('metagraph', '--netuid', '1', '--network', '')
      expect(typed.stderr).toMatch(/^taokit: --network: expected one of/)
      const empty = await cli('metagraph', '--netuid', '1', '--timeout', '300')
      expect(empty.stderr).toBe('taokit: could not connect to ws://127.0.0.1:9944 within 300 ms')
    } finally {
      if (saved === undefined) delete process.env.BT_SUBTENSOR_CHAIN_ENDPOINT
      else process.env.BT_SUBTENSOR_CHAIN_ENDPOINT = saved
    }
  })
})

describe('subnets create and start', () => {
  it('take the network options typed before them, and refuse --block there', async () => {
    const before = ['subnets', '--network', 'ws://127.0.0.1:9', '--timeout', '300']
    const created = await cli(...before, 'create', '--uri', '//Alice', '--yes')
    expect(created.code).toBe(3)
    expect(created.stderr).toBe('taokit: could not connect to ws://127.0.0.1:9 within 300 ms')
    const started = await cli(...before, 'start', '--netuid', '1', '--uri', '//Alice')
    expect(started.stderr).toBe('taokit: could not connect to ws://127.0.0.1:9 within 300 ms')
    const twice = await cli(...before, 'start', '--netuid', '1', '-n', 'local', '--uri', '//Alice')
    expect(twice).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^taokit: --network: given both/),
    })
    const block = await cli('subnets', '--block', '3', 'create', '--uri', '//Alice')
    expect(block).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^taokit: --block: only for listing/),
    })
  })
})

describe('chain commands, bad input', () => {
  // Nothing listens on port 9: each input is checked before connecting, or the command
  // would end with exit code 3 after the timeout.
  const offline = ['--network', 'ws://127.0.0.1:9', '--timeout', '2000']
  it.each([
    [
      ['transfer', '--dest', '5Fbad', '--amount', '1', '--uri', '//Alice'],
      '--dest: expected an SS58 address',
    ],
    [
      ['stake', 'add', '--netuid', '1', '--amount', '1', '--hotkey', 'x', '--uri', '//Alice'],
      '--hotkey: expected an SS58 address',
    ],
    [
      ['register', '--netuid', '1', '--hotkey', 'x', '--uri', '//Alice'],
      '--hotkey: expected an SS58 address',
    ],
    [
      ['subnets', 'create', '--hotkey', 'x', '--uri', '//Alice'],
      '--hotkey: expected an SS58 address',
    ],
    [['demo', '--epochs', '0'], '--epochs: expected an integer in 1..100'],
    [
      ['weights', 'reveal', '--reveal-file', ' ', '--uri', '//Bob'],
      '--reveal-file: expected a file path, got an empty one',
    ],
    // Block numbers are u32: 2^32 was sent to the node, which refused it in its own words.
    [
      ['metagraph', '--netuid', '1', '--block', '4294967296'],
      '--block: expected an integer in 0..4294967295',
    ],
  ])('%j exits 2 naming the option, before connecting', async (args, message) => {
    const result = await cli(...args, ...(args[0] === 'demo' ? [] : offline))
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(new RegExp(`^taokit: ${message.replace(/\./g, '\\.')}`))
  })

  it('names --network for an unknown network, and exits 3 when the node cannot be reached', async () => {
    const unknown = await cli('metagraph', '--netuid', '1', '--network', 'foo')
    expect([unknown.code, unknown.stderr]).toEqual([
      2,
      'taokit: --network: expected one of finney, test, archive, local or a ws:// or wss:// URL, got "foo"',
    ])
    const nowhere = ['--network', 'ws://127.0.0.1:9', '--timeout', '500']
    const unreachable = await cli('metagraph', '--netuid', '1', ...nowhere)
    expect(unreachable.code).toBe(3)
    expect(unreachable.stderr).toMatch(
      /^taokit: could not connect to ws:\/\/127\.0\.0\.1:9 within 500 ms/,
    )
    const serving = await cli(
      'axon',
      'serve',
      '--netuid',
      '1',
      ...nowhere,
      '--uri',
      '//Bob',
      '--port',
      '0',
    )
    expect(serving.code).toBe(3)
    expect(serving.stderr).toMatch(/taokit: --network: could not connect/)
  })

  it('exits 2, not 3, for a transaction sent but not seen in a block: it may still land', () => {
    const lines: string[] = []
    const sent = new ChainError(
      ChainErrorCode.TransactionPending,
      'not in a block within 60000 ms; check before sending it again',
    )
    expect(report(sent, (line) => lines.push(line))).toBe(2)
    // Nothing was sent: the node was not reached, or a request (a read) got no answer.
    for (const code of [ChainErrorCode.Unreachable, ChainErrorCode.Timeout]) {
      expect(
        report(new ChainError(code, 'no answer'), () => {}),
        code,
      ).toBe(3)
    }
    expect(lines).toEqual(['taokit: not in a block within 60000 ms; check before sending it again'])
  })
})

describe('taokit devnet, bad input', () => {
  it('exits 2 for a fork state it cannot read, or a data dir that is a file', async () => {
    const noFork = ['--fork-state', join(tmpdir(), 'no-such-fork.json')]
    expect((await cli('devnet', '--port', '0', ...noFork)).code).toBe(2)
    const file = tempFile('not-a-dir', '')
    expect((await cli('devnet', '--port', '0', '--data-dir', file)).code).toBe(2)
  })

  it('exits 2 naming --port when the port is taken', async () => {
    const taken = createServer()
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve))
    const { port } = taken.address() as AddressInfo
    try {
      const bin = fileURLToPath(new URL('../bin/taokit.js', import.meta.url))
      const result = spawnSync(process.execPath, [bin, 'devnet', '--port', String(port)], {
        encoding: 'utf8',
        timeout: 30_000,
      })
      expect(result.status).toBe(2)
      expect(result.stderr).toContain(`--port: 127.0.0.1:${port} is already in use`)
    } finally {
      taken.close()
    }
  })

  it.each([
    [['--block-time', 'soon'], /^taokit: --block-time: expected instant, manual, or a duration/],
    [['--port', '70000'], /^taokit: --port: expected an integer in 0\.\.65535, got "70000"/],
    // Number('') is 0, a free port: the devnet started where nobody would find it.
    [['--port', ''], /^taokit: --port: expected an integer in 0\.\.65535, got ""/],
    [['--port', '1e3'], /^taokit: --port: expected an integer/],
  ])('%j exits 2 naming the option', async (args, message) => {
    const result = await cli('devnet', ...args)
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(message)
  })
})

describe('taokit wallet --json', () => {
  it('gives each key of wallet create the fields of the regen command that writes it', async () => {
    const root = mkdtempSync(join(tmpdir(), 'taokit-cli-wallet-'))
    const at = ['--wallet.path', root, '--json']
    const created = await cli('wallet', 'create', '--wallet.name', 'a', '--no-use-password', ...at)
    expect(created.code).toBe(0)
    const { coldkey, hotkey } = JSON.parse(created.stdout) as Record<string, { mnemonic: string }>
    const cold = await cli(
      'wallet',
      'regen-coldkey',
      '--wallet.name',
      'b',
      '--no-use-password',
      '--mnemonic',
      coldkey!.mnemonic,
      ...at,
    )
    const hot = await cli(
      'wallet',
      'regen-hotkey',
      '--wallet.name',
      'b',
      '--mnemonic',
      hotkey!.mnemonic,
      ...at,
    )
    const badMnemonic = await cli(
      'wallet',
      'regen-coldkey',
      '--wallet.name',
      'c',
      '--no-use-password',
      '--mnemonic',
      'not twelve words',
      ...at,
    )
    expect([badMnemonic.code, badMnemonic.stderr]).toEqual([
      2,
      'taokit: --mnemonic: not a valid BIP39 mnemonic (English words, 12 to 24 of them, with a valid checksum)',
    ])
    const fields = (text: string) => Object.keys(JSON.parse(text) as object).sort()
    expect(Object.keys(coldkey!).sort()).toEqual([...fields(cold.stdout), 'mnemonic'].sort())
    expect(Object.keys(hotkey!).sort()).toEqual([...fields(hot.stdout), 'mnemonic'].sort())
  })
})

describe("btcli's option spellings", () => {
  const signed = async (...argv: string[]) => {
    const result = await cli('sign', '--uri', '//Alice', '--json', ...argv)
    expect(result.code).toBe(0)
    return Buffer.from((JSON.parse(result.stdout) as { message: string }).message.slice(2), 'hex')
  }

  it('are refused, as any option is, where a value was forgotten', async () => {
    for (const [argv, message] of [
      [
        ['sign', '--message', '--chain', '--uri', '//Alice'],
        '--message: expected a value, got the option --chain (write --message=--chain if that is the value)',
      ],
      [['sign', '--message', '--json'], '--message: expected a value, got the option --json'],
      [['devnet', '--data-dir', '--quiet'], '--data-dir: expected a value, got the option --quiet'],
      [['metagraph', '-n', '--json'], '--network: expected a value, got the option --json'],
      [
        ['sign', '--uri', '//Alice', '-m', '--', '--json'],
        '--message: expected a value, got the option --',
      ],
      [
        ['sign', '-m', '--json'],
        '--message: expected a value, got the option --json (write --message=--json if that is the value)',
      ],
    ] as const) {
      const result = await cli(...argv)
      expect(result.code, argv.join(' ')).toBe(2)
      expect(result.stderr, argv.join(' ')).toContain(`taokit: ${message}`)
    }
  })

  it('are read as ours where an option name goes, and nowhere else', async () => {
    // A value that happens to be an alias, or a word an object has by inheritance.
    expect((await signed('--message=--chain')).toString()).toBe('--chain')
    expect((await signed('--message', 'constructor')).toString()).toBe('constructor')
    expect((await signed('--message=__proto__')).toString()).toBe('__proto__')
    // --weights takes a value in `weights set`, not in `metagraph`: the alias after it is one.
    const metagraph = await cli(
      'metagraph',
      '--netuid',
      '1',
      '--weights',
      '--chain',
      'ws://127.0.0.1:9',
      '--timeout',
      '300',
    )
    expect(metagraph.stderr).toBe('taokit: could not connect to ws://127.0.0.1:9 within 300 ms')
    const root = mkdtempSync(join(tmpdir(), 'taokit-alias-'))
    const listed = await cli('wallet', 'list', '--wallet_path', root, '--json')
    expect(listed).toMatchObject({ code: 0, stdout: '[]' })
  })
})

describe('a password for a key stored in plain text', () => {
  it('is refused rather than ignored, saying how to encrypt the key', async () => {
    const root = mkdtempSync(join(tmpdir(), 'taokit-cli-plain-'))
    const passwordFile = tempFile('pw', 'secret\n')
    const at = ['--wallet.path', root, '--wallet.name', 'w']
    const seed = `0x${'11'.repeat(32)}`
    const hotkey = await cli(
      'wallet',
      'regen-hotkey',
      ...at,
      '--seed',
      seed,
      '--password-file',
      passwordFile,
    )
    expect(hotkey.code).toBe(2)
    expect(hotkey.stderr).toMatch(
      /^taokit: --password-file: without --use-password the hotkey is stored in plain text.*add --use-password$/,
    )
    const cold = await cli('wallet', 'create', ...at, '--no-use-password', '--password-env', 'HOME')
    expect(cold.code).toBe(2)
    expect(cold.stderr).toMatch(
      /^taokit: --password-env: with --no-use-password the coldkey .*drop --no-use-password$/,
    )
    expect(readdirSync(root)).toEqual([])
  })
})

describe('output that cannot be written', () => {
  it('ends the command with one line and exit code 74, not a stack trace or success', () => {
    const bin = fileURLToPath(new URL('../bin/taokit.js', import.meta.url))
    const full = openSync('/dev/full', 'w')
    try {
      const result = spawnSync(process.execPath, [bin, 'sign', '-m', 'hi', '--uri', '//Alice'], {
        stdio: ['ignore', full, 'pipe'],
        encoding: 'utf8',
      })
      expect(result.status).toBe(74)
      expect(result.stderr).toBe('taokit: output could not be written (ENOSPC)\n')
    } finally {
      closeSync(full)
    }
  })

  it('ends it silently with 141 when the reader went away, as a shell reports SIGPIPE', () => {
    const bin = fileURLToPath(new URL('../bin/taokit.js', import.meta.url))
    // Far more than a pipe holds, to a reader that has already gone.
    const command = `"${process.execPath}" "${bin}" simulate --example --steps 200 | true`
    const result = spawnSync('bash', ['-c', `${command}; echo \${PIPESTATUS[0]} >&2`], {
      encoding: 'utf8',
    })
    expect(result.stderr).toBe('141\n')
  })
})

describe('$TAOKIT_REVEAL_FILE', () => {
  it('counts as unset when blank, so the default file is read, not none', async () => {
    const saved = { file: process.env.TAOKIT_REVEAL_FILE, home: process.env.HOME }
    const home = mkdtempSync(join(tmpdir(), 'taokit-home-'))
    try {
      process.env.HOME = home
      process.env.TAOKIT_REVEAL_FILE = '  '
      // A folder where the default file goes: reading it fails, naming it. An empty path read
      // no file at all, and said there was nothing to reveal.
      const path = join(home, '.bittensor', 'taokit', 'reveals.json')
      mkdirSync(path, { recursive: true })
      const result = await cli('weights', 'reveal', '--uri', '//Bob', '-n', 'ws://127.0.0.1:9')
      expect(result.code).toBe(2)
      expect(result.stderr).toContain(path)
    } finally {
      for (const [name, value] of [
        ['TAOKIT_REVEAL_FILE', saved.file],
        ['HOME', saved.home],
      ] as const) {
        if (value === undefined) delete process.env[name]
        else process.env[name] = value
      }
    }
  })
})

describe('a value option given twice', () => {
  it('is refused where funds move, rather than the last one taken', async () => {
    const dest = '5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty'
    const twice = await cli(
      'transfer',
      '--dest',
      dest,
      '--amount',
      '1',
      '--amount=2',
      '--uri',
      '//Alice',
    )
    expect(twice.code).toBe(2)
    expect(twice.stderr).toMatch(/^taokit: --amount: given 2 times .*; give it once/)
    const network = await cli(
      'stake',
      'add',
      '-n',
      'local',
      '--netuid',
      '1',
      '--amount',
      '1',
      '--network',
      'finney',
      '--uri',
      '//Alice',
    )
    expect(network.stderr).toMatch(/^taokit: --network: given 2 times/)
    // Before the subcommand, attached, or in a cluster of short flags.
    const hotkey = '5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty'
    const cases = [
      ['subnets', '-n', 'local', 'create', '--hotkey', hotkey, '--hotkey', hotkey, '--uri', '//A'],
      ['transfer', '-nlocal', '--network', 'test', '--dest', dest, '--amount', '1', '--uri', '//A'],
      ['transfer', '-yn', 'local', '--network', 'test', '--dest', dest, '--amount', '1'],
    ]
    for (const args of cases) {
      expect((await cli(...args)).stderr).toMatch(/^taokit: --(hotkey|network): given 2 times/)
    }
    // Elsewhere the last one still counts, as commander has it.
    const signed = await cli(
      'sign',
      '--message',
      'a',
      '--message',
      'b',
      '--uri',
      '//Alice',
      '--json',
    )
    expect(signed.code).toBe(0)
  })
})
