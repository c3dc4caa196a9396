import { isIP } from 'node:net'
import type { SubmittableExtrinsic } from '@polkadot/api/types'
import { type Keypair, ss58Encode } from '@taokit/keys'
import { accountId, checkNetuid, type Subtensor } from './client.js'
import { ChainError, ChainErrorCode } from './errors.js'
import { type ExtrinsicResult, type SubmitOptions, submit } from './extrinsic.js'
import { extrinsic } from './metadata.js'

const U64_MAX = (1n << 64n) - 1n

export function checkAmount(value: bigint, field: string, { allowZero = false } = {}): bigint {
  if (typeof value !== 'bigint' || value < (allowZero ? 0n : 1n) || value > U64_MAX) {
    throw new ChainError(
      ChainErrorCode.InvalidInput,
      `${field}: expected a bigint amount of rao in ${allowZero ? 0 : 1}..2^64-1, got ${String(value)}`,
      { field },
    )
  }
  return value
}

export function formatTao(rao: bigint): string {
  const whole = rao / 1_000_000_000n
  const fraction = (rao % 1_000_000_000n).toString().padStart(9, '0').replace(/0+$/, '')
  return `${whole}${fraction === '' ? '' : `.${fraction}`} TAO`
}

const formatAlpha = (rao: bigint): string => formatTao(rao).replace('TAO', 'α')

/**
 * Fails before signing when `payer` cannot cover `amount` plus the call's fee, and `keep`
 * more (the existential deposit a keep-alive transfer must leave).
 */
async function ensureFunds(
  subtensor: Subtensor,
  call: SubmittableExtrinsic<'promise'>,
  payer: Keypair,
  amount: bigint,
  what: string,
  keep = 0n,
): Promise<void> {
  const [balance, info] = await Promise.all([
    subtensor.balance(payer.ss58),
    call.paymentInfo(payer.ss58),
  ])
  const fee = info.partialFee.toBigInt()
  if (balance < amount + fee + keep) {
    const kept = keep === 0n ? '' : `, and must keep the ${formatTao(keep)} existential deposit`
    throw new ChainError(
      ChainErrorCode.InsufficientBalance,
      `${what} needs ${formatTao(amount + fee)} (${formatTao(amount)} plus a ${formatTao(fee)} fee)${kept}, but ${payer.ss58} has ${formatTao(balance)}`,
      { field: 'balance' },
    )
  }
}

/** `options` whose confirmation is also told what the transaction burns or locks. */
function withCost(options: SubmitOptions, cost: bigint): SubmitOptions {
  const { confirm } = options
  return confirm === undefined
    ? options
    : { ...options, confirm: (estimate) => confirm({ ...estimate, cost }) }
}

/** The coldkey owning `hotkey`, or undefined for a hotkey the chain has never seen. */
async function hotkeyOwner(subtensor: Subtensor, hotkey: string): Promise<string | undefined> {
  const owner = (await subtensor.query('subtensorModule', 'owner', [hotkey])) as Uint8Array
  // A missing entry reads as the all-zero account: nobody's key.
  return owner.every((byte) => byte === 0) ? undefined : ss58Encode(owner)
}

/** Fails when `hotkey` already belongs to a coldkey other than `coldkey` (NonAssociatedColdKey). */
async function ensureHotkeyFree(
  subtensor: Subtensor,
  hotkey: string,
  coldkey: Keypair,
): Promise<void> {
  const owner = await hotkeyOwner(subtensor, hotkey)
  if (owner !== undefined && owner !== coldkey.ss58) {
    throw new ChainError(
      ChainErrorCode.InvalidInput,
      `hotkey: ${hotkey} belongs to the coldkey ${owner}, not to ${coldkey.ss58}`,
      { field: 'hotkey' },
    )
  }
}

export interface TransferParams {
  /** Destination SS58 address. */
  to: string
  /** Rao. */
  amount: bigint
  /** Refuse to leave the sender below the existential deposit (default true). */
  keepAlive?: boolean
}

export async function transfer(
  subtensor: Subtensor,
  from: Keypair,
  params: TransferParams,
  options: SubmitOptions = {},
): Promise<ExtrinsicResult> {
  accountId(params.to, 'to')
  const amount = checkAmount(params.amount, 'amount')
  const keepAlive = params.keepAlive !== false
  const call = extrinsic(
    subtensor.api,
    'balances',
    keepAlive ? 'transferKeepAlive' : 'transferAllowDeath',
  )(params.to, amount)
  const existential = BigInt(subtensor.api.consts.balances?.existentialDeposit?.toString() ?? '0')
  const held = await subtensor.balance(params.to)
  if (held + amount < existential) {
    throw new ChainError(
      ChainErrorCode.InvalidInput,
      `amount: ${params.to} would hold ${formatTao(held + amount)}, below the ${formatTao(existential)} existential deposit an account needs`,
      { field: 'amount' },
    )
  }
  const what = `transferring ${formatTao(amount)}`
  await ensureFunds(subtensor, call, from, amount, what, keepAlive ? existential : 0n)
  return submit(subtensor, call, from, options)
}

/** Registers a new subnet owned by `coldkey`, paying the current lock cost. */
export async function registerNetwork(
  subtensor: Subtensor,
  coldkey: Keypair,
  params: { hotkey: string },
  options: SubmitOptions = {},
): Promise<ExtrinsicResult> {
  accountId(params.hotkey, 'hotkey')
  await ensureHotkeyFree(subtensor, params.hotkey, coldkey)
  const call = extrinsic(subtensor.api, 'subtensorModule', 'registerNetwork')(params.hotkey)
  const { hash } = await subtensor.head()
  const cost = (await subtensor.raw.call(
    'SubnetRegistrationRuntimeApi',
    'get_network_registration_cost',
    [],
    hash,
  )) as bigint
  await ensureFunds(subtensor, call, coldkey, BigInt(cost), 'registering a subnet')
  return submit(subtensor, call, coldkey, withCost(options, BigInt(cost)))
}

/** Registers `hotkey` on a subnet by burning the subnet's registration cost from `coldkey`. */
export async function burnedRegister(
  subtensor: Subtensor,
  coldkey: Keypair,
  params: { netuid: number; hotkey: string },
  options: SubmitOptions = {},
): Promise<ExtrinsicResult> {
  const { netuid, hotkey } = params
  checkNetuid(netuid)
  accountId(hotkey, 'hotkey')
  if (!(await subtensor.subnetExists(netuid))) throw subnetMissing(netuid)
  const existing = await subtensor.uidOf(netuid, hotkey)
  if (existing !== undefined) {
    throw new ChainError(
      ChainErrorCode.InvalidInput,
      `hotkey: ${hotkey} is already registered on subnet ${netuid} as uid ${existing}`,
      { field: 'hotkey' },
    )
  }
  await ensureHotkeyFree(subtensor, hotkey, coldkey)
  const burn = BigInt((await subtensor.query('subtensorModule', 'burn', [netuid])) as bigint)
  const call = extrinsic(subtensor.api, 'subtensorModule', 'burnedRegister')(netuid, hotkey)
  await ensureFunds(subtensor, call, coldkey, burn, `registering on subnet ${netuid}`)
  return submit(subtensor, call, coldkey, withCost(options, burn))
}

export interface ServeAxonParams {
  netuid: number
  /** IPv4 dotted quad or IPv6 text. */
  ip: string
  port: number
  /** 4 for HTTP (the SDK's default). */
  protocol?: number
  version?: number
}

/** Announces the hotkey's axon on the subnet. Free for a registered hotkey. */
export async function serveAxon(
  subtensor: Subtensor,
  hotkey: Keypair,
  params: ServeAxonParams,
  options: SubmitOptions = {},
): Promise<ExtrinsicResult> {
  const { netuid, port } = params
  checkNetuid(netuid)
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ChainError(ChainErrorCode.InvalidInput, `port: expected 1..65535, got ${port}`, {
      field: 'port',
    })
  }
  const { value: ip, type: ipType } = parseIp(params.ip)
  const version = params.version ?? 0
  const protocol = params.protocol ?? 4
  if (!Number.isInteger(version) || version < 0 || version > 0xffff_ffff) {
    throw new ChainError(ChainErrorCode.InvalidInput, `version: expected a u32, got ${version}`, {
      field: 'version',
    })
  }
  if (!Number.isInteger(protocol) || protocol < 0 || protocol > 255) {
    throw new ChainError(
      ChainErrorCode.InvalidInput,
      `protocol: expected a u8 (4 for HTTP), got ${protocol}`,
      { field: 'protocol' },
    )
  }
  await ensureRegistered(subtensor, netuid, hotkey.ss58)
  const call = extrinsic(subtensor.api, 'subtensorModule', 'serveAxon')(
    netuid,
    version,
    ip,
    port,
    ipType,
    protocol,
    0,
    0,
  )
  return submit(subtensor, call, hotkey, options)
}

export interface StakeParams {
  netuid: number
  hotkey: string
  /** Rao of TAO to stake, or alpha rao to unstake. */
  amount: bigint
  /**
   * Price limit in rao of TAO per alpha (1e9 = 1 TAO per alpha): staking stops above it,
   * unstaking below it. Uses `add_stake_limit` / `remove_stake_limit`.
   */
  limitPrice?: bigint
  /** With a limit, fill as much as the limit allows instead of failing (default false). */
  allowPartial?: boolean
}

/** The amount, once the parameters and the subnet's state allow staking at all. */
async function checkStake(subtensor: Subtensor, params: StakeParams): Promise<bigint> {
  checkNetuid(params.netuid)
  accountId(params.hotkey, 'hotkey')
  const amount = checkAmount(params.amount, 'amount')
  await ensureTrading(subtensor, params.netuid)
  if ((await hotkeyOwner(subtensor, params.hotkey)) === undefined) {
    throw new ChainError(
      ChainErrorCode.InvalidInput,
      `hotkey: ${params.hotkey} is not a hotkey the chain knows; register it on a subnet first`,
      { field: 'hotkey' },
    )
  }
  return amount
}

export async function addStake(
  subtensor: Subtensor,
  coldkey: Keypair,
  params: StakeParams,
  options: SubmitOptions = {},
): Promise<ExtrinsicResult> {
  const amount = await checkStake(subtensor, params)
  const call = stakeCall(subtensor, 'add', params, amount)
  await ensureFunds(subtensor, call, coldkey, amount, `staking ${formatTao(amount)}`)
  return submit(subtensor, call, coldkey, options)
}

export async function removeStake(
  subtensor: Subtensor,
  coldkey: Keypair,
  params: StakeParams,
  options: SubmitOptions = {},
): Promise<ExtrinsicResult> {
  const { netuid, hotkey } = params
  const amount = await checkStake(subtensor, params)
  const staked = await subtensor.stake(hotkey, coldkey.ss58, netuid)
  if (staked < amount) {
    throw new ChainError(
      ChainErrorCode.InsufficientBalance,
      `amount: ${coldkey.ss58} has ${formatAlpha(staked)} staked on ${hotkey} in subnet ${netuid}, less than the ${formatAlpha(amount)} asked to unstake`,
      { field: 'amount' },
    )
  }
  return submit(subtensor, stakeCall(subtensor, 'remove', params, amount), coldkey, options)
}

function stakeCall(
  subtensor: Subtensor,
  direction: 'add' | 'remove',
  params: StakeParams,
  amount: bigint,
): SubmittableExtrinsic<'promise'> {
  const { netuid, hotkey, limitPrice } = params
  if (limitPrice === undefined) {
    return extrinsic(subtensor.api, 'subtensorModule', `${direction}Stake`)(hotkey, netuid, amount)
  }
  checkAmount(limitPrice, 'limitPrice')
  return extrinsic(subtensor.api, 'subtensorModule', `${direction}StakeLimit`)(
    hotkey,
    netuid,
    amount,
    limitPrice,
    params.allowPartial ?? false,
  )
}

/** Staking needs the subnet to exist and its owner to have started it (start_call). */
async function ensureTrading(subtensor: Subtensor, netuid: number): Promise<void> {
  if (!(await subtensor.subnetExists(netuid))) throw subnetMissing(netuid)
  const enabled = await subtensor.query('subtensorModule', 'subtokenEnabled', [netuid])
  if (enabled === false) {
    throw new ChainError(
      ChainErrorCode.InvalidInput,
      `netuid: subnet ${netuid} has not started yet; its owner must call start_call before anyone can stake`,
      { field: 'netuid' },
    )
  }
}

export async function ensureRegistered(
  subtensor: Subtensor,
  netuid: number,
  hotkey: string,
): Promise<number> {
  const uid = await subtensor.uidOf(netuid, hotkey)
  if (uid !== undefined) return uid
  if (!(await subtensor.subnetExists(netuid))) throw subnetMissing(netuid)
  throw new ChainError(
    ChainErrorCode.NotRegistered,
    `hotkey: ${hotkey} is not registered on subnet ${netuid}; register it first (taokit register --netuid ${netuid})`,
    { field: 'hotkey' },
  )
}

export function subnetMissing(netuid: number): ChainError {
  return new ChainError(ChainErrorCode.SubnetNotFound, `netuid: subnet ${netuid} does not exist`, {
    field: 'netuid',
  })
}

function parseIp(text: string): { value: bigint; type: 4 | 6 } {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text)
  if (v4 !== null) {
    const octets = v4.slice(1).map(Number)
    if (octets.every((o) => o <= 255)) {
      return { value: octets.reduce((acc, o) => (acc << 8n) | BigInt(o), 0n), type: 4 }
    }
  }
  // Node's parser first: the expansion below would take `1::2::3` for `1::2`.
  if (isIP(text) === 6) {
    // A dotted IPv4 tail (::ffff:1.2.3.4, 64:ff9b::192.0.2.33) is the last two groups.
    const hex = text.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_, a, b, c, d) =>
      [(Number(a) << 8) | Number(b), (Number(c) << 8) | Number(d)]
        .map((group) => group.toString(16))
        .join(':'),
    )
    const [head = '', tail = ''] = hex.split('::')
    const left = head === '' ? [] : head.split(':')
    const right = tail === '' ? [] : tail.split(':')
    const missing = 8 - left.length - right.length
    const groups =
      hex.includes('::') && missing >= 0
        ? [...left, ...Array<string>(missing).fill('0'), ...right]
        : left
    if (groups.length === 8 && groups.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) {
      return { value: groups.reduce((acc, g) => (acc << 16n) | BigInt(`0x${g}`), 0n), type: 6 }
    }
  }
  throw new ChainError(
    ChainErrorCode.InvalidInput,
    `ip: expected an IPv4 or IPv6 address, got ${JSON.stringify(text)}`,
    { field: 'ip' },
  )
}
