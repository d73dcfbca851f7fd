import type { InjectOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loginCookie, startTestKendali, type TestServer } from '../../../test/support/server.ts'
import { periodAt } from './periods.ts'

/**
 * The executive overview against the other modules' own lists, read through their APIs as the executive: what the
 * dashboard and the report say is what a person counting those lists finds.
 */

let server: TestServer
const cookies: Record<string, string> = {}
const as = (who: string, opts: InjectOptions) => server.kendali.app.inject({ ...opts, headers: { ...opts.headers, cookie: cookies[who] } })
const get = async <T>(who: string, url: string): Promise<T> => {
  const res = await as(who, { method: 'GET', url })
  expect(res.statusCode, `${url}: ${res.body}`).toBe(200)
  return res.json() as T
}
const MONTH = periodAt(new Date(), 'monthly', 'Asia/Jakarta')

interface Overview {
  period: { key: string; kind: string; months: string[]; start: string; end: string; lastYear: string; provisional: boolean }
  dimensions: { dimension: string; score: number | null; trend: { period: string; score: number | null }[]; lastYearScore: number | null }[]
  attention: {
    indicators: { code: string; achievement: number }[]
    openP1: { count: number }
    warnings: { id: string }[]
    overdueComplaints: { agencyId: string | null; count: number }[]
  }
  incidents: { count: number; byType: { type: string; count: number }[]; byKecamatan: { code: string | null; count: number }[] }
  findings: { agencyId: string | null; open: number; overdue: number }[]
}
type Listed<T> = { items: T[]; total: number; next: string | null }

beforeAll(async () => {
  server = await startTestKendali({ listen: false })
  for (const who of ['executive', 'dispatcher', 'malang_admin']) cookies[who] = await loginCookie(server.kendali, who)
})
afterAll(() => server.close())

describe('executive overview', () => {
  it('counts the incidents, P1s, warnings, overdue complaints and findings the modules list', async () => {
    const o = await get<Overview>('executive', `/api/t/33.71/kpi/overview?period=${MONTH}`)
    expect(o.period).toMatchObject({ key: MONTH, kind: 'month', months: [MONTH], provisional: true })

    const incidents = await get<Listed<{ type: string; status: string; createdAt: string; kecamatan: { code: string } | null }>>(
      'executive',
      `/api/t/33.71/incidents?since=${encodeURIComponent(o.period.start)}&limit=1000`,
    )
    const inPeriod = incidents.items.filter((i) => i.createdAt < o.period.end && i.status !== 'cancelled')
    expect(o.incidents.count).toBe(inPeriod.length)
    const byType = new Map<string, number>()
    for (const i of inPeriod) byType.set(i.type, (byType.get(i.type) ?? 0) + 1)
    expect(Object.fromEntries(o.incidents.byType.map((t) => [t.type, t.count]))).toEqual(Object.fromEntries(byType))
    expect(o.incidents.byKecamatan.reduce((s, k) => s + k.count, 0)).toBe(inPeriod.length)

    const p1 = await get<Listed<unknown>>('executive', '/api/t/33.71/incidents?status=open&priority=P1&limit=1')
    expect(o.attention.openP1.count).toBe(p1.total)
    const warnings = await get<Listed<unknown>>('executive', '/api/t/33.71/alerts/active')
    expect(o.attention.warnings).toHaveLength(warnings.total)
    const overdue = await get<Listed<{ agencyId: string | null }>>('executive', '/api/t/33.71/reports?status=open&overdue=true&limit=1000')
    expect(o.attention.overdueComplaints.reduce((s, c) => s + c.count, 0)).toBe(overdue.total)

    const findings = await get<Listed<{ agencyId: string | null; overdue: boolean }>>('executive', '/api/t/33.71/findings?status=open&limit=1000')
    const perAgency = new Map<string | null, { open: number; overdue: number }>()
    for (const f of findings.items) {
      const own = perAgency.get(f.agencyId) ?? { open: 0, overdue: 0 }
      own.open++
      if (f.overdue) own.overdue++
      perAgency.set(f.agencyId, own)
    }
    expect(Object.fromEntries(o.findings.map((f) => [String(f.agencyId), { open: f.open, overdue: f.overdue }]))).toEqual(
      Object.fromEntries([...perAgency].map(([k, v]) => [String(k), v])),
    )
    // Furthest below target first, none at or over it.
    const achievements = o.attention.indicators.map((i) => i.achievement)
    expect(achievements).toEqual([...achievements].sort((a, b) => a - b))
    expect(achievements.every((a) => a < 100)).toBe(true)
  })

  it('gives six dimensions 12 periods of trend by month, quarter and year, and the same period last year', async () => {
    const year = Number(MONTH.slice(0, 4))
    const quarter = `${year}-Q${Math.ceil(Number(MONTH.slice(5)) / 3)}`
    for (const [key, kind, lastYear] of [
      [MONTH, 'month', `${year - 1}${MONTH.slice(4)}`],
      [quarter, 'quarter', `${year - 1}${quarter.slice(4)}`],
      [String(year), 'year', String(year - 1)],
    ]) {
      const o = await get<Overview>('executive', `/api/t/33.71/kpi/overview?period=${key}`)
      expect(o.period).toMatchObject({ key, kind, lastYear })
      expect(o.period.months).toHaveLength(kind === 'month' ? 1 : kind === 'quarter' ? 3 : 12)
      expect(o.dimensions.map((d) => d.dimension)).toEqual(['governance', 'branding', 'economy', 'living', 'society', 'environment'])
      for (const d of o.dimensions) {
        expect(d.trend).toHaveLength(12)
        expect(d.trend.at(-1)).toEqual({ period: key, score: d.score })
      }
    }
    // A quarter's score is the mean of its months'.
    const q = await get<Overview>('executive', `/api/t/33.71/kpi/overview?period=${quarter}`)
    const months = await Promise.all(q.period.months.filter((m) => m <= MONTH).map((m) => get<Overview>('executive', `/api/t/33.71/kpi/overview?period=${m}`)))
    for (const [n, d] of q.dimensions.entries()) {
      const scores = months.map((m) => m.dimensions[n].score).filter((s): s is number => s !== null)
      if (scores.length === 0) expect(d.score).toBeNull()
      else expect(d.score).toBeCloseTo(scores.reduce((s, x) => s + x, 0) / scores.length, 0)
    }
  })

  it('refuses roles without the dashboard, another city and a malformed period', async () => {
    const url = `/api/t/33.71/kpi/overview?period=${MONTH}`
    expect((await as('dispatcher', { method: 'GET', url })).statusCode).toBe(403)
    expect((await as('malang_admin', { method: 'GET', url })).statusCode).toBe(403)
    expect((await server.kendali.app.inject({ method: 'GET', url })).statusCode).toBe(401)
    for (const period of ['2026-Q5', '2026-13', 'tahun-ini']) {
      const bad = await as('executive', { method: 'GET', url: `/api/t/33.71/kpi/overview?period=${period}` })
      expect(bad.statusCode, period).toBe(400)
      expect(bad.json().error.code).toBe('invalid')
    }
  })
})
