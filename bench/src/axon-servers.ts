/**
 * The servers of the axon suite, run in a child process so the load generator and the
 * dendrite have their own core (`node axon-servers.js <kind> [count] [first]`):
 *
 * - `fastify`: a plain fastify hello world at GET /;
 * - `fastify-protocols`: plain fastify answering the two protocols' shapes, checking nothing:
 *   POST /Dummy with one fixed Dummy response (its ~25 headers), and POST /score with the
 *   bench axon's small JSON answer; both read the raw body. The HTTP cost of each protocol;
 * - `axon <uri>`: one Axon serving Dummy and Epistula POST /score (verification on, rate
 *   limits off, synapse nonces and Epistula timestamps good for 10 minutes), hotkey `<uri>`;
 * - `axons <count> <first>`: Axons `//Axon//<first>` … serving Dummy, each on its own port.
 *
 * It prints one JSON line, `{ "targets": [{ "port", "hotkey" }] }`, once listening, and
 * exits when its stdin closes (the parent ended it, or died), printing
 * `{ "signatures": { "batches", "signatures" } }` summed over its axons first.
 *
 * Lines on its stdin ask for figures, each answered with one JSON line:
 * - `latency`: `{ "latency": { "count", "p50", "p99", "max" } }`, milliseconds from each
 *   request's headers being parsed to its response being written, over the requests
 *   answered since the previous `latency` line;
 * - `refusals`: `{ "refusals": { "<route> <reason>": n } }`, the axons' refusals so far.
 */
import { subscribe } from 'node:diagnostics_channel'
import type { IncomingMessage } from 'node:http'
import { createInterface } from 'node:readline'
import { Axon } from '@taokit/axon'
import { Keypair } from '@taokit/keys'
import { Dummy, synapseResponse } from '@taokit/synapse'
import Fastify from 'fastify'

const HOST = '127.0.0.1'

/** How long each request took inside this process, from node's http diagnostics channels. */
class ServerLatency {
  readonly #started = new WeakMap<IncomingMessage, number>()
  #times: number[] = []

  constructor() {
    subscribe('http.server.request.start', (message: unknown) => {
      this.#started.set((message as { request: IncomingMessage }).request, performance.now())
    })
    subscribe('http.server.response.finish', (message: unknown) => {
      const start = this.#started.get((message as { request: IncomingMessage }).request)
      if (start !== undefined) this.#times.push(performance.now() - start)
    })
  }

  /** Quantiles of the requests answered since the last call. */
  take() {
    const times = this.#times.sort((a, b) => a - b)
    this.#times = []
    const at = (q: number) => times[Math.min(times.length - 1, Math.floor(times.length * q))] ?? 0
    return { count: times.length, p50: at(0.5), p99: at(0.99), max: times.at(-1) ?? 0 }
  }
}

interface Server {
  port: number
  hotkey: string
  signatures?: { batches: number; signatures: number }
  /** Requests refused so far, by "route reason". */
  refusals?: () => Promise<{ key: string; value: number }[]>
  stop(): Promise<void>
}

async function plainFastify(): Promise<Server> {
  const app = Fastify({ logger: false })
  app.get('/', async () => ({ hello: 'world' }))
  await app.listen({ port: 0, host: HOST })
  const address = app.server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  return { port, hotkey: '', stop: () => app.close() }
}

async function protocolShapedFastify(): Promise<Server> {
  const app = Fastify({ logger: false })
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body))
  const synapse = Dummy.create({ dummy_input: 1, dummy_output: 2 })
  const response = synapseResponse(Dummy, synapse, { processTime: 0.0001 })
  app.post(`/${Dummy.name}`, async (_request, reply) =>
    reply.code(200).headers(response.headers).type('application/json').send(response.body),
  )
  app.post('/score', async (request, reply) =>
    reply.type('application/json').send(JSON.stringify({ score: (request.body as Buffer).length })),
  )
  await app.listen({ port: 0, host: HOST })
  const address = app.server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  return { port, hotkey: '', stop: () => app.close() }
}

async function dummyAxon(uri: string): Promise<Server> {
  const keypair = Keypair.fromUri(uri)
  const axon = new Axon({
    keypair,
    port: 0,
    host: HOST,
    rateLimit: { perIp: false, perHotkey: false },
    // The bench signs its requests before the clock starts (see SIGNED_TIMEOUT_S).
    maxTimeoutS: 600,
  })
  axon.attach(Dummy, {
    forward: (synapse) => ({ ...synapse, dummy_output: synapse.dummy_input * 2 }),
  })
  axon.attachEpistula('/score', {
    // The bench signs its requests before the clock starts.
    allowedDeltaMs: 600_000,
    handler: (request) => ({ body: { score: request.body.length } }),
  })
  const port = await axon.start()
  return {
    port,
    hotkey: keypair.address,
    signatures: axon.signatures.stats,
    async refusals() {
      const { values } = await axon.metrics.rejections.get()
      return values.map(({ labels, value }) => ({ key: `${labels.route} ${labels.reason}`, value }))
    },
    stop: () => axon.stop(),
  }
}

async function serve(kind: string, args: string[]): Promise<Server[]> {
  if (kind === 'fastify') return [await plainFastify()]
  if (kind === 'fastify-protocols') return [await protocolShapedFastify()]
  if (kind === 'axon') return [await dummyAxon(args[0] ?? '//Axon//bench')]
  if (kind === 'axons') {
    const [count = 1, first = 0] = args.map(Number)
    return Promise.all(Array.from({ length: count }, (_, i) => dummyAxon(`//Axon//${first + i}`)))
  }
  throw new Error(`unknown server kind ${kind}`)
}

async function main(): Promise<void> {
  const [kind = '', ...args] = process.argv.slice(2)
  const servers = await serve(kind, args)
  let stopping = false
  const stop = async () => {
    if (stopping) return
    stopping = true
    const signatures = { batches: 0, signatures: 0 }
    for (const server of servers) {
      signatures.batches += server.signatures?.batches ?? 0
      signatures.signatures += server.signatures?.signatures ?? 0
    }
    await Promise.all(servers.map((s) => s.stop()))
    process.stdout.write(`${JSON.stringify({ signatures })}\n`, () => process.exit(0))
  }
  const latency = new ServerLatency()
  const commands = createInterface({ input: process.stdin })
  const reply = (message: object) => process.stdout.write(`${JSON.stringify(message)}\n`)
  commands.on('line', async (line) => {
    if (line === 'latency') reply({ latency: latency.take() })
    if (line === 'refusals') {
      const refusals: Record<string, number> = {}
      for (const server of servers) {
        for (const { key, value } of (await server.refusals?.()) ?? []) {
          refusals[key] = (refusals[key] ?? 0) + value
        }
      }
      reply({ refusals })
    }
  })
  commands.on('close', stop)
  process.on('SIGTERM', stop)
  const targets = servers.map(({ port, hotkey }) => ({ port, hotkey }))
  process.stdout.write(`${JSON.stringify({ targets })}\n`)
}

await main()
