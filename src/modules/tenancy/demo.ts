import { readFileSync } from 'node:fs'
import type { Database } from '../../core/db/database.ts'
import type { Role } from '../../core/http/access.ts'
import type { DemoLogin } from '../../core/module.ts'
import type { TenancyServices } from './index.ts'
import type { CreateTenant, RegionImport } from './schema.ts'
import * as store from './store.ts'

const ACTOR = 'system:demo'

/** Reads a region file shipped with the project (see regions/SOURCE.md). */
export function readRegionFile(url: URL): RegionImport {
  return JSON.parse(readFileSync(url, 'utf8')) as RegionImport
}

/** Creates a tenant with its boundaries unless it exists; used by the demo and by test fixtures. */
export async function ensureTenant(db: Database, s: TenancyServices, tenant: CreateTenant, regions: RegionImport): Promise<void> {
  if (await s.tenants.get(db, tenant.code)) return
  await s.tenants.create(db, ACTOR, tenant)
  const result = await s.regions.import(db, tenant.code, ACTOR, regions)
  if (result.rejected.length > 0) throw new Error(`Demo regions of ${tenant.code} rejected: ${JSON.stringify(result.rejected.slice(0, 3))}`)
}

// The real OPDs of Kota Magelang that the command center works with.
const MAGELANG_AGENCIES: { code: string; name: string; shortName: string }[] = [
  { code: 'diskominsta', name: 'Dinas Komunikasi, Informatika dan Statistik', shortName: 'Diskominsta' },
  { code: 'dinkes', name: 'Dinas Kesehatan', shortName: 'Dinkes' },
  { code: 'bpbd', name: 'Badan Penanggulangan Bencana Daerah', shortName: 'BPBD' },
  { code: 'satpol_pp', name: 'Satuan Polisi Pamong Praja', shortName: 'Satpol PP' },
  { code: 'damkar', name: 'Dinas Pemadam Kebakaran dan Penyelamatan', shortName: 'Damkar' },
  { code: 'dishub', name: 'Dinas Perhubungan', shortName: 'Dishub' },
  { code: 'dpupr', name: 'Dinas Pekerjaan Umum dan Penataan Ruang', shortName: 'DPUPR' },
  { code: 'dlh', name: 'Dinas Lingkungan Hidup', shortName: 'DLH' },
  { code: 'disdagkop_ukm', name: 'Dinas Perdagangan, Koperasi dan Usaha Kecil Menengah', shortName: 'Disdagkop UKM' },
  { code: 'disperkim', name: 'Dinas Perumahan dan Kawasan Permukiman', shortName: 'Disperkim' },
  { code: 'dinsos', name: 'Dinas Sosial', shortName: 'Dinsos' },
  { code: 'disdukcapil', name: 'Dinas Kependudukan dan Pencatatan Sipil', shortName: 'Disdukcapil' },
  { code: 'bpkad', name: 'Badan Pengelola Keuangan dan Aset Daerah', shortName: 'BPKAD' },
  { code: 'bappeda', name: 'Badan Perencanaan Pembangunan, Penelitian dan Pengembangan Daerah', shortName: 'Bappeda Litbang' },
  { code: 'bkpsdm', name: 'Badan Kepegawaian dan Pengembangan Sumber Daya Manusia', shortName: 'BKPSDM' },
  { code: 'inspektorat', name: 'Inspektorat Daerah', shortName: 'Inspektorat' },
]

// `agencies` are codes of MAGELANG_AGENCIES the person works for.
const DEMO_PEOPLE: { username: string; name: string; tenant: string; roles: Role[]; agencies?: string[] }[] = [
  { username: 'admin', name: 'Admin Diskominsta', tenant: '33.71', roles: ['admin'] },
  { username: 'operator', name: 'Operator Ruang Kendali', tenant: '33.71', roles: ['operator'] },
  { username: 'dispatcher', name: 'Petugas PSC 119', tenant: '33.71', roles: ['dispatcher'] },
  { username: 'agency_officer', name: 'Petugas OPD', tenant: '33.71', roles: ['agency_officer'], agencies: ['dpupr'] },
  { username: 'inspektorat', name: 'Auditor Inspektorat', tenant: '33.71', roles: ['agency_officer'], agencies: ['inspektorat'] },
  { username: 'field_crew', name: 'Kru Ambulans', tenant: '33.71', roles: ['field_crew'] },
  { username: 'patrol_officer', name: 'Petugas Rojak', tenant: '33.71', roles: ['patrol_officer'] },
  { username: 'collector', name: 'Juru Pungut Retribusi', tenant: '33.71', roles: ['collector'] },
  { username: 'executive', name: 'Wali Kota Magelang', tenant: '33.71', roles: ['executive'] },
  { username: 'pemprov', name: 'Eksekutif Pemprov Jawa Tengah', tenant: '33', roles: ['executive'] },
]

const JAWA_TENGAH: CreateTenant = { code: '33', name: 'Provinsi Jawa Tengah', kind: 'provinsi', timezone: 'Asia/Jakarta' }
const KOTA_MAGELANG: CreateTenant = { code: '33.71', name: 'Kota Magelang', kind: 'kota', parent: '33', timezone: 'Asia/Jakarta' }

export async function seedTenancyDemo(db: Database, s: TenancyServices, password: string): Promise<DemoLogin[]> {
  await ensureTenant(db, s, JAWA_TENGAH, readRegionFile(new URL('./regions/jawa-tengah-33-kabkota.geojson', import.meta.url)))
  await ensureTenant(db, s, KOTA_MAGELANG, readRegionFile(new URL('./regions/kota-magelang-33.71.geojson', import.meta.url)))
  if ((await s.agencies.list(db, '33.71', 1)).total === 0) {
    for (const agency of MAGELANG_AGENCIES) await s.agencies.create(db, '33.71', ACTOR, agency)
  }
  const logins: DemoLogin[] = []
  if (!(await store.findUserByUsername(db, 'superadmin'))) {
    await s.accounts.createUser(
      db,
      '33',
      ACTOR,
      { username: 'superadmin', name: 'Administrator Platform', password, roles: ['admin'] },
      { isPlatformAdmin: true },
    )
  }
  logins.push({ username: 'superadmin', password, tenant: '*', roles: ['admin'] })
  const agencyIdByCode = new Map((await s.agencies.list(db, '33.71', 100)).items.map((a) => [a.code, a.id]))
  for (const person of DEMO_PEOPLE) {
    if (!(await store.findUserByUsername(db, person.username))) {
      const agencies = person.agencies?.map((code) => agencyIdByCode.get(code)).filter((id): id is string => id !== undefined)
      await s.accounts.createUser(db, person.tenant, ACTOR, { username: person.username, name: person.name, password, roles: person.roles, agencies })
    }
    logins.push({ username: person.username, password, tenant: person.tenant, roles: person.roles })
  }
  return logins
}
