import { Counter, Histogram, Registry } from 'prom-client'

/** The axon's Prometheus metrics, in a registry of its own (several axons per process are fine). */
export class AxonMetrics {
  readonly registry = new Registry()
  readonly requests: Counter<'route' | 'status'>
  readonly latency: Histogram<'route'>
  readonly rejections: Counter<'route' | 'reason'>

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
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 12],
      registers: [this.registry],
    })
    this.rejections = new Counter({
      name: `${prefix}rejections_total`,
      help: 'Refused requests, by route and reason',
      labelNames: ['route', 'reason'],
      registers: [this.registry],
    })
  }

  observe(route: string, status: number, seconds: number, reason: string | undefined): void {
    this.requests.inc({ route, status: String(status) })
    this.latency.observe({ route }, seconds)
    if (reason !== undefined) this.rejections.inc({ route, reason })
  }
}
