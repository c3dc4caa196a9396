import { Script } from 'node:vm'
import { parentPort, type ResourceLimits, Worker } from 'node:worker_threads'
import { AxonError, AxonErrorCode } from './errors.js'

/**
 * A fixed pool of worker threads with a FIFO queue, for CPU-heavy forwards (inference,
 * scoring) that would otherwise stall the event loop and every other request.
 *
 * Each worker runs one task at a time. The protocol: the worker posts `{ ready: true }` once
 * it listens, gets `{ id, input }` and posts back `{ id, ok: true, value }` or
 * `{ id, ok: false, error }`. `WorkerPool.fromFunction` writes that loop for a
 * self-contained function; a script made with `serveTasks` works too.
 */
export interface WorkerPoolOptions {
  /** Threads (default 2). */
  size?: number
  /** Tasks waiting beyond the busy workers; more are refused (default 1024). */
  maxQueue?: number
  /** Each worker's heap and stack limits; a task past them fails, and its worker is replaced. */
  resourceLimits?: ResourceLimits
}

export interface RunOptions {
  /**
   * Abandons the task: a queued one leaves the queue, and a running one's worker is
   * terminated (and replaced), since a thread cannot be interrupted otherwise. Pass a
   * forward's `context.signal` so that work nobody waits for stops.
   */
  signal?: AbortSignal
}

interface Task {
  input: unknown
  resolve: (value: unknown) => void
  reject: (error: Error) => void
  signal: AbortSignal | undefined
}

interface Slot {
  worker: Worker
  task: Task | undefined
  id: number
  /** It said it was ready, or answered a task: its script loaded. */
  ready: boolean
  /** It answered a task: its script works, at least for a while. */
  served: boolean
  /** What it threw, kept for its 'exit', which comes after the messages it posted. */
  failure: unknown
}

type Reply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: string }
  | { ready: true }

/** The reply when a task's result cannot be structured-cloned (its text is not repeated). */
const UNCLONEABLE_RESULT = 'the result cannot be copied out of the worker thread'
/** The reply when a task threw a value that cannot be made text (`Object.create(null)`). */
const NO_TEXT = 'the task failed with a value that has no text'

const LOOP = `
const { parentPort } = require('node:worker_threads')
parentPort.on('message', async ({ id, input }) => {
  let value
  try {
    value = await fn(input)
  } catch (error) {
    let text = ${JSON.stringify(NO_TEXT)}
    try { text = String(error && error.message || error) } catch {}
    parentPort.postMessage({ id, ok: false, error: text })
    return
  }
  try {
    parentPort.postMessage({ id, ok: true, value })
  } catch {
    parentPort.postMessage({ id, ok: false, error: ${JSON.stringify(UNCLONEABLE_RESULT)} })
  }
})
parentPort.postMessage({ ready: true })`

/**
 * Workers dying this many times in a row before they served a task, either before they were
 * ready or while idle, close the pool instead of respawning forever: the script itself fails
 * (under load as when idle, at load or in a later step such as loading a model). A death
 * during a task is the task's, and does not count.
 */
const MAX_EARLY_DEATHS = 3

export class WorkerPool<I = unknown, O = unknown> {
  readonly #create: () => Worker
  readonly #slots: Slot[] = []
  readonly #queue: Task[] = []
  readonly #maxQueue: number
  #closed = false
  #seq = 0
  /** Workers in a row that died before they were ready: the script itself fails. */
  #earlyDeaths = 0
  /** Set once the script is known to fail: every task is refused with it. */
  #broken: AxonError | undefined

  /**
   * A pool running `script`: a path or file URL of a worker that speaks the protocol above,
   * or `{ source }`, CommonJS source text evaluated in each worker.
   */
  constructor(script: string | URL | { source: string }, options: WorkerPoolOptions = {}) {
    const { resourceLimits } = options
    if (resourceLimits !== undefined) checkResourceLimits(resourceLimits)
    const limits = resourceLimits === undefined ? {} : { resourceLimits }
    this.#create =
      typeof script === 'object' && 'source' in script
        ? () => new Worker(script.source, { eval: true, execArgv: commonJsExecArgv(), ...limits })
        : () => new Worker(script, limits)
    const maxQueue = options.maxQueue ?? 1024
    if (!Number.isSafeInteger(maxQueue) || maxQueue < 0) {
      throw new AxonError(
        AxonErrorCode.InvalidInput,
        'maxQueue must be a whole number, 0 or more',
        {
          field: 'maxQueue',
        },
      )
    }
    this.#maxQueue = maxQueue
    this.#start(options.size ?? 2)
  }

  /**
   * A pool running `fn`, which must be self-contained (it is sent as source text: no
   * closures, no imports but `require` of built-ins). Input and output are structured-cloned.
   */
  static fromFunction<I, O>(
    fn: (input: I) => O | Promise<O>,
    options: WorkerPoolOptions = {},
  ): WorkerPool<I, O> {
    const source = `const fn = (${fn.toString()});\n${LOOP}`
    try {
      new Script(source)
    } catch (cause) {
      throw new AxonError(
        AxonErrorCode.InvalidInput,
        'fn: its source text does not compile on its own; pass a function or arrow expression, not a method shorthand or a bound or native function',
        { field: 'fn', cause },
      )
    }
    return new WorkerPool<I, O>({ source }, options)
  }

  #start(size: number): void {
    if (!Number.isSafeInteger(size) || size < 1) {
      throw new AxonError(AxonErrorCode.InvalidInput, 'size must be a positive integer', {
        field: 'size',
      })
    }
    try {
      for (let i = 0; i < size; i++) this.#slots.push(this.#spawn())
    } catch (cause) {
      // node refuses a relative path without ./ (and other forms) before any worker runs.
      for (const slot of this.#slots.splice(0)) void slot.worker.terminate()
      throw new AxonError(
        AxonErrorCode.InvalidInput,
        'script: expected an absolute path, a ./ or ../ relative one, a file URL, or { source }',
        { field: 'script', cause },
      )
    }
  }

  #spawn(): Slot {
    const slot: Slot = {
      worker: this.#create(),
      task: undefined,
      id: -1,
      ready: false,
      served: false,
      failure: undefined,
    }
    slot.worker.on('message', (reply: Reply | null) => {
      // Anything else a task posts is not the protocol's, and is ignored.
      if (reply === null || typeof reply !== 'object') return
      if ('ready' in reply) {
        slot.ready = true
        return
      }
      const task = slot.task
      if (task === undefined || reply.id !== slot.id) return
      slot.task = undefined
      slot.ready = true
      slot.served = true
      this.#earlyDeaths = 0
      if (reply.ok) task.resolve(reply.value)
      else task.reject(new AxonError(AxonErrorCode.WorkerFailed, reply.error))
      this.#next(slot)
    })
    // 'error' can arrive before messages the worker posted earlier (its 'ready' among them),
    // so the death is judged on 'exit', which comes after them.
    slot.worker.on('error', (error) => {
      slot.failure ??= error
    })
    slot.worker.on('exit', () => this.#replace(slot, slot.failure ?? new Error('worker exited')))
    // Idle workers must not keep the process alive.
    slot.worker.unref()
    return slot
  }

  /** `scriptsFault`: whether an early death (see MAX_EARLY_DEATHS) counts against the script. */
  #replace(slot: Slot, cause: unknown, scriptsFault = true): void {
    const index = this.#slots.indexOf(slot)
    if (index < 0) return
    const task = slot.task
    const early = !slot.served && (!slot.ready || task === undefined)
    slot.task = undefined
    if (this.#closed) {
      // Terminated by close(): neither the task's failure nor the script's.
      task?.reject(this.#broken ?? new AxonError(AxonErrorCode.WorkerFailed, 'the pool is closed'))
      this.#slots.splice(index, 1)
      return
    }
    task?.reject(new AxonError(AxonErrorCode.WorkerFailed, 'the worker failed', { cause }))
    if (scriptsFault && early) this.#earlyDeaths++
    if (this.#earlyDeaths >= MAX_EARLY_DEATHS) {
      this.#broken = new AxonError(
        AxonErrorCode.WorkerFailed,
        `the pool's workers keep dying before they serve a task (${MAX_EARLY_DEATHS} in a row); it is closed`,
        { cause },
      )
      this.#slots.splice(index, 1)
      void this.close()
      return
    }
    slot.worker.removeAllListeners()
    // An error it posted before it was let go still arrives, and a Worker with no 'error'
    // listener throws it into the process.
    slot.worker.on('error', ignore)
    void slot.worker.terminate()
    const fresh = this.#spawn()
    this.#slots[index] = fresh
    // Once the timers and callbacks of this turn have run: one signal, or several timeouts
    // at once, may abandon many tasks, and the queued ones must leave the queue before the
    // next is handed over (and its new worker replaced in turn). run() queues behind it.
    setImmediate(() => {
      if (fresh.task === undefined && this.#slots.includes(fresh)) this.#next(fresh)
    })
  }

  #next(slot: Slot): void {
    // A closed pool hands nothing over, and must not unref a worker close() waits for.
    if (this.#closed) return
    const task = this.#queue.shift()
    if (task === undefined) {
      slot.worker.unref()
      return
    }
    this.#dispatch(slot, task)
  }

  #dispatch(slot: Slot, task: Task): void {
    try {
      slot.worker.postMessage({ id: this.#seq, input: task.input })
    } catch {
      task.reject(cannotCopyInput())
      this.#next(slot)
      return
    }
    slot.task = task
    slot.id = this.#seq++
    slot.worker.ref()
  }

  /** The task's caller gave up: it leaves the queue, or its worker is replaced. */
  #abandon(task: Task): void {
    const queued = this.#queue.indexOf(task)
    if (queued >= 0) {
      this.#queue.splice(queued, 1)
      task.reject(abandoned(task.signal))
      return
    }
    const slot = this.#slots.find((s) => s.task === task)
    if (slot === undefined) return
    slot.task = undefined
    task.reject(abandoned(task.signal))
    this.#replace(slot, new Error('task abandoned'), false)
  }

  /** Runs one task; resolves with the worker's result. */
  run(input: I, options: RunOptions = {}): Promise<O> {
    if (this.#closed) {
      return Promise.reject(
        this.#broken ?? new AxonError(AxonErrorCode.WorkerFailed, 'the pool is closed'),
      )
    }
    const { signal } = options
    if (signal?.aborted === true) return Promise.reject(abandoned(signal))
    return new Promise<O>((resolve, reject) => {
      const onAbort = () => this.#abandon(task)
      const settle =
        <T>(then: (value: T) => void) =>
        (value: T) => {
          signal?.removeEventListener('abort', onAbort)
          then(value)
        }
      const task: Task = {
        input,
        resolve: settle(resolve as (value: unknown) => void),
        reject: settle(reject),
        signal,
      }
      // A free worker takes a task at once only when none is waiting before it.
      const idle =
        this.#queue.length === 0 ? this.#slots.find((slot) => slot.task === undefined) : undefined
      if (idle === undefined && this.#queue.length >= this.#maxQueue) {
        reject(new AxonError(AxonErrorCode.WorkerFailed, 'the pool queue is full'))
        return
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      if (idle !== undefined) return this.#dispatch(idle, task)
      try {
        // Copied now, as a task handed over at once is: a change after run() is not seen.
        task.input = structuredClone(input)
      } catch {
        task.reject(cannotCopyInput())
        return
      }
      this.#queue.push(task)
    })
  }

  get size(): number {
    return this.#slots.length
  }

  get pending(): number {
    return this.#queue.length
  }

  /** Refuses queued tasks and terminates the workers. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    for (const task of this.#queue.splice(0)) {
      task.reject(this.#broken ?? new AxonError(AxonErrorCode.WorkerFailed, 'the pool is closed'))
    }
    await Promise.all(this.#slots.map((slot) => slot.worker.terminate()))
  }
}

function ignore(): void {}

const MODULE_TYPE_FLAGS = ['--input-type', '--experimental-default-type']

/**
 * The parent's node flags without those that would make the worker's source an ES module:
 * it is CommonJS (its loop and `fn` may `require`), whatever the parent runs as.
 */
function commonJsExecArgv(): string[] {
  const kept: string[] = []
  const flags = process.execArgv
  for (let i = 0; i < flags.length; i++) {
    const flag = flags[i]!
    if (MODULE_TYPE_FLAGS.includes(flag)) i++
    else if (!MODULE_TYPE_FLAGS.some((name) => flag.startsWith(`${name}=`))) kept.push(flag)
  }
  return kept
}

/** Without the clone error as cause: its message quotes the input. */
function cannotCopyInput(): AxonError {
  return new AxonError(AxonErrorCode.InvalidInput, 'input: cannot be copied to a worker thread', {
    field: 'input',
  })
}

const RESOURCE_LIMITS = [
  'maxOldGenerationSizeMb',
  'maxYoungGenerationSizeMb',
  'codeRangeSizeMb',
  'stackSizeMb',
] as const

/**
 * node ignores a misspelt limit, or one that is not a number, which would leave the worker
 * unbounded. 0 is node's "its default".
 */
function checkResourceLimits(limits: unknown): void {
  const expected = `a plain object of numbers (0 or more) among ${RESOURCE_LIMITS.join(', ')}`
  const refuse = (field: string) =>
    new AxonError(AxonErrorCode.InvalidInput, `${field}: expected ${expected}`, { field })
  const prototype =
    typeof limits === 'object' && limits !== null ? Object.getPrototypeOf(limits) : undefined
  if (prototype !== Object.prototype && prototype !== null) throw refuse('resourceLimits')
  const record = limits as Record<string, unknown>
  for (const key of Reflect.ownKeys(record)) {
    if (!(RESOURCE_LIMITS as readonly (string | symbol)[]).includes(key)) {
      throw refuse(`resourceLimits.${String(key)}`)
    }
  }
  for (const key of RESOURCE_LIMITS) {
    const value = record[key]
    if (value === undefined) continue
    if (typeof value !== 'number' || !(value >= 0) || !Number.isFinite(value)) {
      throw refuse(`resourceLimits.${key}`)
    }
  }
}

function abandoned(signal: AbortSignal | undefined): AxonError {
  return new AxonError(AxonErrorCode.WorkerFailed, 'the task was abandoned', {
    cause: signal?.reason,
  })
}

/** Call inside a worker script: answers the pool's tasks with `fn`. */
export function serveTasks<I, O>(fn: (input: I) => O | Promise<O>): void {
  const port = parentPort
  if (port === null) {
    throw new AxonError(AxonErrorCode.InvalidState, 'serveTasks runs inside a worker thread')
  }
  port.on('message', async ({ id, input }: { id: number; input: I }) => {
    let value: O
    try {
      value = await fn(input)
    } catch (error) {
      let text = NO_TEXT
      try {
        text = error instanceof Error ? error.message : String(error)
      } catch {}
      port.postMessage({ id, ok: false, error: text })
      return
    }
    try {
      port.postMessage({ id, ok: true, value })
    } catch {
      port.postMessage({ id, ok: false, error: UNCLONEABLE_RESULT })
    }
  })
  port.postMessage({ ready: true })
}
