import type { Kendali } from '../../src/core/app.ts'
import { ensureTenant, readRegionFile } from '../../src/modules/tenancy/demo.ts'
import { tenancyServices } from '../../src/modules/tenancy/index.ts'
import * as tenancyStore from '../../src/modules/tenancy/store.ts'

export const PASSWORD = 'kendali-demo'
/** The Midtrans server key test servers are configured with (MIDTRANS_SERVER_KEY), to sign notifications. */
export const TEST_MIDTRANS_SERVER_KEY = 'SB-Mid-server-TEST-CITY'

/**
 * The second province and city every isolation test uses: Kota Malang (35.73) under Jawa Timur (35),
 * with real boundaries, and a few people of its own.
 */
export async function seedFixtures(k: Kendali): Promise<void> {
  const s = tenancyServices(k.ctx)
  const db = k.ctx.db
  await ensureTenant(
    db,
    s,
    { code: '35', name: 'Provinsi Jawa Timur', kind: 'provinsi' },
    readRegionFile(new URL('../fixtures/regions/jawa-timur-35-kabkota.geojson', import.meta.url)),
  )
  await ensureTenant(
    db,
    s,
    { code: '35.73', name: 'Kota Malang', kind: 'kota', parent: '35' },
    readRegionFile(new URL('../fixtures/regions/kota-malang-35.73.geojson', import.meta.url)),
  )
  const people = [
    { username: 'malang_admin', name: 'Admin Kota Malang', roles: ['admin' as const] },
    { username: 'malang_operator', name: 'Operator Kota Malang', roles: ['operator' as const] },
  ]
  for (const person of people) {
    if (!(await tenancyStore.findUserByUsername(db, person.username))) {
      await s.accounts.createUser(db, '35.73', 'system:test', { ...person, password: PASSWORD })
    }
  }
  await s.agencies.create(db, '35.73', 'system:test', { code: 'dinkes', name: 'Dinas Kesehatan Kota Malang' }).catch(() => undefined)
}
