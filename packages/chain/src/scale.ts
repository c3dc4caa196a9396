import { ChainError, ChainErrorCode } from './errors.js'

/**
 * A SCALE decoder compiled from the node's portable type registry. polkadot-js builds a codec
 * object per value, which costs ~40 ms for a 256-uid metagraph; this one reads the bytes once
 * into plain values: numeric vectors become typed arrays (u64 as BigUint64Array), byte arrays
 * Uint8Array, structs objects with camelCase keys, Option its value or undefined, other enums
 * `{ Name: value }` (unit variants their name), and newtypes their inner value.
 */

/** The slice of a metadata registry entry this decoder reads (`lookup.types[i].toJSON()`). */
export interface PortableType {
  id: number
  type: {
    path: string[]
    def: {
      primitive?: string
      composite?: { fields: PortableField[] }
      variant?: { variants: Array<{ name: string; index: number; fields: PortableField[] }> }
      sequence?: { type: number }
      array?: { len: number; type: number }
      tuple?: number[]
      compact?: { type: number }
      bitSequence?: unknown
    }
  }
}

interface PortableField {
  name: string | null
  type: number
}

export type Decoded =
  | number
  | bigint
  | boolean
  | string
  | undefined
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigUint64Array
  | Decoded[]
  | { [key: string]: Decoded }

class Cursor {
  offset = 0
  readonly view: DataView

  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  }

  need(count: number): void {
    if (this.offset + count > this.bytes.length) {
      throw new ChainError(
        ChainErrorCode.InvalidInput,
        `SCALE: needed ${count} bytes at offset ${this.offset} of ${this.bytes.length}`,
      )
    }
  }

  u8(): number {
    this.need(1)
    return this.bytes[this.offset++]!
  }

  compact(): bigint {
    const first = this.u8()
    switch (first & 3) {
      case 0:
        return BigInt(first >> 2)
      case 1:
        return BigInt((first >> 2) | (this.u8() << 6))
      case 2: {
        this.offset -= 1
        this.need(4)
        const value = this.view.getUint32(this.offset, true) >>> 2
        this.offset += 4
        return BigInt(value)
      }
      default: {
        const length = (first >> 2) + 4
        this.need(length)
        let value = 0n
        for (let i = length - 1; i >= 0; i--)
          value = (value << 8n) | BigInt(this.bytes[this.offset + i]!)
        this.offset += length
        return value
      }
    }
  }

  length(): number {
    const length = Number(this.compact())
    // Each element takes at least one byte except zero-sized ones, which never come in bulk.
    if (length > this.bytes.length - this.offset + 1 && length > 1_000_000) {
      throw new ChainError(ChainErrorCode.InvalidInput, `SCALE: implausible length ${length}`)
    }
    return length
  }
}

type Reader = (cursor: Cursor) => Decoded

type NumericKind =
  | 'u8'
  | 'u16'
  | 'u32'
  | 'u64'
  | 'u128'
  | 'i8'
  | 'i16'
  | 'i32'
  | 'i64'
  | 'i128'
  | 'bool'

const FIXED_WIDTH: Record<string, number> = {
  u8: 1,
  u16: 2,
  u32: 4,
  u64: 8,
  u128: 16,
  i8: 1,
  i16: 2,
  i32: 4,
  i64: 8,
  i128: 16,
  bool: 1,
}

/** Item kinds read into typed arrays; vectors of any other kind become plain arrays. */
const TYPED_VECTORS: Record<string, true> = {
  u8: true,
  bool: true,
  u16: true,
  u32: true,
  u64: true,
}

function camelCase(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())
}

export class ScaleDecoder {
  readonly #types = new Map<number, PortableType['type']>()
  readonly #readers = new Map<number, Reader>()

  constructor(types: readonly PortableType[]) {
    for (const entry of types) {
      const primitive = entry.type.def.primitive
      // polkadot-js spells primitives `U8`, `Str`; the registry's own JSON `u8`, `str`.
      if (primitive !== undefined) entry.type.def.primitive = primitive.toLowerCase()
      this.#types.set(entry.id, entry.type)
    }
  }

  decode(typeId: number, bytes: Uint8Array): Decoded {
    const cursor = new Cursor(bytes)
    const value = this.reader(typeId)(cursor)
    if (cursor.offset !== bytes.length) {
      throw new ChainError(
        ChainErrorCode.InvalidInput,
        `SCALE: ${bytes.length - cursor.offset} bytes left over after type ${typeId}`,
      )
    }
    return value
  }

  reader(typeId: number): Reader {
    const known = this.#readers.get(typeId)
    if (known !== undefined) return known
    // Recursive types refer to themselves; a forwarding reader breaks the cycle.
    let compiled: Reader | undefined
    this.#readers.set(typeId, (cursor) => compiled!(cursor))
    try {
      compiled = this.#compile(typeId)
    } catch (error) {
      this.#readers.delete(typeId)
      throw error
    }
    this.#readers.set(typeId, compiled)
    return compiled
  }

  #type(typeId: number): PortableType['type'] {
    const type = this.#types.get(typeId)
    if (type === undefined) {
      throw new ChainError(ChainErrorCode.NotInMetadata, `type ${typeId} is not in the metadata`)
    }
    return type
  }

  /** The primitive a type is, or wraps through single-field structs (e.g. `AlphaCurrency`). */
  #numeric(typeId: number): NumericKind | undefined {
    const def = this.#type(typeId).def
    if (def.primitive !== undefined) {
      return def.primitive in FIXED_WIDTH ? (def.primitive as NumericKind) : undefined
    }
    const fields = def.composite?.fields
    if (fields?.length === 1) return this.#numeric(fields[0]!.type)
    return undefined
  }

  #compile(typeId: number): Reader {
    const def = this.#type(typeId).def
    if (def.primitive !== undefined) return primitiveReader(def.primitive)
    if (def.compact !== undefined) return compactReader(this.#numeric(def.compact.type))
    if (def.composite !== undefined) {
      const fields = def.composite.fields
      if (fields.length === 1) return this.reader(fields[0]!.type)
      if (fields.every((f) => f.name === null)) {
        const readers = fields.map((f) => this.reader(f.type))
        return (cursor) => readers.map((read) => read(cursor))
      }
      const entries = fields.map((f) => [camelCase(f.name ?? ''), this.reader(f.type)] as const)
      return (cursor) => {
        const out: { [key: string]: Decoded } = {}
        for (const [name, read] of entries) out[name] = read(cursor)
        return out
      }
    }
    if (def.sequence !== undefined) return this.#vector(def.sequence.type, undefined)
    if (def.array !== undefined) return this.#vector(def.array.type, def.array.len)
    if (def.tuple !== undefined) {
      const readers = def.tuple.map((id) => this.reader(id))
      return (cursor) => readers.map((read) => read(cursor))
    }
    if (def.variant !== undefined) return this.#variant(typeId, def.variant.variants)
    throw new ChainError(ChainErrorCode.NotInMetadata, `type ${typeId}: unsupported definition`)
  }

  #vector(itemType: number, fixedLength: number | undefined): Reader {
    const length = (cursor: Cursor): number => fixedLength ?? cursor.length()
    const itemDef = this.#type(itemType).def
    const numeric = this.#numeric(itemType)
    if (numeric !== undefined && itemDef.compact === undefined && numeric in TYPED_VECTORS) {
      return fixedVector(numeric, length)
    }
    if (itemDef.compact !== undefined) {
      const inner = this.#numeric(itemDef.compact.type)
      if (inner === 'u64') {
        return (cursor) => {
          const out = new BigUint64Array(length(cursor))
          for (let i = 0; i < out.length; i++) out[i] = cursor.compact()
          return out
        }
      }
      if (inner === 'u8' || inner === 'u16' || inner === 'u32') {
        const Typed = inner === 'u32' ? Uint32Array : inner === 'u16' ? Uint16Array : Uint8Array
        return (cursor) => {
          const out = new Typed(length(cursor))
          for (let i = 0; i < out.length; i++) out[i] = Number(cursor.compact())
          return out
        }
      }
    }
    const read = this.reader(itemType)
    return (cursor) => Array.from({ length: length(cursor) }, () => read(cursor))
  }

  #variant(
    typeId: number,
    variants: Array<{ name: string; index: number; fields: PortableField[] }>,
  ): Reader {
    const path = this.#type(typeId).path
    const byIndex = new Map(
      variants.map((v) => {
        const fields = v.fields.map((f) => this.reader(f.type))
        const named = v.fields.every((f) => f.name !== null) && v.fields.length > 0
        const names = v.fields.map((f) => camelCase(f.name ?? ''))
        const read: Reader = (cursor) => {
          if (fields.length === 0) return undefined
          if (fields.length === 1 && !named) return fields[0]!(cursor)
          if (!named) return fields.map((r) => r(cursor))
          const out: { [key: string]: Decoded } = {}
          fields.forEach((r, i) => {
            out[names[i]!] = r(cursor)
          })
          return out
        }
        return [v.index, { name: v.name, read }] as const
      }),
    )
    const isOption = path.length === 1 && path[0] === 'Option'
    return (cursor) => {
      const index = cursor.u8()
      const variant = byIndex.get(index)
      if (variant === undefined) {
        throw new ChainError(
          ChainErrorCode.InvalidInput,
          `SCALE: type ${typeId} has no variant ${index}`,
        )
      }
      if (isOption) return variant.name === 'None' ? undefined : variant.read(cursor)
      const value = variant.read(cursor)
      return value === undefined ? variant.name : { [variant.name]: value }
    }
  }
}

function primitiveReader(primitive: string): Reader {
  if (primitive === 'str') {
    return (cursor) => {
      const length = cursor.length()
      cursor.need(length)
      const text = new TextDecoder().decode(
        cursor.bytes.subarray(cursor.offset, cursor.offset + length),
      )
      cursor.offset += length
      return text
    }
  }
  const width = FIXED_WIDTH[primitive]
  if (width === undefined) {
    throw new ChainError(ChainErrorCode.NotInMetadata, `primitive ${primitive} is not supported`)
  }
  return (cursor) => {
    cursor.need(width)
    const at = cursor.offset
    cursor.offset += width
    const view = cursor.view
    switch (primitive) {
      case 'bool':
        return view.getUint8(at) !== 0
      case 'u8':
        return view.getUint8(at)
      case 'i8':
        return view.getInt8(at)
      case 'u16':
        return view.getUint16(at, true)
      case 'i16':
        return view.getInt16(at, true)
      case 'u32':
        return view.getUint32(at, true)
      case 'i32':
        return view.getInt32(at, true)
      case 'u64':
        return view.getBigUint64(at, true)
      case 'i64':
        return view.getBigInt64(at, true)
      case 'i128':
        return view.getBigUint64(at, true) | (view.getBigInt64(at + 8, true) << 64n)
      default:
        return view.getBigUint64(at, true) | (view.getBigUint64(at + 8, true) << 64n)
    }
  }
}

function compactReader(inner: NumericKind | undefined): Reader {
  if (inner === 'u64' || inner === 'u128' || inner === undefined)
    return (cursor) => cursor.compact()
  return (cursor) => Number(cursor.compact())
}

function fixedVector(kind: NumericKind, length: (cursor: Cursor) => number): Reader {
  const width = FIXED_WIDTH[kind]!
  return (cursor) => {
    const count = length(cursor)
    cursor.need(count * width)
    const at = cursor.offset
    cursor.offset += count * width
    const view = cursor.view
    switch (kind) {
      case 'u8':
      case 'bool':
        return cursor.bytes.slice(at, at + count)
      case 'u16': {
        const out = new Uint16Array(count)
        for (let i = 0; i < count; i++) out[i] = view.getUint16(at + 2 * i, true)
        return out
      }
      case 'u32': {
        const out = new Uint32Array(count)
        for (let i = 0; i < count; i++) out[i] = view.getUint32(at + 4 * i, true)
        return out
      }
      case 'u64': {
        const out = new BigUint64Array(count)
        for (let i = 0; i < count; i++) out[i] = view.getBigUint64(at + 8 * i, true)
        return out
      }
      default:
        throw new ChainError(ChainErrorCode.NotInMetadata, `vectors of ${kind} are not supported`)
    }
  }
}
