/**
 * An open-loop load generator for the latency rows, run in a child process of its own
 * (`node --expose-gc paced-load.js '<json Plan>'`) so nothing of the bench's heap is
 * collected while it measures, and prints one JSON `PacedResult` line.
 *
 * Requests are evenly paced at `rate` per second over `connections` keep-alive sockets,
 * one request in flight per socket (a request due while its socket is busy waits for it),
 * as wrk2 paces. Each request is signed, serialized to bytes and the heap collected before
 * the clock starts, so sending one is a socket write and a response is counted by its
 * Content-Length. Latency counts from the moment a request was due, so neither a stalled
 * server nor a late generator is forgiven; the time from the write is reported beside it.
 * A request that fails (its socket closed or errored, or no answer `graceS` after the last
 * one was due) counts as slower than any answer, so failures can only raise the quantiles.
 */
import { randomUUID } from 'node:crypto'
import { connect, type Socket } from 'node:net'
import { Keypair } from '@taokit/keys'
import { Dummy, prepareSynapseRequest } from '@taokit/synapse'
import { quantile } from './report.js'

export interface Plan {
  port: number
  rate: number
  durationS: number
  connections: number
  /** `dummy`: signed Dummy synapses for `axonHotkey`; `hello`: GET / (plain fastify). */
  kind: 'dummy' | 'hello'
  signerUri?: string
  axonHotkey?: string
  /** The synapse timeout signed into each request, in seconds. */
  timeoutS?: number
  /** How long after the last request was due unanswered ones are given up on (default 10). */
  graceS?: number
}

export interface PacedResult {
  /**
   * Milliseconds from each request's due time to the end of its response; `null` (JSON's
   * Infinity) when that quantile falls on failed requests.
   */
  p50: number
  p99: number
  max: number
  /** Milliseconds from each request's write to the end of its response. */
  sendP50: number
  sendP99: number
  statuses: Record<string, number>
  /** Requests that got no answer: counted as infinitely slow in the quantiles above. */
  errors: number
}

const HOST = '127.0.0.1'
const HEAD_END = Buffer.from('\r\n\r\n')

/** The request bytes, `connections` lanes interleaved: request i goes on socket i % connections. */
function requests(plan: Plan): Buffer[] {
  const total = plan.rate * plan.durationS
  if (plan.kind === 'hello') {
    const bytes = Buffer.from(`GET / HTTP/1.1\r\nhost: ${HOST}\r\n\r\n`)
    return Array.from({ length: total }, () => bytes)
  }
  const signer = Keypair.fromUri(plan.signerUri ?? '//Bench//dendrite')
  const axon = { ip: HOST, port: 8091, hotkey: plan.axonHotkey ?? '' }
  const uuids = Array.from({ length: plan.connections }, () => randomUUID())
  const synapse = Dummy.create({ dummy_input: 1 })
  const out: Buffer[] = []
  for (let i = 0; i < total; i++) {
    const request = prepareSynapseRequest(Dummy, synapse, {
      signer,
      axon,
      uuid: uuids[i % plan.connections]!,
      timeout: plan.timeoutS ?? 60,
    })
    const headers = {
      ...request.headers,
      host: HOST,
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(request.body)),
    }
    const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`)
    out.push(Buffer.from(`POST ${request.path} HTTP/1.1\r\n${head.join('')}\r\n${request.body}`))
  }
  return out
}

interface InFlight {
  due: number
  sentAt: number
  bytes: Buffer
}

/** One keep-alive socket: a queue of due requests, one on the wire at a time. */
class Lane {
  readonly #socket: Socket
  readonly #queue: InFlight[] = []
  #current: InFlight | undefined
  #pending: Buffer | undefined
  #closed = false

  constructor(
    socket: Socket,
    readonly onResponse: (request: InFlight, status: number, now: number) => void,
    readonly onError: () => void,
  ) {
    this.#socket = socket
    socket.setNoDelay(true)
    socket.on('data', (chunk: Buffer) => this.#read(chunk))
    socket.on('error', () => this.#fail())
    socket.on('close', () => this.#fail())
  }

  send(request: InFlight): void {
    if (this.#closed) {
      this.onError()
      return
    }
    if (this.#current !== undefined) {
      this.#queue.push(request)
      return
    }
    this.#write(request)
  }

  close(): void {
    this.#socket.removeAllListeners('close')
    this.#socket.destroy()
  }

  /** Gives up on whatever is on the wire or waiting: each counts as an error. */
  abandon(): void {
    this.#socket.destroy()
  }

  /** The socket is gone: what was on it or waiting for it counts as an error each. */
  #fail(): void {
    const lost = this.#queue.splice(0).length + (this.#current === undefined ? 0 : 1)
    this.#current = undefined
    this.#closed = true
    for (let i = 0; i < lost; i++) this.onError()
  }

  #write(request: InFlight): void {
    this.#current = request
    request.sentAt = performance.now()
    this.#socket.write(request.bytes)
  }

  #read(chunk: Buffer): void {
    let buffer = this.#pending === undefined ? chunk : Buffer.concat([this.#pending, chunk])
    for (;;) {
      const headEnd = buffer.indexOf(HEAD_END)
      if (headEnd < 0) break
      const head = buffer.toString('latin1', 0, headEnd)
      const length = /\r\ncontent-length: *(\d+)/i.exec(head)
      if (length === null) {
        // Only Content-Length framing is read; anything else ends the socket's run.
        this.#socket.destroy()
        return
      }
      const end = headEnd + HEAD_END.length + Number(length[1])
      if (buffer.length < end) break
      const now = performance.now()
      const done = this.#current
      this.#current = undefined
      if (done !== undefined) this.onResponse(done, Number(head.slice(9, 12)), now)
      const next = this.#queue.shift()
      if (next !== undefined) this.#write(next)
      buffer = buffer.subarray(end)
    }
    this.#pending = buffer.length > 0 ? buffer : undefined
  }
}

const round = (ms: number) => Math.round(ms * 100) / 100

async function run(plan: Plan): Promise<PacedResult> {
  let list: Buffer[] | undefined = requests(plan)
  const total = list.length
  const latencies = new Float64Array(total)
  const sendLatencies = new Float64Array(total)
  const statuses: Record<string, number> = {}
  let errors = 0
  let answered = 0
  let done = 0
  let finish: () => void = () => {}
  const finished = new Promise<void>((resolve) => {
    finish = resolve
  })
  const settle = () => {
    if (++done === total) finish()
  }
  const sockets = await Promise.all(
    Array.from(
      { length: plan.connections },
      () =>
        new Promise<Socket>((resolve, reject) => {
          const socket = connect(plan.port, HOST, () => resolve(socket))
          socket.once('error', reject)
        }),
    ),
  )
  const lanes = sockets.map(
    (socket) =>
      new Lane(
        socket,
        (request, status, now) => {
          latencies[answered] = now - request.due
          sendLatencies[answered] = now - request.sentAt
          answered++
          statuses[status] = (statuses[status] ?? 0) + 1
          settle()
        },
        () => {
          errors++
          settle()
        },
      ),
  )
  ;(globalThis as { gc?: () => void }).gc?.()
  const start = performance.now()
  let sent = 0
  // Spins on setImmediate (I/O is polled every turn): node's timers are 1 ms coarse, which
  // would make the generator itself send up to a millisecond late. It has a core of its own.
  const pump = () => {
    const due = Math.min(total, Math.floor(((performance.now() - start) * plan.rate) / 1000) + 1)
    while (sent < due) {
      const i = sent++
      lanes[i % lanes.length]!.send({
        due: start + (i * 1000) / plan.rate,
        sentAt: 0,
        bytes: list![i]!,
      })
    }
    if (sent < total) setImmediate(pump)
    else list = undefined
  }
  pump()
  const giveUp = setTimeout(
    () => {
      for (const lane of lanes) lane.abandon()
    },
    (plan.durationS + (plan.graceS ?? 10)) * 1000,
  )
  await finished
  clearTimeout(giveUp)
  for (const lane of lanes) lane.close()
  // Failed requests sort after every answer.
  latencies.fill(Number.POSITIVE_INFINITY, answered)
  sendLatencies.fill(Number.POSITIVE_INFINITY, answered)
  const byDue = latencies.sort()
  const bySend = sendLatencies.sort()
  const at = (sorted: Float64Array, q: number) => round(quantile(sorted, q))
  return {
    p50: at(byDue, 0.5),
    p99: at(byDue, 0.99),
    max: at(byDue, 1),
    sendP50: at(bySend, 0.5),
    sendP99: at(bySend, 0.99),
    statuses,
    errors,
  }
}

const plan = JSON.parse(process.argv[2] ?? '{}') as Plan
process.stdout.write(`${JSON.stringify(await run(plan))}\n`)
