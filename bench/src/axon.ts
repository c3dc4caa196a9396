import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { once } from 'node:events'
import { Agent, request as httpRequest } from 'node:http'
import { availableParallelism } from 'node:os'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { Dendrite } from '@taokit/dendrite'
import { Keypair } from '@taokit/keys'
import { type AxonTarget, Dummy, epistulaHeaders, prepareSynapseRequest } from '@taokit/synapse'
import autocannon from 'autocannon'
import { median, type ResultRow, round, timed, times } from './report.js'

/** autocannon's settings for every rate row: loopback, 10 keep-alive connections, no pipelining. */
const CONNECTIONS = 10
const DURATION_S = 5
const ROUNDS = 3
/** The Python axon's unsigned rate (FastAPI on uvicorn), per issue 6. */
const PYTHON_AXON_RATE = 3_300
const FIXED_RATE = 1_000
const FAN_OUT = 256
const HOST = '127.0.0.1'
const AXON_URI = '//Axon//bench'
/** Signed requests per lane: one dendrite uuid, nonces increasing, sent in order on one connection. */
const LANE = 200
/**
 * The synapse timeout of the pre-signed requests, in seconds: the axon accepts a nonce up to
 * 4 s + this old, and the requests are signed well before they are sent.
 */
const SIGNED_TIMEOUT_S = 60
/** At most this many requests are pre-signed for a rate row (each takes ~150 µs to sign). */
const MAX_SIGNED = 100_000

/** The servers run pinned to this core; the load generator and the dendrite to the other. */
const SERVER_CORE = 0
const CLIENT_CORE = 1

const serversScript = join(dirname(fileURLToPath(import.meta.url)), 'axon-servers.js')
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

interface Servers {
  targets: AxonTarget[]
  /** Resolves with the child's signature stats (zero for the plain fastify child). */
  stop(): Promise<SignatureStats>
}

/**
 * Starts `axon-servers.js <args>` in a child process (pinned to the server core when
 * `pin`), and waits for the ports it serves on. The child exits when its stdin closes,
 * so it does not outlive this process.
 */
async function startServers(
  args: string[],
  pin: boolean,
  nodeFlags: string[] = [],
): Promise<Servers> {
  const node = [process.execPath, ...nodeFlags, serversScript, ...args]
  const child: ChildProcess = pin
    ? spawn('taskset', ['-c', String(SERVER_CORE), ...node], {
        stdio: ['pipe', 'pipe', 'inherit'],
      })
    : spawn(node[0]!, node.slice(1), { stdio: ['pipe', 'pipe', 'inherit'] })
  const exited = once(child, 'exit')
  const lines = createInterface({ input: child.stdout! })
  const first = await Promise.race([
    once(lines, 'line').then(([line]) => String(line)),
    exited.then(([code]) => {
      throw new Error(`axon-servers.js ${args.join(' ')} exited (${code}) before listening`)
    }),
  ])
  const { targets } = JSON.parse(first) as { targets: { port: number; hotkey: string }[] }
  let stats: SignatureStats = { batches: 0, signatures: 0 }
  lines.on('line', (line) => {
    stats = (JSON.parse(line) as { signatures: SignatureStats }).signatures
  })
  return {
    targets: targets.map((t) => ({ ip: HOST, port: t.port, hotkey: t.hotkey })),
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

interface Cannon {
  result: autocannon.Result
  /** Response times of every response, in milliseconds (autocannon's histogram rounds to 1 ms). */
  latencies: number[]
}

async function cannon(options: autocannon.Options): Promise<Cannon> {
  const latencies: number[] = []
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(options, (error, result) =>
      error ? reject(error) : resolve(result),
    )
    instance.on('response', (_client, _status, _bytes, responseTime) => {
      latencies.push(responseTime)
    })
  })
  return { result, latencies }
}

const base = { connections: CONNECTIONS, pipelining: 1 }

/** Requests per second of a run: completed responses over its duration. */
const rateOf = (result: autocannon.Result) => result.requests.total / result.duration

const failures = (result: autocannon.Result) =>
  `non-2xx=${result.non2xx}, errors=${result.errors}, timeouts=${result.timeouts}`

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!
}

/** Signs for the bench axon: its port is not signed, so one target serves every child. */
function benchSigner() {
  const signer = Keypair.fromUri('//Bench//dendrite')
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

  /** Warms `url` up, then measures one round; returns its rate. */
  async round(url: string): Promise<number> {
    const probe = await cannon({
      ...base,
      url,
      amount: this.warmupCount,
      requests: laneRequests(new Lanes(this.warmup.lanes)),
    })
    if (this.main === undefined) {
      // Enough for the axon's warm rate, well above this first, cold one (running out is
      // counted, and sends replays the axon refuses).
      const wanted = rateOf(probe.result) * DURATION_S * 2.5 + CONNECTIONS * LANE
      const count = Math.ceil(Math.min(wanted, MAX_SIGNED) / LANE) * LANE
      this.main = signLanes(this.protocol, this.signer, this.target, count)
    }
    const pool = new Lanes(this.main.lanes)
    const { result } = await cannon({
      ...base,
      url,
      duration: DURATION_S,
      requests: laneRequests(pool),
    })
    this.exhausted += pool.exhausted
    if (result.non2xx + result.errors > 0) this.problems.add(failures(result))
    this.rates.push(rateOf(result))
    return rateOf(result)
  }
}

/**
 * The rate rows, interleaved so all see the same machine. Each round runs the plain fastify
 * hello world (GET /); plain fastify answering the synapse's shape; then signed, verified
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
  const floorRates: number[] = []
  const plainProblems = new Set<string>()
  const batches = { batches: 0, signatures: 0 }
  // One static signed request: the floor server checks nothing, so it may repeat.
  const shape = sets.synapse.warmup.lanes[0]![0]!
  const plain = await startServers(['fastify'], pin)
  const floor = await startServers(['fastify-synapse'], pin)
  try {
    const plainUrl = `http://${HOST}:${plain.targets[0]!.port}/`
    const floorOptions = {
      ...base,
      url: `http://${HOST}:${floor.targets[0]!.port}${shape.path}`,
      method: 'POST' as const,
      headers: shape.headers,
      body: shape.body,
    }
    await cannon({ ...base, url: plainUrl, duration: 1 })
    await cannon({ ...floorOptions, duration: 1 })
    for (let round = 0; round < ROUNDS; round++) {
      const { result: plainResult } = await cannon({ ...base, url: plainUrl, duration: DURATION_S })
      plainRates.push(rateOf(plainResult))
      if (plainResult.non2xx + plainResult.errors > 0) plainProblems.add(failures(plainResult))
      const { result: floorResult } = await cannon({ ...floorOptions, duration: DURATION_S })
      floorRates.push(rateOf(floorResult))
      if (floorResult.non2xx + floorResult.errors > 0) plainProblems.add(failures(floorResult))

      const axon = await startServers(['axon', AXON_URI], pin, axonNodeFlags)
      const url = `http://${HOST}:${axon.targets[0]!.port}`
      try {
        await sets.synapse.round(url)
        await sets.epistula.round(url)
      } finally {
        const stats = await axon.stop()
        batches.batches += stats.batches
        batches.signatures += stats.signatures
      }
    }
  } finally {
    await plain.stop()
    await floor.stop()
  }
  const plainRate = median(plainRates)
  const percent = (x: number) => `${Math.round(x * 1000) / 10}%`
  const pinning = pin
    ? `server pinned to core ${SERVER_CORE}, autocannon on core ${CLIENT_CORE}`
    : 'unpinned (no taskset)'
  const settings = `autocannon ${CONNECTIONS} connections × ${DURATION_S} s, loopback; ${pinning}`
  const perBatch = round(batches.signatures / Math.max(1, batches.batches))
  const signedRow = (set: SignedSet, name: string, how: string) => {
    const rate = median(set.rates)
    const shares = set.rates.map((r, i) => percent(r / plainRates[i]!))
    return timed(
      name,
      'req/s',
      set.rates,
      [
        `${percent(rate / plainRate)} of plain fastify in this run (per round ${shares.join('/')}; target ≥ 40%)`,
        `${times(PYTHON_AXON_RATE, rate)} the Python axon's ~3,300 req/s unsigned (target ≥ 3×)`,
        set.problems.size > 0 ? [...set.problems].join('; ') : 'non-2xx=0, errors=0',
        `every request fresh: ${set.main!.count.toLocaleString('en')} pre-signed ${how} (${round(set.main!.usPerRequest)} µs each)${set.exhausted > 0 ? `; ran out ${set.exhausted} times (replays sent)` : ''}`,
        `sr25519 verification on (${perBatch} signatures per batch equation on average over the axon's life), rate limits off, metrics on; a fresh axon child per round, warmed with ${warmupCount.toLocaleString('en')} requests`,
        settings,
      ].join('; '),
    )
  }
  return [
    timed(
      'plain fastify hello world (GET /, the ceiling)',
      'req/s',
      plainRates,
      `${settings}; rounds interleaved with the others${plainProblems.size > 0 ? `; ${[...plainProblems].join('; ')}` : ''}`,
    ),
    timed(
      "plain fastify answering the synapse protocol's shape (POST /Dummy, no checks)",
      'req/s',
      floorRates,
      `${percent(median(floorRates) / plainRate)} of plain fastify in this run: the HTTP cost of the protocol's ~25 request and ~25 response headers and raw body, with a fixed Dummy response and nothing checked; the same signed request each time; ${settings}`,
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
  ]
}

interface Paced {
  /** From each request's due time (what a caller at 1k req/s waits). */
  latencies: number[]
  /** From the moment each request was handed to node:http (the generator's own lag left out). */
  sendLatencies: number[]
  statuses: Map<number, number>
  errors: number
}

/**
 * Open-loop load at `rate` req/s for `durationS`, evenly paced (autocannon's `overallRate`
 * instead sends each second's quota in a burst at full speed, then waits). Requests go over
 * `CONNECTIONS` keep-alive sockets, one agent each, so each socket sends its lanes in nonce
 * order. Latency counts from when a request was due, so a stalled server is not forgiven.
 */
async function paced(port: number, rate: number, durationS: number, pool: Lanes): Promise<Paced> {
  const agents = Array.from(
    { length: CONNECTIONS },
    () => new Agent({ keepAlive: true, maxSockets: 1 }),
  )
  const lanes: LaneState[] = agents.map(() => ({ requests: undefined, index: 0 }))
  const total = rate * durationS
  const latencies: number[] = []
  const sendLatencies: number[] = []
  const statuses = new Map<number, number>()
  let errors = 0
  let sent = 0
  let done = 0
  const start = performance.now()
  await new Promise<void>((resolve) => {
    const finish = () => {
      if (++done === total) resolve()
    }
    const send = (i: number) => {
      const due = start + (i * 1000) / rate
      const next = nextSigned(pool, lanes[i % CONNECTIONS]!)
      const sentAt = performance.now()
      const request = httpRequest(
        {
          agent: agents[i % CONNECTIONS],
          host: HOST,
          port,
          method: 'POST',
          path: next.path,
          headers: { ...next.headers, 'content-length': Buffer.byteLength(next.body) },
        },
        (response) => {
          response.resume()
          response.on('end', () => {
            const now = performance.now()
            latencies.push(now - due)
            sendLatencies.push(now - sentAt)
            const status = response.statusCode ?? 0
            statuses.set(status, (statuses.get(status) ?? 0) + 1)
            finish()
          })
        },
      )
      request.on('error', () => {
        errors++
        finish()
      })
      request.end(next.body)
    }
    const pump = () => {
      const due = Math.min(total, Math.floor(((performance.now() - start) * rate) / 1000) + 1)
      while (sent < due) send(sent++)
      if (sent < total) setTimeout(pump, 1)
    }
    pump()
  })
  for (const agent of agents) agent.destroy()
  return { latencies, sendLatencies, statuses, errors }
}

/**
 * Row 3: latency at a fixed 1,000 req/s against one warm axon, fresh requests per run: evenly
 * paced (the row), and autocannon's `overallRate` (bursty; in the extra).
 */
async function fixedRateLatency(pin: boolean): Promise<ResultRow[]> {
  const { signer, target } = benchSigner()
  const server = await startServers(['axon', AXON_URI], pin)
  const { port } = server.targets[0]!
  const url = `http://${HOST}:${port}`
  const p50s: number[] = []
  const p99s: number[] = []
  const maxima: number[] = []
  const sendP99s: number[] = []
  const burstP50s: number[] = []
  const burstP99s: number[] = []
  const statuses = new Map<number, number>()
  const problems = new Set<string>()
  let errors = 0
  let exhausted = 0
  const count = FIXED_RATE * DURATION_S + CONNECTIONS * LANE
  try {
    const warm = signLanes('synapse', signer, target, 5_000)
    await cannon({ ...base, url, amount: 5_000, requests: laneRequests(new Lanes(warm.lanes)) })
    for (let i = 0; i < ROUNDS; i++) {
      const lanes = new Lanes(signLanes('synapse', signer, target, count).lanes)
      const run = await paced(port, FIXED_RATE, DURATION_S, lanes)
      p50s.push(quantile(run.latencies, 0.5))
      p99s.push(quantile(run.latencies, 0.99))
      maxima.push(Math.max(...run.latencies))
      sendP99s.push(quantile(run.sendLatencies, 0.99))
      for (const [status, n] of run.statuses) statuses.set(status, (statuses.get(status) ?? 0) + n)
      errors += run.errors
      exhausted += lanes.exhausted

      const burstLanes = new Lanes(signLanes('synapse', signer, target, count).lanes)
      const { result, latencies } = await cannon({
        ...base,
        url,
        duration: DURATION_S,
        overallRate: FIXED_RATE,
        requests: laneRequests(burstLanes),
      })
      burstP50s.push(quantile(latencies, 0.5))
      burstP99s.push(quantile(latencies, 0.99))
      exhausted += burstLanes.exhausted
      if (result.non2xx + result.errors > 0) problems.add(failures(result))
    }
  } finally {
    await server.stop()
  }
  const codes = [...statuses].map(([status, n]) => `${status}×${n}`).join(', ')
  const ok = statuses.size === 1 && statuses.has(200) && errors === 0
  const how = [
    `evenly paced open loop over ${CONNECTIONS} keep-alive sockets (node:http), ${DURATION_S} s per run, latency from each request's due time; signed Dummy requests, one warm axon pinned to core ${SERVER_CORE}`,
    ok ? 'all 200' : `statuses ${codes}, errors=${errors}`,
    `autocannon overallRate ${FIXED_RATE} (each second's quota sent in a burst) gives p50 ${burstP50s.map(round).join('/')} ms, p99 ${burstP99s.map(round).join('/')} ms${problems.size > 0 ? ` (${[...problems].join('; ')})` : ''}`,
    exhausted > 0 ? `ran out of signed requests ${exhausted} times` : '',
  ]
    .filter(Boolean)
    .join('; ')
  const rate = FIXED_RATE.toLocaleString('en')
  return [
    timed(`p50 latency at ${rate} req/s (axon)`, 'ms', p50s, how),
    timed(
      `p99 latency at ${rate} req/s (axon)`,
      'ms',
      p99s,
      `target ≤ 5 ms; max per run ${maxima.map(round).join('/')} ms; p99 from hand-off to node:http instead of due time ${sendP99s.map(round).join('/')} ms; ${how}`,
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
  const dendrite = new Dendrite({ keypair: Keypair.fromUri('//Bench//dendrite') })
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
