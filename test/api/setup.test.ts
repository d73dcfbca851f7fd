import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tenancyServices } from '../../src/modules/tenancy/index.ts'
import { ensurePlatformAdmin, setUpCity } from '../../src/modules/tenancy/install.ts'
import type { RegionImport } from '../../src/modules/tenancy/schema.ts'
import { json, loginCookie, startTestKendali, type TestServer } from '../support/server.ts'
import { ROOT } from '../support/template.ts'

const semarang = JSON.parse(readFileSync(new URL('../fixtures/regions/kota-semarang-33.74.geojson', import.meta.url), 'utf8')) as RegionImport

describe('setting up a city of your own', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestKendali({ listen: false })
  })
  afterAll(() => server.close())

  it('adds the city with all its boundaries and a first admin who can log in and manage it', async () => {
    const services = tenancyServices(server.kendali.ctx)
    const lines = await setUpCity(server.kendali.ctx.db, services, {
      code: '33.74',
      name: 'Kota Semarang',
      kind: 'kota',
      regions: semarang,
      adminPassword: 'semarang-hebat-1',
    })
    expect(lines).toContain('Added Kota Semarang (33.74) with 193 regions.')
    const admin = await loginCookie(server.kendali, 'admin-3374', 'semarang-hebat-1')
    const created = await server.kendali.app.inject({
      method: 'POST',
      url: '/api/t/33.74/agencies',
      headers: { cookie: admin },
      payload: { code: 'bpbd', name: 'BPBD Kota Semarang' },
    })
    expect(created.statusCode).toBe(201)
    // Simpang Lima lies in Kelurahan Pleburan, Kecamatan Semarang Selatan.
    const lookup = await server.kendali.app.inject({ method: 'GET', url: '/api/t/33.74/regions/lookup?lon=110.4229&lat=-6.9903' })
    expect(json(lookup)).toMatchObject({ kelurahan: { name: 'Pleburan' }, kecamatan: { name: 'Semarang Selatan' } })
    const magelang = await server.kendali.app.inject({ method: 'GET', url: '/api/t/33.71/users', headers: { cookie: admin } })
    expect(magelang.statusCode).toBe(403)
  })

  it('creates no second platform administrator when one exists', async () => {
    expect(await ensurePlatformAdmin(server.kendali.ctx.db, tenancyServices(server.kendali.ctx), null)).toEqual([])
  })

  it('explains its options', () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'scripts/setup.ts', '--help'], { cwd: ROOT, encoding: 'utf8' })
    expect(out).toContain('--regions')
  })
})
