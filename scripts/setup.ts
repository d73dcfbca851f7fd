import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { createKendali } from '../src/core/app.ts'
import { readConfig } from '../src/core/config.ts'
import { allModules } from '../src/modules/index.ts'
import { tenancyServices } from '../src/modules/tenancy/index.ts'
import { ensurePlatformAdmin, setUpCity } from '../src/modules/tenancy/install.ts'
import type { RegionImport } from '../src/modules/tenancy/schema.ts'

const usage = `Adds your kota or kabupaten to Kendali (its province too, when missing), with its boundaries and a first admin.

  npm run setup -- --code 33.24 --name "Kabupaten Kendal" --kind kabupaten --regions kendal.geojson

  --code      Kemendagri code of the kota/kabupaten (33.24)
  --name      its official name ("Kabupaten Kendal", "Kota Semarang")
  --kind      kota | kabupaten
  --regions   GeoJSON FeatureCollection of its kecamatan and kelurahan/desa; properties code, name, level, parent
              (the format of cahyadsn/wilayah_boundaries, as in src/modules/tenancy/regions/)

Uses the same DATA_DIR / DATABASE_URL as npm start; ADMIN_PASSWORD sets the first passwords, else random ones are printed.`

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { code: { type: 'string' }, name: { type: 'string' }, kind: { type: 'string' }, regions: { type: 'string' }, help: { type: 'boolean' } },
  })
  if (values.help || !values.code || !values.name || !values.regions || (values.kind !== 'kota' && values.kind !== 'kabupaten')) {
    console.log(usage)
    process.exit(values.help ? 0 : 2)
  }
  const config = { ...readConfig(), demo: false }
  const kendali = await createKendali(config, allModules(), { logger: false, background: false, mqtt: false })
  try {
    await kendali.prepare()
    const regions = JSON.parse(readFileSync(values.regions, 'utf8')) as RegionImport
    const services = tenancyServices(kendali.ctx)
    const lines = await setUpCity(kendali.ctx.db, services, {
      code: values.code,
      name: values.name,
      kind: values.kind,
      regions,
      adminPassword: config.adminPassword,
    })
    const notices = await ensurePlatformAdmin(kendali.ctx.db, services, config.adminPassword)
    console.log([...lines, ...notices, 'Start Kendali with npm start.'].join('\n'))
  } finally {
    await kendali.close()
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err)
  process.exit(1)
})
