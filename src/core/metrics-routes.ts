import { Forbidden } from './errors.ts'
import { metricsGate } from './metrics.ts'
import type { CoreContext, KendaliApp } from './module.ts'

/** Gauges read from where their value lives, at each scrape; a closed database leaves them out. */
function scrapeGauges(ctx: CoreContext): void {
  const m = ctx.metrics
  const quietly = async (read: () => Promise<void>) => read().catch(() => undefined)
  m.gauge('kendali_event_log_head', 'Last sequence number of each tenant’s event log', ['tenant'], (g) =>
    quietly(async () => {
      for (const row of await ctx.db.query<{ tenant: string; last_seq: number }>('SELECT tenant, last_seq FROM event_counters')) {
        g.set({ tenant: row.tenant }, Number(row.last_seq))
      }
    }),
  )
  m.gauge('kendali_event_consumer_lag', 'Events a durable consumer has still to handle, over every tenant', ['consumer'], (g) =>
    quietly(async () => {
      const rows = await ctx.db.query<{ name: string; lag: number }>(
        `SELECT n.name, sum(greatest(c.last_seq - coalesce(k.last_seq, 0), 0)) AS lag
         FROM (SELECT DISTINCT name FROM event_consumers) n CROSS JOIN event_counters c
         LEFT JOIN event_consumers k ON k.name = n.name AND k.tenant = c.tenant
         GROUP BY n.name`,
      )
      for (const row of rows) g.set({ consumer: row.name }, Number(row.lag))
    }),
  )
  m.gauge('kendali_mqtt_clients', 'Devices connected to the embedded MQTT broker', [], async (g) => {
    const clients = ctx.mqtt.clients()
    if (clients !== null) g.set(clients)
  })
  m.gauge('kendali_db_pool_connections', 'PostgreSQL pool connections by state (total, idle, waiting)', ['state'], async (g) => {
    const pool = ctx.db.pool?.()
    if (!pool) return
    g.set({ state: 'total' }, pool.total)
    g.set({ state: 'idle' }, pool.idle)
    g.set({ state: 'waiting' }, pool.waiting)
  })
}

/**
 * GET /metrics in the Prometheus text format, for the bearer of METRICS_TOKEN or a client in METRICS_ALLOW (the
 * address as TRUST_PROXY makes it); refused to everyone when neither is set, since it tells how the city is used.
 */
export function metricsRoutes(app: KendaliApp, ctx: CoreContext): void {
  scrapeGauges(ctx)
  const allowed = metricsGate(ctx.config.metricsToken, ctx.config.metricsAllow)
  app.addHook('onResponse', async (request, reply) => {
    // The route's pattern (not the URL) keeps the label set small; an unknown path counts as one.
    const route = request.routeOptions.url ?? 'unmatched'
    const labels = { method: request.method, route }
    ctx.metrics.httpRequests.inc({ ...labels, status: String(reply.statusCode) })
    ctx.metrics.httpDuration.observe(labels, reply.elapsedTime / 1000)
  })
  app.get(
    '/metrics',
    {
      config: { access: 'public' },
      schema: {
        tags: ['platform'],
        summary: 'Prometheus metrics (text format 0.0.4): bearer METRICS_TOKEN, or a client address in METRICS_ALLOW',
        security: [{ bearer: [] }],
      },
    },
    async (request, reply) => {
      if (!allowed(request.ip, request.headers.authorization)) {
        throw new Forbidden(
          ctx.config.metricsToken || ctx.config.metricsAllow.length > 0
            ? 'Send the METRICS_TOKEN as a bearer token, or scrape from an address in METRICS_ALLOW'
            : 'Metrics are off: set METRICS_TOKEN or METRICS_ALLOW',
        )
      }
      return reply.type(ctx.metrics.contentType).send(await ctx.metrics.scrape())
    },
  )
}
