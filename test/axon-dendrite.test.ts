import { Axon, streamReply } from '@taokit/axon'
import { Dendrite } from '@taokit/dendrite'
import { Keypair } from '@taokit/keys'
import { Dummy, TextPrompt } from '@taokit/synapse'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const validator = Keypair.fromUri('//Alice')
const miners = Array.from({ length: 16 }, (_, i) => Keypair.fromUri(`//Miner//${i}`))
const axons: Axon[] = []
const ports: number[] = []
let dendrite: Dendrite

beforeAll(async () => {
  for (const miner of miners) {
    const axon = new Axon({ keypair: miner, port: 0, host: '127.0.0.1' })
    axon.attach(Dummy, {
      forward: (synapse) => ({ ...synapse, dummy_output: synapse.dummy_input * 2 }),
    })
    axon.attach(TextPrompt, {
      forward: (synapse) => ({
        ...synapse,
        completion: `${synapse.prompt} (${synapse.max_tokens} tokens)`,
      }),
    })
    ports.push(await axon.start())
    axons.push(axon)
  }
  dendrite = new Dendrite({ keypair: validator })
})

afterAll(async () => {
  await dendrite?.close()
  await Promise.all(axons.map((axon) => axon.stop()))
})

const targets = () =>
  miners.map((miner, i) => ({ ip: '127.0.0.1', port: ports[i]!, hotkey: miner.address }))

describe('our dendrite against our axon', () => {
  it('fans a Dummy out to 16 axons, each verifying the signature and answering', async () => {
    const batch = await dendrite.query(targets(), Dummy, Dummy.create({ dummy_input: 21 }), {
      timeoutMs: 10_000,
      deserialize: (synapse) => synapse.dummy_output,
    })
    expect(batch.results.map((r) => [r.status, r.deserialized])).toEqual(
      miners.map(() => [200, 42]),
    )
    expect(batch.results.every((r) => r.processTime !== undefined)).toBe(true)
    expect(batch.deliverySpreadMs).toBeGreaterThanOrEqual(0)
  })

  it('carries hashed fields (TextPrompt) through the body hash', async () => {
    const [result] = (
      await dendrite.query(
        targets().slice(0, 1),
        TextPrompt,
        TextPrompt.create({ prompt: 'hi', max_tokens: 8 }),
        {
          timeoutMs: 10_000,
        },
      )
    ).results
    expect(result?.status).toBe(200)
    expect(result?.synapse?.completion).toBe('hi (8 tokens)')
  })

  it('is refused by an axon whose hotkey the request was not signed for', async () => {
    const wrong = { ...targets()[0]!, hotkey: miners[1]!.address }
    const [result] = (
      await dendrite.query([wrong], Dummy, Dummy.create({ dummy_input: 1 }), { timeoutMs: 10_000 })
    ).results
    expect(result?.status).toBe(401)
  })
})

describe('our dendrite streaming from our axon', () => {
  const miner = Keypair.fromUri('//Miner//stream')
  const axon = new Axon({ keypair: miner, port: 0, host: '127.0.0.1' })
  axon.attach(TextPrompt, {
    forward: (synapse) => {
      async function* tokens() {
        for (const word of synapse.prompt.split(' ')) {
          if (word === 'crash') throw new Error('the model crashed')
          yield `data: ${word}\n\n`
          await new Promise((resolve) => setTimeout(resolve, 5))
        }
      }
      return streamReply({ ...synapse, completion: null }, tokens())
    },
  })
  let target: { ip: string; port: number; hotkey: string }
  beforeAll(async () => {
    target = { ip: '127.0.0.1', port: await axon.start(), hotkey: miner.address }
  })
  afterAll(() => axon.stop())
  const streamPrompt = (prompt: string) =>
    dendrite.stream(target, TextPrompt, TextPrompt.create({ prompt }), { timeoutMs: 10_000 })

  it('receives the tokens as server-sent events, with the SDK-shaped headers', async () => {
    const stream = await streamPrompt('the quick brown fox')
    expect(stream.status).toBe(200)
    expect(stream.statusMessage).toBe('Success')
    expect(stream.processTime).toBeGreaterThan(0)
    expect(stream.headers['content-type']).toBe('text/event-stream')
    expect(stream.synapse.dendrite).toMatchObject({ status_code: 200, status_message: 'Success' })
    expect(stream.synapse.axon).toMatchObject({ status_code: 200, hotkey: miner.address })
    expect(stream.synapse.axon?.process_time).toBeGreaterThan(0)
    let text = ''
    for await (const piece of stream.text()) text += piece
    expect(text).toBe('data: the\n\ndata: quick\n\ndata: brown\n\ndata: fox\n\n')
  })

  it('sees DENDRITE_STREAM_CUT, after what was sent, when the handler fails mid-stream', async () => {
    const stream = await streamPrompt('almost crash')
    let text = ''
    const consume = async () => {
      for await (const piece of stream.text()) text += piece
    }
    await expect(consume()).rejects.toMatchObject({ code: 'DENDRITE_STREAM_CUT' })
    expect(text).toBe('data: almost\n\n')
  })
})
