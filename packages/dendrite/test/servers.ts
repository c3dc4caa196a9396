/**
 * Small real axons on loopback, built on node:http and @taokit/synapse's checks (the Python
 * axon's rules), so the dendrite is tested against the protocol rather than against itself.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  type AcceptedRequest,
  Dummy,
  errorResponse,
  MemoryNonceStore,
  processSynapseRequest,
  type Rejection,
  type SynapseInstance,
  type SynapseResponse,
  synapseResponse,
  TextPrompt,
  timeNs,
  verifyEpistula,
} from '@taokit/synapse'

export interface TestServer {
  server: Server
  port: number
  close(): Promise<void>
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

function send(res: ServerResponse, response: SynapseResponse): void {
  res.writeHead(response.status, { ...response.headers, 'content-type': 'application/json' })
  res.end(response.body)
}

export async function listen(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<TestServer> {
  const server = createServer(handler)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    server,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** What a synapse axon saw: each request's verdict. */
export type Verdict = AcceptedRequest | Rejection

/**
 * A legacy-protocol axon serving `Dummy` (doubles the input) and `TextPrompt` (echoes the
 * prompt reversed), verifying every request strictly, as the Python axon would (and then
 * some: an unsigned request is refused).
 */
export async function synapseAxon(
  axonHotkey: string,
  options: { processTime?: number } = {},
): Promise<TestServer & { verdicts: Verdict[] }> {
  const nonces = new MemoryNonceStore()
  const verdicts: Verdict[] = []
  const server = await listen(async (req, res) => {
    const body = await readBody(req)
    const verdict = processSynapseRequest(
      { path: req.url ?? '/', headers: req.headers, body },
      { synapses: [Dummy, TextPrompt], axonHotkey, nonces, nowNs: timeNs() },
    )
    verdicts.push(verdict)
    if (!verdict.ok) {
      send(res, errorResponse(verdict))
      return
    }
    const processTime = options.processTime ?? 0.001
    if (verdict.type === Dummy) {
      const synapse = verdict.synapse as SynapseInstance<typeof Dummy>
      synapse.dummy_output = synapse.dummy_input * 2
      send(res, synapseResponse(Dummy, synapse, { processTime }))
    } else {
      const synapse = verdict.synapse as SynapseInstance<typeof TextPrompt>
      synapse.completion = [...synapse.prompt].reverse().join('')
      send(res, synapseResponse(TextPrompt, synapse, { processTime }))
    }
  })
  return { ...server, verdicts }
}

/** An Epistula receiver: verifies, then echoes the JSON body back under `echo`. */
export async function epistulaAxon(ownHotkey: string): Promise<TestServer> {
  return listen(async (req, res) => {
    const body = await readBody(req)
    const verdict = verifyEpistula(req.headers, body, { ownHotkey, nowMs: Date.now() })
    if (!verdict.valid) {
      res.writeHead(401, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ error: verdict.reason }))
      return
    }
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ echo: JSON.parse(body.toString('utf8')), from: verdict.signedBy }))
  })
}
