import { Counter, Histogram, Registry } from 'prom-client'

/** The axon's Prometheus metrics, in a registry of its own (several axons per process are fine). */
export class AxonMetrics {
  readonly registry = new Registry()
  readonly requests: Counter<'route' | 'status'>
  readonly latency: Histogram<'route'>
  readonly rejections: Counter<'route' | 'reason'>
  readonly refusedConnections: Counter

  constructor(prefix = 'axon_') {
    this.requests = new Counter({
      name: `${prefix}requests_total`,
      help: 'Requests answered, by route and HTTP status',
      labelNames: ['route', 'status'],
      registers: [this.registry],
    })
    this.latency = new Histogram({
      name: `${prefix}request_duration_seconds`,
      help: 'Time from the request to the response, by route',
      labelNames: ['route'],
      buckets: [
        0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 12, 30, 60,
      ],
      registers: [this.registry],
    })
    this.rejections = new Counter({
      name: `${prefix}rejections_total`,
      help: 'Refused requests, by route and reason',
      labelNames: ['route', 'reason'],
      registers: [this.registry],
    })
    this.refusedConnections = new Counter({
      name: `${prefix}connections_refused_total`,
      help: 'Connections closed on arrival: their IP held maxConnectionsPerIp already',
      registers: [this.registry],
    })
  }

  // Label sets are few (routes × statuses × reasons); their children are kept, so a request
  // does not hash its labels three times.
  readonly #children = new Map<string, { inc(): void }>()
  readonly #timers = new Map<string, { observe(value: number): void }>()

  observe(route: string, status: number, seconds: number, reason: string | undefined): void {
    this.#child(`r\0${route}\0${status}`, () => this.requests.labels(route, String(status))).inc()
    let timer = this.#timers.get(route)
    if (timer === undefined) {
      timer = this.latency.labels(route)
      this.#timers.set(route, timer)
    }
    timer.observe(seconds)
    if (reason !== undefined) {
      this.#child(`x\0${route}\0${reason}`, () => this.rejections.labels(route, reason)).inc()
    }
  }

  #child(key: string, make: () => { inc(): void }): { inc(): void } {
    let child = this.#children.get(key)
    if (child === undefined) {
      child = make()
      this.#children.set(key, child)
    }
    return child
  }
}
