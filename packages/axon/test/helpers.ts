import { connect } from 'node:net'
import { Keypair } from '@taokit/keys'
import { Dummy, prepareSynapseRequest, TextPrompt, timeNs } from '@taokit/synapse'
import { request } from 'undici'

export const miner = Keypair.fromUri('//Ferdie')
export const alice = Keypair.fromUri('//Alice')
export const bob = Keypair.fromUri('//Bob')

let uuidSeq = 0

/** A signed request from `signer` to the axon at `port` (a fresh uuid, so a fresh nonce pair). */
export function signed(
  signer: Keypair,
  options: { port: number; axonHotkey?: string; prompt?: string; nonce?: bigint; timeout?: number },
) {
  const synapse = TextPrompt.create({ prompt: options.prompt ?? 'hello' })
  return prepareSynapseRequest(TextPrompt, synapse, {
    signer,
    axon: { ip: '127.0.0.1', port: options.port, hotkey: options.axonHotkey ?? miner.address },
    uuid: `00000000-0000-4000-8000-${String(uuidSeq++).padStart(12, '0')}`,
    nonce: options.nonce ?? timeNs(),
    ...(options.timeout === undefined ? {} : { timeout: options.timeout }),
  })
}

export function signedDummy(signer: Keypair, port: number, input = 3) {
  return prepareSynapseRequest(Dummy, Dummy.create({ dummy_input: input }), {
    signer,
    axon: { ip: '127.0.0.1', port, hotkey: miner.address },
    uuid: `00000000-0000-4000-8000-${String(uuidSeq++).padStart(12, '0')}`,
  })
}

export async function post(
  port: number,
  prepared: { path: string; headers: Record<string, string>; body: string },
  method: 'POST' | 'GET' = 'POST',
): Promise<{
  status: number
  json: Record<string, unknown>
  text: string
  headers: Record<string, unknown>
}> {
  const response = await request(`http://127.0.0.1:${port}${prepared.path}`, {
    method,
    headers: { 'content-type': 'application/json', ...prepared.headers },
    body: prepared.body,
  })
  const text = await response.body.text()
  return { status: response.statusCode, json: JSON.parse(text), text, headers: response.headers }
}

/**
 * Sends a request head and the start of its body over a raw socket, and resolves with all
 * the server sent once it hangs up: for requests whose body the axon must not wait for.
 */
export function sendHeadOnly(
  port: number,
  requestLine: string,
  headers: Record<string, string>,
  bodyStart: string,
): Promise<string> {
  const head = [
    requestLine,
    'host: 127.0.0.1',
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    '',
    '',
  ].join('\r\n')
  const socket = connect(port, '127.0.0.1')
  // The server hangs up on us: that is the point.
  socket.on('error', () => {})
  let received = ''
  socket.on('data', (chunk) => {
    received += chunk.toString('latin1')
  })
  socket.write(head)
  socket.write(bodyStart)
  return new Promise((resolve) => socket.on('close', () => resolve(received)))
}
