import { Reader } from '@taokit/core'
import type { AxonOptions, EpistulaRouteOptions, SynapseHandlers } from './axon.js'
import { AxonError, AxonErrorCode } from './errors.js'
import type { RateLimit } from './rate-limit.js'

const read = new Reader(
  (message, field) => new AxonError(AxonErrorCode.InvalidInput, message, { field }),
)

/** node's timers take at most this many milliseconds. */
export const MAX_TIMER_MS = 2 ** 31 - 1

const optional = <T>(value: T | undefined, check: (value: T) => void) => {
  if (value !== undefined) check(value)
}

function fn(field: string, value: unknown): void {
  if (typeof value !== 'function') read.fail(field, 'a function', value)
}

function rateLimit(field: string, value: RateLimit | false): void {
  if (value === false) return
  read.object(field, value)
  // A NaN refill would make every bucket NaN, and NaN < 1 lets everything through. A refill
  // of 0 is a fixed quota per key.
  read.finite(`${field}.burst`, value.burst, 1, Number.MAX_SAFE_INTEGER)
  read.finite(`${field}.perSecond`, value.perSecond, 0, Number.MAX_SAFE_INTEGER)
}

/**
 * The axon's options, checked when it is made: a NaN or negative limit would otherwise
 * turn a protection off without a word, or fail every request later.
 */
export function checkAxonOptions(o: AxonOptions): void {
  optional(o.port, (v) => read.integer('port', v, 0, 65_535))
  optional(o.host, (v) => typeof v === 'string' || read.fail('host', 'a string', v))
  optional(o.maxBodyBytes, (v) => read.integer('maxBodyBytes', v, 1, 2 ** 31 - 1))
  for (const field of ['requestTimeoutMs', 'headersTimeoutMs', 'idleTimeoutMs'] as const) {
    optional(o[field], (v) => read.integer(field, v, 1, MAX_TIMER_MS))
  }
  optional(o.maxConnectionsPerIp, (v) => {
    if (v !== false) read.integer('maxConnectionsPerIp', v, 1, 2 ** 31 - 1)
  })
  optional(o.maxTimeoutS, (v) => read.finite('maxTimeoutS', v, 0.001, MAX_TIMER_MS / 1000))
  optional(o.concurrency, (v) => read.integer('concurrency', v, 1, 2 ** 31 - 1))
  optional(o.maxQueue, (v) => read.integer('maxQueue', v, 0, 2 ** 31 - 1))
  optional(o.rateLimit, (v) => {
    read.object('rateLimit', v)
    optional(v.perIp, (limit) => rateLimit('rateLimit.perIp', limit))
    optional(v.perHotkey, (limit) => rateLimit('rateLimit.perHotkey', limit))
  })
  optional(o.nonceWindow, (v) => {
    if (v !== 'strict' && v !== 'sdk') read.fail('nonceWindow', "'strict' or 'sdk'", v)
  })
  optional(o.maxRememberedCallers, (v) => read.integer('maxRememberedCallers', v, 1, 2 ** 31 - 1))
  optional(o.metrics, (v) => read.boolean('metrics', v))
  for (const field of ['nowNs', 'nowMs', 'onRequestEnd'] as const) {
    optional(o[field], (v) => fn(field, v))
  }
}

/** A synapse route's handlers: `forward` and, if given, the others are functions. */
export function checkSynapseHandlers(handlers: SynapseHandlers<never>): void {
  read.object('handlers', handlers)
  fn('handlers.forward', handlers.forward)
  for (const field of ['blacklist', 'priority', 'verify'] as const) {
    optional(handlers[field], (v) => fn(`handlers.${field}`, v))
  }
}

/** An Epistula route's options, windows and deadline in milliseconds. */
export function checkEpistulaRouteOptions(o: EpistulaRouteOptions): void {
  read.object('options', o)
  fn('options.handler', o.handler)
  optional(o.method, (v) => {
    if (v !== 'POST' && v !== 'PUT' && v !== 'GET') {
      read.fail('options.method', "'POST', 'PUT' or 'GET'", v)
    }
  })
  optional(o.ownHotkey, (v) => {
    if (v !== null && typeof v !== 'string') read.fail('options.ownHotkey', 'an address or null', v)
  })
  // The replay memory keeps each request for the longest window: they must be finite.
  optional(o.allowedDeltaMs, (v) => read.finite('options.allowedDeltaMs', v, 0, MAX_TIMER_MS))
  optional(o.maxFutureMs, (v) => read.finite('options.maxFutureMs', v, 0, MAX_TIMER_MS))
  optional(o.timeoutMs, (v) => read.finite('options.timeoutMs', v, 1, MAX_TIMER_MS))
  for (const field of ['blacklist', 'priority'] as const) {
    optional(o[field], (v) => fn(`options.${field}`, v))
  }
}
