import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { Dendrite } from '@taokit/dendrite'
import { Keypair } from '@taokit/keys'
import { type AxonTarget, Dummy, epistulaHeaders, prepareSynapseRequest } from '@taokit/synapse'
import autocannon from 'autocannon'
import type { PacedResult, Plan } from './paced-load.js'
import { median, parseInfinite, type ResultRow, round, timed, times } from './report.js'

/** autocannon's settings for every rate row: loopback, 10 keep-alive connections, no pipelining. */
const CONNECTIONS = 10
const DURATION_S = 5
const ROUNDS = 3
/** The rate rows swing by ±15% from one round to the next here: five rounds steady their medians. */
const RATE_ROUNDS = 5
/** The Python axon's unsigned rate (FastAPI on uvicorn) as issue 6 quotes it, when none is measured. */
const PYTHON_AXON_RATE = 3_300
/** Warm-up requests for the Python SDK axon, which serves a few dozen a second here. */
const PYTHON_WARMUP = 50
const FIXED_RATE = 1_000
const FAN_OUT = 256
const HOST = '127.0.0.1'
const AXON_URI = '//Axon//bench'
const BENCH_SIGNER_URI = '//Bench//dendrite'
/** Signed requests per lane: one dendrite uuid, nonces increasing, sent in order on one connection. */
const LANE = 200
/**
 * The synapse timeout of the pre-signed requests, in seconds: the bench axon (maxTimeoutS
 * 600, see axon-servers.ts) accepts a first nonce up to 4 s + this old, and the requests
 * are signed up to a few minutes before the last round sends them.
 */
const SIGNED_TIMEOUT_S = 600
/** At most this many requests are pre-signed for a rate row (each takes ~150 µs to sign). */
const MAX_SIGNED = 100_000
/**
 * Pre-signed requests per second of a rate row, at least: 40% of the fastest hello world
 * seen here (31k req/s), with room. A cold probe can read under a third of the warm rate,
 * and a row that runs out sends replays, which the axon refuses.
 */
const MIN_SIGNED_RATE = 12_000

/** The servers run pinned to this core; the load generator and the dendrite to the other. */
const SERVER_CORE = 0
const CLIENT_CORE = 1

const serversScript = join(dirname(fileURLToPath(import.meta.url)), 'axon-servers.js')
const pacedScript = join(dirname(fileURLToPath(import.meta.url)), 'paced-load.js')
const baselinesScript = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  'python',
  'baselines.py',
)
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Pinning needs taskset and two cores (one for the servers, one for the clients). */
function canPin(): boolean {
  if (availableParallelism() < 2) return false
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/** Pins every thread of this process to `core`; returns a function that restores the old mask. */
function pinSelf(core: number): () => void {
  const before = execFileSync('taskset', ['-p', String(process.pid)], { encoding: 'utf8' })
  const mask = before.trim().split(/\s+/).pop()!
  execFileSync('taskset', ['-a', '-p', '-c', String(core), String(process.pid)], {
    stdio: 'ignore',
  })
  return () => execFileSync('taskset', ['-a', '-p', mask, String(process.pid)], { stdio: 'ignore' })
}

/** Signature checks in an axon child: batch equations run, and the signatures in them. */
interface SignatureStats {
  batches: number
  signatures: number
}

/** Milliseconds inside the server child, from parsed headers to the response written. */
interface ServerLatency {
  count: number
  p50: number
  p99: number
  max: number
}

interface ChildAnswer {
  latency?: ServerLatency
  refusals?: Record<string, number>
}

interface Servers {
  targets: AxonTarget[]
  /** The child's request times since the last call (see axon-servers.ts). */
  latency(): Promise<ServerLatency>
  /** The child's refusals so far, by "route reason". */
  refusals(): Promise<Record<string, number>>
  /** Resolves with the child's signature stats (zero for the plain fastify child). */
  stop(): Promise<SignatureStats>
}

/**
 * Starts `axon-servers.js <args>` in a child process (pinned to the server core when
 * `pin`), and waits for the ports it serves on. The child exits when its stdin closes,
 * so it does not outlive this process.
 */
function startServers(args: string[], pin: boolean, nodeFlags: string[] = []): Promise<Servers> {
  return startChild([process.execPath, ...nodeFlags, serversScript, ...args], pin)
}

/**
 * Starts `command`, which prints `{"targets": [...]}` once it listens and exits when its
 * stdin closes; when `asks`, it answers each question on stdin with one line.
 */
async function startChild(command: string[], pin: boolean, asks = true): Promise<Servers> {
  const child: ChildProcess = pin
    ? spawn('taskset', ['-c', String(SERVER_CORE), ...command], {
        stdio: ['pipe', 'pipe', 'inherit'],
      })
    : spawn(command[0]!, command.slice(1), { stdio: ['pipe', 'pipe', 'inherit'] })
  const exited = once(child, 'exit')
  const lines = createInterface({ input: child.stdout! })
  const first = await Promise.race([
    once(lines, 'line').then(([line]) => String(line)),
    exited.then(([code]) => {
      throw new Error(`${command.slice(1).join(' ')} exited (${code}) before listening`)
    }),
  ])
  const { targets } = JSON.parse(first) as { targets: { port: number; hotkey: string }[] }
  let stats: SignatureStats = { batches: 0, signatures: 0 }
  // The child answers each question with one line, in order.
  const answers: ((message: ChildAnswer) => void)[] = []
  lines.on('line', (line) => {
    const message = JSON.parse(line) as ChildAnswer & { signatures?: SignatureStats }
    if (message.signatures !== undefined) stats = message.signatures
    else answers.shift()?.(message)
  })
  const ask = (question: string) =>
    new Promise<ChildAnswer>((resolve) => {
      answers.push(resolve)
      child.stdin!.write(`${question}\n`)
    })
  return {
    targets: targets.map((t) => ({ ip: HOST, port: t.port, hotkey: t.hotkey })),
    latency: async () => (await ask('latency')).latency!,
    refusals: async () => (asks ? (await ask('refusals')).refusals! : {}),
    async stop() {
      child.stdin!.end()
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await exited
      clearTimeout(timer)
      lines.close()
      return stats
    },
  }
}

/** One signed request as autocannon sends it. */
interface SignedRequest {
  path: string
  headers: Record<string, string>
  body: string
}

/** The two signed protocols the axon serves: the SDK's synapses, and Epistula v2. */
type Protocol = 'synapse' | 'epistula'

/** The Epistula body: a small JSON request, as a scoring call would send. */
const EPISTULA_BODY = JSON.stringify({ prompt: 'hello', n: 1 })

/**
 * Pre-signed requests in lanes: a lane is one dendrite uuid with increasing nonces, so one
 * connection sending a lane in order never replays or reorders a nonce. A connection takes a
 * fresh lane when its own runs out.
 */
class Lanes {
  readonly #lanes: SignedRequest[][]
  #next = 0
  exhausted = 0

  constructor(lanes: SignedRequest[][]) {
    this.#lanes = lanes
  }

  take(): SignedRequest[] | undefined {
    return this.#lanes[this.#next++]
  }

  /** Sent when every lane is used up: a replay, which the axon refuses (counted as non-2xx). */
  get replay(): SignedRequest {
    return this.#lanes[0]![0]!
  }
}

/**
 * `count` signed requests for `axon`, in lanes, and the µs each took to sign: Dummy
 * synapses by prepareSynapseRequest, or Epistula POST /score by epistulaHeaders (a fresh
 * uuid each; without the optional secret signatures, which receivers ignore).
 */
function signLanes(protocol: Protocol, signer: Keypair, axon: AxonTarget, count: number) {
  const synapse = Dummy.create({ dummy_input: 1 })
  const lanes: SignedRequest[][] = []
  const start = performance.now()
  for (let left = count; left > 0; left -= LANE) {
    const uuid = randomUUID()
    const lane: SignedRequest[] = []
    for (let i = 0; i < Math.min(LANE, left); i++) {
      if (protocol === 'epistula') {
        const headers = epistulaHeaders({
          signer,
          body: EPISTULA_BODY,
          signedFor: axon.hotkey,
          secretSignatures: false,
        })
        lane.push({
          path: '/score',
          headers: { ...headers, 'content-type': 'application/json' },
          body: EPISTULA_BODY,
        })
        continue
      }
      const request = prepareSynapseRequest(Dummy, synapse, {
        signer,
        axon,
        uuid,
        timeout: SIGNED_TIMEOUT_S,
      })
      lane.push({
        path: request.path,
        headers: { ...request.headers, 'content-type': 'application/json' },
        body: request.body,
      })
    }
    lanes.push(lane)
  }
  const usPerRequest = ((performance.now() - start) * 1000) / count
  return { lanes, count, usPerRequest }
}

/** A connection's place in the lanes. */
interface LaneState {
  requests: SignedRequest[] | undefined
  index: number
}

/** The next request of a connection's lane, taking a fresh lane when it runs out. */
function nextSigned(pool: Lanes, state: LaneState): SignedRequest {
  if (state.requests === undefined || state.index === state.requests.length) {
    state.requests = pool.take()
    state.index = 0
  }
  const next = state.requests?.[state.index++]
  if (next !== undefined) return next
  pool.exhausted++
  return pool.replay
}

/** autocannon's `requests` for a lane pool: each connection (its own clone of `lane`) walks lanes. */
function laneRequests(pool: Lanes): autocannon.Request[] {
  const request = {
    method: 'POST' as const,
    // autocannon deep-clones the requests per connection: `lane` is this connection's.
    lane: { requests: undefined, index: 0 } as LaneState,
    setupRequest(req: autocannon.Request & { lane: LaneState }): autocannon.Request {
      const next = nextSigned(pool, req.lane)
      return {
        ...req,
        path: next.path,
        headers: { ...req.headers, ...next.headers },
        body: next.body,
      }
    },
  }
  return [request as unknown as autocannon.Request]
}

/** One autocannon run (a closed loop: each connection sends when its last answer is in). */
function cannon(options: autocannon.Options): Promise<{ result: autocannon.Result }> {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve({ result })))
  })
}

const base = { connections: CONNECTIONS, pipelining: 1 }

/** Requests per second of a run: completed responses over its duration. */
const rateOf = (result: autocannon.Result) => result.requests.total / result.duration

/** Requests per second answered 2xx: a refused request is not a verified one. */
const acceptedRateOf = (result: autocannon.Result) => result['2xx'] / result.duration

const failures = (result: autocannon.Result) =>
  `non-2xx=${result.non2xx}, errors=${result.errors}, timeouts=${result.timeouts}`

/** Signs for the bench axon: its port is not signed, so one target serves every child. */
function benchSigner() {
  const signer = Keypair.fromUri(BENCH_SIGNER_URI)
  const target: AxonTarget = { ip: HOST, port: 8091, hotkey: Keypair.fromUri(AXON_URI).address }
  return { signer, target }
}

/** Pre-signed requests of one protocol: a warm-up set, and the main set (sized on first use). */
class SignedSet {
  readonly warmup: ReturnType<typeof signLanes>
  main: ReturnType<typeof signLanes> | undefined
  readonly rates: number[] = []
  readonly problems = new Set<string>()
  exhausted = 0

  constructor(
    readonly protocol: Protocol,
    readonly signer: Keypair,
    readonly target: AxonTarget,
    readonly warmupCount: number,
  ) {
    this.warmup = signLanes(protocol, signer, target, warmupCount)
  }

  /**
   * Warms `axon` up, then measures one round; returns its rate. The rate is kept, and any
   * refusals reported, only for `rates` and `problems` given (the axon's own by default).
   */
  async round(
    axon: Servers,
    warmup = this.warmupCount,
    rates = this.rates,
    problems = this.problems,
  ): Promise<number> {
    const url = `http://${HOST}:${axon.targets[0]!.port}`
    const probe = await cannon({
      ...base,
      url,
      amount: warmup,
      requests: laneRequests(new Lanes(this.warmup.lanes)),
    })
    if (this.main === undefined) {
      // Enough for the axon's warm rate, well above this first, cold one, and never fewer
      // than plain fastify's rate here could use (running out is counted, and sends
      // replays the axon refuses, which do not count toward the rate).
      const wanted =
        Math.max(rateOf(probe.result) * 2.5, MIN_SIGNED_RATE) * DURATION_S + CONNECTIONS * LANE
      const count = Math.ceil(Math.min(wanted, MAX_SIGNED) / LANE) * LANE
      this.main = signLanes(this.protocol, this.signer, this.target, count)
    }
    const pool = new Lanes(this.main.lanes)
    const before = await axon.refusals()
    const { result } = await cannon({
      ...base,
      url,
      duration: DURATION_S,
      requests: laneRequests(pool),
    })
    this.exhausted += pool.exhausted
    if (result.non2xx + result.errors > 0) {
      const after = await axon.refusals()
      const why = Object.entries(after)
        .filter(([key, n]) => n > (before[key] ?? 0))
        .map(([key, n]) => `${key}×${n - (before[key] ?? 0)}`)
      problems.add(`${failures(result)}${why.length > 0 ? ` (refused: ${why.join(', ')})` : ''}`)
    }
    rates.push(acceptedRateOf(result))
    return acceptedRateOf(result)
  }
}

/** The Python that runs the FastAPI and SDK axon baselines, or why there is none. */
type PythonBaselines = { python: string; versions: string; bittensor: string } | { skipped: string }

const PYTHON_PROBE = `import importlib.util as u, platform, bittensor, fastapi, pydantic, uvicorn
print(bittensor.__version__, platform.python_version(), pydantic.VERSION, fastapi.__version__, uvicorn.__version__, 'httptools' if u.find_spec('httptools') else 'h11', 'uvloop' if u.find_spec('uvloop') else 'asyncio')`

/** TAOKIT_PYTHON (or python3), when it has bittensor 10.x; as test/python-sdk.test.ts finds it. */
function pythonBaselines(): PythonBaselines {
  const python = process.env.TAOKIT_PYTHON ?? 'python3'
  const probe = spawnSync(python, ['-c', PYTHON_PROBE], { encoding: 'utf8' })
  const [bittensor, python3, pydantic, fastapi, uvicorn, http, loop] = (probe.stdout ?? '')
    .trim()
    .split(' ')
  if (probe.status !== 0 || !bittensor?.startsWith('10.')) {
    return { skipped: `${python} has no bittensor 10.x with fastapi and uvicorn (TAOKIT_PYTHON)` }
  }
  return {
    python,
    bittensor,
    versions: `Python ${python3}, bittensor ${bittensor}, pydantic ${pydantic}, FastAPI ${fastapi}, uvicorn ${uvicorn} on ${http} and ${loop}`,
  }
}

/**
 * The rate rows, interleaved so all see the same machine. Each round runs the plain fastify
 * hello world (GET /); plain fastify answering the synapse's and Epistula's shapes; then signed, verified
 * Dummy and Epistula requests against a fresh Axon child (a fresh nonce store, so the same
 * pre-signed requests, all within the nonce window, serve every round and none is sent
 * twice to one axon). Every child is pinned to one core.
 */
async function rates(pin: boolean): Promise<ResultRow[]> {
  const { signer, target } = benchSigner()
  const axonNodeFlags = process.env.BENCH_AXON_CPU_PROF
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_AXON_CPU_PROF}`]
    : []
  const warmupCount = 5_000
  const sets = {
    synapse: new SignedSet('synapse', signer, target, warmupCount),
    epistula: new SignedSet('epistula', signer, target, warmupCount),
  }
  const plainRates: number[] = []
  const floorRates = { synapse: [] as number[], epistula: [] as number[] }
  // What went wrong, per row: each row names only its own failures.
  const problems = {
    hello: new Set<string>(),
    synapseFloor: new Set<string>(),
    epistulaFloor: new Set<string>(),
    pyHello: new Set<string>(),
    pyAxon: new Set<string>(),
  }
  const problemText = (set: Set<string>) =>
    set.size > 0 ? [...set].join('; ') : 'non-2xx=0, errors=0'
  const batches = { batches: 0, signatures: 0 }
  const py = pythonBaselines()
  const pyRates = { hello: [] as number[], axon: [] as number[] }
  const pyWallets = mkdtempSync(join(tmpdir(), 'taokit-bench-python-'))
  const plain = await startServers(['fastify'], pin)
  const floor = await startServers(['fastify-protocols'], pin)
  const pyHello =
    'python' in py
      ? await startChild([py.python, baselinesScript, 'fastapi'], pin, false)
      : undefined
  try {
    const pyHelloUrl = pyHello && `http://${HOST}:${pyHello.targets[0]!.port}/`
    if (pyHelloUrl) await cannon({ ...base, url: pyHelloUrl, duration: 1 })
    const plainUrl = `http://${HOST}:${plain.targets[0]!.port}/`
    // One static signed request per protocol: the floor server checks nothing, so it may repeat.
    const floorOptions = (protocol: Protocol) => {
      const shape = sets[protocol].warmup.lanes[0]![0]!
      return {
        ...base,
        url: `http://${HOST}:${floor.targets[0]!.port}${shape.path}`,
        method: 'POST' as const,
        headers: shape.headers,
        body: shape.body,
      }
    }
    const floorRound = async (protocol: Protocol, durationS: number) => {
      const { result } = await cannon({ ...floorOptions(protocol), duration: durationS })
      if (result.non2xx + result.errors > 0) {
        problems[protocol === 'synapse' ? 'synapseFloor' : 'epistulaFloor'].add(failures(result))
      }
      return rateOf(result)
    }
    await cannon({ ...base, url: plainUrl, duration: 1 })
    await floorRound('synapse', 1)
    await floorRound('epistula', 1)
    for (let round = 0; round < RATE_ROUNDS; round++) {
      const { result: plainResult } = await cannon({ ...base, url: plainUrl, duration: DURATION_S })
      plainRates.push(rateOf(plainResult))
      if (plainResult.non2xx + plainResult.errors > 0) problems.hello.add(failures(plainResult))
      floorRates.synapse.push(await floorRound('synapse', DURATION_S))
      floorRates.epistula.push(await floorRound('epistula', DURATION_S))

      const axon = await startServers(['axon', AXON_URI], pin, axonNodeFlags)
      try {
        await sets.synapse.round(axon)
        await sets.epistula.round(axon)
      } finally {
        const stats = await axon.stop()
        batches.batches += stats.batches
        batches.signatures += stats.signatures
      }
      if ('python' in py && pyHelloUrl) {
        const { result } = await cannon({ ...base, url: pyHelloUrl, duration: DURATION_S })
        pyRates.hello.push(rateOf(result))
        if (result.non2xx + result.errors > 0) problems.pyHello.add(failures(result))
        // A fresh SDK axon each round, as for ours: its nonce store has seen none of the requests.
        const sdk = await startChild(
          [py.python, baselinesScript, 'axon', AXON_URI, pyWallets],
          pin,
          false,
        )
        try {
          await sets.synapse.round(sdk, PYTHON_WARMUP, pyRates.axon, problems.pyAxon)
        } finally {
          await sdk.stop()
        }
      }
    }
  } finally {
    await plain.stop()
    await floor.stop()
    await pyHello?.stop()
    rmSync(pyWallets, { recursive: true, force: true })
  }
  const plainRate = median(plainRates)
  const percent = (x: number) => `${Math.round(x * 1000) / 10}%`
  const pinning = pin
    ? `server pinned to core ${SERVER_CORE}, autocannon on core ${CLIENT_CORE}`
    : 'unpinned (no taskset)'
  const settings = `autocannon ${CONNECTIONS} connections × ${DURATION_S} s, loopback; ${pinning}`
  const perBatch = round(batches.signatures / Math.max(1, batches.batches))
  const python = (rate: number, protocol: Protocol) => {
    if (!('python' in py)) {
      return `${times(PYTHON_AXON_RATE, rate)} the Python axon's ~3,300 req/s unsigned as issue 6 quotes it (target ≥ 3×; not measured here: ${py.skipped})`
    }
    const hello = `${times(median(pyRates.hello), rate)} FastAPI on uvicorn's hello world in this run, the Python axon's unsigned rate (target ≥ 3×)`
    return protocol === 'synapse'
      ? `${hello}; ${times(median(pyRates.axon), rate)} the Python SDK axon's signed Dummy rate in this run`
      : hello
  }
  const signedRow = (set: SignedSet, name: string, how: string) => {
    const rate = median(set.rates)
    const shares = set.rates.map((r, i) => r / plainRates[i]!)
    return timed(
      name,
      'req/s',
      set.rates,
      [
        `${percent(rate / plainRate)} of plain fastify in this run, median over median; the median of the per-round ratios (each round against its own hello world) is ${percent(median(shares))}; per round ${shares.map(percent).join('/')}; target ≥ 40%`,
        python(rate, set.protocol),
        problemText(set.problems),
        `every request fresh: ${set.main!.count.toLocaleString('en')} pre-signed ${how} (${round(set.main!.usPerRequest)} µs each)${set.exhausted > 0 ? `; ran out ${set.exhausted} times (replays sent)` : ''}`,
        `sr25519 verification on (${perBatch} signatures per batch equation on average over the axon's life), rate limits off, metrics on; a fresh axon child per round, warmed with ${warmupCount.toLocaleString('en')} requests`,
        settings,
      ].join('; '),
    )
  }
  const pythonRows =
    'python' in py
      ? [
          timed(
            'FastAPI on uvicorn hello world (Python, GET /)',
            'req/s',
            pyRates.hello,
            `the issue's "Python axon's unsigned rate" (quoted there as ~3,300 req/s), measured in the same rounds; ${py.versions}; access log off; ${problemText(problems.pyHello)}; ${settings}`,
          ),
          timed(
            `Python SDK axon: signed, verified Dummy requests (bittensor ${py.bittensor}, POST /Dummy)`,
            'req/s',
            pyRates.axon,
            `the same pre-signed requests as the taokit axon's Dummy row; a fresh SDK axon per round (its nonce store), warmed with ${PYTHON_WARMUP} requests; the SDK's default verify (sr25519 and nonce), no blacklist or priority; most of its time goes to Synapse.to_headers, which builds the synapse's pydantic JSON schema for every response; ${py.versions}; ${problemText(problems.pyAxon)}; ${settings}`,
          ),
        ]
      : []
  return [
    timed(
      'plain fastify hello world (GET /, the ceiling)',
      'req/s',
      plainRates,
      `${settings}; rounds interleaved with the others; ${problemText(problems.hello)}`,
    ),
    timed(
      "plain fastify answering the synapse protocol's shape (POST /Dummy, no checks)",
      'req/s',
      floorRates.synapse,
      `${percent(median(floorRates.synapse) / plainRate)} of plain fastify in this run: the HTTP cost of the protocol's ~25 request and ~25 response headers and raw body, with a fixed Dummy response and nothing checked; the same signed request each time; ${problemText(problems.synapseFloor)}; ${settings}`,
    ),
    timed(
      "plain fastify answering Epistula's shape (POST /score, no checks)",
      'req/s',
      floorRates.epistula,
      `${percent(median(floorRates.epistula) / plainRate)} of plain fastify in this run: the HTTP cost of a small signed JSON POST (Epistula's 5 headers, the raw body read) with the bench axon's JSON answer and nothing checked; the same signed request each time; ${problemText(problems.epistulaFloor)}; ${settings}`,
    ),
    signedRow(
      sets.synapse,
      'signed, verified Dummy requests (POST /Dummy, axon)',
      `with prepareSynapseRequest, in lanes of ${LANE} per dendrite uuid`,
    ),
    signedRow(
      sets.epistula,
      'signed, verified Epistula v2 requests (POST /score, axon)',
      `with epistulaHeaders (${Buffer.byteLength(EPISTULA_BODY)}-byte JSON body, a fresh uuid each, no secret signatures; the route accepts timestamps up to 10 minutes old, since the requests are signed before the clock starts)`,
    ),
    ...pythonRows,
  ]
}

/** Runs paced-load.js once in a process of its own (pinned to the client core when `pin`). */
async function pacedRun(plan: Plan, pin: boolean): Promise<PacedResult> {
  const node = [process.execPath, '--expose-gc', pacedScript, JSON.stringify(plan)]
  const stdio: ['ignore', 'pipe', 'inherit'] = ['ignore', 'pipe', 'inherit']
  const child = pin
    ? spawn('taskset', ['-c', String(CLIENT_CORE), ...node], { stdio })
    : spawn(node[0]!, node.slice(1), { stdio })
  let out = ''
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk.toString()
  })
  // paced-load.js gives up on unanswered requests itself; this is for a generator that hangs.
  const limitMs = (plan.durationS + (plan.graceS ?? 10) + 30) * 1000
  const kill = setTimeout(() => child.kill('SIGKILL'), limitMs)
  const [code, signal] = await once(child, 'exit')
  clearTimeout(kill)
  if (code !== 0) throw new Error(`paced-load.js exited (${signal ?? code})`)
  return parseInfinite(out) as PacedResult
}

/**
 * Row 3: latency at a fixed 1,000 req/s, signed Dummy requests against one warm axon, and
 * GET / against plain fastify under the same generator in the same rounds (what this
 * machine gives any server), with the axon's own share (headers parsed to response written).
 */
async function fixedRateLatency(pin: boolean): Promise<ResultRow[]> {
  const { signer, target } = benchSigner()
  const plain = await startServers(['fastify'], pin)
  const axon = await startServers(['axon', AXON_URI], pin)
  const base3 = { rate: FIXED_RATE, durationS: DURATION_S, connections: CONNECTIONS }
  const runs: { axon: PacedResult; plain: PacedResult; inside: ServerLatency }[] = []
  try {
    await cannon({ ...base, url: `http://${HOST}:${plain.targets[0]!.port}/`, duration: 1 })
    const warm = signLanes('synapse', signer, target, 5_000)
    const axonUrl = `http://${HOST}:${axon.targets[0]!.port}`
    await cannon({
      ...base,
      url: axonUrl,
      amount: 5_000,
      requests: laneRequests(new Lanes(warm.lanes)),
    })
    const plainPlan: Plan = { ...base3, port: plain.targets[0]!.port, kind: 'hello' }
    const axonPlan: Plan = {
      ...base3,
      port: axon.targets[0]!.port,
      kind: 'dummy',
      signerUri: BENCH_SIGNER_URI,
      axonHotkey: target.hotkey,
      timeoutS: SIGNED_TIMEOUT_S,
    }
    // One paced run each, not counted: the warm-up's garbage is collected during it.
    await pacedRun(plainPlan, pin)
    await pacedRun(axonPlan, pin)
    for (let round = 0; round < ROUNDS; round++) {
      const plainRun = await pacedRun(plainPlan, pin)
      await axon.latency()
      const axonRun = await pacedRun(axonPlan, pin)
      runs.push({ axon: axonRun, plain: plainRun, inside: await axon.latency() })
    }
  } finally {
    await Promise.all([plain.stop(), axon.stop()])
  }
  const statusText = (results: PacedResult[]) => {
    const totals = new Map<string, number>()
    for (const r of results) {
      for (const [status, n] of Object.entries(r.statuses))
        totals.set(status, (totals.get(status) ?? 0) + n)
    }
    const errors = results.reduce((sum, r) => sum + r.errors, 0)
    if (errors === 0 && totals.size === 1 && totals.has('200')) return 'all 200'
    return `statuses ${[...totals].map(([status, n]) => `${status}×${n}`).join(', ')}, errors=${errors}`
  }
  const per = (values: number[]) =>
    values.map((v) => (Number.isFinite(v) ? round(v) : 'failed')).join('/')
  const rate = FIXED_RATE.toLocaleString('en')
  const how = `paced-load.js: evenly paced open loop in a process of its own${pin ? ` on core ${CLIENT_CORE}` : ''}, ${CONNECTIONS} keep-alive sockets (one request in flight each), requests pre-signed and serialized, ${DURATION_S} s per run, ${ROUNDS} runs after one not counted; latency from each request's due time; servers${pin ? ` pinned to core ${SERVER_CORE}` : ''}`
  const axonRuns = runs.map((r) => r.axon)
  const plainRuns = runs.map((r) => r.plain)
  return [
    timed(
      `p50 latency at ${rate} req/s (axon)`,
      'ms',
      axonRuns.map((r) => r.p50),
      `signed Dummy requests to one warm axon; ${statusText(axonRuns)}; ${how}`,
    ),
    timed(
      `p99 latency at ${rate} req/s (axon)`,
      'ms',
      axonRuns.map((r) => r.p99),
      [
        'target ≤ 5 ms',
        `per run ${per(axonRuns.map((r) => r.p99))} ms, max ${per(axonRuns.map((r) => r.max))} ms`,
        `from the write instead of the due time ${per(axonRuns.map((r) => r.sendP99))} ms`,
        `inside the axon (headers parsed to response written) p50 ${per(runs.map((r) => r.inside.p50))} ms, p99 ${per(runs.map((r) => r.inside.p99))} ms`,
        `signed Dummy requests to one warm axon; ${statusText(axonRuns)}`,
        how,
      ].join('; '),
    ),
    timed(
      `p99 latency at ${rate} req/s (plain fastify hello world, same generator)`,
      'ms',
      plainRuns.map((r) => r.p99),
      `what this machine gives any server at this rate: p50 ${per(plainRuns.map((r) => r.p50))} ms, p99 per run ${per(plainRuns.map((r) => r.p99))} ms, max ${per(plainRuns.map((r) => r.max))} ms; GET /, each run just before the axon's; ${statusText(plainRuns)}; ${how}`,
    ),
  ]
}

/** Row 4: one dendrite querying 256 local axons (two child processes of 128). */
async function fanOut(pin: boolean): Promise<ResultRow[]> {
  const half = FAN_OUT / 2
  const groups = await Promise.all([
    startServers(['axons', String(half), '0'], pin),
    startServers(['axons', String(half), String(half)], pin),
  ])
  const axons = groups.flatMap((g) => g.targets)
  const dendrite = new Dendrite({ keypair: Keypair.fromUri(BENCH_SIGNER_URI) })
  const spreads: number[] = []
  const durations: number[] = []
  const statuses = new Map<number, number>()
  const synapse = Dummy.create({ dummy_input: 1 })
  try {
    for (let i = 0; i < 3; i++) await dendrite.query(axons, Dummy, synapse, { timeoutMs: 12_000 })
    for (let i = 0; i < 20; i++) {
      await sleep(20)
      const batch = await dendrite.query(axons, Dummy, synapse, { timeoutMs: 12_000 })
      spreads.push(batch.deliverySpreadMs ?? Number.NaN)
      durations.push(batch.durationMs)
      for (const r of batch.results) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1)
    }
  } finally {
    await dendrite.close()
    await Promise.all(groups.map((g) => g.stop()))
  }
  const codes = [...statuses].map(([status, n]) => `${status}×${n}`).join(', ')
  const allOk = statuses.size === 1 && statuses.has(200)
  const how = `${FAN_OUT} Axons (Dummy, own keypair //Axon//i, port 0) in two child processes${pin ? ` pinned to core ${SERVER_CORE}` : ''}; dendrite on core ${pin ? CLIENT_CORE : 'any'}, warm keep-alive pool (3 queries before); ${allOk ? `all ${spreads.length * FAN_OUT} results 200` : `statuses ${codes}`}`
  return [
    timed(
      `dendrite fan-out to ${FAN_OUT} local axons: delivery spread`,
      'ms',
      spreads,
      `first to last request handed to a socket; target ≤ 50 ms; ${how}`,
    ),
    timed(
      `dendrite fan-out to ${FAN_OUT} local axons: whole query`,
      'ms',
      durations,
      `dendrite.query: sign ${FAN_OUT}, send, all answers in; ${how}`,
    ),
  ]
}

export async function axonSuite(): Promise<ResultRow[]> {
  const pin = canPin()
  const restore = pin ? pinSelf(CLIENT_CORE) : () => {}
  try {
    const rows = await rates(pin)
    rows.push(...(await fixedRateLatency(pin)))
    rows.push(...(await fanOut(pin)))
    return rows
  } finally {
    restore()
  }
}
