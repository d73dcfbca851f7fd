import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { createKendali } from '../src/core/app.ts'
import { type Bbox, extractBasemap, withMargin } from '../src/core/basemap/extract.ts'
import { readConfig } from '../src/core/config.ts'
import { allModules } from '../src/modules/index.ts'
import { tenancyServices } from '../src/modules/tenancy/index.ts'

const usage = `Cuts the basemap of a city (or a province, or every city) out of a PMTiles source into BASEMAP_DIR (default data/basemap).

  npm run basemap -- --tenant 33.71 --source https://…/20261201.pmtiles
  npm run basemap -- --tenant 33 --source /srv/peta/jawa-tengah.pmtiles     (the province: one archive of all its cities)
  npm run basemap -- --all --source jawa-tengah.pmtiles                      (one archive per kota/kabupaten)

  --source     a PMTiles v3 vector basemap in the Protomaps schema, as a URL (read with range requests) or a file
  --margin-km  extra area around the boundaries (default 2)
  --max-zoom   stop at this zoom (default: the source's, usually 15)

Where to get a source: a Protomaps daily build of the planet (see docs.protomaps.com/basemaps/downloads; the
extract reads only the tiles of your area, some tens of MB for a city), or the copy your province keeps on its own
server. Run again after an interruption: it resumes. Uses the same DATA_DIR / DATABASE_URL as npm start.`

function bar(done: number, total: number): string {
  const width = 24
  const full = Math.round((done / Math.max(1, total)) * width)
  return `[${'#'.repeat(full)}${'.'.repeat(width - full)}]`
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      tenant: { type: 'string' },
      all: { type: 'boolean' },
      source: { type: 'string' },
      'margin-km': { type: 'string' },
      'max-zoom': { type: 'string' },
      help: { type: 'boolean' },
    },
  })
  if (values.help || (!values.tenant && !values.all) || !values.source) {
    console.log(usage)
    process.exit(values.help ? 0 : 2)
  }
  const config = { ...readConfig(), demo: false }
  const kendali = await createKendali(config, allModules(), { logger: false, background: false, mqtt: false })
  let areas: { code: string; bbox: Bbox }[]
  try {
    await kendali.prepare()
    const tenants = await tenancyServices(kendali.ctx).tenants.list(kendali.ctx.db)
    const codes = values.all ? tenants.filter((t) => t.kind !== 'provinsi').map((t) => t.code) : [values.tenant as string]
    areas = codes.flatMap((code) => {
      // A province's area is that of its cities: its own row has no boundaries.
      const boxes = tenants.filter((t) => (t.code === code || t.code.startsWith(`${code}.`)) && t.bbox).map((t) => t.bbox as Bbox)
      if (boxes.length === 0) {
        console.error(`${code}: no such tenant with boundaries (npm run setup imports them)`)
        return []
      }
      return [
        {
          code,
          bbox: [
            Math.min(...boxes.map((b) => b[0])),
            Math.min(...boxes.map((b) => b[1])),
            Math.max(...boxes.map((b) => b[2])),
            Math.max(...boxes.map((b) => b[3])),
          ] as Bbox,
        },
      ]
    })
  } finally {
    await kendali.close()
  }
  if (areas.length === 0) process.exit(1)
  await mkdir(config.basemapDir, { recursive: true })
  const margin = Number(values['margin-km'] ?? 2)
  const maxZoom = values['max-zoom'] === undefined ? undefined : Number(values['max-zoom'])
  for (const { code, bbox } of areas) {
    const out = join(config.basemapDir, `${code}.pmtiles`)
    const result = await extractBasemap({
      source: values.source as string,
      bbox: withMargin(bbox, margin),
      out,
      maxZoom,
      onProgress: (p) => process.stdout.write(`\r${code} ${bar(p.tiles, p.total)} ${p.tiles}/${p.total} tiles, ${(p.bytes / 1e6).toFixed(1)} MB `),
    })
    process.stdout.write('\n')
    console.log(
      `${code}: ${out} verified: ${result.tiles} tiles, z${result.minZoom}–${result.maxZoom}, ${(result.bytes / 1e6).toFixed(1)} MB, bbox ${result.bounds.map((v) => v.toFixed(4)).join(',')}${result.resumed ? ` (${result.resumed} tiles from the interrupted run)` : ''}`,
    )
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err)
  process.exit(1)
})
