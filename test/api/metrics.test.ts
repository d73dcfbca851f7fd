import { readFileSync } from 'node:fs'
import parsePrometheusTextFormat, { type MetricFamily } from 'parse-prometheus-text-format'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestKendali, type TestServer } from '../support/server.ts'

const TOKEN = 'prometheus-scrape-token-0123456789'

/** Every family of a scrape by name, read with a Prometheus text-format parser (not our own). */
async function scrape(server: TestServer, headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }): Promise<Map<string, MetricFamily>> {
  const res = await server.kendali.app.inject({ method: 'GET', url: '/metrics', headers })
  expect(res.statusCode).toBe(200)
  expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/)
  return new Map(parsePrometheusTextFormat(res.body).map((family) => [family.name, family]))
}

describe('GET /metrics', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestKendali({ listen: false, env: { METRICS_TOKEN: TOKEN } })
  })
  afterAll(() => server.close())

  it('answers only the bearer of METRICS_TOKEN', async () => {
    for (const headers of [{}, { authorization: 'Bearer wrong' }, { authorization: `Bearer ${TOKEN}x` }]) {
      const res = await server.kendali.app.inject({ method: 'GET', url: '/metrics', headers })
      expect(res.statusCode).toBe(403)
      expect(res.json()).toMatchObject({ error: { code: 'forbidden' } })
    }
  })

  it('counts requests by route pattern and status, with latency histograms, database time, the event log head and process metrics', async () => {
    for (let i = 0; i < 3; i++) await server.kendali.app.inject({ method: 'GET', url: '/api/health' })
    await server.kendali.app.inject({ method: 'GET', url: '/api/t/33.71/incidents/00000000-0000-0000-0000-000000000000' })
    const families = await scrape(server)

    const requests = families.get('kendali_http_requests_total')
    expect(requests?.type).toBe('COUNTER')
    const health = requests?.metrics.find((m) => m.labels?.route === '/api/health' && m.labels.status === '200')
    expect(Number(health?.value)).toBeGreaterThanOrEqual(3)
    // The route's pattern, never the URL with its ids.
    expect(requests?.metrics.some((m) => m.labels?.route?.includes('00000000'))).toBe(false)
    expect(requests?.metrics.some((m) => m.labels?.route === '/api/t/:tenant/incidents/:id')).toBe(true)

    expect(families.get('kendali_http_request_duration_seconds')?.type).toBe('HISTOGRAM')
    const db = families.get('kendali_db_query_duration_seconds')
    expect(db?.type).toBe('HISTOGRAM')
    expect(Number(db?.metrics[0]?.buckets?.['+Inf'])).toBeGreaterThan(0)

    const head = families.get('kendali_event_log_head')?.metrics.find((m) => m.labels?.tenant === '33.71')
    expect(Number(head?.value)).toBeGreaterThan(0)
    for (const name of [
      'kendali_event_consumer_lag',
      'kendali_live_clients',
      'kendali_bus_events_total',
      'kendali_mqtt_messages_total',
      'kendali_readings_total',
      'kendali_job_runs_total',
      'process_cpu_user_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_seconds',
    ]) {
      expect(families.has(name), name).toBe(true)
    }
  })

  it('counts job runs by kind and outcome', async () => {
    const kind = `metrics.test.${process.pid}`
    let calls = 0
    server.kendali.ctx.jobs.handle(kind, async () => {
      calls += 1
      if (calls === 1) throw new Error('first try fails')
    })
    await server.kendali.ctx.jobs.enqueue(server.kendali.ctx.db, '33.71', kind, {}, { maxAttempts: 2 })
    await server.kendali.ctx.jobs.runDue(50)
    // The retry is due 30 s later by the database's clock.
    await server.kendali.ctx.jobs.runDue(50, new Date(Date.now() + 60_000))
    const runs = (await scrape(server)).get('kendali_job_runs_total')?.metrics.filter((m) => m.labels?.kind === kind)
    expect(Object.fromEntries((runs ?? []).map((m) => [m.labels?.outcome, Number(m.value)]))).toEqual({ retry: 1, done: 1 })
  })

  it('each panel of the Grafana dashboard shows a metric the scrape has', async () => {
    const dashboard = JSON.parse(readFileSync(new URL('../../deploy/grafana/kendali.json', import.meta.url), 'utf8')) as {
      panels: { title: string; targets?: { expr: string }[] }[]
    }
    const families = await scrape(server)
    const panels = dashboard.panels.filter((p) => p.targets)
    expect(panels.length).toBeGreaterThan(8)
    for (const panel of panels) {
      const names = panel.targets?.flatMap((t) => t.expr.match(/\b(kendali|process|nodejs)_[a-z0-9_]+/g) ?? []) ?? []
      expect(names.length, panel.title).toBeGreaterThan(0)
      for (const name of names) {
        // A histogram's series are its family's name plus _bucket, _sum or _count.
        const family = name.replace(/_(bucket|sum|count)$/, '')
        expect(families.has(family) || families.has(name), `${panel.title}: ${name}`).toBe(true)
      }
    }
  })
})

describe('GET /metrics by address', () => {
  it('answers a client in METRICS_ALLOW without a token, and nobody when neither is set', async () => {
    const allowed = await startTestKendali({ listen: false, env: { METRICS_ALLOW: '127.0.0.0/8' } })
    const elsewhere = await startTestKendali({ listen: false, env: { METRICS_ALLOW: '10.20.0.0/16' } })
    const off = await startTestKendali({ listen: false })
    try {
      expect((await scrape(allowed, {})).has('kendali_http_requests_total')).toBe(true)
      expect((await elsewhere.kendali.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(403)
      const res = await off.kendali.app.inject({ method: 'GET', url: '/metrics' })
      expect(res.statusCode).toBe(403)
      expect(res.json().error.message).toMatch(/METRICS_TOKEN or METRICS_ALLOW/)
    } finally {
      await Promise.all([allowed.close(), elsewhere.close(), off.close()])
    }
  })
})
