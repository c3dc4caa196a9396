import { describeWithShared, loadSynapseVectors } from '@taokit/testing'
import { describe, expect, it } from 'vitest'
import {
  BASE_FIELDS,
  bodyHash,
  Dummy,
  defineSynapse,
  EMPTY_BODY_HASH,
  field,
  fromHeaders,
  headerInputs,
  prepareSynapseRequest,
  pyBase64Decode,
  pyRepr,
  Scores,
  Synapse,
  SynapseError,
  SynapseErrorCode,
  type SynapseType,
  TextPrompt,
  toHeaders,
} from '../src/index.js'

const TYPES: Record<string, SynapseType> = { Synapse, Dummy, TextPrompt, Scores }

describe('declaring a synapse', () => {
  it('dumps a bare Synapse() as the SDK does', () => {
    const dump = Synapse.dump(Synapse.create({}))
    const terminal = new Map(
      [
        'status_code',
        'status_message',
        'process_time',
        'ip',
        'port',
        'version',
        'nonce',
        'uuid',
        'hotkey',
        'signature',
      ].map((k) => [k, null]),
    )
    expect(dump).toEqual(
      new Map<string, unknown>([
        ['name', 'Synapse'],
        ['timeout', 12],
        ['total_size', 0n],
        ['header_size', 0n],
        ['dendrite', terminal],
        ['axon', terminal],
        ['computed_body_hash', ''],
      ]),
    )
    expect(pyRepr(dump)).toMatch(/^\{'name': 'Synapse', 'timeout': 12\.0, 'total_size': 0, /)
  })

  it('gives a bare Synapse() the default headers', () => {
    const headers = toHeaders(Synapse, Synapse.create({}))
    expect(Object.keys(headers)).toEqual([
      'name',
      'timeout',
      'header_size',
      'total_size',
      'computed_body_hash',
    ])
    expect(headers.name).toBe('Synapse')
    expect(headers.timeout).toBe('12.0')
    expect(headers.computed_body_hash).toBe(EMPTY_BODY_HASH)
    // total_size defaults to the body's own byte length, total_size included.
    const body = Synapse.toJson({ ...Synapse.create({}), total_size: Number(headers.total_size) })
    expect(Buffer.byteLength(body)).toBe(Number(headers.total_size))
  })

  it('fills defaults and keeps the name the class name', () => {
    const prompt = TextPrompt.create({ prompt: 'hi' })
    expect(prompt).toMatchObject({
      name: 'TextPrompt',
      timeout: 12,
      prompt: 'hi',
      temperature: 0.7,
      max_tokens: 64,
      stop: [],
      completion: null,
    })
    expect(TextPrompt.requiredFields).toEqual(['prompt'])
    expect(Scores.requiredFields).toEqual(['uids', 'weights'])
    expect(
      TextPrompt.parse(
        new Map([
          ['name', 'Other'],
          ['prompt', 'x'],
        ]),
      ).name,
    ).toBe('TextPrompt')
    // Mutable defaults are not shared between instances.
    const a = TextPrompt.create({ prompt: 'a' })
    a.stop.push('x')
    expect(TextPrompt.create({ prompt: 'b' }).stop).toEqual([])
  })

  it('coerces as pydantic does in lax mode', () => {
    const parsed = TextPrompt.fromJson(
      '{"prompt": "p", "temperature": 1, "max_tokens": "7", "stop": [], "timeout": "30"}',
    )
    expect(parsed.temperature).toBe(1)
    expect(parsed.max_tokens).toBe(7)
    expect(parsed.timeout).toBe(30)
    expect(TextPrompt.toJson(parsed)).toContain('"temperature": 1.0, "max_tokens": 7')
    expect(TextPrompt.fromJson('{"prompt": "p", "max_tokens": 2.0}').max_tokens).toBe(2)
    const Flags = defineSynapse('Flags', { on: field.bool() })
    expect(Flags.fromJson('{"on": "yes"}').on).toBe(true)
    expect(Flags.fromJson('{"on": 0}').on).toBe(false)
    // pydantic 2.14: ints from " 1.0 " and "1_0" but not "1."; bool words only unpadded.
    const Counts = defineSynapse('Counts', { i: field.int(), on: field.bool().default(false) })
    expect(Counts.fromJson('{"i": " 1.00 "}').i).toBe(1)
    expect(Counts.fromJson('{"i": "1_0", "on": "YES"}')).toMatchObject({ i: 10, on: true })
    // pydantic-core strips as Rust's str::trim does: U+0085 yes, U+FEFF no.
    expect(Counts.fromJson('{"i": "\\u00851"}').i).toBe(1)
    for (const bad of [
      '{"i": "\\ufeff1"}',
      '{"i": 1, "on": "constructor"}',
      '{"i": 1, "on": "__proto__"}',
      '{"i": "1."}',
      '{"i": "0."}',
      '{"i": 1, "on": " yes "}',
      '{"i": 1, "on": "true\\n"}',
    ]) {
      expect(() => Counts.fromJson(bad), bad).toThrow(SynapseError)
    }
  })

  it('reads a float from a string as pydantic does, and an int past the floats as it refuses', () => {
    const F = defineSynapse('F', { v: field.float() })
    const read = (json: string) => F.fromJson(`{"v": ${json}}`).v
    // pydantic-core: Rust's float syntax after trimming, else the untrimmed text without
    // its underscores, unless one leads, trails or is doubled.
    expect(read('"1_e5"')).toBe(100000)
    expect(read('"+_1"')).toBe(1)
    expect(read('"i_nf"')).toBe(Number.POSITIVE_INFINITY)
    expect(read('"\u00a01.5"')).toBe(1.5)
    expect(read('"5.e3"')).toBe(5000)
    // The largest int that rounds to a finite float, and the first that does not.
    expect(read(String(2n ** 1024n - 2n ** 970n - 1n))).toBe(Number.MAX_VALUE)
    for (const bad of ['" 1_0"', '"_1"', '"1__0"', '"\u001c1.5"', '"1.5\u001f"', '"٣"', '".e1"']) {
      expect(() => read(bad), bad).toThrow(SynapseError)
    }
    expect(() => read(String(2n ** 1024n - 2n ** 970n))).toThrow(/int too large to convert/)
    expect(() => read(`1${'0'.repeat(400)}`)).toThrow(/int too large to convert/)
  })

  it('reads only its own keys from JSON, as Cls(**body) does', () => {
    expect([...Dummy.keys]).toEqual([...BASE_FIELDS, 'dummy_input', 'dummy_output'])
    const junk = `[${'{}, '.repeat(1000)}{}]`
    const parsed = Dummy.fromJson(`{"dummy_input": 3, "junk": ${junk}, "axon": {"ip": "1.2.3.4"}}`)
    expect(parsed).toMatchObject({ dummy_input: 3, axon: { ip: '1.2.3.4' } })
    expect(parsed).not.toHaveProperty('junk')
    expect(() => Dummy.fromJson('{"dummy_input": 3, "junk": [1,]}')).toThrow(SynapseError)
  })

  it('refuses what pydantic refuses, naming the field', () => {
    const attempts: [string, string][] = [
      ['{"max_tokens": 1}', 'prompt'],
      ['{"prompt": 5}', 'prompt'],
      ['{"prompt": "p", "max_tokens": "lots"}', 'max_tokens'],
      ['{"prompt": "p", "max_tokens": 2.5}', 'max_tokens'],
      ['{"prompt": "p", "stop": "x"}', 'stop'],
      ['{"prompt": "p", "stop": [1]}', 'stop[0]'],
      ['{"prompt": "p", "dendrite": {"nonce": "abc"}}', 'dendrite.nonce'],
      ['{"prompt": "p", "timeout": "soon"}', 'timeout'],
    ]
    for (const [json, where] of attempts) {
      let error: unknown
      try {
        TextPrompt.fromJson(json)
      } catch (e) {
        error = e
      }
      expect(error, json).toBeInstanceOf(SynapseError)
      expect((error as SynapseError).code).toBe(SynapseErrorCode.Validation)
      expect((error as SynapseError).field).toBe(where)
    }
    expect(() => TextPrompt.fromJson('[1]')).toThrow(SynapseError)
    expect(() => TextPrompt.fromJson('{"prompt": ')).toThrow(/Expecting value/)
  })

  it('casts TerminalInfo numbers as the SDK validators do', () => {
    const parsed = Dummy.parse({
      dummy_input: 1,
      dendrite: { nonce: ' 1_761_000 ', port: 8091.9, version: true, process_time: '0.5' },
    })
    expect(parsed.dendrite).toMatchObject({
      nonce: 1761000n,
      port: 8091,
      version: 1,
      process_time: 0.5,
    })
    // int() and float(): any script's decimal digits; str.isspace() but U+001C..U+001F.
    const cast = (nonce: string, process_time = '0') =>
      Dummy.parse({ dummy_input: 1, dendrite: { nonce, process_time } }).dendrite
    expect(cast('\u0663', '\u0661.\u0665')).toMatchObject({ nonce: 3n, process_time: 1.5 })
    expect(cast('1\u{1d7d5}\u0085')).toMatchObject({ nonce: 17n })
    expect(() => cast('\u001c7')).toThrow(SynapseError)
    // CPython's int() reads at most 4300 digits (underscores and the sign aside).
    expect(cast(`-${'1_'.repeat(4299)}1`)?.nonce).toBe(-BigInt('1'.repeat(4300)))
    expect(() => cast('0'.repeat(4301))).toThrow(SynapseError)
    expect(() => cast('7', '1.5\u001f')).toThrow(SynapseError)
  })

  it('refuses declarations the protocol cannot carry', () => {
    expect(() => defineSynapse('Bad', { timeout: field.float() })).toThrow(/reserved/)
    expect(() => defineSynapse('Bad', { _x: field.int() })).toThrow(SynapseError)
    expect(() =>
      defineSynapse('Bad', { a: field.int() }, { requiredHashFields: ['b' as 'a'] }),
    ).toThrow(/requiredHashFields/)
    expect(() => defineSynapse('Not A Name', {})).toThrow(SynapseError)
    expect(() => field.int().default(1.5)).toThrow(SynapseError)
  })

  it('sends placeholders, never values, in bt_header_input_obj_*', () => {
    const Kinds = defineSynapse('Kinds', {
      i: field.int(),
      f: field.float(),
      s: field.str(),
      b: field.bool(),
      l: field.list(field.int()),
      d: field.dict(field.int()),
      m: field.model({ x: field.int() }),
      a: field.any(),
      n: field.int().nullable(),
      o: field.int().default(3),
    })
    const synapse = Kinds.create({
      i: 5,
      f: 2,
      s: 'secret',
      b: true,
      l: [1],
      d: new Map([['k', 1]]),
      m: { x: 1 },
      a: 'text',
      n: null,
    })
    const headers = toHeaders(Kinds, synapse)
    const decoded = Object.fromEntries(
      Object.entries(headers)
        .filter(([k]) => k.startsWith('bt_header_input_obj_'))
        .map(([k, v]) => [k.slice(20), Buffer.from(v, 'base64').toString()]),
    )
    expect(decoded).toEqual({
      i: '0',
      f: '0.0',
      s: '""',
      b: 'false',
      l: '[]',
      d: '{}',
      m: '{}',
      a: '""',
    })
    // The axon rebuilds the synapse from the headers with those placeholders; `{}` is no
    // valid `m`, so the Python axon refuses every request of this class (a 500), and so
    // does this one. Required nested models need a default.
    expect(() => fromHeaders(Kinds, headers)).toThrow(/m\.x: field required/)
    // Likewise a required Optional field sent as None: it gets no header at all.
    const { m: _m, ...withNull } = Kinds.fields
    const WithNull = defineSynapse('WithNull', withNull)
    expect(() => fromHeaders(WithNull, toHeaders(WithNull, WithNull.create(synapse)))).toThrow(
      /^n: field required/,
    )
    const { n: _n, ...rest } = withNull
    const Flat = defineSynapse('Flat', rest)
    const rebuilt = fromHeaders(Flat, toHeaders(Flat, Flat.create(synapse)))
    expect(rebuilt).toMatchObject({ i: 0, f: 0, s: '', b: false, l: [], a: '', o: 3 })
    expect(rebuilt.d).toEqual(new Map())
  })

  it('skips input headers that name no field, as validation would drop them', () => {
    const headers = toHeaders(Dummy, Dummy.create({ dummy_input: 5 }))
    const junk = {
      ...headers,
      bt_header_input_obj_junk: Buffer.from(JSON.stringify([{}, [1, 2], 'x'])).toString('base64'),
      bt_header_input_obj_bad: '!!not base64 nor json',
    }
    expect(fromHeaders(Dummy, junk)).toEqual(fromHeaders(Dummy, headers))
    // headerInputs is parse_headers_to_inputs: every input that decodes, named or not.
    expect(headerInputs(junk).get('junk')).toBeDefined()
  })

  it('reads base64 as leniently as Python', () => {
    expect(Buffer.from(pyBase64Decode('MA==')!).toString()).toBe('0')
    expect(Buffer.from(pyBase64Decode('M A\n==')!).toString()).toBe('0')
    expect(Buffer.from(pyBase64Decode('MA==garbage')!).toString()).toBe('0')
    expect(pyBase64Decode('MA')).toBeUndefined()
    expect(pyBase64Decode('MA=')).toBeUndefined()
    const inputs = headerInputs({ bt_header_input_obj_x: 'not base64!', timeout: '1.0' })
    expect(inputs.has('x')).toBe(false)
    expect(inputs.get('timeout')).toBe('1.0')
  })

  it('reads header names by substring and split()[1], as parse_headers_to_inputs does', () => {
    // The expected dict is what SDK 10.2 prints for the same headers.
    const record = {
      'x-bt_header_axon_ip': '1.2.3.4',
      bt_header_dendrite_bt_header_dendrite_uuid: 'u',
      Bt_Header_Axon_Port: '9',
      bt_header_input_obj_l: 'W10=',
      bt_header_input_obj_: 'MA==',
      bt_header_input_objx: 'MA==',
      bt_header_input_obj_axon: 'MA==',
      bt_header_axon_ip_bt_header_axon_x: 'z',
      timeout: '2',
    }
    const expected = new Map<string, unknown>([
      [
        'axon',
        new Map([
          ['ip', '1.2.3.4'],
          ['port', '9'],
          ['ip_', 'z'],
        ]),
      ],
      ['dendrite', new Map([['', 'u']])],
      ['l', []],
      ['', 0n],
      ['timeout', '2'],
      ['name', null],
      ['header_size', null],
      ['total_size', null],
      ['computed_body_hash', null],
    ])
    expect(headerInputs(record)).toEqual(expected)
    expect(headerInputs(Object.entries(record))).toEqual(expected)
    // A decoded list is the request's own, never shared with the next one.
    expect(headerInputs(record).get('l')).not.toBe(headerInputs(record).get('l'))
  })
})

describeWithShared('synapse.json requests: the dendrite side', () => {
  const vectors = loadSynapseVectors()
  const originals = vectors.requests.filter((r) => r.variant_of === undefined)

  it('has the five original requests', () => {
    expect(originals.map((r) => r.id)).toEqual([
      'dummy',
      'text-prompt',
      'text-prompt-unicode',
      'scores',
      'ping',
    ])
  })

  for (const c of originals) {
    const type = TYPES[c.request.headers.name!]!
    const { headers, body } = c.request

    it(`${c.id}: parses and re-serializes the body byte for byte`, () => {
      const synapse = type.fromJson(body)
      expect(type.toJson(synapse)).toBe(body)
      expect(bodyHash(type, synapse)).toBe(headers.computed_body_hash)
    })

    it(`${c.id}: rebuilds the headers, in order, from the header-only synapse`, () => {
      const headerSynapse = fromHeaders(type, headers)
      const rebuilt = toHeaders(type, headerSynapse, {
        headerSize: Number(headers.header_size),
        totalSize: Number(headers.total_size),
      })
      // The header-only synapse has placeholder inputs, so only the hash differs.
      expect(
        Object.entries({ ...rebuilt, computed_body_hash: headers.computed_body_hash }),
      ).toEqual(Object.entries(headers))
    })

    it(`${c.id}: prepares the same request, message and body as the Python dendrite`, () => {
      const sent = type.fromJson(body)
      const fields = Object.fromEntries(Object.keys(type.fields).map((k) => [k, sent[k]]))
      const signature = Buffer.from(headers.bt_header_dendrite_signature!.slice(2), 'hex')
      const signed: string[] = []
      const prepared = prepareSynapseRequest(type, type.create(fields), {
        // sr25519 signatures are randomised: replay the vector's to compare bytes.
        signer: {
          address: vectors.keys.dendrite_hotkey!.ss58,
          sign: (message) => {
            signed.push(Buffer.from(message).toString())
            return signature
          },
        },
        axon: { ip: vectors.axon.ip, port: vectors.axon.port, hotkey: vectors.axon.hotkey },
        uuid: vectors.dendrite.uuid,
        nonce: BigInt(headers.bt_header_dendrite_nonce!),
        externalIp: vectors.dendrite.external_ip,
        sizes: { headerSize: Number(headers.header_size), totalSize: Number(headers.total_size) },
      })
      expect(signed).toEqual([c.signing_message])
      expect(prepared.signingMessage).toBe(c.signing_message)
      expect(Object.entries(prepared.headers)).toEqual(Object.entries(headers))
      expect(prepared.body).toBe(body)
      expect(prepared.url).toBe(c.request.url)
      expect(prepared.path).toBe(c.request.path)
    })
  }

  it('hashes the re-hashed tampered body as its header claims', () => {
    const tampered = vectors.requests.find((r) => r.id === 'tampered-body-and-hash-header')!
    const synapse = TextPrompt.fromJson(tampered.request.body)
    expect(bodyHash(TextPrompt, synapse)).toBe(tampered.request.headers.computed_body_hash)
  })
})
