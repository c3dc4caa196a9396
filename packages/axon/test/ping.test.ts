import { Dummy, epistulaHeaders, prepareSynapseRequest, Synapse } from '@taokit/synapse'
import { afterEach, describe, expect, it } from 'vitest'
import { Axon } from '../src/index.js'
import { alice, miner, post, signedDummy } from './helpers.js'

const axons: Axon[] = []
afterEach(async () => {
  await Promise.all(axons.splice(0).map((axon) => axon.stop()))
})

async function started(setup: (axon: Axon) => void = () => {}): Promise<number> {
  const axon = new Axon({ keypair: miner, port: 0, host: '127.0.0.1' })
  axons.push(axon)
  setup(axon)
  return axon.start()
}

const ping = (port: number) =>
  prepareSynapseRequest(Synapse, Synapse.create({}), {
    signer: alice,
    axon: { ip: '127.0.0.1', port, hotkey: miner.address },
    uuid: '00000000-0000-4000-8000-00000000beef',
  })

describe('the /Synapse ping', () => {
  it('answers a signed bare Synapse with 200, as the SDK axon does', async () => {
    const port = await started()
    const answer = await post(port, ping(port))
    expect(answer.status).toBe(200)
    expect(answer.headers.bt_header_axon_status_code).toBe('200')
    expect(answer.headers.bt_header_axon_status_message).toBe('Success')
    expect(answer.json.name).toBe('Synapse')
  })

  it('is still a signed route: an unsigned ping is refused', async () => {
    const port = await started()
    const { headers, ...rest } = ping(port)
    const unsigned = { ...rest, headers: { ...headers, bt_header_dendrite_signature: '' } }
    expect((await post(port, unsigned)).status).toBe(401)
  })

  it('gives way to a Synapse handler or an Epistula route of the user', async () => {
    let pinged = 0
    const port = await started((axon) =>
      axon.attach(Synapse, {
        forward: (synapse) => {
          pinged++
          return synapse
        },
      }),
    )
    expect((await post(port, ping(port))).status).toBe(200)
    expect(pinged).toBe(1)

    const twice = new Axon({ keypair: miner }).attach(Synapse, { forward: (s) => s })
    expect(() => twice.attach(Synapse, { forward: (s) => s })).toThrow(
      expect.objectContaining({ code: 'AXON_ROUTE_CONFLICT' }),
    )

    const epistula = await started((axon) =>
      axon.attachEpistula('/Synapse', { handler: () => ({ body: { mine: true } }) }),
    )
    const body = '{"ask":1}'
    const answer = await post(epistula, {
      path: '/Synapse',
      headers: epistulaHeaders({ signer: alice, body, signedFor: miner.address }),
      body,
    })
    expect(answer).toMatchObject({ status: 200, json: { mine: true } })
  })

  it('sits beside attached synapses', async () => {
    const port = await started((axon) => axon.attach(Dummy, { forward: (s) => s }))
    expect((await post(port, signedDummy(alice, port))).status).toBe(200)
    expect((await post(port, ping(port))).status).toBe(200)
  })
})
