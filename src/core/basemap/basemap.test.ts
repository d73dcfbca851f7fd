import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { VectorTile } from '@mapbox/vector-tile'
import { validateStyleMin } from '@maplibre/maplibre-gl-style-spec'
import { PbfReader } from 'pbf'
import { PMTiles, type RangeResponse, type Source } from 'pmtiles'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { basemapArchiveOf, MAGELANG_BASEMAP } from '../../../test/support/basemap.ts'
import { json, startTestKendali, type TestServer } from '../../../test/support/server.ts'

/** The pmtiles reader from npm over an in-memory archive: the format check independent of our own reader. */
function bufferSource(bytes: Buffer): Source {
  return {
    getKey: () => 'fixture',
    getBytes: async (offset: number, length: number): Promise<RangeResponse> => ({
      data: bytes.buffer.slice(bytes.byteOffset + offset, bytes.byteOffset + offset + length) as ArrayBuffer,
    }),
  }
}

/** Web-mercator tile of a point, as MapLibre asks for it. */
function tileOf(lon: number, lat: number, z: number): [number, number] {
  const r = (lat * Math.PI) / 180
  return [Math.floor(((lon + 180) / 360) * 2 ** z), Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * 2 ** z)]
}

const ALUN_ALUN: [number, number] = [110.2177, -7.4771]
const archive = basemapArchiveOf(MAGELANG_BASEMAP, 10, 16)

describe('the Magelang basemap fixture', () => {
  it('is a PMTiles v3 archive the pmtiles reader opens, with named streets in its tiles', async () => {
    const reader = new PMTiles(bufferSource(archive))
    const header = await reader.getHeader()
    expect(header.specVersion).toBe(3)
    expect([header.minZoom, header.maxZoom]).toEqual([10, 16])
    expect(header.minLon).toBeLessThan(ALUN_ALUN[0])
    expect(header.maxLat).toBeGreaterThan(ALUN_ALUN[1])
    const [x, y] = tileOf(...ALUN_ALUN, 15)
    const tile = await reader.getZxy(15, x, y)
    if (!tile) throw new Error('no tile at the alun-alun')
    const vt = new VectorTile(new PbfReader(new Uint8Array(tile.data)))
    const roads = vt.layers.roads
    if (!roads) throw new Error('no roads layer')
    const names = Array.from({ length: roads.length }, (_, i) => roads.feature(i).properties['name:id'])
    expect(names).toContain('Jl. Pemuda')
    expect((await reader.getMetadata()) as { vector_layers: { id: string }[] }).toMatchObject({
      vector_layers: expect.arrayContaining([{ id: 'pois', fields: {} }]),
    })
  })
})

describe('serving the basemap', () => {
  let server: TestServer
  let empty: TestServer
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kendali-basemap-'))
    mkdirSync(join(dir, 'with'))
    writeFileSync(join(dir, 'with', '33.71.pmtiles'), archive)
    server = await startTestKendali({ listen: false, env: { BASEMAP_DIR: join(dir, 'with'), PUBLIC_URL: 'https://kendali.magelangkota.go.id' } })
    empty = await startTestKendali({ listen: false, env: { BASEMAP_DIR: join(dir, 'none') } })
  })
  afterAll(async () => {
    await server?.close()
    await empty?.close()
  })

  it('tells the web app which styles exist, and that none does without an archive', async () => {
    const withBasemap = json(await server.kendali.app.inject('/api/config'))
    expect(withBasemap.basemap).toEqual({ dark: '/api/basemap/styles/dark.json', light: '/api/basemap/styles/light.json' })
    expect(json(await empty.kendali.app.inject('/api/config')).basemap).toBeNull()
    expect((await empty.kendali.app.inject('/api/basemap/styles/dark.json')).statusCode).toBe(404)
    expect((await empty.kendali.app.inject('/api/basemap/tiles/15/1/1.mvt')).statusCode).toBe(404)
  })

  it('serves the archive in byte ranges as PMTiles readers ask, whole without a range, 416 past its end', async () => {
    const url = '/api/basemap/archives/33.71.pmtiles'
    const part = await server.kendali.app.inject({ url, headers: { range: 'bytes=0-126' } })
    expect(part.statusCode).toBe(206)
    expect(part.headers['content-range']).toBe(`bytes 0-126/${archive.length}`)
    expect(part.rawPayload.equals(archive.subarray(0, 127))).toBe(true)
    const tail = await server.kendali.app.inject({ url, headers: { range: 'bytes=-10' } })
    expect(tail.rawPayload.equals(archive.subarray(archive.length - 10))).toBe(true)
    const whole = await server.kendali.app.inject(url)
    expect(whole.statusCode).toBe(200)
    expect(whole.headers['accept-ranges']).toBe('bytes')
    expect(whole.rawPayload.equals(archive)).toBe(true)
    const past = await server.kendali.app.inject({ url, headers: { range: `bytes=${archive.length}-` } })
    expect(past.statusCode).toBe(416)
    expect(past.headers['content-range']).toBe(`bytes */${archive.length}`)
    expect((await server.kendali.app.inject('/api/basemap/archives/..%2Fsecret.key')).statusCode).toBe(400)
    expect((await server.kendali.app.inject('/api/basemap/archives/other.pmtiles')).statusCode).toBe(404)
  })

  it('answers 304 to a client that holds the current version of the archive or a tile', async () => {
    const url = '/api/basemap/archives/33.71.pmtiles'
    const first = await server.kendali.app.inject({ url, headers: { range: 'bytes=0-16383' } })
    const etag = String(first.headers.etag)
    expect(etag).toMatch(/^".+"$/)
    expect(first.headers['cache-control']).toContain('max-age')
    expect((await server.kendali.app.inject({ url, headers: { 'if-none-match': etag } })).statusCode).toBe(304)
    expect((await server.kendali.app.inject({ url, headers: { 'if-none-match': '"other"' } })).statusCode).toBe(200)
    const [x, y] = tileOf(...ALUN_ALUN, 15)
    const tile = await server.kendali.app.inject(`/api/basemap/tiles/15/${x}/${y}.mvt`)
    expect(
      (await server.kendali.app.inject({ url: `/api/basemap/tiles/15/${x}/${y}.mvt`, headers: { 'if-none-match': String(tile.headers.etag) } })).statusCode,
    ).toBe(304)
  })

  it('serves the vector tiles decoded from the archive, 204 where it has none, 400 for a tile that cannot exist', async () => {
    const [x, y] = tileOf(...ALUN_ALUN, 16)
    const res = await server.kendali.app.inject(`/api/basemap/tiles/16/${x}/${y}.mvt`)
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('application/vnd.mapbox-vector-tile')
    const vt = new VectorTile(new PbfReader(new Uint8Array(res.rawPayload)))
    expect(Object.keys(vt.layers)).toEqual(expect.arrayContaining(['roads', 'pois', 'landuse']))
    const [fx, fy] = tileOf(106.8, -6.2, 12) // Jakarta: outside the archive
    expect((await server.kendali.app.inject(`/api/basemap/tiles/12/${fx}/${fy}.mvt`)).statusCode).toBe(204)
    expect((await server.kendali.app.inject('/api/basemap/tiles/2/9/0.mvt')).statusCode).toBe(404)
    expect((await server.kendali.app.inject('/api/basemap/tiles/99/0/0.mvt')).statusCode).toBe(400)
  })

  it('serves two styles valid per the MapLibre style spec, pointing only at this server', async () => {
    for (const theme of ['dark', 'light']) {
      const res = await server.kendali.app.inject(`/api/basemap/styles/${theme}.json`)
      expect(res.statusCode).toBe(200)
      const style = json(res)
      expect(validateStyleMin(style as never)).toEqual([])
      const urls = JSON.stringify(style).match(/https?:\/\/[^"]+/g) ?? []
      expect(urls.length).toBeGreaterThan(0)
      for (const u of urls) expect(u.startsWith('https://kendali.magelangkota.go.id/api/basemap/')).toBe(true)
      expect(JSON.stringify(style)).toContain('"name:id"')
    }
    expect((await server.kendali.app.inject('/api/basemap/styles/sepia.json')).statusCode).toBe(400)
  })

  it('serves label glyphs for Latin and Latin Extended, an empty range for scripts not shipped', async () => {
    const latin = await server.kendali.app.inject('/api/basemap/fonts/Noto%20Sans%20Regular/0-255.pbf')
    expect(latin.statusCode).toBe(200)
    expect(latin.rawPayload.length).toBeGreaterThan(10_000)
    expect(latin.rawPayload.includes(Buffer.from('Noto Sans Regular'))).toBe(true)
    const cjk = await server.kendali.app.inject('/api/basemap/fonts/Noto%20Sans%20Regular/19968-20223.pbf')
    expect(cjk.statusCode).toBe(200)
    expect(cjk.rawPayload.length).toBe(0)
    expect((await server.kendali.app.inject('/api/basemap/fonts/Noto%20Sans%20Regular/1-256.pbf')).statusCode).toBe(404)
  })
})
