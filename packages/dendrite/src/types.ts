import type { AxonTarget, FieldMap, SynapseData } from '@taokit/synapse'

export type { AxonTarget }

/** What every per-target result carries, whichever protocol was spoken. */
export interface TargetResult {
  axon: AxonTarget
  /**
   * The SDK's status: the axon's (HTTP status, or `bt_header_axon_status_code`), or a mapped
   * client-side failure (408 timeout, 503 unreachable, 422 unparseable response, …).
   */
  status: number
  statusMessage: string
  /** Milliseconds from the call to the end of the response (or the failure). */
  latencyMs: number
  /** Seconds the axon says it spent (`bt_header_axon_process_time`), when it said. */
  processTime: number | undefined
}

export interface SynapseResult<F extends FieldMap = FieldMap, T = unknown> extends TargetResult {
  /**
   * The synapse as sent, with the response merged in as the Python dendrite merges it, and
   * `dendrite.status_code`, `status_message` and `process_time` set. Undefined only when no
   * request could be built for the target (e.g. an invalid axon entry).
   */
  synapse: SynapseData<F> | undefined
  /** `deserialize(synapse)` of a 200 response, when a `deserialize` was given. */
  deserialized?: T
}

export interface EpistulaResult<T = unknown> extends TargetResult {
  /** The response headers (lowercase names); empty when there was no response. */
  headers: Record<string, string>
  /** The raw response body; undefined when there was no response. */
  body: Uint8Array | undefined
  /** `deserialize(body)` of a 2xx response, when a `deserialize` was given. */
  deserialized?: T
}

/** The results of one fan-out, in the order of the targets. */
export interface BatchResult<R extends TargetResult> {
  results: R[]
  /** `Date.now()` when the query began. */
  startedAt: number
  /**
   * Milliseconds between the first and the last request handed to a socket (0 for one);
   * undefined when none was sent.
   */
  deliverySpreadMs: number | undefined
  /** Milliseconds for the whole query. */
  durationMs: number
}

export interface QueryOptions<F extends FieldMap = FieldMap, T = unknown> {
  /** The deadline per target, in milliseconds; also sent as the synapse's `timeout`. Default 12000. */
  timeoutMs?: number
  /**
   * Turns a successful synapse into what the caller wants (the SDK's `deserialize()`). An
   * async one is awaited; a failure, thrown or rejected, makes the result a 422.
   */
  deserialize?: (synapse: SynapseData<F>) => T | PromiseLike<T>
  /** Cancels the whole query; unfinished targets report 408. */
  signal?: AbortSignal
}

export interface EpistulaQueryOptions<T = unknown> {
  /** The deadline per target, in milliseconds. Default 12000. */
  timeoutMs?: number
  /** Default `application/json`. */
  contentType?: string
  /** Turns a 2xx body into what the caller wants, e.g. `(b) => JSON.parse(Buffer.from(b).toString())`. */
  /** As for `query`: an async one is awaited, a failure makes the result a 422. */
  deserialize?: (body: Uint8Array) => T | PromiseLike<T>
  signal?: AbortSignal
}
