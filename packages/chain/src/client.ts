import type { ApiPromise } from '@polkadot/api'
import type { Codec } from '@polkadot/types/types'
import { ss58DecodeAny, ss58Encode } from '@taokit/keys'
import { TtlCache } from './cache.js'
import { type ConnectOptions, openConnection } from './connect.js'
import { ChainError, ChainErrorCode } from './errors.js'
import {
  type AxonInfo,
  fetchMetagraph,
  type Metagraph,
  type MetagraphOptions,
  toAxon,
} from './metagraph.js'
import type { ResilientProvider } from './provider.js'
import { RawReader } from './raw.js'
import type { Decoded } from './scale.js'

/** A block to read at: a number, a `0x` hash, or (default) the latest block. */
export type BlockRef = number | string

export interface ReadOptions {
  block?: BlockRef
}

export interface SubnetSummary {
  netuid: number
  name: string
  symbol: string
  ownerHotkey: string
  ownerColdkey: string
  tempo: number
  /** Blocks since the subnet's last epoch. */
  blocksSinceLastStep: number
  /** TAO per alpha of the pool. */
  price: number
  taoIn: bigint
  alphaIn: bigint
  alphaOut: bigint
  /** TAO emission per block into the pool, in rao. */
  taoInEmission: bigint
  registeredAt: number
}

/** `SubnetInfoRuntimeApi.get_subnet_hyperparams`, with camelCase keys. */
export interface Hyperparameters {
  rho: number
  kappa: number
  immunityPeriod: number
  minAllowedWeights: number
  maxWeightsLimit: number
  tempo: number
  weightsVersion: bigint
  weightsRateLimit: bigint
  activityCutoff: number
  registrationAllowed: boolean
  maxValidators: number
  commitRevealWeightsEnabled: boolean
  commitRevealPeriod: bigint
  [name: string]: Decoded
}

/** One neuron (`NeuronInfoRuntimeApi.get_neuron_lite`); proportions are u16 (65535 = 1.0). */
export interface Neuron {
  netuid: number
  uid: number
  hotkey: string
  coldkey: string
  active: boolean
  validatorPermit: boolean
  /** Stake by staking coldkey, alpha rao. */
  stake: Array<{ coldkey: string; amount: bigint }>
  incentive: number
  dividends: number
  consensus: number
  validatorTrust: number
  emission: bigint
  lastUpdate: bigint
  axon: AxonInfo
}

export interface StakeEntry {
  hotkey: string
  coldkey: string
  netuid: number
  /** Alpha rao. */
  stake: bigint
  emission: bigint
  isRegistered: boolean
}

type Fields = { [key: string]: Decoded }

/**
 * One long-lived, resilient connection to a subtensor node, and the reads a validator or
 * miner needs. Writes live in {@link ./writes.ts}; they take this client.
 */
export class Subtensor {
  readonly #cache: TtlCache
  readonly #raw: RawReader
  readonly #specAt = new Map<string, number>()
  #closed = false

  private constructor(
    readonly api: ApiPromise,
    readonly provider: ResilientProvider,
    /** Endpoints in the order they are tried. */
    readonly endpoints: readonly string[],
    readonly timeoutMs: number,
    cacheTtlMs: number,
  ) {
    this.#cache = new TtlCache(cacheTtlMs)
    this.#raw = new RawReader(api, provider)
  }

  /**
   * Connects, or fails with `CHAIN_UNREACHABLE` within `timeoutMs`. `cacheTtlMs` (default
   * 1 s) is how long reads of the latest block are shared between callers.
   */
  static async connect(options: ConnectOptions & { cacheTtlMs?: number } = {}): Promise<Subtensor> {
    const { api, provider, endpoints, timeoutMs } = await openConnection(options)
    return new Subtensor(api, provider, endpoints, timeoutMs, options.cacheTtlMs ?? 1_000)
  }

  /** Closes the connection; afterwards nothing of it holds the process open. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    this.#cache.clear()
    await this.api.disconnect()
  }

  get isConnected(): boolean {
    return this.provider.isConnected
  }

  get raw(): RawReader {
    return this.#raw
  }

  /** The latest block's number and hash. */
  async head(): Promise<{ number: number; hash: string }> {
    const header = await this.provider.send<{ number: string }>('chain_getHeader', [])
    // The node does not send a header's hash; it is the hash of the encoded header.
    const hash = this.api.registry.createType('Header', header).hash.toHex()
    return { number: Number(header.number), hash }
  }

  /** The number and hash of `block` (default the latest). */
  async resolveBlock(block?: BlockRef): Promise<{ number: number; hash: string }> {
    if (block === undefined) return this.head()
    if (typeof block === 'number') {
      if (!Number.isSafeInteger(block) || block < 0) {
        throw new ChainError(
          ChainErrorCode.InvalidInput,
          `block: expected a block number or 0x hash, got ${block}`,
          { field: 'block' },
        )
      }
      const hash = await this.provider.send<string | null>('chain_getBlockHash', [block])
      if (hash === null) {
        throw new ChainError(
          ChainErrorCode.InvalidInput,
          `block: block ${block} does not exist (yet)`,
          { field: 'block' },
        )
      }
      await this.#checkRuntime(hash, block)
      return { number: block, hash }
    }
    if (!/^0x[0-9a-fA-F]{64}$/.test(block)) {
      throw new ChainError(
        ChainErrorCode.InvalidInput,
        `block: expected a block number or 0x hash, got ${JSON.stringify(block)}`,
        { field: 'block' },
      )
    }
    const header = await this.provider.send<{ number: string } | null>('chain_getHeader', [block])
    if (header === null) {
      throw new ChainError(ChainErrorCode.InvalidInput, `block: no block with hash ${block}`, {
        field: 'block',
      })
    }
    await this.#checkRuntime(block, Number(header.number))
    return { number: Number(header.number), hash: block }
  }

  /**
   * Reads are decoded with the connected runtime's types; a block from before a runtime
   * upgrade may encode them differently, so it is refused rather than misread.
   */
  async #checkRuntime(hash: string, number: number): Promise<void> {
    const current = this.api.runtimeVersion.specVersion.toNumber()
    let spec = this.#specAt.get(hash)
    if (spec === undefined) {
      const version = await this.provider.send<{ specVersion: number }>('state_getRuntimeVersion', [
        hash,
      ])
      spec = version.specVersion
      if (this.#specAt.size >= 1024) this.#specAt.clear()
      this.#specAt.set(hash, spec)
    }
    if (spec !== current) {
      throw new ChainError(
        ChainErrorCode.NotInMetadata,
        `block: block ${number} ran runtime spec ${spec}, and this client decodes spec ${current}; reading across a runtime upgrade is not supported yet`,
        { field: 'block' },
      )
    }
  }

  /** The current block number. */
  async blockNumber(): Promise<number> {
    return (await this.head()).number
  }

  /**
   * A subnet's metagraph in one round trip (a block given as a number costs one more, to
   * find its hash); `weights`/`bonds` add one batched storage read. Reads of the latest
   * block are cached for `cacheTtlMs` and shared.
   */
  metagraph(netuid: number, options: MetagraphOptions & ReadOptions = {}): Promise<Metagraph> {
    checkNetuid(netuid)
    const key = `metagraph:${netuid}:${options.block ?? 'head'}:${options.weights}:${options.bonds}`
    return this.#cache.get(key, async () => {
      const block = options.block === undefined ? undefined : await this.resolveBlock(options.block)
      return fetchMetagraph(this.#raw, netuid, block, options)
    })
  }

  /** One neuron by uid, or undefined when the uid is not taken. */
  async neuron(
    netuid: number,
    uid: number,
    options: ReadOptions = {},
  ): Promise<Neuron | undefined> {
    checkNetuid(netuid)
    if (!Number.isInteger(uid) || uid < 0 || uid > 65535) {
      throw new ChainError(
        ChainErrorCode.InvalidInput,
        `uid: expected an integer in 0..65535, got ${uid}`,
        {
          field: 'uid',
        },
      )
    }
    const { hash } = await this.resolveBlock(options.block)
    const found = (await this.#raw.call(
      'NeuronInfoRuntimeApi',
      'get_neuron_lite',
      [netuid, uid],
      hash,
    )) as Fields | undefined
    if (found === undefined) return undefined
    const hotkey = ss58Encode(found.hotkey as Uint8Array)
    return {
      netuid,
      uid,
      hotkey,
      coldkey: ss58Encode(found.coldkey as Uint8Array),
      active: found.active === true,
      validatorPermit: found.validatorPermit === true,
      stake: (found.stake as Array<[Uint8Array, bigint]>).map(([coldkey, amount]) => ({
        coldkey: ss58Encode(coldkey),
        amount: BigInt(amount),
      })),
      incentive: Number(found.incentive),
      dividends: Number(found.dividends),
      consensus: Number(found.consensus),
      validatorTrust: Number(found.validatorTrust),
      emission: BigInt(found.emission as bigint),
      lastUpdate: BigInt(found.lastUpdate as bigint),
      axon: toAxon(found.axonInfo as Fields, hotkey),
    }
  }

  /** The uid of `hotkey` on the subnet, or undefined when it is not registered. */
  async uidOf(
    netuid: number,
    hotkey: string,
    options: ReadOptions = {},
  ): Promise<number | undefined> {
    checkNetuid(netuid)
    const { hash } = await this.resolveBlock(options.block)
    const [uid] = await this.#raw.storage(
      [['subtensorModule', 'uids', [netuid, accountId(hotkey, 'hotkey')]]],
      hash,
    )
    return uid === undefined ? undefined : Number(uid)
  }

  /** Every subnet except root, with its pool and schedule. */
  async subnets(options: ReadOptions = {}): Promise<SubnetSummary[]> {
    const { hash } = await this.resolveBlock(options.block)
    const all = (await this.#raw.call(
      'SubnetInfoRuntimeApi',
      'get_all_dynamic_info',
      [],
      hash,
    )) as Array<Fields | undefined>
    return all
      .filter((info): info is Fields => info !== undefined && Number(info.netuid) !== 0)
      .map(toSubnetSummary)
  }

  async subnetExists(netuid: number, options: ReadOptions = {}): Promise<boolean> {
    checkNetuid(netuid)
    const { hash } = await this.resolveBlock(options.block)
    const [added] = await this.#raw.storage([['subtensorModule', 'networksAdded', [netuid]]], hash)
    return added === true
  }

  async hyperparameters(netuid: number, options: ReadOptions = {}): Promise<Hyperparameters> {
    checkNetuid(netuid)
    const key = `hyperparameters:${netuid}:${options.block ?? 'head'}`
    return this.#cache.get(key, async () => {
      const { hash, number } = await this.resolveBlock(options.block)
      const found = await this.#raw.call(
        'SubnetInfoRuntimeApi',
        'get_subnet_hyperparams',
        [netuid],
        hash,
      )
      if (found === undefined) throw subnetNotFound(netuid, number)
      return normalizeHyperparameters(found as Fields)
    })
  }

  /** Free balance in rao. */
  async balance(address: string, options: ReadOptions = {}): Promise<bigint> {
    const { hash } = await this.resolveBlock(options.block)
    const [account] = await this.#raw.storage(
      [['system', 'account', [accountId(address, 'address')]]],
      hash,
    )
    return BigInt(((account as Fields).data as Fields).free as bigint)
  }

  /** Every stake a coldkey holds, by hotkey and subnet. */
  async stakeOf(coldkey: string, options: ReadOptions = {}): Promise<StakeEntry[]> {
    const { hash } = await this.resolveBlock(options.block)
    const entries = (await this.#raw.call(
      'StakeInfoRuntimeApi',
      'get_stake_info_for_coldkey',
      [accountId(coldkey, 'coldkey')],
      hash,
    )) as Fields[]
    return entries.map((entry) => ({
      hotkey: ss58Encode(entry.hotkey as Uint8Array),
      coldkey: ss58Encode(entry.coldkey as Uint8Array),
      netuid: Number(entry.netuid),
      stake: BigInt(entry.stake as bigint),
      emission: BigInt(entry.emission as bigint),
      isRegistered: entry.isRegistered === true,
    }))
  }

  /** Alpha rao that `coldkey` has staked on `hotkey` in the subnet. */
  async stake(
    hotkey: string,
    coldkey: string,
    netuid: number,
    options: ReadOptions = {},
  ): Promise<bigint> {
    checkNetuid(netuid)
    const { hash } = await this.resolveBlock(options.block)
    const found = (await this.#raw.call(
      'StakeInfoRuntimeApi',
      'get_stake_info_for_hotkey_coldkey_netuid',
      [accountId(hotkey, 'hotkey'), accountId(coldkey, 'coldkey'), netuid],
      hash,
    )) as Fields | undefined
    return found === undefined ? 0n : BigInt(found.stake as bigint)
  }

  /**
   * A storage value, for what the typed reads do not cover: `args` are its keys, one per
   * hasher (a number, bigint, decimal string, SS58 address or bytes, by key type), decoded
   * from SCALE by the metadata (absent values as their defaults).
   */
  async query(
    pallet: string,
    item: string,
    args: unknown[] = [],
    options: ReadOptions = {},
  ): Promise<Decoded> {
    const { hash } = await this.resolveBlock(options.block)
    const [value] = await this.#raw.storage([[pallet, item, args]], hash)
    return value
  }

  /** Calls `onBlock` for each new block until the returned function is called. */
  async subscribeBlocks(
    onBlock: (block: { number: number; hash: string }) => void,
  ): Promise<() => void> {
    return this.api.rpc.chain.subscribeNewHeads(
      (header: Codec & { number: { toNumber(): number } }) => {
        onBlock({ number: header.number.toNumber(), hash: header.hash.toHex() })
      },
    )
  }
}

export function checkNetuid(netuid: number): void {
  if (!Number.isInteger(netuid) || netuid < 0 || netuid > 65535) {
    throw new ChainError(
      ChainErrorCode.InvalidInput,
      `netuid: expected an integer in 0..65535, got ${netuid}`,
      {
        field: 'netuid',
      },
    )
  }
}

/** An SS58 address as the 32-byte public key storage keys are made of. */
export function accountId(address: string, field: string): Uint8Array {
  try {
    return ss58DecodeAny(address).publicKey
  } catch (cause) {
    throw new ChainError(
      ChainErrorCode.InvalidInput,
      `${field}: expected an SS58 address, got ${JSON.stringify(address)}`,
      { field, cause },
    )
  }
}

// Fields whose width differs between runtimes (activity_cutoff became a u64), typed here
// one way whatever the node sends.
const SMALL_FIELDS = [
  'rho',
  'kappa',
  'immunityPeriod',
  'minAllowedWeights',
  'maxWeightsLimit',
  'tempo',
  'activityCutoff',
  'maxValidators',
] as const
const LARGE_FIELDS = ['weightsVersion', 'weightsRateLimit', 'commitRevealPeriod'] as const

function normalizeHyperparameters(found: Fields): Hyperparameters {
  const out: Fields = { ...found }
  for (const name of SMALL_FIELDS) out[name] = Number(found[name] ?? 0)
  for (const name of LARGE_FIELDS)
    out[name] = BigInt((found[name] as bigint | number | undefined) ?? 0)
  out.registrationAllowed = found.registrationAllowed === true
  out.commitRevealWeightsEnabled = found.commitRevealWeightsEnabled === true
  return out as Hyperparameters
}

function subnetNotFound(netuid: number, block: number): ChainError {
  return new ChainError(
    ChainErrorCode.SubnetNotFound,
    `netuid: subnet ${netuid} does not exist at block ${block}`,
    {
      field: 'netuid',
    },
  )
}

function text(value: Decoded): string {
  return value instanceof Uint8Array ? new TextDecoder().decode(value) : ''
}

function toSubnetSummary(info: Fields): SubnetSummary {
  const taoIn = BigInt(info.taoIn as bigint)
  const alphaIn = BigInt(info.alphaIn as bigint)
  return {
    netuid: Number(info.netuid),
    name: text(info.subnetName),
    symbol: text(info.tokenSymbol),
    ownerHotkey: ss58Encode(info.ownerHotkey as Uint8Array),
    ownerColdkey: ss58Encode(info.ownerColdkey as Uint8Array),
    tempo: Number(info.tempo),
    blocksSinceLastStep: Number(info.blocksSinceLastStep),
    price: alphaIn === 0n ? 0 : Number(taoIn) / Number(alphaIn),
    taoIn,
    alphaIn,
    alphaOut: BigInt(info.alphaOut as bigint),
    taoInEmission: BigInt(info.taoInEmission as bigint),
    registeredAt: Number(info.networkRegisteredAt),
  }
}
