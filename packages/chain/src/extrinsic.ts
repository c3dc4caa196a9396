import type { ApiPromise } from '@polkadot/api'
import type { SubmittableExtrinsic } from '@polkadot/api/types'
import type { Codec } from '@polkadot/types/types'
import { fromHex, toHex } from '@taokit/core'
import { blake2b256, type Keypair } from '@taokit/keys'
import type { Subtensor } from './client.js'
import { ChainError, ChainErrorCode } from './errors.js'
import { storage } from './metadata.js'
import { RpcError } from './provider.js'
import { KeypairSigner } from './signer.js'

/** One event of a transaction, as decoded with the node's metadata. */
export interface ChainEvent {
  section: string
  method: string
  /** Field values in JSON form (amounts as numbers or hex strings, as polkadot-js encodes). */
  data: unknown
}

/** Why an included transaction failed. */
export interface DispatchFailure {
  /** The pallet, e.g. `subtensorModule`; undefined for errors that are not a module's. */
  pallet: string | undefined
  /** The error's name, e.g. `SettingWeightsTooFast`, or the dispatch error kind. */
  name: string
  /** The runtime's own description of the error. */
  docs: string
}

/** What happened to a transaction that made it into a block. */
export class ExtrinsicResult {
  constructor(
    /** Hash of the signed transaction. */
    readonly txHash: string,
    readonly blockHash: string,
    readonly blockNumber: number,
    /** Position of the transaction in its block. */
    readonly index: number,
    readonly events: readonly ChainEvent[],
    /** What the signer paid in fees, in rao. */
    readonly fee: bigint,
    /** Set when the transaction was included but its call failed (fees are still paid). */
    readonly error: DispatchFailure | undefined,
  ) {}

  get succeeded(): boolean {
    return this.error === undefined
  }

  /** The result, or a {@link ChainError} with code `CHAIN_DISPATCH_FAILED` naming the error. */
  orThrow(): this {
    const error = this.error
    if (error === undefined) return this
    const where = error.pallet === undefined ? error.name : `${error.pallet}.${error.name}`
    throw new ChainError(
      ChainErrorCode.DispatchFailed,
      `${where} in block ${this.blockNumber}${error.docs === '' ? '' : `: ${error.docs}`}`,
      { cause: error },
    )
  }

  /** The first event `section.method`, if any. */
  event(section: string, method: string): ChainEvent | undefined {
    return this.events.find((e) => e.section === section && e.method === method)
  }
}

export type SubmissionStage = 'signed' | 'ready' | 'in-block' | 'reconnecting' | 'resubmitted'

/** What a transaction will take: its fee, and for a registration the TAO it burns or locks. */
export interface SendEstimate {
  fee: bigint
  cost?: bigint
}

export interface SubmitOptions {
  /** Blocks for which the signed transaction stays valid; it can never land after that. */
  mortality?: number
  /** Deadline for inclusion. Defaults to the mortality period at 12 s blocks. */
  timeoutMs?: number
  onProgress?: (stage: SubmissionStage) => void
  /**
   * Called with the fee the node estimates once every local check has passed, before
   * anything is signed, and with `cost`, what a registration burns or locks besides. A
   * rejection stops the transaction, with nothing sent: a CLI asks its user here.
   */
  confirm?: (estimate: SendEstimate) => Promise<void>
}

interface TxStatus extends Codec {
  type: string
  isInBlock: boolean
  isFinalized: boolean
  asInBlock: Codec
  asFinalized: Codec
}

interface EventRecord extends Codec {
  phase: { isApplyExtrinsic: boolean; asApplyExtrinsic: { toNumber(): number } }
  event: { section: string; method: string; data: Codec[] & Codec }
}

interface ModuleErrorCodec {
  isModule: boolean
  asModule: Codec
  type: string
}

const signing = new WeakMap<Subtensor, Map<string, Promise<unknown>>>()

/**
 * Runs `section` after the signer's previous one has finished: a signer's transactions
 * enter the pool one at a time, so concurrent writes from one key get consecutive nonces.
 */
function oneAtATime<T>(
  subtensor: Subtensor,
  signer: string,
  section: () => Promise<T>,
): Promise<T> {
  let queues = signing.get(subtensor)
  if (queues === undefined) {
    queues = new Map()
    signing.set(subtensor, queues)
  }
  const previous = queues.get(signer) ?? Promise.resolve()
  const next = previous.catch(() => {}).then(section)
  const tail = next.catch(() => {})
  queues.set(signer, tail)
  tail.then(() => {
    if (queues.get(signer) === tail) queues.delete(signer)
  })
  return next
}

function checkMortality(mortality: number): number {
  if (
    !Number.isInteger(mortality) ||
    mortality < 4 ||
    mortality > 65_536 ||
    (mortality & (mortality - 1)) !== 0
  ) {
    throw new ChainError(
      ChainErrorCode.InvalidInput,
      `mortality: expected a power of two from 4 to 65536 blocks, got ${mortality} (an immortal transaction could land at any time, so it cannot be sent exactly once)`,
      { field: 'mortality' },
    )
  }
  return mortality
}

/**
 * Signs once with a mortal era and submits. Exactly once: if the connection drops before the
 * node reports inclusion, the same signed bytes (same nonce, so they can run at most once) are
 * looked for in new blocks and resubmitted, until they land or their era has passed. Every
 * wait ends by `timeoutMs` (default: the era's length at 12 s blocks).
 */
export async function submit(
  subtensor: Subtensor,
  call: SubmittableExtrinsic<'promise'>,
  keypair: Keypair,
  options: SubmitOptions = {},
): Promise<ExtrinsicResult> {
  const api = subtensor.api
  const mortality = checkMortality(options.mortality ?? 64)
  const progress = options.onProgress ?? (() => {})
  if (options.confirm !== undefined) {
    const fee = (await call.paymentInfo(keypair.ss58)).partialFee.toBigInt()
    await options.confirm({ fee })
  }
  const deadline = Date.now() + (options.timeoutMs ?? mortality * 12_000)
  const sent = await oneAtATime(subtensor, keypair.ss58, async () => {
    // The key's earlier transaction may have held its turn this long: too late to send.
    if (Date.now() >= deadline) {
      throw new ChainError(
        ChainErrorCode.Timeout,
        "nothing was sent: an earlier transaction of the same key held its turn past this one's deadline",
      )
    }
    const nonce = await api.rpc.system.accountNextIndex(keypair.ss58)
    const startBlock = (await subtensor.head()).number
    await call.signAsync(keypair.ss58, {
      signer: new KeypairSigner(api.registry, keypair),
      nonce,
      era: mortality,
    })
    progress('signed')
    const era = call.era as unknown as {
      isMortalEra: boolean
      asMortalEra: { death(current: number): number }
    }
    // The era counts from the block it was signed against, at or before startBlock, so this
    // bound is late rather than early.
    const lastValid = era.isMortalEra
      ? era.asMortalEra.death(startBlock) - 1
      : Number.MAX_SAFE_INTEGER
    const watch = watchUntilIncluded(subtensor, call, progress)
    // Handled below; never an unhandled rejection meanwhile.
    watch.included.catch(() => {})
    const txHash = call.hash.toHex()
    const blocks = { first: startBlock + 1, lastValid }
    // A connection lost before the node answered leaves `accepted` pending for good (the
    // provider does not re-send author_ subscriptions), and one that stalls answers nothing.
    const unanswered = await beforeDeadline(
      Promise.race([watch.accepted, watch.included]),
      deadline,
    ).then(
      () => undefined,
      (error: unknown) => error,
    )
    if (unanswered === undefined) return { txHash, blocks, watch, found: undefined, resent: false }
    if (unanswered instanceof ChainError && REFUSALS.has(unanswered.code)) throw unanswered
    if (unanswered instanceof ChainError && unanswered.code === ChainErrorCode.TransactionPending) {
      // The node never answered, on a connection that may be fine: it may hold the
      // transaction, so nothing is sent again.
      throw new ChainError(
        ChainErrorCode.TransactionPending,
        `the node did not answer the submission of ${txHash} in time; it can still land until block ${lastValid}, so check before sending it again`,
      )
    }
    // Found or resent while this key's turn is still held: a next write started now would
    // read the same nonce from the node and take it. Once resent, the pool holds the nonce.
    progress('reconnecting')
    const found = await recover(subtensor, call, { txHash, blocks, deadline }, progress, {
      untilSent: true,
    })
    return { txHash, blocks, watch, found, resent: true }
  })
  const { txHash, blocks } = sent
  const lookup = { txHash, blocks, deadline }
  const blockHash =
    sent.found ??
    (sent.resent === true
      ? await recover(subtensor, call, lookup, progress, { alreadySent: true })
      : await beforeDeadline(sent.watch.included, deadline).catch(async (error: unknown) => {
          // A refusal (from the pool, or for the fee) cannot land: nothing to look for.
          if (error instanceof ChainError && REFUSALS.has(error.code)) throw error
          progress('reconnecting')
          return recover(subtensor, call, lookup, progress)
        }))
  return outcome(api, txHash, blockHash, deadline)
}

const REFUSALS: ReadonlySet<string> = new Set([
  ChainErrorCode.TransactionInvalid,
  ChainErrorCode.InsufficientBalance,
])

/** `promise`, or a rejection once `deadline` (a Date.now() time) has passed. */
function beforeDeadline<T>(promise: Promise<T>, deadline: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new ChainError(
            ChainErrorCode.TransactionPending,
            'no block included the transaction in time',
          ),
        ),
      Math.max(0, deadline - Date.now()),
    )
  })
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer))
}

/** The result of an included transaction, read again if the connection fails meanwhile. */
async function outcome(
  api: ApiPromise,
  txHash: string,
  blockHash: string,
  deadline: number,
): Promise<ExtrinsicResult> {
  for (;;) {
    try {
      return await resultInBlock(api, txHash, blockHash)
    } catch (error) {
      if (Date.now() > deadline) {
        throw new ChainError(
          ChainErrorCode.TransactionPending,
          `transaction ${txHash} is in block ${blockHash}, but its outcome could not be read; do not send it again, look it up`,
          { cause: error },
        )
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}

interface Watch {
  /** Settles once the node has taken (or refused) the transaction into its pool. */
  accepted: Promise<unknown>
  /** The hash of the block that includes the transaction. */
  included: Promise<string>
}

const WATCH_TYPE = 'author_extrinsicUpdate'

function watchUntilIncluded(
  subtensor: Subtensor,
  call: SubmittableExtrinsic<'promise'>,
  progress: (stage: SubmissionStage) => void,
): Watch {
  const { api, provider } = subtensor
  let accepted: Promise<unknown> = Promise.resolve()
  const included = new Promise<string>((resolve, reject) => {
    let subscription: number | string | undefined
    const unsubscribe = (id: number | string): void => {
      provider.unsubscribe(WATCH_TYPE, 'author_unwatchExtrinsic', id).catch(() => {})
    }
    let settled = false
    const onDrop = (): void =>
      settle(() =>
        reject(new ChainError(ChainErrorCode.Unreachable, 'the connection dropped while watching')),
      )
    const settle = (fn: () => void): void => {
      if (settled) return
      settled = true
      api.off('disconnected', onDrop)
      if (subscription !== undefined) unsubscribe(subscription)
      fn()
    }
    api.on('disconnected', onDrop)
    // Raw, not api.rpc: polkadot-js would log the node's refusal (a fee it cannot pay, say)
    // to stderr, where it is ours to report.
    accepted = provider
      .subscribe(WATCH_TYPE, 'author_submitAndWatchExtrinsic', [call.toHex()], (error, raw) => {
        if (error !== null && error !== undefined) return
        let status: TxStatus
        try {
          status = api.registry.createType('ExtrinsicStatus', raw) as unknown as TxStatus
        } catch (cause) {
          // Not a status this client knows: stop watching and look for the transaction in
          // blocks instead (this runs in the socket's handler, where a throw would crash).
          settle(() =>
            reject(
              new ChainError(ChainErrorCode.NodeError, 'the node sent an unreadable status', {
                cause,
              }),
            ),
          )
          return
        }
        if (status.type === 'Ready') progress('ready')
        if (status.isInBlock || status.isFinalized) {
          const hash = (status.isInBlock ? status.asInBlock : status.asFinalized).toHex()
          progress('in-block')
          settle(() => resolve(hash))
        } else if (status.type === 'Invalid' || status.type === 'Usurped') {
          // Either can never land now: no point looking for it.
          const why =
            status.type === 'Usurped'
              ? 'replaced it with another transaction of the same nonce'
              : 'found it invalid'
          settle(() =>
            reject(
              new ChainError(
                ChainErrorCode.TransactionInvalid,
                `the node ${why} before including it`,
              ),
            ),
          )
        } else if (status.type === 'Dropped') {
          settle(() =>
            reject(
              new ChainError(
                ChainErrorCode.TransactionDropped,
                'the node dropped the transaction from its pool',
              ),
            ),
          )
        }
      })
      .then((id) => {
        subscription = id
        if (settled) unsubscribe(id)
      })
      .catch((error: unknown) => settle(() => reject(rejection(error))))
  })
  return { accepted, included }
}

/** A node's refusal as a typed error; connection failures pass through unchanged. */
function rejection(error: unknown): unknown {
  if (error instanceof ChainError && !(error instanceof RpcError)) return error
  const message = error instanceof Error ? error.message : String(error)
  if (!/^\d{4}:/.test(message)) return error
  if (/pay some fees|balance too low/i.test(message)) {
    return new ChainError(
      ChainErrorCode.InsufficientBalance,
      `the signer cannot pay the transaction fee (${message})`,
      { field: 'balance' },
    )
  }
  return new ChainError(
    ChainErrorCode.TransactionInvalid,
    `the node refused the transaction: ${message}`,
  )
}

interface Lookup {
  txHash: string
  blocks: { first: number; lastValid: number }
  deadline: number
}

/**
 * Looks for the transaction in blocks and resends its signed bytes once (unless
 * `alreadySent`); resolves with the block that holds it, or, with `untilSent`, with
 * undefined as soon as it has been resent.
 */
function recover(
  subtensor: Subtensor,
  call: SubmittableExtrinsic<'promise'>,
  lookup: Lookup,
  progress: (stage: SubmissionStage) => void,
  mode: { untilSent: true },
): Promise<string | undefined>
function recover(
  subtensor: Subtensor,
  call: SubmittableExtrinsic<'promise'>,
  lookup: Lookup,
  progress: (stage: SubmissionStage) => void,
  mode?: { alreadySent: boolean },
): Promise<string>
async function recover(
  subtensor: Subtensor,
  call: SubmittableExtrinsic<'promise'>,
  { txHash, blocks, deadline }: Lookup,
  progress: (stage: SubmissionStage) => void,
  mode: { untilSent?: boolean; alreadySent?: boolean } = {},
): Promise<string | undefined> {
  // Raw requests: polkadot-js would log every failure while the connection is down.
  const send = <T>(method: string, params: unknown[]) => subtensor.provider.send<T>(method, params)
  let scanned = blocks.first
  let resubmitted = mode.alreadySent === true
  for (;;) {
    if (Date.now() > deadline) {
      throw new ChainError(
        ChainErrorCode.TransactionPending,
        `transaction ${txHash} was not seen in a block in time; it can still land until block ${blocks.lastValid}, so check before sending it again`,
      )
    }
    try {
      const head = (await subtensor.head()).number
      for (let block = scanned; block <= head; block++) {
        const hash = await send<string>('chain_getBlockHash', [block])
        const body = await send<{ block: { extrinsics: string[] } }>('chain_getBlock', [hash])
        const hashes = body.block.extrinsics.map((ex) => toHex(blake2b256(fromHex(ex)!)))
        if (hashes.includes(txHash)) {
          progress('in-block')
          return hash
        }
        scanned = block + 1
      }
      if (head > blocks.lastValid) {
        throw new ChainError(
          ChainErrorCode.TransactionDropped,
          `transaction ${txHash} was not included before its era ended at block ${blocks.lastValid}; it can no longer land, so sending it again is safe`,
        )
      }
      if (!resubmitted) {
        // A refusal (already in the pool, or its nonce used because it landed) counts as
        // delivered, and the scan finds out which; a connection failure is retried.
        resubmitted = await send('author_submitExtrinsic', [call.toHex()]).then(
          () => true,
          (error: unknown) => error instanceof RpcError,
        )
        if (resubmitted) {
          progress('resubmitted')
          if (mode.untilSent === true) return undefined
        }
      }
    } catch (error) {
      if (error instanceof ChainError && error.code === ChainErrorCode.TransactionDropped) {
        throw error
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}

async function resultInBlock(
  api: ApiPromise,
  txHash: string,
  blockHash: string,
): Promise<ExtrinsicResult> {
  const [{ block }, records] = await Promise.all([
    api.rpc.chain.getBlock(blockHash),
    storage(await api.at(blockHash), 'system', 'events')(),
  ])
  const index = block.extrinsics.findIndex((ex) => ex.hash.toHex() === txHash)
  if (index === -1) throw new Error(`block ${blockHash} does not hold ${txHash}`)
  const mine = (records as unknown as EventRecord[]).filter(
    ({ phase }) => phase.isApplyExtrinsic && phase.asApplyExtrinsic.toNumber() === index,
  )
  let fee = 0n
  let error: DispatchFailure | undefined
  const events = mine.map(({ event }) => {
    if (event.section === 'transactionPayment' && event.method === 'TransactionFeePaid') {
      fee = BigInt((event.data[1] as Codec).toString())
    }
    if (event.section === 'system' && event.method === 'ExtrinsicFailed') {
      error = dispatchFailure(api, event.data[0] as unknown as ModuleErrorCodec)
    }
    // Sudo succeeds as a call even when the call it wraps fails; the inner result is here.
    const inner = event.data[0] as unknown as { isErr?: boolean; asErr?: ModuleErrorCodec }
    if (event.section === 'sudo' && event.method === 'Sudid' && inner.isErr === true) {
      error = dispatchFailure(api, inner.asErr!)
    }
    // So does a batch that stopped part-way (or a force_batch with a failed item, the
    // first of which is named): the call that failed is here.
    if (event.section === 'utility' && event.method === 'BatchInterrupted') {
      error = dispatchFailure(api, event.data[1] as unknown as ModuleErrorCodec)
    }
    if (event.section === 'utility' && event.method === 'ItemFailed') {
      error ??= dispatchFailure(api, event.data[0] as unknown as ModuleErrorCodec)
    }
    return { section: event.section, method: event.method, data: event.data.toJSON() }
  })
  return new ExtrinsicResult(
    txHash,
    blockHash,
    block.header.number.toNumber(),
    index,
    events,
    fee,
    error,
  )
}

function dispatchFailure(api: ApiPromise, error: ModuleErrorCodec): DispatchFailure {
  if (error.isModule) {
    const meta = api.registry.findMetaError(error.asModule as never)
    return { pallet: meta.section, name: meta.name, docs: meta.docs.join(' ').trim() }
  }
  return { pallet: undefined, name: error.type, docs: '' }
}
