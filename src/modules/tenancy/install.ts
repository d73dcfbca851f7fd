import { randomBytes } from 'node:crypto'
import type { Database } from '../../core/db/database.ts'
import type { TenancyServices } from './index.ts'
import { PROVINCES } from './provinces.ts'
import type { CreateTenant, RegionImport } from './schema.ts'
import * as store from './store.ts'

const ACTOR = 'system:setup'

export const newPassword = () => randomBytes(12).toString('base64url')

/**
 * At every start: an install with tenants but no platform administrator gets one (`superadmin`, password
 * from ADMIN_PASSWORD or a random one printed once); an install with no tenant says how to add one.
 */
export async function ensurePlatformAdmin(db: Database, s: TenancyServices, adminPassword: string | null): Promise<string[]> {
  if (await store.hasPlatformAdmin(db)) return []
  const home = await store.homeForPlatformAdmin(db)
  if (!home) return ['No city yet: add yours with `npm run setup -- --help`.']
  const password = adminPassword ?? newPassword()
  await s.accounts.createUser(
    db,
    home,
    ACTOR,
    { username: 'superadmin', name: 'Administrator Platform', password, roles: ['admin'] },
    { isPlatformAdmin: true },
  )
  return [`Platform administrator created: superadmin / ${adminPassword ? '(ADMIN_PASSWORD)' : password}  — change it after logging in.`]
}

export interface CitySetup {
  code: string
  name: string
  kind: 'kota' | 'kabupaten'
  regions: RegionImport
  adminPassword: string | null
}

/** Adds a kota/kabupaten (and its province when missing) with boundaries and a first admin; prints what it did. */
export async function setUpCity(db: Database, s: TenancyServices, city: CitySetup): Promise<string[]> {
  const lines: string[] = []
  const provinceCode = city.code.split('.')[0]
  const province = PROVINCES[provinceCode]
  if (!province) throw new Error(`${provinceCode} is not a Kemendagri province code`)
  if (!(await s.tenants.get(db, provinceCode))) {
    const input: CreateTenant = { code: provinceCode, name: province.name, kind: 'provinsi', timeZone: province.timezone }
    await s.tenants.create(db, ACTOR, input)
    lines.push(`Added ${province.name} (${provinceCode}).`)
  }
  await s.tenants.create(db, ACTOR, { code: city.code, name: city.name, kind: city.kind, parent: provinceCode, timeZone: province.timezone })
  const imported = await s.regions.import(db, city.code, ACTOR, city.regions)
  lines.push(`Added ${city.name} (${city.code}) with ${imported.accepted} regions.`)
  for (const r of imported.rejected) lines.push(`  feature ${r.index} not imported: ${r.field} — ${r.message}`)
  const username = `admin-${city.code.replace('.', '')}`
  const password = city.adminPassword ?? newPassword()
  await s.accounts.createUser(db, city.code, ACTOR, { username, name: `Admin ${city.name}`, password, roles: ['admin'] })
  lines.push(`City administrator: ${username} / ${city.adminPassword ? '(ADMIN_PASSWORD)' : password}`)
  return lines
}
