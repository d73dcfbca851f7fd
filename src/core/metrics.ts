import { timingSafeEqual } from 'node:crypto'
import { BlockList, isIP } from 'node:net'
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client'
import type { Database, Tx } from './db/database.ts'

// Process metrics (CPU, memory, event loop, GC) belong to the process, not to one app: collected once, however
// many apps a process builds (tests build many).
let processRegistry: Registry | null = null
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry()
    collectDefaultMetrics({ register: processRegistry })
  }
  return processRegistry
}

// Seconds: from a quick indexed read to a slow report.
const QUERY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]
const REQUEST_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

/**
 * The app's Prometheus metrics. Core's own are fields; a module adds its own with counter/gauge/histogram
 * (names start with `kendali_`). Gauges whose value lives elsewhere (the event log's head) are read at scrape.
 */
export class Metrics {
  readonly registry = new Registry()
  readonly httpRequests = this.counter('kendali_http_requests_total', 'HTTP requests answered, by route pattern and status', ['method', 'route', 'status'])
  readonly httpDuration = this.histogram(
    'kendali_http_request_duration_seconds',
    'Time to answer an HTTP request, by route pattern',
    ['method', 'route'],
    REQUEST_BUCKETS,
  )
  readonly dbQueries = this.histogram('kendali_db_query_duration_seconds', 'Time of one database query', ['engine'], QUERY_BUCKETS)
  readonly dbQueryErrors = this.counter('kendali_db_query_errors_total', 'Database queries that failed', ['engine'])
  readonly liveClients = this.gauge('kendali_live_clients', 'Open live-channel WebSockets')
  readonly busEvents = this.counter('kendali_bus_events_total', 'Events heard on the bus (this instance’s and, over NATS, the others’)')
  readonly mqttMessages = this.counter('kendali_mqtt_messages_total', 'Device messages received over MQTT')
  readonly readings = this.counter('kendali_readings_total', 'Sensor readings by result (accepted, rejected)', ['result'])
  readonly jobRuns = this.counter('kendali_job_runs_total', 'Background job runs by kind and outcome (done, retry, failed)', ['kind', 'outcome'])
  readonly jobDuration = this.histogram('kendali_job_duration_seconds', 'Time of one background job run', ['kind'], REQUEST_BUCKETS)

  counter<L extends string = never>(name: string, help: string, labelNames: L[] = []): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] })
  }

  histogram<L extends string = never>(name: string, help: string, labelNames: L[], buckets: number[]): Histogram<L> {
    return new Histogram({ name, help, labelNames, buckets, registers: [this.registry] })
  }

  /** A gauge; with `read`, its values are asked for at each scrape. */
  gauge<L extends string = never>(name: string, help: string, labelNames: L[] = [], read?: (gauge: Gauge<L>) => Promise<void>): Gauge<L> {
    return new Gauge<L>({
      name,
      help,
      labelNames,
      registers: [this.registry],
      ...(read
        ? {
            async collect(this: Gauge<L>) {
              this.reset()
              await read(this)
            },
          }
        : {}),
    })
  }

  /** The Prometheus text exposition of this app's and the process's metrics. */
  async scrape(): Promise<string> {
    return `${await processMetrics().metrics()}\n${await this.registry.metrics()}`
  }

  readonly contentType = this.registry.contentType
}

/** The same database, each query timed (transactions' queries included). */
export function timedDatabase(db: Database, metrics: Metrics): Database {
  const timed = async <T>(run: () => Promise<T>): Promise<T> => {
    const stop = metrics.dbQueries.startTimer({ engine: db.kind })
    try {
      return await run()
    } catch (err) {
      metrics.dbQueryErrors.inc({ engine: db.kind })
      throw err
    } finally {
      stop()
    }
  }
  return {
    kind: db.kind,
    query: (sql, params) => timed(() => db.query(sql, params)),
    exec: (sql) => timed(() => db.exec(sql)),
    transaction: (fn) =>
      db.transaction((tx) => fn({ query: (sql, params) => timed(() => tx.query(sql, params)), afterCommit: (hook) => tx.afterCommit(hook) } satisfies Tx)),
    close: () => db.close(),
    pool: db.pool ? () => db.pool?.() ?? null : undefined,
    snapshot: db.snapshot?.bind(db),
  }
}

/** Who may scrape /metrics: the bearer of METRICS_TOKEN, or a client address in METRICS_ALLOW; nobody when neither is set. */
export function metricsGate(token: string | null, allow: string[]): (address: string, authorization: string | undefined) => boolean {
  const networks = new BlockList()
  for (const entry of allow) {
    const [address, bits] = entry.split('/')
    const type = isIP(address) === 6 ? 'ipv6' : 'ipv4'
    if (bits === undefined) networks.addAddress(address, type)
    else networks.addSubnet(address, Number(bits), type)
  }
  const expected = token ? Buffer.from(`Bearer ${token}`) : null
  return (address, authorization) => {
    if (expected && authorization) {
      const given = Buffer.from(authorization)
      if (given.length === expected.length && timingSafeEqual(given, expected)) return true
    }
    // An IPv4 client on a dual-stack socket shows as ::ffff:a.b.c.d.
    const plain = address.startsWith('::ffff:') ? address.slice(7) : address
    const type = isIP(plain) === 6 ? 'ipv6' : 'ipv4'
    return isIP(plain) !== 0 && networks.check(plain, type)
  }
}
