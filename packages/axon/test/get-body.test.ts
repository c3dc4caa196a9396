import { epistulaHeaders, TextPrompt } from '@taokit/synapse'
import { request } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Axon, rejectionMessage } from '../src/index.js'
import { bob, miner, post, signed } from './helpers.js'

// fastify reads no body on GET; the SDK's axon (Starlette) does, and serves synapses on GET.
describe('a request sent with GET and a body', () => {
  const axon = new Axon({
    keypair: miner,
    port: 0,
    host: '127.0.0.1',
    maxBodyBytes: 1024,
    rateLimit: { perIp: false, perHotkey: false },
  })
  axon.attach(TextPrompt, {
    forward: (synapse) => ({ ...synapse, completion: synapse.prompt.toUpperCase() }),
  })
  axon.attachEpistula('/echo', {
    method: 'GET',
    handler: (request) => ({ body: request.body.toString('utf8') }),
  })
  let port = 0
  beforeAll(async () => {
    port = await axon.start()
  })
  afterAll(() => axon.stop())

  it('has its synapse body read, as the SDK axon reads it', async () => {
    const result = await post(port, signed(bob, { port, prompt: 'sent with get' }), 'GET')
    expect(result.status).toBe(200)
    expect(result.json.completion).toBe('SENT WITH GET')
  })

  it('is refused with 413 when the body is over the cap', async () => {
    const prepared = signed(bob, { port })
    const result = await post(
      port,
      { ...prepared, body: `${prepared.body}${' '.repeat(2048)}` },
      'GET',
    )
    expect(result.status).toBe(413)
    expect(result.json).toEqual({ message: rejectionMessage('body_too_large') })
  })

  it('has its Epistula body read and verified', async () => {
    const body = '{"query":"over get"}'
    const response = await request(`http://127.0.0.1:${port}/echo`, {
      method: 'GET',
      headers: epistulaHeaders({ signer: bob, body, signedFor: miner.address }),
      body,
    })
    expect([response.statusCode, await response.body.text()]).toEqual([200, body])
  })
})
