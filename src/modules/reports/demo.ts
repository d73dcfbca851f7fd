import type { Database } from '../../core/db/database.ts'
import type { ReportsServices } from './index.ts'
import type { ReportCaller } from './reports.ts'
import type { PutCategory } from './schema.ts'
import * as store from './store.ts'

export const DEMO_TENANT = '33.71'
const ACTOR = 'system:demo'

type DemoCategory = Omit<PutCategory, 'agencyId'> & { code: string; agencyCode: string | null }

const sla = (submitted: number, verified: number, assigned: number, inProgress: number) => ({ submitted, verified, assigned, in_progress: inProgress })

// The default catalogue of Kota Magelang: the everyday problems of a city, each with the OPD that fixes it
// (codes of the demo agencies in tenancy/demo.ts). Hours count in working hours unless the problem cannot
// wait (floods, fallen trees: continuous). Complaints about people and personal services are not public.
export const MAGELANG_CATEGORIES: DemoCategory[] = [
  {
    code: 'jalan_rusak',
    label: { id: 'Jalan rusak / berlubang', en: 'Damaged road / pothole' },
    description: 'Jalan, trotoar atau jembatan rusak, berlubang, amblas',
    group: 'infrastruktur',
    keywords: ['jalan', 'lubang', 'aspal', 'trotoar', 'jembatan'],
    agencyCode: 'dpupr',
    slaHours: sla(4, 4, 16, 80),
    totalSlaHours: 120,
    notice: 'DPUPR meninjau lokasi dan menjadwalkan perbaikan.',
  },
  {
    code: 'saluran_tersumbat',
    label: { id: 'Saluran / drainase tersumbat', en: 'Blocked drain' },
    description: 'Selokan, gorong-gorong atau drainase tersumbat dan meluap',
    group: 'infrastruktur',
    keywords: ['selokan', 'got', 'drainase', 'gorong-gorong'],
    agencyCode: 'dpupr',
    slaHours: sla(4, 4, 8, 40),
    totalSlaHours: 64,
    notice: 'DPUPR membersihkan saluran; laporan saat hujan lebat diutamakan.',
  },
  {
    code: 'banjir',
    label: { id: 'Banjir / genangan', en: 'Flood / standing water' },
    description: 'Genangan atau banjir di jalan dan permukiman',
    group: 'bencana',
    keywords: ['banjir', 'genangan', 'luapan', 'sungai'],
    agencyCode: 'bpbd',
    slaHours: sla(1, 1, 2, 24),
    totalSlaHours: 36,
    calendar: 'continuous',
    notice: 'BPBD menilai dan menangani; bila ada korban, hubungi 112.',
  },
  {
    code: 'pohon_tumbang',
    label: { id: 'Pohon tumbang / rawan tumbang', en: 'Fallen or unsafe tree' },
    description: 'Pohon atau dahan tumbang, atau pohon yang membahayakan',
    group: 'lingkungan',
    keywords: ['pohon', 'dahan', 'ranting', 'tumbang'],
    agencyCode: 'dlh',
    slaHours: sla(1, 1, 4, 24),
    totalSlaHours: 36,
    calendar: 'continuous',
    notice: 'DLH memotong dan mengangkut pohon; bila menutup jalan, hubungi 112.',
  },
  {
    code: 'sampah_liar',
    label: { id: 'Sampah liar / TPS penuh', en: 'Illegal dumping / full bins' },
    description: 'Tumpukan sampah liar, TPS penuh, sampah tidak diangkut',
    group: 'lingkungan',
    keywords: ['sampah', 'TPS', 'bau', 'pembuangan'],
    agencyCode: 'dlh',
    slaHours: sla(4, 4, 8, 32),
    totalSlaHours: 56,
    notice: 'DLH mengangkut sampah dan menindak pembuangan liar.',
  },
  {
    code: 'lampu_jalan_mati',
    label: { id: 'Lampu penerangan jalan mati', en: 'Street light out' },
    description: 'Penerangan jalan umum (PJU) mati atau berkedip',
    group: 'infrastruktur',
    keywords: ['lampu', 'PJU', 'gelap', 'penerangan'],
    agencyCode: 'disperkim',
    slaHours: sla(4, 4, 16, 40),
    totalSlaHours: 72,
    notice: 'Disperkim memperbaiki lampu penerangan jalan umum.',
  },
  {
    code: 'lalu_lintas',
    label: { id: 'Rambu / lampu lalu lintas rusak, parkir liar', en: 'Traffic signs, signals, illegal parking' },
    description: 'Rambu hilang atau rusak, lampu lalu lintas mati, parkir liar',
    group: 'perhubungan',
    keywords: ['rambu', 'bangjo', 'traffic light', 'parkir'],
    agencyCode: 'dishub',
    slaHours: sla(4, 4, 8, 40),
    totalSlaHours: 64,
    notice: 'Dishub memperbaiki rambu dan menertibkan parkir.',
  },
  {
    code: 'pkl',
    label: { id: 'PKL / ketertiban umum', en: 'Street vendors / public order' },
    description: 'Pedagang kaki lima di tempat terlarang, gangguan ketertiban umum',
    group: 'ketertiban',
    keywords: ['PKL', 'pedagang', 'ketertiban', 'trotoar'],
    agencyCode: 'satpol_pp',
    slaHours: sla(4, 4, 8, 40),
    totalSlaHours: 64,
    notice: 'Satpol PP menertibkan sesuai Perda.',
  },
  {
    code: 'fasilitas_pasar',
    label: { id: 'Fasilitas pasar', en: 'Market facilities' },
    description: 'Fasilitas pasar rakyat rusak atau kotor (Rejowinangun, Cacaban, Kebonpolo…)',
    group: 'ekonomi',
    keywords: ['pasar', 'kios', 'los', 'retribusi'],
    agencyCode: 'disdagkop_ukm',
    slaHours: sla(4, 4, 16, 80),
    totalSlaHours: 120,
    notice: 'Disdagkop UKM menindaklanjuti bersama pengelola pasar.',
  },
  {
    code: 'kesehatan_lingkungan',
    label: { id: 'Kesehatan lingkungan', en: 'Environmental health' },
    description: 'Sarang nyamuk DBD, air tidak layak, bangkai, pencemaran',
    group: 'kesehatan',
    keywords: ['DBD', 'nyamuk', 'fogging', 'air bersih'],
    agencyCode: 'dinkes',
    slaHours: sla(4, 4, 8, 40),
    totalSlaHours: 64,
    notice: 'Dinkes dan puskesmas setempat menindaklanjuti.',
  },
  {
    code: 'sosial',
    label: { id: 'Warga terlantar / masalah sosial', en: 'People in need' },
    description: 'Warga terlantar, ODGJ di jalan, anak jalanan, pengemis',
    group: 'sosial',
    keywords: ['terlantar', 'ODGJ', 'pengemis', 'anjal'],
    agencyCode: 'dinsos',
    isPublic: false,
    slaHours: sla(2, 2, 8, 40),
    totalSlaHours: 56,
    notice: 'Dinsos menjangkau dan menangani.',
  },
  {
    code: 'adminduk',
    label: { id: 'Layanan KTP, KK, akta', en: 'Civil registration services' },
    description: 'Keluhan layanan administrasi kependudukan',
    group: 'pelayanan',
    keywords: ['KTP', 'KK', 'akta', 'Dukcapil'],
    agencyCode: 'disdukcapil',
    isPublic: false,
    slaHours: sla(4, 4, 16, 40),
    totalSlaHours: 72,
    notice: 'Disdukcapil menghubungi pelapor.',
  },
  {
    code: 'pelayanan_publik',
    label: { id: 'Pelayanan publik lainnya', en: 'Other public services' },
    description: 'Keluhan pelayanan OPD atau ASN; Ruang Kendali meneruskan ke OPD yang tepat',
    group: 'pelayanan',
    keywords: ['pelayanan', 'ASN', 'pungli', 'keluhan'],
    agencyCode: null,
    isPublic: false,
    slaHours: sla(4, 8, 16, 80),
    totalSlaHours: 120,
    notice: 'Ruang Kendali meneruskan ke OPD yang berwenang.',
  },
]

// Fixed-date national holidays; the admin adds the moving ones (Idulfitri, Iduladha, Nyepi, Waisak…) and
// cuti bersama each year from the SKB 3 Menteri.
const FIXED_HOLIDAYS = (year: number) => ['01-01', '05-01', '06-01', '08-17', '12-25'].map((d) => `${year}-${d}`)

// Alun-alun Kota Magelang, and points around it (metres north/east).
const ALUN_ALUN: [number, number] = [110.2176, -7.4773]
const near = (north: number, east: number): [number, number] => [ALUN_ALUN[0] + east / 110_400, ALUN_ALUN[1] + north / 110_540]

const DEMO_REPORTS: { category: string; at: [number, number]; description: string; address: string; steps: ('verify' | 'assign' | 'start')[] }[] = [
  {
    category: 'jalan_rusak',
    at: near(420, -150),
    description: 'Lubang besar di tengah jalan, sudah dua motor jatuh minggu ini.',
    address: 'Jl. Pemuda',
    steps: ['verify', 'assign', 'start'],
  },
  {
    category: 'sampah_liar',
    at: near(-900, 600),
    description: 'Sampah menumpuk di pinggir sungai dekat jembatan, baunya sampai ke rumah warga.',
    address: 'Jl. Jenderal Sudirman',
    steps: ['verify', 'assign'],
  },
  {
    category: 'lampu_jalan_mati',
    at: near(1500, 300),
    description: 'Tiga lampu jalan mati berturut-turut, jalan gelap dan rawan.',
    address: 'Jl. Ahmad Yani',
    steps: ['verify'],
  },
  { category: 'saluran_tersumbat', at: near(-300, -700), description: 'Selokan tersumbat, air meluap ke jalan setiap hujan.', address: 'Jl. Tidar', steps: [] },
  {
    category: 'pkl',
    at: near(60, 80),
    description: 'Pedagang berjualan di trotoar sekitar alun-alun, pejalan kaki turun ke jalan.',
    address: 'Alun-alun',
    steps: [],
  },
]

/** The catalogue, settings, the demo officer's OPD and a few reports in several statuses; idempotent. */
export async function seedReportsDemo(db: Database, s: ReportsServices): Promise<void> {
  if (!(await s.tenancy.tenant(DEMO_TENANT))) return
  const agencies = await s.tenancy.agencies(db, DEMO_TENANT)
  const byCode = new Map([...agencies.values()].map((a) => [a.code, a.id]))
  if ((await store.listCategories(db, DEMO_TENANT)).length === 0) {
    for (const { code, agencyCode, ...category } of MAGELANG_CATEGORIES) {
      await s.reports.putCategory(db, DEMO_TENANT, ACTOR, code, { ...category, agencyId: agencyCode ? (byCode.get(agencyCode) ?? null) : null })
    }
    const year = new Date().getFullYear()
    await s.reports.putSettings(db, DEMO_TENANT, ACTOR, { holidays: [...FIXED_HOLIDAYS(year), ...FIXED_HOLIDAYS(year + 1)] })
  }
  const caller: ReportCaller = { actor: ACTOR, isOperator: true, seesAll: true, agencyIds: 'all' }
  if ((await s.reports.list(db, DEMO_TENANT, { limit: 1 }, caller)).total > 0) return
  for (const demo of DEMO_REPORTS) {
    const row = await s.reports.submit(
      db,
      DEMO_TENANT,
      { category: demo.category, description: demo.description, address: demo.address, location: { type: 'Point', coordinates: demo.at }, consent: true },
      { source: 'web', actor: null, ip: null },
    )
    for (const step of demo.steps) {
      if (step === 'verify') await s.reports.verify(db, DEMO_TENANT, caller, row.id, undefined)
      if (step === 'assign') await s.reports.assign(db, DEMO_TENANT, caller, row.id, {})
      if (step === 'start') await s.reports.start(db, DEMO_TENANT, caller, row.id, 'Tim sudah dijadwalkan ke lokasi')
    }
  }
}
