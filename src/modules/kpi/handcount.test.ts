import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestKendali, type TestServer, unique } from '../../../test/support/server.ts'
import { KpiService } from './service.ts'
import { tenancyPort } from './tenancy.ts'

/**
 * Every computed indicator of the default catalogue (but the patrols' two, whose ASN imports and findings their
 * own tests cover) against a count by hand over demo-shaped rows that straddle 1 December 2026 00.00 WIB
 * (30 November 17.00 UTC): what the kpi module stores for November and December is what a person counting the
 * rows by their Jakarta date finds, and it says from how many records.
 */

let server: TestServer
const db = () => server.kendali.ctx.db
const q = (sql: string, params: unknown[]) => db().query<{ id: string }>(sql, params)
const ADMIN = { actor: 'admin', agencies: 'all' as const }
// The wall is read on 7 December 2026 (WIB): November is closed, December is running.
let now = new Date('2026-12-07T05:00:00Z')
const WIB_MS = 7 * 3600_000
const monthOf = (iso: string) => new Date(Date.parse(iso) + WIB_MS).toISOString().slice(0, 7)
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits
/** PostgreSQL's percentile_cont. */
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  const at = p * (sorted.length - 1)
  const low = Math.floor(at)
  return sorted[low] + (sorted[Math.min(low + 1, sorted.length - 1)] - sorted[low]) * (at - low)
}

// Demo-shaped rows. Times are UTC; the comments give WIB.
const KELURAHAN = [
  { code: '33.71.01.1001', kecamatan: '33.71.01', population: 9000 },
  { code: '33.71.02.1001', kecamatan: '33.71.02', population: 12000 },
  { code: '33.71.03.1002', kecamatan: '33.71.03', population: 6500 },
]
type Incident = { created: string; kelurahan: (typeof KELURAHAN)[number] | null; status: string; onSceneMinutes?: number; ambulance?: boolean }
const INCIDENTS: Incident[] = [
  { created: '2026-11-03T02:00:00Z', kelurahan: KELURAHAN[0], status: 'closed', onSceneMinutes: 9, ambulance: true },
  { created: '2026-11-12T08:30:00Z', kelurahan: KELURAHAN[1], status: 'closed', onSceneMinutes: 14, ambulance: true },
  { created: '2026-11-20T11:00:00Z', kelurahan: KELURAHAN[1], status: 'closed', onSceneMinutes: 6 },
  { created: '2026-11-25T01:00:00Z', kelurahan: KELURAHAN[2], status: 'cancelled' },
  // 30 November 23.59 WIB: November.
  { created: '2026-11-30T16:59:00Z', kelurahan: KELURAHAN[2], status: 'closed', onSceneMinutes: 21, ambulance: true },
  // 1 December 00.00 WIB (30 November in UTC): December.
  { created: '2026-11-30T17:00:00Z', kelurahan: KELURAHAN[0], status: 'closed', onSceneMinutes: 7, ambulance: true },
  { created: '2026-12-01T03:00:00Z', kelurahan: KELURAHAN[0], status: 'closed', onSceneMinutes: 11, ambulance: true },
  { created: '2026-12-02T09:00:00Z', kelurahan: KELURAHAN[1], status: 'closed', onSceneMinutes: 18, ambulance: true },
  { created: '2026-12-03T12:00:00Z', kelurahan: KELURAHAN[2], status: 'dispatched', ambulance: true },
  { created: '2026-12-04T04:00:00Z', kelurahan: KELURAHAN[1], status: 'closed', onSceneMinutes: 5 },
  { created: '2026-12-05T06:00:00Z', kelurahan: KELURAHAN[0], status: 'cancelled' },
  { created: '2026-12-06T07:00:00Z', kelurahan: null, status: 'closed' },
]
type Report = { created: string; resolved: string; due: string; agency: 'dpupr' | 'dlh' }
const REPORTS: Report[] = [
  { created: '2026-11-01T01:00:00Z', resolved: '2026-11-02T01:00:00Z', due: '2026-11-04T01:00:00Z', agency: 'dpupr' },
  { created: '2026-11-10T01:00:00Z', resolved: '2026-11-20T01:00:00Z', due: '2026-11-13T01:00:00Z', agency: 'dlh' },
  { created: '2026-11-28T01:00:00Z', resolved: '2026-11-30T16:30:00Z', due: '2026-12-01T01:00:00Z', agency: 'dlh' },
  { created: '2026-11-29T01:00:00Z', resolved: '2026-11-30T17:30:00Z', due: '2026-11-30T17:00:00Z', agency: 'dpupr' },
  { created: '2026-12-01T01:00:00Z', resolved: '2026-12-03T05:00:00Z', due: '2026-12-04T01:00:00Z', agency: 'dpupr' },
]
const ALERTS_SENT = ['2026-11-05T00:00:00Z', '2026-11-30T16:00:00Z', '2026-11-30T18:00:00Z']
const ALARMS_RAISED = ['2026-11-02T00:00:00Z', '2026-11-30T16:59:59Z', '2026-11-30T17:00:01Z', '2026-12-03T00:00:00Z', '2026-12-04T00:00:00Z']
// Levy payments: [rupiah, method, paid at]; the market's 2026 target is Rp 10,000,000.
const PAYMENTS: [number, string, string][] = [
  [150_000, 'cash', '2026-10-10T03:00:00Z'],
  [200_000, 'qris', '2026-11-10T03:00:00Z'],
  [100_000, 'cash', '2026-11-30T16:00:00Z'],
  [300_000, 'qris', '2026-11-30T17:30:00Z'],
  [250_000, 'cash', '2026-12-02T03:00:00Z'],
]
const LEVY_TARGET = 10_000_000
/** Camera and device states at each sample: online of checked (unknown ones are not checked). */
const SAMPLES: { at: string; cameras: string[]; devices: string[] }[] = [
  // The server starting on 28 November: nothing checked yet, no sample.
  { at: '2026-11-28T00:00:00Z', cameras: ['unknown', 'unknown', 'unknown', 'unknown'], devices: ['unknown', 'unknown'] },
  { at: '2026-11-28T00:10:00Z', cameras: ['online', 'online', 'online', 'online'], devices: ['online', 'unknown'] },
  { at: '2026-11-29T00:00:00Z', cameras: ['online', 'offline', 'online', 'online'], devices: ['online', 'offline'] },
  // 30 November 23.50 WIB: November.
  { at: '2026-11-30T16:50:00Z', cameras: ['offline', 'offline', 'online', 'online'], devices: ['online', 'online'] },
  // 1 December 00.10 WIB: December.
  { at: '2026-11-30T17:10:00Z', cameras: ['online', 'online', 'online', 'online'], devices: ['offline', 'online'] },
  { at: '2026-12-05T00:00:00Z', cameras: ['online', 'online', 'online', 'offline'], devices: ['online', 'online'] },
]
const DATASETS = { public: 3, private: 1 }

let tenant: string
let kpi: KpiService
const agencies: Record<string, string> = { dpupr: randomUUID(), dlh: randomUUID() }
const cameraIds: string[] = []
const deviceIds: string[] = []

async function seed() {
  const [ambulance] = await q(`INSERT INTO units (tenant, callsign, kind) VALUES ($1, $2, 'ambulance') RETURNING id::text`, [tenant, unique('AMB')])
  const [rescue] = await q(`INSERT INTO units (tenant, callsign, kind) VALUES ($1, $2, 'fire_engine') RETURNING id::text`, [tenant, unique('DMK')])
  for (const i of INCIDENTS) {
    const onScene = i.onSceneMinutes === undefined ? null : new Date(Date.parse(i.created) + i.onSceneMinutes * 60_000).toISOString()
    const [row] = await q(
      `INSERT INTO incidents (tenant, number, source, type, priority, status, location, kelurahan_code, kecamatan_code, created_at, on_scene_at)
       VALUES ($1, $2, 'call_119', 'medical', 'P1', $3, ST_SetSRID(ST_MakePoint(110.22, -7.48), 4326), $4, $5, $6, $7) RETURNING id::text`,
      [tenant, unique('I'), i.status, i.kelurahan?.code ?? null, i.kelurahan?.kecamatan ?? null, i.created, onScene],
    )
    // Released at once: a unit has one active dispatch at a time.
    await q('INSERT INTO dispatches (tenant, incident_id, unit_id, assigned_at, released_at) VALUES ($1, $2, $3, $4, $4)', [
      tenant,
      row.id,
      i.ambulance ? ambulance.id : rescue.id,
      i.created,
    ])
  }
  for (const r of REPORTS) {
    await q(
      `INSERT INTO reports (tenant, number, code, category, source, location, description, agency_id, is_public, status, status_since,
         due_at, resolved_at, created_at, updated_at)
       VALUES ($1, $2, $3, 'jalan_rusak', 'web', ST_SetSRID(ST_MakePoint(110.2, -7.47), 4326), 'uji', $4, true, 'resolved', $5, $6, $7, $5, $5)`,
      [tenant, unique('R'), unique('C'), agencies[r.agency], r.created, r.due, r.resolved],
    )
  }
  for (const sent of ALERTS_SENT) {
    const id = randomUUID()
    await q(
      `INSERT INTO alerts (tenant, id, identifier, thread, msg_type, status, info, area_desc, expires, author, sent_at, created_at)
       VALUES ($1, $2, $3, $2, 'Alert', 'published', '{"event":"Banjir"}'::jsonb, 'Kemirirejo', '2027-01-31T00:00:00Z', 'operator', $4, '2026-10-01T00:00:00Z')`,
      [tenant, id, unique('id'), sent],
    )
  }
  for (const [n, status] of SAMPLES[0].cameras.entries()) {
    const [row] = await q(
      `INSERT INTO cameras (tenant, name, location, agency_id, snapshot_url, status)
       VALUES ($1, $2, ST_SetSRID(ST_MakePoint(110.2, -7.47), 4326), NULL, 'http://192.0.2.1/snap.jpg', $3) RETURNING id::text`,
      [tenant, `CCTV ${n}`, status],
    )
    cameraIds.push(row.id)
  }
  for (const status of SAMPLES[0].devices) {
    const id = unique('awlr').toLowerCase()
    await q(
      `INSERT INTO devices (tenant, id, name, kind, metrics, location, token_hash, status, created_at)
       VALUES ($1, $2, 'AWLR', 'water_level', '[]', ST_SetSRID(ST_MakePoint(110.2, -7.47), 4326), 'x', $3, '2026-06-01T00:00:00Z')`,
      [tenant, id, status],
    )
    deviceIds.push(id)
  }
  for (const raised of ALARMS_RAISED) {
    await q(`INSERT INTO alarms (tenant, kind, device_id, severity, status, raised_at) VALUES ($1, 'threshold', $2, 'warning', 'cleared', $3)`, [
      tenant,
      deviceIds[0],
      raised,
    ])
  }
  for (let n = 0; n < DATASETS.public + DATASETS.private; n++) {
    await q(`INSERT INTO datahub_datasets (tenant, name, title, agency_id, is_public) VALUES ($1, $2, 'Uji', $3, $4)`, [
      tenant,
      unique('ds').toLowerCase(),
      agencies.dlh,
      n < DATASETS.public,
    ])
  }
  const [market] = await q(
    `INSERT INTO levy_markets (tenant, code, name, location, agency_id, qris_name, qris_city, terminal)
     VALUES ($1, $2, 'Pasar Rejowinangun', ST_SetSRID(ST_MakePoint(110.2, -7.47), 4326), $3, 'UPT PASAR', 'MAGELANG', 'RJW') RETURNING id::text`,
    [tenant, unique('m'), agencies.dpupr],
  )
  await q('INSERT INTO levy_market_targets (tenant, market_id, year, amount, set_by) VALUES ($1, $2, 2026, $3, $4)', [tenant, market.id, LEVY_TARGET, 'test'])
  const [stall] = await q(`INSERT INTO levy_stalls (tenant, market_id, code, kind, class, area_m2) VALUES ($1, $2, $3, 'kios', 'I', 10) RETURNING id::text`, [
    tenant,
    market.id,
    unique('k'),
  ])
  const [vendor] = await q(`INSERT INTO levy_vendors (tenant, code, name) VALUES ($1, $2, 'Bu Sri') RETURNING id::text`, [tenant, unique('v')])
  const [permit] = await q(`INSERT INTO levy_permits (tenant, vendor_id, stall_id, starts_on) VALUES ($1, $2, $3, '2026-01-01') RETURNING id::text`, [
    tenant,
    vendor.id,
    stall.id,
  ])
  const paid = PAYMENTS.reduce((sum, [a]) => sum + a, 0)
  const [bill] = await q(
    `INSERT INTO levy_bills (tenant, number, period, permit_id, vendor_id, stall_id, market_id, amount, paid, status, due_on, lines)
     VALUES ($1, $2, '2026-10', $3, $4, $5, $6, $7, $7, 'paid', '2026-10-10', '[]') RETURNING id::text`,
    [tenant, unique('SKRD'), permit.id, vendor.id, stall.id, market.id, paid],
  )
  for (const [amount, method, at] of PAYMENTS) {
    await q(`INSERT INTO levy_payments (tenant, receipt, bill_id, amount, method, reference, actor, paid_at) VALUES ($1, $2, $3, $4, $5, 'REF', 'test', $6)`, [
      tenant,
      unique('STS'),
      bill.id,
      amount,
      method,
      at,
    ])
  }
  for (const k of KELURAHAN) {
    await kpi.enter(db(), tenant, ADMIN, 'population', { period: '2026', value: k.population, breakdown: { by: 'kelurahan', key: k.code } })
  }
}

/** The sampling job at each sample's time, with the cameras and devices as they were then. */
async function sample() {
  for (const s of SAMPLES) {
    for (const [n, status] of s.cameras.entries()) await q('UPDATE cameras SET status = $3 WHERE tenant = $1 AND id = $2', [tenant, cameraIds[n], status])
    for (const [n, status] of s.devices.entries()) await q('UPDATE devices SET status = $3 WHERE tenant = $1 AND id = $2', [tenant, deviceIds[n], status])
    now = new Date(s.at)
    await kpi.sampleSnapshots(db())
  }
  now = new Date('2026-12-07T05:00:00Z')
}

/** What a person counting the rows by their Jakarta month finds: [value, records] per indicator. */
function byHand(month: string): Record<string, [number, number]> {
  const incidents = INCIDENTS.filter((i) => monthOf(i.created) === month)
  const runs = incidents.filter((i) => i.ambulance && i.onSceneMinutes !== undefined).map((i) => i.onSceneMinutes as number)
  // Every incident of the city counts, the one outside any kelurahan too.
  const counted = incidents.filter((i) => i.status !== 'cancelled')
  const people = KELURAHAN.reduce((sum, k) => sum + k.population, 0)
  const resolved = REPORTS.filter((r) => monthOf(r.resolved) === month)
  const hours = resolved.map((r) => (Date.parse(r.resolved) - Date.parse(r.created)) / 3600_000)
  const payments = PAYMENTS.filter(([, , at]) => monthOf(at) === month)
  const rupiah = payments.reduce((sum, [a]) => sum + a, 0)
  const cashless = payments.filter(([, method]) => method !== 'cash').reduce((sum, [a]) => sum + a, 0)
  const sinceJanuary = PAYMENTS.filter(([, , at]) => monthOf(at) <= month)
  const share = (states: string[]) => {
    const checked = states.filter((s) => s !== 'unknown')
    return checked.length === 0 ? null : { pct: (100 * checked.filter((s) => s === 'online').length) / checked.length, n: checked.length }
  }
  const mean = (of: (s: (typeof SAMPLES)[number]) => { pct: number; n: number } | null): [number, number] => {
    const taken = SAMPLES.filter((s) => monthOf(s.at) === month)
      .map(of)
      .filter((x) => x !== null)
    // Each sample is rounded to a tenth as the module reports it, then averaged.
    return [round(taken.reduce((sum, x) => sum + round(x.pct), 0) / taken.length), taken[taken.length - 1].n]
  }
  const alarms = ALARMS_RAISED.filter((at) => monthOf(at) === month).length
  const alerts = ALERTS_SENT.filter((at) => monthOf(at) === month).length
  return {
    ambulance_response_p50: [round(percentile(runs, 0.5)), runs.length],
    ambulance_response_p90: [round(percentile(runs, 0.9)), runs.length],
    incidents_per_10k: [round((counted.length * 10_000) / people, 2), counted.length],
    report_sla_pct: [round((100 * resolved.filter((r) => r.resolved <= r.due).length) / resolved.length), resolved.length],
    report_resolve_hours: [round(percentile(hours, 0.5)), resolved.length],
    alerts_issued: [alerts, alerts],
    sensor_alarms: [alarms, alarms],
    levy_realisation_rp: [rupiah, payments.length],
    levy_cashless_pct: [round((100 * cashless) / rupiah), payments.length],
    levy_realisation_pct: [round((100 * sinceJanuary.reduce((sum, [a]) => sum + a, 0)) / LEVY_TARGET), sinceJanuary.length],
    cctv_online_pct: mean((s) => share(s.cameras)),
    devices_online_pct: mean((s) => share(s.devices)),
    // Datasets do not change here: every sample counts the same.
    datasets_published: [DATASETS.public, DATASETS.public + DATASETS.private],
  }
}

beforeAll(async () => {
  server = await startTestKendali({ listen: false })
  tenant = unique('hc')
  const real = tenancyPort(server.kendali.ctx)
  kpi = new KpiService(
    server.kendali.ctx.events,
    server.kendali.ctx.jobs,
    server.kendali.ctx.indicators,
    { ...real, cities: async () => [tenant], timezone: async () => 'Asia/Jakarta' },
    () => now,
  )
  await kpi.ensureCatalogue(db(), tenant)
  await seed()
  await sample()
  await kpi.computeMonth(db(), tenant, '2026-11')
  await kpi.computeMonth(db(), tenant, '2026-12')
})
afterAll(() => server.close())

describe('computed indicators against a count by hand, across the month boundary in WIB', () => {
  for (const month of ['2026-11', '2026-12']) {
    it(`finds in ${month} what a person counting the rows finds, from as many records`, async () => {
      const summary = await kpi.summary(db(), tenant, month)
      const computed = summary.dimensions.flatMap((d) => d.indicators).filter((i) => i.source === 'computed' && i.module !== 'patrols')
      const expected = byHand(month)
      expect(computed.map((i) => i.code).sort()).toEqual(Object.keys(expected).sort())
      const found = Object.fromEntries(computed.map((i) => [i.code, [i.value, i.provenance?.records]]))
      expect(found).toEqual(expected)
      for (const i of computed) {
        expect(i.provenance, i.code).toMatchObject({ period: month, provisional: month === '2026-12', stale: false })
        expect(i.provenance?.recordsLabel?.id, i.code).toBeTruthy()
      }
    })
  }

  it('averages the samples of a snapshot indicator and says how many there were', async () => {
    const summary = await kpi.summary(db(), tenant, '2026-11')
    const cctv = summary.dimensions.flatMap((d) => d.indicators).find((i) => i.code === 'cctv_online_pct')
    // The start with nothing checked is no sample: three samples in November (100, 75, 50).
    expect(cctv).toMatchObject({ value: 75, provenance: { samples: 3, records: 4 } })
  })
})
