import { ss58Encode } from '@taokit/keys'
import type { SparseRows } from '@taokit/yuma'
import { ChainError, ChainErrorCode } from './errors.js'
import type { RawReader } from './raw.js'
import type { Decoded } from './scale.js'

/** Where a neuron serves: with its hotkey, a dendrite target as it is. */
export interface AxonInfo {
  /** The neuron's hotkey, which requests to this axon are signed for. */
  hotkey: string
  /** Dotted IPv4 or IPv6 text; `0.0.0.0` when the neuron never served. */
  ip: string
  port: number
  ipType: number
  protocol: number
  version: number
  /** Block of the last serve_axon. */
  block: bigint
}

/**
 * A subnet's neurons at one block. Per-uid values are typed arrays indexed by uid;
 * proportions are u16 (65535 = 1.0) as the chain stores them, amounts u64 rao.
 */
export interface Metagraph {
  netuid: number
  block: number
  blockHash: string
  n: number
  name: string
  symbol: string
  tempo: number
  ownerHotkey: string
  ownerColdkey: string
  /** TAO per alpha of the subnet's pool (taoIn / alphaIn). */
  price: number
  hotkeys: string[]
  coldkeys: string[]
  axons: AxonInfo[]
  /** Stake weight in alpha rao: alpha stake plus TAO stake scaled by the TAO weight. */
  stake: BigUint64Array
  alphaStake: BigUint64Array
  taoStake: BigUint64Array
  incentive: Uint16Array
  dividends: Uint16Array
  consensus: Uint16Array
  validatorTrust: Uint16Array
  emission: BigUint64Array
  active: Uint8Array
  validatorPermit: Uint8Array
  lastUpdate: BigUint64Array
  blockAtRegistration: BigUint64Array
  /** Present when asked for: each uid's weights row as stored. */
  weights?: SparseRows
  /** Present when asked for: each uid's bonds row as stored. */
  bonds?: SparseRows
}

export interface MetagraphOptions {
  weights?: boolean
  bonds?: boolean
}

type Fields = { [key: string]: Decoded }

/**
 * One runtime-API call (`get_metagraph`) plus the validator-trust vector it lacks, sent
 * together, so the whole read costs one round trip. Without a block both go to the latest
 * one: the storage answer names its block and carries System.Number, which must equal the
 * metagraph's own block number, or the read is repeated pinned to that block.
 */
export async function fetchMetagraph(
  raw: RawReader,
  netuid: number,
  block: { number: number; hash: string } | undefined,
  options: MetagraphOptions = {},
): Promise<Metagraph> {
  const [graph, storage] = await Promise.all([
    raw.call('SubnetInfoRuntimeApi', 'get_metagraph', [netuid], block?.hash),
    raw.storageWithBlock(
      [
        ['subtensorModule', 'validatorTrust', [netuid]],
        ['system', 'number', []],
      ],
      block?.hash,
    ),
  ])
  const [trust, number] = storage.values
  const at = block ?? { number: Number(number), hash: storage.block }
  if (graph === undefined) {
    throw new ChainError(
      ChainErrorCode.SubnetNotFound,
      `netuid: subnet ${netuid} does not exist at block ${at.number}`,
      { field: 'netuid' },
    )
  }
  if (Number((graph as Fields).block) !== at.number) {
    // Unpinned, the two reads may have met different blocks: read again at the storage's.
    // Pinned, they cannot, unless the node is wrong; reading again would loop forever.
    if (block === undefined) return fetchMetagraph(raw, netuid, at, options)
    throw new ChainError(
      ChainErrorCode.NodeError,
      `the node answered get_metagraph for block ${Number((graph as Fields).block)} when asked for block ${at.number} (${at.hash})`,
    )
  }
  const metagraph = toMetagraph(graph as Fields, trust as Uint16Array, at)
  if (options.weights || options.bonds) {
    const rows = await readRows(raw, netuid, metagraph.n, at.hash, options)
    if (rows.weights !== undefined) metagraph.weights = rows.weights
    if (rows.bonds !== undefined) metagraph.bonds = rows.bonds
  }
  return metagraph
}

export function toMetagraph(
  graph: Fields,
  validatorTrust: Uint16Array,
  block: { number: number; hash: string },
): Metagraph {
  const n = Number(graph.numUids)
  const taoIn = Number(graph.taoIn)
  const alphaIn = Number(graph.alphaIn)
  const hotkeys = (graph.hotkeys as Uint8Array[]).map((key) => ss58Encode(key))
  return {
    netuid: Number(graph.netuid),
    block: block.number,
    blockHash: block.hash,
    n,
    name: text(graph.name),
    symbol: text(graph.symbol),
    tempo: Number(graph.tempo),
    ownerHotkey: ss58Encode(graph.ownerHotkey as Uint8Array),
    ownerColdkey: ss58Encode(graph.ownerColdkey as Uint8Array),
    price: alphaIn === 0 ? 0 : taoIn / alphaIn,
    hotkeys,
    coldkeys: (graph.coldkeys as Uint8Array[]).map((key) => ss58Encode(key)),
    axons: (graph.axons as Fields[]).map((axon, uid) => toAxon(axon, hotkeys[uid] ?? '')),
    stake: sized(graph.totalStake as BigUint64Array, n),
    alphaStake: sized(graph.alphaStake as BigUint64Array, n),
    taoStake: sized(graph.taoStake as BigUint64Array, n),
    incentive: sized(graph.incentives as Uint16Array, n),
    dividends: sized(graph.dividends as Uint16Array, n),
    consensus: sized(graph.consensus as Uint16Array, n),
    validatorTrust: sized(validatorTrust, n),
    emission: sized(graph.emission as BigUint64Array, n),
    active: sized(graph.active as Uint8Array, n),
    validatorPermit: sized(graph.validatorPermit as Uint8Array, n),
    lastUpdate: sized(graph.lastUpdate as BigUint64Array, n),
    blockAtRegistration: sized(graph.blockAtRegistration as BigUint64Array, n),
  }
}

type Typed = Uint8Array | Uint16Array | BigUint64Array

/** Vectors the chain has not written since uids were added are short; pad them with zeros. */
function sized<T extends Typed>(values: T, n: number): T {
  if (values.length === n) return values
  const out = new (values.constructor as new (length: number) => T)(n)
  out.set(values.subarray(0, n) as never)
  return out
}

function text(value: Decoded): string {
  if (typeof value === 'string') return value
  if (value instanceof Uint8Array) return new TextDecoder().decode(value)
  if (Array.isArray(value)) return String.fromCodePoint(...value.map(Number))
  return ''
}

export function toAxon(axon: Fields, hotkey: string): AxonInfo {
  const ipType = Number(axon.ipType)
  return {
    hotkey,
    ip: formatIp(BigInt(axon.ip as bigint), ipType),
    port: Number(axon.port),
    ipType,
    protocol: Number(axon.protocol),
    version: Number(axon.version),
    block: BigInt(axon.block as bigint),
  }
}

/**
 * An axon's address as the SDK prints it (netaddr): IPv4 dotted, for any value that fits
 * in 32 bits whatever its type says; IPv6 compressed (64:ff9b::c000:221), an IPv4-mapped
 * one with its dotted tail (::ffff:1.2.3.4).
 */
export function formatIp(ip: bigint, ipType: number): string {
  const dotted = (v4: bigint) =>
    [24n, 16n, 8n, 0n].map((shift) => String((v4 >> shift) & 0xffn)).join('.')
  if (ipType !== 6 || ip < 2n ** 32n) return dotted(ip & 0xffff_ffffn)
  if (ip >> 32n === 0xffffn) return `::ffff:${dotted(ip & 0xffff_ffffn)}`
  const groups: string[] = []
  for (let shift = 112n; shift >= 0n; shift -= 16n) {
    groups.push(((ip >> shift) & 0xffffn).toString(16))
  }
  return new URL(`http://[${groups.join(':')}]`).hostname.slice(1, -1)
}

async function readRows(
  raw: RawReader,
  netuid: number,
  n: number,
  blockHash: string,
  options: MetagraphOptions,
): Promise<{ weights?: SparseRows; bonds?: SparseRows }> {
  const items = [options.weights ? 'weights' : '', options.bonds ? 'bonds' : ''].filter(Boolean)
  const reads = items.flatMap((item) =>
    Array.from({ length: n }, (_, uid) => ['subtensorModule', item, [netuid, uid]] as const),
  )
  const values = await raw.storage(reads, blockHash)
  const out: { weights?: SparseRows; bonds?: SparseRows } = {}
  items.forEach((item, i) => {
    out[item as 'weights' | 'bonds'] = packRows(values.slice(i * n, (i + 1) * n) as Decoded[][])
  })
  return out
}

/** Rows of `[uid, value]` pairs into the compressed form @taokit/yuma takes. */
export function packRows(rows: ReadonlyArray<ReadonlyArray<Decoded>>): SparseRows {
  const offsets = new Uint32Array(rows.length + 1)
  let total = 0
  rows.forEach((row, i) => {
    total += row.length
    offsets[i + 1] = total
  })
  const uids = new Uint16Array(total)
  const values = new Uint16Array(total)
  let at = 0
  for (const row of rows) {
    for (const pair of row) {
      const [uid, value] = pair as [number, number]
      uids[at] = uid
      values[at] = value
      at += 1
    }
  }
  return { offsets, uids, values }
}
