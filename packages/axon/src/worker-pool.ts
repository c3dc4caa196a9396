import { Script } from 'node:vm'
import { parentPort, Worker } from 'node:worker_threads'
import { AxonError, AxonErrorCode } from './errors.js'

/**
 * A fixed pool of worker threads with a FIFO queue, for CPU-heavy forwards (inference,
 * scoring) that would otherwise stall the event loop and every other request.
 *
 * Each worker runs one task at a time. The protocol: the worker gets `{ id, input }` and
 * posts back `{ id, ok: true, value }` or `{ id, ok: false, error }`. `WorkerPool.fromFunction`
 * writes that loop for a self-contained function; a script made with `serveTasks` works too.
 */
export interface WorkerPoolOptions {
  /** Threads (default 2). */
  size?: number
  /** Tasks waiting beyond the busy workers; more are refused (default 1024). */
  maxQueue?: number
}

interface Task {
  input: unknown
  resolve: (value: unknown) => void
  reject: (error: Error) => void
}

interface Slot {
  worker: Worker
  task: Task | undefined
  id: number
}

type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string }

const LOOP = `
const { parentPort } = require('node:worker_threads')
parentPort.on('message', async ({ id, input }) => {
  try {
    parentPort.postMessage({ id, ok: true, value: await fn(input) })
  } catch (error) {
    parentPort.postMessage({ id, ok: false, error: String(error && error.message || error) })
  }
})`

/** Workers dying idle this many times in a row close the pool instead of respawning forever. */
const MAX_IDLE_DEATHS = 3

export class WorkerPool<I = unknown, O = unknown> {
  readonly #create: () => Worker
  readonly #slots: Slot[] = []
  readonly #queue: Task[] = []
  readonly #maxQueue: number
  #closed = false
  #seq = 0
  /** Workers in a row that died without a task: the script itself fails. */
  #idleDeaths = 0
  /** Set once the script is known to fail: every task is refused with it. */
  #broken: AxonError | undefined

  /**
   * A pool running `script`: a path or file URL of a worker that speaks the protocol above,
   * or `{ source }`, CommonJS source text evaluated in each worker.
   */
  constructor(script: string | URL | { source: string }, options: WorkerPoolOptions = {}) {
    this.#create =
      typeof script === 'object' && 'source' in script
        ? () => new Worker(script.source, { eval: true })
        : () => new Worker(script)
    this.#maxQueue = options.maxQueue ?? 1024
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
    for (let i = 0; i < size; i++) this.#slots.push(this.#spawn())
  }

  #spawn(): Slot {
    const slot: Slot = { worker: this.#create(), task: undefined, id: -1 }
    slot.worker.on('message', (reply: Reply) => {
      const task = slot.task
      if (task === undefined || reply.id !== slot.id) return
      slot.task = undefined
      this.#idleDeaths = 0
      if (reply.ok) task.resolve(reply.value)
      else task.reject(new AxonError(AxonErrorCode.WorkerFailed, reply.error))
      this.#next(slot)
    })
    slot.worker.on('error', (error) => this.#replace(slot, error))
    slot.worker.on('exit', () => this.#replace(slot, new Error('worker exited')))
    // Idle workers must not keep the process alive.
    slot.worker.unref()
    return slot
  }

  #replace(slot: Slot, cause: unknown): void {
    const index = this.#slots.indexOf(slot)
    if (index < 0) return
    const task = slot.task
    slot.task = undefined
    task?.reject(new AxonError(AxonErrorCode.WorkerFailed, 'the worker failed', { cause }))
    if (task === undefined) this.#idleDeaths++
    if (this.#idleDeaths >= MAX_IDLE_DEATHS && this.#broken === undefined) {
      this.#broken = new AxonError(
        AxonErrorCode.WorkerFailed,
        `the pool's workers keep dying before any task (${MAX_IDLE_DEATHS} in a row); it is closed`,
        { cause },
      )
      void this.close()
    }
    if (this.#closed) {
      this.#slots.splice(index, 1)
      return
    }
    slot.worker.removeAllListeners()
    void slot.worker.terminate()
    const fresh = this.#spawn()
    this.#slots[index] = fresh
    this.#next(fresh)
  }

  #next(slot: Slot): void {
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
    } catch (cause) {
      task.reject(
        new AxonError(AxonErrorCode.InvalidInput, 'input: cannot be copied to a worker thread', {
          field: 'input',
          cause,
        }),
      )
      this.#next(slot)
      return
    }
    slot.task = task
    slot.id = this.#seq++
    slot.worker.ref()
  }

  /** Runs one task; resolves with the worker's result. */
  run(input: I): Promise<O> {
    if (this.#closed) {
      return Promise.reject(
        this.#broken ?? new AxonError(AxonErrorCode.WorkerFailed, 'the pool is closed'),
      )
    }
    return new Promise<O>((resolve, reject) => {
      const task: Task = { input, resolve: resolve as (value: unknown) => void, reject }
      const idle = this.#slots.find((slot) => slot.task === undefined)
      if (idle !== undefined) return this.#dispatch(idle, task)
      if (this.#queue.length >= this.#maxQueue) {
        reject(new AxonError(AxonErrorCode.WorkerFailed, 'the pool queue is full'))
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

/** Call inside a worker script: answers the pool's tasks with `fn`. */
export function serveTasks<I, O>(fn: (input: I) => O | Promise<O>): void {
  const port = parentPort
  if (port === null) {
    throw new AxonError(AxonErrorCode.InvalidState, 'serveTasks runs inside a worker thread')
  }
  port.on('message', async ({ id, input }: { id: number; input: I }) => {
    try {
      port.postMessage({ id, ok: true, value: await fn(input) })
    } catch (error) {
      port.postMessage({
        id,
        ok: false,
        error: error instanceof Error ? error.message : String(error),
      })
    }
  })
}
