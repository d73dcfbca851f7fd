import sharp from 'sharp'
import type { Database } from '../../core/db/database.ts'
import type { CoreContext } from '../../core/module.ts'
import { DEFAULT_CATALOGUE } from './catalogue.ts'
import { periodAt, previousMonth } from './periods.ts'
import type { KpiService } from './service.ts'
import * as store from './store.ts'

const DEMO = '33.71'
const ACTOR = 'system:demo'

// The OPD of Kota Magelang (by its code) that enters each entered indicator; nobody owns tourist visits yet,
// so only an admin enters them.
const OWNERS: Record<string, string> = {
  population: 'disdukcapil',
  spbe_index: 'diskominsta',
  city_events: 'diskominsta',
  public_wifi_points: 'diskominsta',
  msme_online_pct: 'disdagkop_ukm',
  poverty_rate_pct: 'dinsos',
  green_space_pct: 'dpupr',
  waste_managed_pct: 'dlh',
}

/** A steady wobble, so the demo's series look lived-in and come out the same on every install. */
const wobble = (seed: number) => Math.sin(seed * 12.9898) * 0.5 + 0.5

/**
 * Kota Magelang's catalogue with the OPD owning each entered indicator, a year of entered values (one month left
 * unentered, to show a missing value), populations per kelurahan, and the computed indicators of the last twelve months.
 */
export async function seedKpiDemo(ctx: CoreContext, kpi: KpiService): Promise<void> {
  const db: Database = ctx.db
  if (!(await store.hasCatalogue(db, DEMO))) await kpi.ensureCatalogue(db, DEMO)
  else return
  const month = periodAt(new Date(), 'monthly', 'Asia/Jakarta')
  const months = [month]
  while (months.length < 12) months.unshift(previousMonth(months[0]))
  const kelurahan = { features: await ctx.tenancy.regions(db, DEMO, 'kelurahan') }
  const agencyIdOf = new Map((await ctx.tenancy.agencies(db, DEMO)).map((a) => [a.code, a.id]))
  await db.transaction(async (tx) => {
    for (const [code, agency] of Object.entries(OWNERS)) await store.updateIndicator(tx, DEMO, code, { agencyId: agencyIdOf.get(agency) ?? null })
    const entries: store.Entry[] = []
    const enter = (code: string, period: string, value: number, by = '', key = '') => {
      entries.push({ code, period, by, key, value, note: null, evidenceUrl: null })
    }
    for (const year of new Set(months.map((m) => m.slice(0, 4)))) {
      let people = 0
      for (const [i, feature] of kelurahan.features.entries()) {
        const inhabitants = 6000 + Math.round(wobble(i + 1) * 9000)
        people += inhabitants
        enter('population', year, inhabitants, 'kelurahan', feature.properties.code)
      }
      // The city's own figure is entered too, as Disdukcapil publishes it: the sum of its kelurahan.
      enter('population', year, people)
      enter('spbe_index', year, 3.4 + wobble(Number(year)) * 0.6)
      enter('poverty_rate_pct', year, 6.5 + wobble(Number(year) + 1) * 1.5)
      enter('green_space_pct', year, 20 + wobble(Number(year) + 2) * 6)
    }
    for (const [i, m] of months.entries()) {
      // The latest month is not in yet: it shows as missing, not as zero.
      if (i === months.length - 1) continue
      for (const definition of DEFAULT_CATALOGUE.filter((d) => d.source === 'entered' && d.frequency === 'monthly')) {
        const target = definition.target ?? 100
        enter(definition.code, m, Math.round(target * (0.7 + 0.35 * wobble(i * 7 + definition.code.length)) * 10) / 10)
      }
    }
    await store.enterValues(tx, DEMO, ACTOR, entries)
  })
  for (const m of months) await kpi.computeMonth(db, DEMO, m)
  await store.putReportSettings(db, DEMO, ACTOR, {
    heading: ['PEMERINTAH KOTA MAGELANG', 'DINAS KOMUNIKASI, INFORMATIKA DAN STATISTIK'],
    address: 'Jl. Sarwo Edie Wibowo No. 2, Magelang 56117 · Telp. (0293) 362211',
    // The name is written by hand above the dotted line until an admin sets it.
    signerName: null,
    signerTitle: 'Wali Kota Magelang',
    signerNip: null,
  })
  await store.putReportLogo(db, DEMO, ACTOR, await demoLogo())
}

/** A stand-in emblem for the demo letterhead (a real city uploads its own lambang daerah). */
function demoLogo(): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="240" height="280" viewBox="0 0 240 280">
    <path d="M120 8 L228 44 L216 176 Q200 236 120 272 Q40 236 24 176 L12 44 Z" fill="#0f766e" stroke="#f59e0b" stroke-width="10"/>
    <path d="M60 190 L95 110 L120 150 L145 95 L180 190 Z" fill="#fde68a"/>
    <circle cx="120" cy="70" r="18" fill="#fde68a"/>
  </svg>`
  return sharp(Buffer.from(svg)).flatten({ background: '#ffffff' }).jpeg({ quality: 85 }).toBuffer()
}
