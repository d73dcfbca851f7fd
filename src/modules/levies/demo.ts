import type { Database } from '../../core/db/database.ts'
import type { DemoLogin } from '../../core/module.ts'
import type { LevyService } from './levies.ts'
import type { TenancyLookups } from './ports.ts'
import type { PaymentMethod } from './providers.ts'
import { addDays, periodBounds, type StallKind, type TariffBasis } from './reckoning.ts'
import * as store from './store.ts'

export const DEMO_TENANT = '33.71'
const ACTOR = 'system:demo'

// Kota Magelang's markets (e-Retribusi with Bank Jateng since Pasar Cacaban in 2019), managed by the trade OPD.
// Locations are approximate. Their kelurahan is not written here: the tenancy region
// lookup finds it from the location (Pasar Cacaban does not lie in Kelurahan Cacaban).
const MARKETS: { code: string; name: string; address: string; lon: number; lat: number; terminal: string; stalls: [StallKind, string, number, number][] }[] = [
  {
    code: 'rejowinangun',
    name: 'Pasar Rejowinangun',
    address: 'Jl. Jenderal Sudirman, Magelang Tengah',
    lon: 110.2248,
    lat: -7.4852,
    terminal: 'PSRREJOWINANGUN',
    // kind, class, area m², how many
    stalls: [
      ['kios', 'I', 12, 4],
      ['kios', 'II', 9, 3],
      ['los', 'I', 4, 4],
      ['los', 'II', 3, 3],
      ['pelataran', 'I', 2, 2],
    ],
  },
  {
    code: 'cacaban',
    name: 'Pasar Cacaban',
    address: 'Jl. Ikhlas, Magelang Tengah',
    lon: 110.2148,
    lat: -7.4727,
    terminal: 'PSRCACABAN',
    stalls: [
      ['kios', 'II', 9, 3],
      ['los', 'II', 3, 4],
      ['lapak', 'II', 2, 2],
    ],
  },
  {
    code: 'kebonpolo',
    name: 'Pasar Kebonpolo',
    address: 'Jl. Kebonpolo, Magelang Utara',
    lon: 110.216,
    lat: -7.4625,
    terminal: 'PSRKEBONPOLO',
    stalls: [
      ['kios', 'III', 8, 2],
      ['los', 'III', 3, 4],
      ['pelataran', 'II', 2, 2],
    ],
  },
  {
    code: 'gotong_royong',
    name: 'Pasar Gotong Royong',
    address: 'Jl. Gotong Royong, Magelang Tengah',
    lon: 110.22,
    lat: -7.472,
    terminal: 'PSRGOTONGROYONG',
    stalls: [
      ['kios', 'III', 8, 2],
      ['los', 'III', 3, 3],
      ['lapak', 'III', 2, 2],
    ],
  },
]

// In the style of a Perda on regional taxes and levies (Retribusi Pelayanan Pasar): rates per m² per day for
// kios and los by class, flat per day for pelataran and lapak. Demo figures near what vendors report paying
// (a few thousand rupiah a day), not the city's.
const PERDA = 'Perda Kota Magelang tentang Pajak Daerah dan Retribusi Daerah, Lampiran Retribusi Pelayanan Pasar (contoh demo)'
const PERWAL = 'Perwal Kota Magelang tentang Penyesuaian Tarif Retribusi Pelayanan Pasar (contoh demo)'
const TARIFFS: { kind: StallKind; class: string; basis: TariffBasis; rate: number; legalBasis: string; effectiveFrom: string }[] = [
  { kind: 'kios', class: 'I', basis: 'per_m2_day', rate: 400, legalBasis: PERDA, effectiveFrom: '2024-01-01' },
  { kind: 'kios', class: 'I', basis: 'per_m2_day', rate: 450, legalBasis: PERWAL, effectiveFrom: '2026-07-01' },
  { kind: 'kios', class: 'II', basis: 'per_m2_day', rate: 300, legalBasis: PERDA, effectiveFrom: '2024-01-01' },
  { kind: 'kios', class: 'III', basis: 'per_m2_day', rate: 250, legalBasis: PERDA, effectiveFrom: '2024-01-01' },
  { kind: 'los', class: 'I', basis: 'per_m2_day', rate: 350, legalBasis: PERDA, effectiveFrom: '2024-01-01' },
  { kind: 'los', class: 'II', basis: 'per_m2_day', rate: 300, legalBasis: PERDA, effectiveFrom: '2024-01-01' },
  { kind: 'los', class: 'III', basis: 'per_m2_day', rate: 250, legalBasis: PERDA, effectiveFrom: '2024-01-01' },
  { kind: 'pelataran', class: 'I', basis: 'flat_day', rate: 1000, legalBasis: PERDA, effectiveFrom: '2024-01-01' },
  { kind: 'pelataran', class: 'II', basis: 'flat_day', rate: 750, legalBasis: PERDA, effectiveFrom: '2024-01-01' },
  { kind: 'lapak', class: 'II', basis: 'flat_day', rate: 750, legalBasis: PERDA, effectiveFrom: '2024-01-01' },
  { kind: 'lapak', class: 'III', basis: 'flat_day', rate: 500, legalBasis: PERDA, effectiveFrom: '2024-01-01' },
]

const STALL_PREFIX: Record<StallKind, string> = { kios: 'K', los: 'L', pelataran: 'P', lapak: 'LP' }

const FIRST = [
  'Sri',
  'Siti',
  'Sumarni',
  'Tukiyem',
  'Parmi',
  'Wagiyo',
  'Slamet',
  'Sugeng',
  'Ngatini',
  'Suparman',
  'Darsih',
  'Painem',
  'Mulyadi',
  'Endang',
  'Harjono',
]
const LAST = ['Rahayu', 'Aminah', 'Lestari', 'Wibowo', 'Suryani', 'Handayani', 'Prasetyo', 'Wulandari', 'Santoso', 'Susanti', 'Hartono']

/** A small deterministic generator, so every demo install has the same vendors and payments. */
function random(seed: number) {
  let state = seed
  return () => {
    state = (state * 1664525 + 1013904223) % 2 ** 32
    return state / 2 ** 32
  }
}

function previousPeriods(today: string, count: number): string[] {
  const [year, month] = today.split('-').map(Number)
  return Array.from({ length: count }, (_, i) => {
    const d = new Date(Date.UTC(year, month - 1 - (count - 1 - i), 1))
    return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`
  })
}

/**
 * Markets, stalls, vendors with permits, tariffs, four months of bills, most paid, some in arrears, this
 * year's levy targets, and the market office's officer (of Disdagkop UKM, which manages the markets).
 */
export async function seedLeviesDemo(db: Database, levies: LevyService, tenancy: TenancyLookups, password: string): Promise<DemoLogin[]> {
  if ((await levies.markets(db, DEMO_TENANT)).length > 0) return []
  const rand = random(3371)
  const agencyId = await tenancy.agencyByCode(db, DEMO_TENANT, 'disdagkop_ukm')
  const logins: DemoLogin[] = []
  if (agencyId) {
    await tenancy.addOfficer(db, DEMO_TENANT, { username: 'market_officer', name: 'Petugas Pasar Disdagkop', password, agencyId })
    logins.push({ username: 'market_officer', password, tenant: DEMO_TENANT, roles: ['agency_officer'] })
  }
  for (const t of TARIFFS) await levies.createTariff(db, DEMO_TENANT, ACTOR, t)
  let vendorSerial = 0
  for (const m of MARKETS) {
    const market = await levies.createMarket(db, DEMO_TENANT, ACTOR, {
      code: m.code,
      name: m.name,
      address: m.address,
      location: { type: 'Point', coordinates: [m.lon, m.lat] },
      agencyId,
      qrisName: `UPT ${m.name}`,
      qrisCity: 'KOTA MAGELANG',
      postalCode: '56100',
      terminal: m.terminal,
    })
    for (const [kind, cls, area, count] of m.stalls) {
      for (let i = 1; i <= count; i++) {
        const code = `${STALL_PREFIX[kind]}${cls}-${String(i).padStart(2, '0')}`
        const stall = await levies.createStall(db, DEMO_TENANT, ACTOR, { marketId: market.id, code, kind, class: cls, areaM2: area })
        vendorSerial++
        const name = `${FIRST[Math.floor(rand() * FIRST.length)]} ${LAST[Math.floor(rand() * LAST.length)]}`
        const vendor = await levies.createVendor(
          db,
          DEMO_TENANT,
          ACTOR,
          {
            code: `PDG-${String(vendorSerial).padStart(4, '0')}`,
            name,
            phone: `08128${String(3371000 + vendorSerial * 7).padStart(7, '0')}`,
            nik: `337101${String(4000000000 + vendorSerial * 1013).slice(0, 10)}`,
          },
          true,
        )
        await levies.createPermit(db, DEMO_TENANT, ACTOR, { vendorId: vendor.id, stallId: stall.id, startsOn: '2026-01-01' })
      }
    }
  }
  const today = await levies.today(db, DEMO_TENANT)
  const periods = previousPeriods(today, 4)
  for (const period of periods) await levies.generate(db, DEMO_TENANT, period, ACTOR)
  // Each market's target for the year: twelve times its last full month's levy.
  const { items: billed } = await levies.bills(db, DEMO_TENANT, {
    period: periods[periods.length - 2],
    statuses: null,
    marketId: null,
    vendorId: null,
    overdue: false,
    after: null,
    limit: 1000,
  })
  for (const market of await levies.markets(db, DEMO_TENANT)) {
    const monthly = billed.filter((b) => b.market.id === market.id).reduce((sum, b) => sum + b.amount, 0)
    if (monthly > 0) await levies.setTarget(db, DEMO_TENANT, ACTOR, market.id, Number(today.slice(0, 4)), Math.round(monthly * 12))
  }
  // Older months mostly paid, cashless first; the current month partly; a few vendors in arrears.
  const methods: PaymentMethod[] = ['qris', 'qris', 'card', 'card', 'transfer', 'cash']
  for (const [index, period] of periods.entries()) {
    const { items } = await levies.bills(db, DEMO_TENANT, {
      period,
      statuses: ['unpaid'],
      marketId: null,
      vendorId: null,
      overdue: false,
      after: null,
      limit: 1000,
    })
    const share = index === periods.length - 1 ? 0.3 : 0.85
    for (const bill of items) {
      if (rand() > share) continue
      const method = methods[Math.floor(rand() * methods.length)]
      const amount = rand() < 0.1 ? Math.round(bill.outstanding / 2) : bill.outstanding
      const { receipt } = await levies.pay(db, DEMO_TENANT, method === 'cash' ? 'collector' : ACTOR, bill.number, {
        amount,
        method,
        reference: method === 'cash' ? undefined : `DEMO${Math.floor(rand() * 1e9)}`,
      })
      // Past months were paid in their days, so today's revenue shows only today's payments.
      if (index < periods.length - 1) {
        const day = addDays(periodBounds(period).last, 1 + Math.floor(rand() * 9))
        await store.backdatePayment(db, DEMO_TENANT, receipt.receipt, `${day}T09:${String(Math.floor(rand() * 60)).padStart(2, '0')}:00+07:00`)
      }
    }
  }
  return logins
}
