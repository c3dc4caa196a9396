import { readFileSync } from 'node:fs'
import type { ApiPromise } from '@polkadot/api'
import { Metadata, TypeRegistry } from '@polkadot/types'
import type { MetadataLatest } from '@polkadot/types/interfaces'
import type { PortableRegistry } from '@polkadot/types/metadata'
import { describeWithShared, sharedPath } from '@taokit/testing'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { type Devnet, startDevnet } from '../src/index.js'
import { connect, signedExtensions } from './api.js'

/** The outer enums hold every pallet; a subset of pallets makes them differ by design. */
const OPAQUE = new Set([
  'node_subtensor_runtime::RuntimeCall',
  'node_subtensor_runtime::RuntimeEvent',
])

/** A type's structure, without the names of types: fields, variants, sequences, primitives. */
function shape(lookup: PortableRegistry, id: number, stack: number[] = []): string {
  const type = lookup.getSiType(id)
  const path = type.path.map(String).join('::')
  if (OPAQUE.has(path)) return path
  if (stack.includes(id)) return `recursive ${path}`
  const inner = (child: { toNumber(): number }) => shape(lookup, child.toNumber(), [...stack, id])
  const fields = (
    list: {
      name: { isSome: boolean; unwrap(): { toString(): string } }
      type: { toNumber(): number }
    }[],
  ) =>
    list
      .map((f) => `${f.name.isSome ? `${f.name.unwrap().toString()}:` : ''}${inner(f.type)}`)
      .join(',')
  const def = type.def
  if (def.isComposite) return `{${fields(def.asComposite.fields)}}`
  if (def.isVariant) {
    return `<${def.asVariant.variants.map((v) => `${v.index.toNumber()}:${v.name.toString()}(${fields(v.fields)})`).join('|')}>`
  }
  if (def.isSequence) return `[${inner(def.asSequence.type)}]`
  if (def.isArray) return `[${inner(def.asArray.type)};${def.asArray.len.toNumber()}]`
  if (def.isTuple) return `(${def.asTuple.map(inner).join(',')})`
  if (def.isPrimitive) return def.asPrimitive.type.toString()
  if (def.isCompact) return `Compact<${inner(def.asCompact.type)}>`
  return def.type
}

interface Side {
  metadata: MetadataLatest
  lookup: PortableRegistry
}

function variantsOf(side: Side, id: number) {
  return side.lookup.getSiType(id).def.asVariant.variants
}

let devnet: Devnet
let api: ApiPromise

beforeAll(async () => {
  devnet = await startDevnet()
  api = await connect(devnet.url)
})

afterAll(async () => {
  await api?.disconnect()
  await devnet?.stop()
})

describeWithShared('metadata compatibility with finney (spec 393)', () => {
  const registry = new TypeRegistry()
  const finneyMetadata = new Metadata(
    registry,
    readFileSync(sharedPath('subtensor', 'finney-spec393.scale')),
  )
  registry.setMetadata(finneyMetadata, undefined, signedExtensions, true)
  const finney: Side = { metadata: finneyMetadata.asLatest, lookup: finneyMetadata.asLatest.lookup }
  const ours = (): Side => ({
    metadata: api.runtimeMetadata.asLatest,
    lookup: api.runtimeMetadata.asLatest.lookup,
  })
  const missing: string[] = []
  let mismatches: string[] = []
  const same = (what: string, a: string, b: string) => {
    if (a !== b) mismatches.push(`${what}\n  devnet: ${a}\n  finney: ${b}`)
  }

  it('exposes pallets, calls, events, errors, storage and constants shaped as on finney', () => {
    const devnetSide = ours()
    for (const pallet of devnetSide.metadata.pallets) {
      const name = pallet.name.toString()
      const theirs = finney.metadata.pallets.find((p) => p.name.toString() === name)
      expect(theirs, name).toBeDefined()
      expect(pallet.index.toNumber(), name).toBe(theirs!.index.toNumber())
      const enums = [
        ['call', pallet.calls, theirs!.calls],
        ['event', pallet.events, theirs!.events],
        ['error', pallet.errors, theirs!.errors],
      ] as const
      for (const [kind, mine, theirsEnum] of enums) {
        if (mine.isNone) {
          if (theirsEnum.isSome) missing.push(`${name} ${kind}s`)
          continue
        }
        const theirVariants = variantsOf(finney, theirsEnum.unwrap().type.toNumber())
        const myVariants = variantsOf(devnetSide, mine.unwrap().type.toNumber())
        for (const theirVariant of theirVariants) {
          if (!myVariants.some((v) => v.name.eq(theirVariant.name)))
            missing.push(`${name}.${theirVariant.name.toString()} (${kind})`)
        }
        for (const variant of myVariants) {
          const match = theirVariants.find((v) => v.name.eq(variant.name))
          const label = `${name}.${variant.name.toString()} (${kind})`
          if (match === undefined) {
            mismatches.push(`${label} is not on finney`)
            continue
          }
          same(`${label} index`, String(variant.index.toNumber()), String(match.index.toNumber()))
          const fields = (side: Side, v: typeof variant) =>
            v.fields
              .map(
                (f) => `${f.name.unwrapOr('').toString()}:${shape(side.lookup, f.type.toNumber())}`,
              )
              .join(', ')
          same(label, fields(devnetSide, variant), fields(finney, match))
        }
      }
      const theirStorage = theirs!.storage.isSome ? theirs!.storage.unwrap().items : []
      const myStorage = pallet.storage.isSome ? pallet.storage.unwrap().items : []
      for (const item of theirStorage) {
        if (!myStorage.some((i) => i.name.eq(item.name)))
          missing.push(`${name}.${item.name.toString()} (storage)`)
      }
      for (const item of myStorage) {
        const label = `${name}.${item.name.toString()} (storage)`
        const match = theirStorage.find((i) => i.name.eq(item.name))
        if (match === undefined) {
          mismatches.push(`${label} is not on finney`)
          continue
        }
        const describe = (side: Side, entry: typeof item) => {
          const type = entry.type
          const modifier = entry.modifier.toString()
          if (type.isPlain)
            return `${modifier} plain ${shape(side.lookup, type.asPlain.toNumber())} = ${entry.fallback.toHex()}`
          const map = type.asMap
          return `${modifier} map ${map.hashers.map(String).join('/')} ${shape(side.lookup, map.key.toNumber())} -> ${shape(side.lookup, map.value.toNumber())} = ${entry.fallback.toHex()}`
        }
        same(label, describe(devnetSide, item), describe(finney, match))
      }
      for (const constant of pallet.constants) {
        const label = `${name}.${constant.name.toString()} (constant)`
        const match = theirs!.constants.find((c) => c.name.eq(constant.name))
        if (match === undefined) mismatches.push(`${label} is not on finney`)
        else
          same(
            label,
            shape(devnetSide.lookup, constant.type.toNumber()),
            shape(finney.lookup, match.type.toNumber()),
          )
      }
    }
    expect(mismatches).toEqual([])
  })

  it('exposes runtime APIs whose methods take and return what finney does', () => {
    mismatches = []
    const devnetSide = ours()
    for (const apiMeta of devnetSide.metadata.apis) {
      const theirs = finney.metadata.apis.find((a) => a.name.eq(apiMeta.name))
      expect(theirs, apiMeta.name.toString()).toBeDefined()
      for (const method of apiMeta.methods) {
        const label = `${apiMeta.name.toString()}.${method.name.toString()}`
        const match = theirs!.methods.find((m) => m.name.eq(method.name))
        if (match === undefined) {
          mismatches.push(`${label} is not on finney`)
          continue
        }
        const signature = (side: Side, m: typeof method) =>
          `(${m.inputs.map((i) => `${i.name.toString()}:${shape(side.lookup, i.type.toNumber())}`).join(', ')}) -> ${shape(side.lookup, m.output.toNumber())}`
        same(label, signature(devnetSide, method), signature(finney, match))
      }
    }
    expect(mismatches).toEqual([])
    for (const apiMeta of finney.metadata.apis) {
      if (!devnetSide.metadata.apis.some((a) => a.name.eq(apiMeta.name)))
        missing.push(`${apiMeta.name.toString()} (runtime API)`)
    }
  })

  it('lists what it does not expose', () => {
    // Informative: the README's coverage table summarises this list.
    console.info(
      `devnet does not expose ${missing.length} finney items, e.g.: ${missing.slice(0, 12).join('; ')}`,
    )
    expect(missing.length).toBeGreaterThan(0)
  })
})
