import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { Keypair } from '@taokit/keys'
import { expect, it } from 'vitest'
import {
  bodyHash,
  checkSynapseBody,
  Dummy,
  defineSynapse,
  errorResponse,
  field,
  mergeStreamingResponse,
  mergeSynapseResponse,
  prepareSynapseRequest,
  type SynapseInstance,
  streamingResponseHeaders,
  synapseResponse,
  TextPrompt,
} from '../src/index.js'

const dendrite = Keypair.fromUri('//Alice')
const axon = { ip: '10.0.0.1', port: 8091, hotkey: Keypair.fromUri('//Bob').address }
const uuid = 'a2b1c3d4-0000-11ee-8000-000000000000'

/** Dummy(dummy_input=4) as our dendrite sends it. */
const sentDummy = () =>
  prepareSynapseRequest(Dummy, Dummy.create({ dummy_input: 4 }), { signer: dendrite, axon, uuid })
    .synapse

it('answers a handled request with the synapse and its headers', () => {
  const sent = sentDummy()
  const handled = { ...sent, dummy_output: 8 }
  const response = synapseResponse(Dummy, handled, { processTime: 0.25 })
  expect(response.status).toBe(200)
  expect(response.headers.bt_header_axon_status_code).toBe('200')
  expect(response.headers.bt_header_axon_status_message).toBe('Success')
  expect(response.headers.bt_header_axon_process_time).toBe('0.25')
  expect(response.body).toContain('"dummy_input":4,"dummy_output":8}')
  expect(response.body).toContain('"axon":{"status_code":200,"status_message":"Success"')
})

it("writes an Any's NaN and Infinity as null, as FastAPI does; a typed float's cannot be sent", () => {
  // SDK 10.2's axon answers a=[nan, 1.5] with [null,1.5], and fails (500) on f=nan or l=[inf].
  const Loose = defineSynapse('Loose', {
    a: field.any().optional(),
    f: field.float().default(0),
    l: field.list(field.float()).default([]),
    m: field.model({ inner: field.any() }).optional(),
  })
  const answer = (value: Partial<SynapseInstance<typeof Loose>>) =>
    synapseResponse(Loose, { ...Loose.create({}), ...value }, { processTime: 0.1 })
  const nan = answer({
    a: [Number.NaN, 1.5, new Map([['x', Number.NEGATIVE_INFINITY]])],
    m: { inner: Number.POSITIVE_INFINITY },
  })
  expect(nan.body).toContain('"a":[null,1.5,{"x":null}],"f":0.0,"l":[],"m":{"inner":null}}')
  for (const bad of [{ f: Number.NaN }, { l: [Number.POSITIVE_INFINITY] }]) {
    expect(() => answer(bad)).toThrow(expect.objectContaining({ code: 'SYNAPSE_UNENCODABLE' }))
  }
})

it('keeps no request body alive after answering it', () => {
  // Dict keys parsed from a body are slices of its text; caching one kept the whole body.
  setFlagsFromString('--expose-gc')
  const gc = runInNewContext('gc') as () => void
  const Tagged = defineSynapse('Tagged', {
    scores: field.dict(field.float()).default(new Map()),
    prompt: field.str().default(''),
  })
  const answerOne = (i: number) => {
    const key = `${String(i).padStart(8, '0')}-0000-4000-8000-000000000000`
    const sent = { ...Tagged.create({}), scores: new Map([[key, 0.5]]), prompt: 'p'.repeat(1e6) }
    const body = Buffer.from(Tagged.toJson(sent))
    const headers = { computed_body_hash: bodyHash(Tagged, sent) }
    const checked = checkSynapseBody(Tagged, { headers, body })
    if (!checked.ok) throw new Error(checked.reason)
    synapseResponse(Tagged, { ...checked.synapse, prompt: '' }, { processTime: 0.1 })
  }
  answerOne(-1)
  gc()
  const before = process.memoryUsage().heapUsed
  for (let i = 0; i < 40; i++) answerOne(i)
  gc()
  // 40 bodies of 1 MB each would be 40 MB.
  expect(process.memoryUsage().heapUsed - before).toBeLessThan(15e6)
})

it('starts a streamed answer with 200, text/event-stream and the synapse headers', () => {
  const sent = sentDummy()
  const headers = streamingResponseHeaders(Dummy, sent, { processTime: 0.5 })
  expect(headers['content-type']).toBe('text/event-stream')
  expect(headers.bt_header_axon_status_code).toBe('200')
  expect(headers.bt_header_axon_status_message).toBe('Success')
  expect(headers.bt_header_axon_process_time).toBe('0.5')
  expect(headers.bt_header_dendrite_hotkey).toBe(dendrite.address)
  // A status the handler set goes out in the headers, as the SDK sends it (HTTP says 200).
  const notFound = { ...sent, axon: { ...sent.axon!, status_code: 404, status_message: 'gone' } }
  const kept = streamingResponseHeaders(Dummy, notFound, { processTime: 0.5 })
  expect(kept.bt_header_axon_status_code).toBe('404')
  expect(kept.bt_header_axon_status_message).toBe('gone')
})

it("folds a streamed answer's headers into the dendrite synapse", () => {
  const sent = sentDummy()
  const headers = streamingResponseHeaders(Dummy, sent, { processTime: 0.5 })
  const merged = mergeStreamingResponse(sent, headers)
  expect(merged.axon).toMatchObject({
    status_code: 200,
    status_message: 'Success',
    process_time: 0.5,
  })
  expect(merged.dendrite).toMatchObject({ status_code: 200, status_message: 'Success' })
  expect(merged.dummy_input).toBe(4)
  expect(sent.dendrite?.status_code).toBeNull()
  // The SDK's streaming response carries no synapse headers: its HTTP 200 stands.
  const bare = mergeStreamingResponse(sent, { 'content-type': 'text/event-stream' })
  expect(bare.dendrite).toMatchObject({ status_code: 200, status_message: 'Success' })
})

it('answers a refused request with a small message and the header synapse', () => {
  const plain = errorResponse({ status: 404, message: "Synapse name 'X' not found." })
  expect(plain.status).toBe(404)
  expect(plain.body).toBe('{"message":"Synapse name \'X\' not found."}')
  expect(plain.headers.name).toBe('Synapse')
  expect(plain.headers.bt_header_axon_status_code).toBe('404')
})

it('folds responses into the dendrite synapse as the SDK does', () => {
  const request = prepareSynapseRequest(TextPrompt, TextPrompt.create({ prompt: 'hi' }), {
    signer: dendrite,
    axon,
    uuid,
  })
  const answered = { ...request.synapse, completion: 'hello' }
  const ok = mergeSynapseResponse(TextPrompt, request.synapse, {
    status: 200,
    headers: { bt_header_axon_status_code: '200', bt_header_axon_status_message: 'Success' },
    body: TextPrompt.toJson(answered),
  })
  expect(ok.completion).toBe('hello')
  expect(ok.dendrite).toMatchObject({ status_code: 200, status_message: 'Success' })
  expect(bodyHash(TextPrompt, ok)).toBe(request.bodyHash)

  const refused = mergeSynapseResponse(TextPrompt, request.synapse, {
    status: 401,
    headers: {},
    body: '{"message": "Not Verified with error: Signature mismatch"}',
  })
  expect(refused.axon).toMatchObject({ status_code: 401 })
  expect(refused.dendrite).toMatchObject({
    status_code: 401,
    status_message: 'Not Verified with error: Signature mismatch',
  })
  expect(refused.completion).toBeNull()
})

it('refuses to answer with a lone surrogate, which Starlette cannot encode as UTF-8 (a 500)', () => {
  const answer = (completion: string) =>
    synapseResponse(TextPrompt, TextPrompt.create({ prompt: 'p', completion }), { processTime: 0 })
  expect(() => answer('a\ud800b')).toThrow(expect.objectContaining({ code: 'SYNAPSE_UNENCODABLE' }))
  expect(JSON.parse(answer('🌍 \u00e9').body).completion).toBe('🌍 \u00e9')
})
