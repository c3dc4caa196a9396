import { describeWithShared, loadSynapseVectors } from '@taokit/testing'
import { expect, it } from 'vitest'
import {
  bodyHash,
  defineSynapse,
  EMPTY_BODY_HASH,
  type FieldMap,
  field,
  hashedFields,
  Synapse,
  sha3Hex,
} from '../src/index.js'

// The classes of body_hash_cases, declared from each case's `fields` text.
const CLASS_FIELDS: Record<string, FieldMap> = {
  Synapse: Synapse.fields,
  Scalars: {
    i: field.int(),
    f: field.float(),
    s: field.str(),
    b: field.bool(),
    n: field.int().nullable(),
  },
  OneInt: { x: field.bigint() },
  OneFloat: { x: field.float() },
  OneStr: { x: field.str() },
  StrList: { x: field.list(field.str()) },
  FloatList: { x: field.list(field.float()) },
  Nested: { x: field.list(field.list(field.float())) },
  AnyList: { x: field.list(field.any()) },
  DictField: { x: field.dict(field.any()) },
  ModelField: {
    x: field.model({ x: field.int(), y: field.list(field.str()) }).nullable(),
  },
  OptList: { x: field.list(field.int()).nullable() },
  Order: { a: field.int(), b: field.str(), c: field.list(field.float()) },
  HashedSynapse: {
    a: field.int(),
    b: field.int(),
    c: field.int().optional(),
    d: field.list(field.str()).optional(),
  },
  LegacyHashedSynapse: {
    a: field.int(),
    b: field.int(),
    c: field.int().optional(),
    d: field.list(field.str()).optional(),
  },
}

describeWithShared('body hash: synapse.json body_hash_cases', () => {
  const vectors = loadSynapseVectors()

  it('covers every case', () => {
    expect(vectors.body_hash_cases.length).toBe(42)
  })

  for (const c of vectors.body_hash_cases) {
    it(`${c.id}: str() of each field and the two-level sha3-256`, () => {
      const fields = CLASS_FIELDS[c.class]
      expect(fields, `class ${c.class}`).toBeDefined()
      const type = defineSynapse(c.class, fields!, { requiredHashFields: c.required_hash_fields })
      const synapse = type.fromJson(c.input_json)
      expect(hashedFields(type, synapse)).toEqual(c.hashed_fields)
      expect(bodyHash(type, synapse)).toBe(c.body_hash)
    })
  }
})

it('hashes nothing as the hash of the empty string', () => {
  expect(sha3Hex('')).toBe(EMPTY_BODY_HASH)
  expect(bodyHash(Synapse, Synapse.create({}))).toBe(EMPTY_BODY_HASH)
})

it('reproduces the worked example of protocol.md 1.13', () => {
  const H = defineSynapse(
    'H',
    { a: field.int(), b: field.str(), c: field.list(field.float()) },
    { requiredHashFields: ['a', 'b', 'c'] },
  )
  expect(bodyHash(H, H.create({ a: 1, b: 'x', c: [0.5, 1] }))).toBe(
    '56617370e8a5c6c9877c2ada00bfe03f4a1197ca578f07b4ed819116aa98450a',
  )
})

it('keeps dict insertion order, integer-like keys included', () => {
  const Scored = defineSynapse(
    'Scored',
    { by_uid: field.dict(field.float(), { key: 'int' }), by_name: field.dict(field.int()) },
    { requiredHashFields: ['by_uid', 'by_name'] },
  )
  const synapse = Scored.fromJson('{"by_uid": {"5": 0.5, "2": 1}, "by_name": {"10": 1, "9": 2}}')
  expect(hashedFields(Scored, synapse).map((f) => f.str)).toEqual([
    '{5: 0.5, 2: 1.0}',
    "{'10': 1, '9': 2}",
  ])
  expect(Scored.toJson(synapse)).toContain('"by_uid": {"5": 0.5, "2": 1.0}')
})

it('refuses text Python could not encode', () => {
  const OneStr = defineSynapse('OneStr', { x: field.str() }, { requiredHashFields: ['x'] })
  const lone = OneStr.fromJson('{"x": "a\\ud800b"}')
  expect(() => bodyHash(OneStr, lone)).toThrow(/lone surrogate/)
  // Inside a list, repr() escapes it, so it hashes.
  const List = defineSynapse('L', { x: field.list(field.str()) }, { requiredHashFields: ['x'] })
  expect(hashedFields(List, List.fromJson('{"x": ["a\\ud800"]}'))[0]!.str).toBe("['a\\ud800']")
})
