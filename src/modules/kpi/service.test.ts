import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestKendali, type TestServer, unique } from '../../../test/support/server.ts'
import { type ComputedIndicator, IndicatorRegistry } from '../../core/indicators.ts'
import { DEFAULT_CATALOGUE } from './catalogue.ts'
import { type KpiCaller, KpiService, valuesImportResult } from './service.ts'

// Service tests run on made-up tenant codes: the kpi tables are the module's own, and each test gets a
// catalogue nobody else touches. The clock sits in mid-March 2026 (WIB).
const NOW = new Date('2026-03-15T05:00:00Z')

let server: TestServer
let level = 40
const probe: ComputedIndicator = {
  code: 'probe_level',
  name: { id: 'Level uji', en: 'Probe level' },
  dimension: 'environment',
  unit: '%',
  direction: 'higher',
  frequency: 'monthly',
  breakdowns: ['agency'],
  formula: { id: 'uji', en: 'probe' },
  records: { id: 'uji', en: 'probes' },
  compute: async (scope) => [
    { value: level, records: 7 },
    { breakdown: { by: 'agency', key: `opd-${scope.period.key}` }, value: level / 2 },
  ],
}
// A snapshot with nothing to judge by (null) gives no sample.
let snapshot: number | null = 70
const camera: ComputedIndicator = {
  ...probe,
  code: 'probe_snapshot',
  isSnapshot: true,
  breakdowns: [],
  compute: async () => (snapshot === null ? [] : [{ value: snapshot, records: 6 }]),
}

// Two OPDs of every made-up tenant.
const DINAS_A = '0b7c4f52-1f7e-4d8a-9d38-6f1c2b3a4d01'
const DINAS_B = '0b7c4f52-1f7e-4d8a-9d38-6f1c2b3a4d02'
const admin = (actor: string): KpiCaller => ({ actor, agencies: 'all' })

function service(registry = new IndicatorRegistry(), clock = () => NOW, cities: string[] = []): KpiService {
  const tenancy = {
    timezone: async () => 'Asia/Jakarta',
    regionsOf: async () => [],
    cities: async () => cities,
    agencyExists: async (_db: unknown, _tenant: string, id: string) => [DINAS_A, DINAS_B].includes(id),
  }
  return new KpiService(server.kendali.ctx.events, server.kendali.ctx.jobs, registry, tenancy, clock)
}
const fakeTenant = () => unique('kpi')

/** A made-up tenant with the default catalogue, and the service and database to work on it. */
async function freshCity() {
  const kpi = service()
  const tenant = fakeTenant()
  const db = server.kendali.ctx.db
  await kpi.ensureCatalogue(db, tenant)
  return { kpi, tenant, db }
}

beforeAll(async () => {
  server = await startTestKendali({ listen: false })
})
afterAll(() => server.close())

describe('catalogue', () => {
  it('seeds the default catalogue once, with targets for this year and the last', async () => {
    const kpi = service()
    const tenant = fakeTenant()
    await kpi.ensureCatalogue(server.kendali.ctx.db, tenant)
    await kpi.ensureCatalogue(server.kendali.ctx.db, tenant)
    const list = await kpi.list(server.kendali.ctx.db, tenant)
    expect(list).toHaveLength(DEFAULT_CATALOGUE.length)
    expect(list.find((i) => i.code === 'report_sla_pct')?.targets).toEqual([
      { year: 2025, target: 90 },
      { year: 2026, target: 90 },
    ])
  })

  it('shows a computed indicator whose module is not installed as not available, not as zero', async () => {
    const kpi = service()
    const tenant = fakeTenant()
    await kpi.ensureCatalogue(server.kendali.ctx.db, tenant)
    const summary = await kpi.summary(server.kendali.ctx.db, tenant, '2026-02')
    const economy = summary.dimensions.find((d) => d.dimension === 'economy')
    const levy = economy?.indicators.find((i) => i.code === 'levy_realisation_pct')
    expect(levy).toMatchObject({ status: 'not_available', value: null, achievement: null })
    const series = await kpi.series(server.kendali.ctx.db, tenant, 'levy_realisation_pct', '2026-01', '2026-02')
    expect(series.items.map((p) => p.status)).toEqual(['not_available', 'not_available'])
  })
})

describe('entered values', () => {
  it('keeps a zero as a value and a period nobody entered as missing', async () => {
    const { kpi, tenant, db } = await freshCity()
    await kpi.enter(db, tenant, admin('opd'), 'city_events', { period: '2026-01', value: 0 })
    const { items } = await kpi.series(db, tenant, 'city_events', '2025-12', '2026-06')
    // Months after the current one are not listed at all.
    expect(items.map((p) => [p.period, p.status, p.value])).toEqual([
      ['2025-12', 'missing', null],
      ['2026-01', 'ok', 0],
      ['2026-02', 'missing', null],
      ['2026-03', 'missing', null],
    ])
    expect(items[1].achievement).toBe(0)
  })

  it('versions every change of a value and keeps who changed what', async () => {
    const { kpi, tenant, db } = await freshCity()
    await kpi.enter(db, tenant, admin('dinas-a'), 'tourist_visits', { period: '2026-02', value: 50_000, note: 'dari BPS' })
    const second = await kpi.enter(db, tenant, admin('dinas-b'), 'tourist_visits', {
      period: '2026-02',
      value: 52_500,
      note: 'koreksi',
      evidenceUrl: 'https://data.magelangkota.go.id/wisata.csv',
    })
    expect(second).toMatchObject({ version: 2, value: 52_500, updatedBy: 'dinas-b' })
    const history = await kpi.history(db, tenant, 'tourist_visits', '2026-02')
    expect(history.map((h) => [h.version, h.value, h.changedBy, h.note])).toEqual([
      [2, 52_500, 'dinas-b', 'koreksi'],
      [1, 50_000, 'dinas-a', 'dari BPS'],
    ])
  })

  it('refuses a value for a computed indicator, a wrong period shape, a future period and an unknown breakdown', async () => {
    const { kpi, tenant, db } = await freshCity()
    await expect(kpi.enter(db, tenant, admin('x'), 'report_sla_pct', { period: '2026-01', value: 1 })).rejects.toMatchObject({ code: 'conflict' })
    await expect(kpi.enter(db, tenant, admin('x'), 'population', { period: '2026-01', value: 1 })).rejects.toMatchObject({
      code: 'invalid',
      details: { field: 'period' },
    })
    await expect(kpi.enter(db, tenant, admin('x'), 'city_events', { period: '2026-04', value: 1 })).rejects.toMatchObject({ code: 'invalid' })
    await expect(
      kpi.enter(db, tenant, admin('x'), 'city_events', { period: '2026-01', value: 1, breakdown: { by: 'kelurahan', key: '33.71.01.1001' } }),
    ).rejects.toMatchObject({
      details: { field: 'breakdown.by' },
    })
    const { items } = await kpi.series(db, tenant, 'city_events', '2026-01', '2026-01')
    expect(items[0].status).toBe('missing')
  })

  it('imports good CSV rows and lists the bad ones by row number', async () => {
    const { kpi, tenant, db } = await freshCity()
    const csv = [
      'indicator,period,value,breakdown_by,breakdown_key,note,evidence_url',
      'waste_managed_pct,2026-01,71.5,,,timbangan TPA,https://example.go.id/tpa.pdf',
      'population,2026,12000,kelurahan,33.71.01.1001,,',
      'waste_managed_pct,2026-02,abc,,,,',
      'no_such_indicator,2026-01,1,,,,',
    ].join('\n')
    const result = valuesImportResult(await kpi.importCsv(server.kendali.ctx.imports, db, tenant, admin('opd'), csv))
    expect(result.accepted).toBe(2)
    expect(result.rejected.map((r) => [r.row, r.field])).toEqual([
      [4, 'value'],
      [5, 'indicator'],
    ])
    const { items } = await kpi.series(db, tenant, 'waste_managed_pct', '2026-01', '2026-01')
    expect(items[0]).toMatchObject({ value: 71.5, note: 'timbangan TPA', evidenceUrl: 'https://example.go.id/tpa.pdf' })
  })
})

describe('who enters what', () => {
  it('lets an OPD officer enter only the indicators of the OPDs they work for, and an admin any', async () => {
    const { kpi, tenant, db } = await freshCity()
    await kpi.update(db, tenant, 'admin', 'waste_managed_pct', { agencyId: DINAS_A })
    const officerOfA: KpiCaller = { actor: 'petugas-a', agencies: [DINAS_A] }
    const officerOfB: KpiCaller = { actor: 'petugas-b', agencies: [DINAS_B] }
    const officerOfNone: KpiCaller = { actor: 'petugas', agencies: [] }
    expect(await kpi.enter(db, tenant, officerOfA, 'waste_managed_pct', { period: '2026-01', value: 70 })).toMatchObject({ version: 1 })
    for (const caller of [officerOfB, officerOfNone]) {
      await expect(kpi.enter(db, tenant, caller, 'waste_managed_pct', { period: '2026-01', value: 1 })).rejects.toMatchObject({ code: 'forbidden' })
    }
    // Nobody owns tourist visits yet: only an admin enters them.
    await expect(kpi.enter(db, tenant, officerOfA, 'tourist_visits', { period: '2026-01', value: 1 })).rejects.toMatchObject({ code: 'forbidden' })
    expect(await kpi.enter(db, tenant, admin('admin'), 'waste_managed_pct', { period: '2026-01', value: 72 })).toMatchObject({ version: 2 })
    const { items } = await kpi.series(db, tenant, 'waste_managed_pct', '2026-01', '2026-01')
    expect(items[0]).toMatchObject({ value: 72, updatedBy: 'admin' })
  })

  it("rejects the CSV rows of another OPD's indicators by row and stores the officer's own", async () => {
    const { kpi, tenant, db } = await freshCity()
    await kpi.update(db, tenant, 'admin', 'waste_managed_pct', { agencyId: DINAS_A })
    await kpi.update(db, tenant, 'admin', 'green_space_pct', { agencyId: DINAS_B })
    const csv = ['indicator,period,value', 'waste_managed_pct,2026-01,70', 'green_space_pct,2026,25', 'tourist_visits,2026-01,100'].join('\n')
    const result = valuesImportResult(await kpi.importCsv(server.kendali.ctx.imports, db, tenant, { actor: 'petugas-a', agencies: [DINAS_A] }, csv))
    expect(result.accepted).toBe(1)
    expect(result.rejected.map((r) => [r.row, r.field])).toEqual([
      [3, 'indicator'],
      [4, 'indicator'],
    ])
    expect(result.rejected[0].message).toMatch(/OPD/)
    const green = await kpi.series(db, tenant, 'green_space_pct', '2026', '2026')
    expect(green.items[0].status).toBe('missing')
  })

  it('refuses an owner that is no OPD of the tenant', async () => {
    const { kpi, tenant, db } = await freshCity()
    await expect(kpi.update(db, tenant, 'admin', 'waste_managed_pct', { agencyId: '0b7c4f52-1f7e-4d8a-9d38-6f1c2b3a4d99' })).rejects.toMatchObject({
      code: 'invalid',
      details: { field: 'agencyId' },
    })
    expect((await kpi.get(db, tenant, 'waste_managed_pct')).agencyId).toBeNull()
    expect((await kpi.update(db, tenant, 'admin', 'waste_managed_pct', { agencyId: DINAS_B })).agencyId).toBe(DINAS_B)
  })
})

describe('scores', () => {
  it('scores a dimension as the mean of capped achievements, by the formula shown', async () => {
    const { kpi, tenant, db } = await freshCity()
    // Environment: green space yearly 15 of 30 (50 %), waste 100 of 80 (capped 100 %), sensor alarms
    // (computed, module not in this registry: not available, left out).
    await kpi.enter(db, tenant, admin('x'), 'green_space_pct', { period: '2026', value: 15 })
    await kpi.enter(db, tenant, admin('x'), 'waste_managed_pct', { period: '2026-02', value: 100 })
    await kpi.enter(db, tenant, admin('x'), 'waste_managed_pct', { period: '2026-01', value: 40 })
    const summary = await kpi.summary(db, tenant, '2026-02')
    expect(summary.dimensions.map((d) => d.dimension)).toEqual(['governance', 'branding', 'economy', 'living', 'society', 'environment'])
    const environment = summary.dimensions.find((d) => d.dimension === 'environment')
    expect(environment?.score).toBe(75)
    // January: green space 50 %, waste 40 of 80 = 50 %.
    expect(environment?.previousScore).toBe(50)
    expect(environment?.trend).toHaveLength(12)
    expect(environment?.trend[0]).toEqual({ period: '2025-03', score: null })
    expect(summary.formula.en).toMatch(/mean/)
    expect(summary.dimensions.find((d) => d.dimension === 'branding')?.score).toBeNull()
    const waste = environment?.indicators.find((i) => i.code === 'waste_managed_pct')
    expect(waste?.provenance).toMatchObject({ period: '2026-02', stale: false, provisional: false, enteredBy: 'x', records: null })
  })

  it('shows an entered value not yet in for the period as the latest earlier one, marked stale and not scored', async () => {
    const { kpi, tenant, db } = await freshCity()
    await kpi.enter(db, tenant, admin('dlh.officer'), 'green_space_pct', { period: '2026', value: 15 })
    await kpi.enter(db, tenant, admin('dlh.officer'), 'waste_managed_pct', {
      period: '2026-02',
      value: 80,
      evidenceUrl: 'https://dlh.example.go.id/laporan-feb.pdf',
    })
    const environment = (await kpi.summary(db, tenant, '2026-03')).dimensions.find((d) => d.dimension === 'environment')
    const waste = environment?.indicators.find((i) => i.code === 'waste_managed_pct')
    expect(waste).toMatchObject({ status: 'ok', value: 80, achievement: 100 })
    expect(waste?.provenance).toMatchObject({
      period: '2026-02',
      stale: true,
      enteredBy: 'dlh.officer',
      evidenceUrl: 'https://dlh.example.go.id/laporan-feb.pdf',
    })
    // Only green space (the year 2026, still running) is scored: 15 of 30.
    expect(environment?.score).toBe(50)
    expect(environment?.indicators.find((i) => i.code === 'green_space_pct')?.provenance).toMatchObject({ period: '2026', provisional: true, stale: false })
  })
})

describe('computed values', () => {
  it('stores computed values per period and breakdown, and a recompute rewrites a past month with progress', async () => {
    const registry = new IndicatorRegistry()
    registry.register('probe', probe)
    const kpi = service(registry)
    const tenant = fakeTenant()
    const db = server.kendali.ctx.db
    await kpi.create(db, tenant, 'admin', { ...probe, source: 'computed', breakdowns: ['agency'], target: 80 })
    level = 40
    await kpi.computeMonth(db, tenant, '2026-01')
    level = 60
    let series = await kpi.series(db, tenant, 'probe_level', '2026-01', '2026-01', 'agency')
    expect(series.items[0]).toMatchObject({ value: 40, target: 80, achievement: 50, breakdowns: [{ key: 'opd-2026-01', value: 20 }] })
    // January is over (the clock is in March): not provisional; computed now, from the records the module counted.
    expect(series.items[0].provenance).toMatchObject({ period: '2026-01', provisional: false, stale: false, records: 7, recordsLabel: probe.records })
    expect(Date.parse(series.items[0].provenance?.computedAt ?? '')).toBeGreaterThan(Date.now() - 60_000)
    await kpi.computeMonth(db, tenant, '2026-03')
    const march = await kpi.series(db, tenant, 'probe_level', '2026-03', '2026-03')
    expect(march.items[0].provenance).toMatchObject({ period: '2026-03', provisional: true })

    const run = await kpi.requestRecompute(db, tenant, 'admin', '2025-12', '2026-01')
    expect(run).toMatchObject({ status: 'pending', total: 2, done: 0 })
    await kpi.runRecompute(db, tenant, run.id)
    expect(await kpi.recompute(db, tenant, run.id)).toMatchObject({ status: 'done', done: 2, total: 2 })
    series = await kpi.series(db, tenant, 'probe_level', '2025-12', '2026-01')
    expect(series.items.map((p) => p.value)).toEqual([60, 60])
  })

  it('samples a snapshot indicator through its period (in the tenant zone) and keeps the mean; a recompute leaves it', async () => {
    const registry = new IndicatorRegistry()
    registry.register('probe', camera)
    const tenant = fakeTenant()
    let now = new Date('2026-02-27T03:00:00Z')
    const kpi = service(registry, () => now, [tenant])
    const db = server.kendali.ctx.db
    await kpi.create(db, tenant, 'admin', { ...camera, source: 'computed', breakdowns: [] })
    // February: a start with nothing checked yet (no sample, not a zero), then 100, 50, 60.
    const samples: [string, number | null][] = [
      ['2026-02-27T03:00:00Z', null],
      ['2026-02-27T04:00:00Z', 100],
      ['2026-02-28T10:00:00Z', 50],
      // 23.59 WIB on 28 February: still February.
      ['2026-02-28T16:59:00Z', 60],
      // 00.00 WIB on 1 March: March, though UTC says 28 February.
      ['2026-02-28T17:00:00Z', 20],
      ['2026-03-02T00:00:00Z', 30],
    ]
    for (const [at, value] of samples) {
      now = new Date(at)
      snapshot = value
      await kpi.sampleSnapshots(db)
    }
    // Hand count: February (100 + 50 + 60) / 3 = 70; March (20 + 30) / 2 = 25.
    now = new Date('2026-03-15T05:00:00Z')
    snapshot = 0
    await kpi.computeMonth(db, tenant, '2026-02')
    const run = await kpi.requestRecompute(db, tenant, 'admin', '2026-02', '2026-03')
    await kpi.runRecompute(db, tenant, run.id)
    const { items } = await kpi.series(db, tenant, 'probe_snapshot', '2026-02', '2026-03')
    expect(items.map((p) => [p.period, p.status, p.value, p.provenance?.samples, p.provenance?.provisional])).toEqual([
      ['2026-02', 'ok', 70, 3, false],
      ['2026-03', 'ok', 25, 2, true],
    ])
    expect(items[1].provenance?.records).toBe(6)
  })

  it('refuses a recompute of months not begun and of more than three years', async () => {
    const kpi = service()
    const db = server.kendali.ctx.db
    await expect(kpi.requestRecompute(db, fakeTenant(), 'admin', '2026-03', '2026-04')).rejects.toMatchObject({ details: { field: 'to' } })
    await expect(kpi.requestRecompute(db, fakeTenant(), 'admin', '2022-01', '2026-01')).rejects.toMatchObject({ details: { field: 'from' } })
  })
})
