import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { basemapArchiveOf, MAGELANG_BASEMAP } from '../../../test/support/basemap.ts'
import { testDatabase } from '../../../test/support/db.ts'
import { json, loginCookie, startTestKendali, type TestServer } from '../../../test/support/server.ts'

// The demo city with the Magelang basemap fixture (real street names, placed where they roughly are) in its folder.
let server: TestServer
let admin = ''
let operator = ''

const get = (url: string, cookie?: string) => server.kendali.app.inject({ method: 'GET', url, headers: cookie ? { cookie } : {} })
const search = async (q: string, extra = '') => {
  const res = await get(`/api/t/33.71/places?q=${encodeURIComponent(q)}${extra}`)
  expect(res.statusCode, res.body).toBe(200)
  return json<{
    items: { name: string; kind: string; source: string; context: string | null; location: { coordinates: [number, number] }; distanceM: number | null }[]
  }>(res).items
}

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kendali-places-'))
  writeFileSync(join(dir, '33.71.pmtiles'), basemapArchiveOf(MAGELANG_BASEMAP, 10, 15))
  server = await startTestKendali({ listen: false, env: { BASEMAP_DIR: dir } })
  admin = await loginCookie(server.kendali, 'admin')
  operator = await loginCookie(server.kendali, 'operator')
  const refreshed = await server.kendali.app.inject({ method: 'POST', url: '/api/t/33.71/places/refresh', headers: { cookie: admin } })
  expect(refreshed.statusCode, refreshed.body).toBe(200)
})

afterAll(async () => {
  await server.close()
})

describe('the place index', () => {
  it('reads the basemap, the regions, the facilities and the markets of the city', async () => {
    const { places } = json<{ places: Record<string, number> }>(
      await server.kendali.app.inject({ method: 'POST', url: '/api/t/33.71/places/refresh', headers: { cookie: admin } }),
    )
    // Counted in the fixture: five streets, five POIs, a river, a pond, the town, and the named mosque building
    // (a building, not the POI); the alun-alun park area is the same place as its POI and merges into it.
    expect(places.basemap).toBe(14)
    // Kota Magelang: 3 kecamatan and 17 kelurahan.
    expect(places.region).toBe(20)
    expect(places.facility).toBeGreaterThan(0)
    expect(places.market).toBeGreaterThan(0)
    const sources = json<{ items: { source: string; places: number }[] }>(await get('/api/t/33.71/places/sources', admin)).items
    expect(sources.find((s) => s.source === 'basemap')?.places).toBe(places.basemap)
  })

  it('keeps one place per street although the tiles cut it into pieces', async () => {
    const yani = (await search('Jl. Ahmad Yani')).filter((p) => p.name === 'Jl. Ahmad Yani')
    expect(yani).toHaveLength(1)
    expect(yani[0]).toMatchObject({ kind: 'street', source: 'basemap' })
    expect(yani[0].context).toMatch(/^Kel\. .+, Kec\. Magelang/)
  })
})

describe('searching places', () => {
  it('finds "alun alun" and "jl ahmad yani" as a caller says them', async () => {
    expect((await search('alun alun'))[0].name).toBe('Alun-alun Kota Magelang')
    expect((await search('alun2'))[0].name).toBe('Alun-alun Kota Magelang')
    expect((await search('jl ahmad yani'))[0]).toMatchObject({ name: 'Jl. Ahmad Yani', kind: 'street' })
    expect((await search('JALAN A YANI'))[0].name).toBe('Jl. Ahmad Yani')
  })

  it('forgives typos and word order', async () => {
    expect((await search('jl ahmad yanni'))[0].name).toBe('Jl. Ahmad Yani')
    expect((await search('yani ahmad'))[0].name).toBe('Jl. Ahmad Yani')
    expect((await search('psr rejowinangun'))[0].name).toBe('Pasar Rejowinangun')
  })

  it('answers a place known to two sources once, from the better-kept one', async () => {
    const pasar = (await search('pasar rejowinangun')).filter((p) => p.name === 'Pasar Rejowinangun')
    expect(pasar).toHaveLength(1)
    expect(pasar[0].source).toBe('market')
  })

  it('finds kelurahan by name, with or without the word', async () => {
    const hits = await search('kelurahan cacaban')
    expect(hits[0]).toMatchObject({ name: expect.stringMatching(/cacaban/i), kind: 'kelurahan' })
    expect(hits[0].context).toMatch(/Kec\. /)
  })

  it('keeps to the kinds asked for', async () => {
    const hits = await search('cacaban', '&kind=kelurahan,kecamatan')
    expect(hits.length).toBeGreaterThan(0)
    expect(hits[0].name).toMatch(/cacaban/i)
    expect(new Set(hits.map((p) => p.kind))).toEqual(new Set(['kelurahan']))
  })

  it('answers the nearest first among hundreds of places of one name', async () => {
    // 240 "Warung Sate Pak Kumis" 320 m apart on a line through the map centre (far enough apart to be different
    // places), written in a shuffled order: more than a search ranks, so the index must hand over the nearest.
    const db = await testDatabase()
    const [lon, lat] = [110.2177, -7.4771]
    await db.query(
      `INSERT INTO places (tenant, source, source_ref, kind, name, folded, geom)
       SELECT '33.71', 'basemap', 'test-warung:' || i, 'restaurant', 'Warung Sate Pak Kumis', 'warung sate pak kumis',
         ST_SetSRID(ST_MakePoint($1 + (((i * 37) % 240) - 120) * 0.0029, $2), 4326)
       FROM generate_series(0, 239) AS i`,
      [lon, lat],
    )
    try {
      const hits = await search('warung sate pak kumis', `&lon=${lon + 0.0001}&lat=${lat}&limit=5`)
      expect(hits.map((p) => p.name)).toEqual(Array(5).fill('Warung Sate Pak Kumis'))
      const metres = hits.map((p) => p.distanceM ?? Number.NaN)
      expect(metres[0]).toBeLessThan(20)
      expect(metres).toEqual([...metres].sort((a, b) => a - b))
      expect(metres[4]).toBeLessThan(700)
    } finally {
      await db.query(`DELETE FROM places WHERE tenant = '33.71' AND source_ref LIKE 'test-warung:%'`)
    }
  })

  it("keeps each tenant's places to itself", async () => {
    const res = await get('/api/t/35.73/places?q=alun%20alun')
    expect(res.statusCode, res.body).toBe(200)
    expect(json<{ items: { name: string }[] }>(res).items.map((p) => p.name)).not.toContain('Alun-alun Kota Magelang')
  })

  it('refuses a query without two letters, a bad point and an unknown tenant, in words', async () => {
    for (const url of [
      '/api/t/33.71/places?q=.',
      '/api/t/33.71/places?q=',
      '/api/t/33.71/places?q=pasar&lon=500&lat=0',
      '/api/t/33.71/places/reverse?lon=110.2',
    ]) {
      const res = await get(url)
      expect(res.statusCode, url).toBe(400)
      expect(json<{ error: { message: string } }>(res).error.message).toBeTruthy()
    }
    expect((await get('/api/t/99.99/places?q=pasar')).statusCode).toBe(404)
  })
})

describe('a point in words', () => {
  it('names the street, a landmark near it, the kelurahan and the kecamatan', async () => {
    // On Jl. Pemuda, south of the alun-alun, a hundred metres from RSUD Tidar's fixture POI.
    const res = await get('/api/t/33.71/places/reverse?lon=110.2201&lat=-7.4812')
    expect(res.statusCode, res.body).toBe(200)
    const answer = json<{
      address: string
      street: { name: string; distanceM: number }
      landmark: { name: string } | null
      kelurahan: string
      kecamatan: string
    }>(res)
    expect(answer.street.name).toBe('Jl. Pemuda')
    expect(answer.street.distanceM).toBeLessThan(50)
    expect(answer.landmark).not.toBeNull()
    expect(answer.kelurahan).toBeTruthy()
    expect(answer.address).toBe(`Jl. Pemuda, dekat ${answer.landmark?.name}, Kel. ${answer.kelurahan}, Kec. ${answer.kecamatan}`)
  })

  it('says nothing made up for a point far from every street', async () => {
    const answer = json<{ address: string | null; street: unknown }>(await get('/api/t/33.71/places/reverse?lon=110.5&lat=-7.2'))
    expect(answer.street).toBeNull()
    expect(answer.address).toBeNull()
  })
})

describe("the city's own named places", () => {
  it('lets an admin add a landmark with aliases that the search then finds, and no one else', async () => {
    const body = {
      name: 'Taman Kyai Langgeng',
      kind: 'park',
      aliases: ['TKL', 'Taman Wisata Kyai Langgeng'],
      location: { type: 'Point', coordinates: [110.2085, -7.4795] },
    }
    const refused = await server.kendali.app.inject({ method: 'POST', url: '/api/t/33.71/places/named', headers: { cookie: operator }, payload: body })
    expect(refused.statusCode).toBe(403)
    const created = await server.kendali.app.inject({ method: 'POST', url: '/api/t/33.71/places/named', headers: { cookie: admin }, payload: body })
    expect(created.statusCode, created.body).toBe(201)
    const place = json<{ id: string; updatedBy: string }>(created)
    expect(place.updatedBy).toBe('admin')
    expect((await search('tkl'))[0]).toMatchObject({ name: 'Taman Kyai Langgeng', source: 'named', context: expect.stringMatching(/^Kel\. /) })
    expect((await search('wisata langgeng'))[0].name).toBe('Taman Kyai Langgeng')

    // A refresh of the other sources keeps it.
    await server.kendali.app.inject({ method: 'POST', url: '/api/t/33.71/places/refresh', headers: { cookie: admin } })
    const listed = json<{ items: { id: string }[] }>(await get('/api/t/33.71/places/named', operator)).items
    expect(listed.map((p) => p.id)).toContain(place.id)

    const removed = await server.kendali.app.inject({ method: 'DELETE', url: `/api/t/33.71/places/named/${place.id}`, headers: { cookie: admin } })
    expect(removed.statusCode).toBe(204)
    expect((await search('tkl')).map((p) => p.name)).not.toContain('Taman Kyai Langgeng')
  })

  it('refuses a named place outside the city and changes nothing', async () => {
    const before = json<{ total: number }>(await get('/api/t/33.71/places/named', admin)).total
    const res = await server.kendali.app.inject({
      method: 'POST',
      url: '/api/t/33.71/places/named',
      headers: { cookie: admin },
      payload: { name: 'Candi Borobudur', location: { type: 'Point', coordinates: [110.2038, -7.6079] } },
    })
    expect(res.statusCode, res.body).toBe(400)
    expect(json<{ total: number }>(await get('/api/t/33.71/places/named', admin)).total).toBe(before)
  })
})
