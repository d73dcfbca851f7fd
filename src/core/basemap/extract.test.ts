import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PMTiles, zxyToTileId } from 'pmtiles'
import { describe, expect, it } from 'vitest'
import { basemapArchiveOf, MAGELANG_BASEMAP, mergeLayers, SEMARANG_BASEMAP } from '../../../test/support/basemap.ts'
import { FileRangeSource } from './archive.ts'
import { type Bbox, extractBasemap, tilesCovering, withMargin } from './extract.ts'

// Kota Magelang's boundaries (the demo city's bbox), and a "planet" of Magelang and Semarang, 60 km apart.
const MAGELANG: Bbox = [110.195, -7.52, 110.235, -7.44]
const planetDir = mkdtempSync(join(tmpdir(), 'kendali-planet-'))
const planet = join(planetDir, 'planet.pmtiles')
writeFileSync(planet, basemapArchiveOf(mergeLayers(MAGELANG_BASEMAP, SEMARANG_BASEMAP), 0, 14))

async function reader(path: string): Promise<PMTiles> {
  const { open } = await import('node:fs/promises')
  return new PMTiles(new FileRangeSource(path, await open(path, 'r')))
}

describe('cutting a city out of a basemap source', () => {
  it('keeps the tiles of the city and its margin, and leaves Semarang out', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'kendali-extract-')), '33.71.pmtiles')
    const area = withMargin(MAGELANG, 2)
    const result = await extractBasemap({ source: planet, bbox: area, out })
    const cut = await reader(out)
    const header = await cut.getHeader()
    expect([header.minZoom, header.maxZoom]).toEqual([0, 14])
    expect(header.minLon).toBeCloseTo(Math.max(area[0], 110.17), 5)
    expect(header.numAddressedTiles).toBe(result.tiles)
    // Every tile of the source inside the area is there, and nothing else.
    const source = await reader(planet)
    const inArea = tilesCovering(area, 0, 14).length
    expect(result.tiles).toBeLessThanOrEqual(inArea)
    expect(await cut.getZxy(14, 13208, 8533)).toBeDefined() // the alun-alun
    expect(await source.getZxy(14, 13217, 8510)).toBeDefined() // Semarang, in the planet…
    expect(await cut.getZxy(14, 13217, 8510)).toBeUndefined() // …not in the city's extract
    expect(tilesCovering(area, 14, 14)).toContain(zxyToTileId(14, 13208, 8533))
    expect(existsSync(`${out}.part`)).toBe(false)
  })

  it('resumes an interrupted extract from its journal without asking the source again for what it has', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'kendali-extract-')), '33.71.pmtiles')
    const interrupted = extractBasemap({
      source: planet,
      bbox: MAGELANG,
      out,
      concurrency: 1,
      onProgress: (p) => {
        if (p.tiles === 20) throw new Error('connection lost')
      },
    })
    await expect(interrupted).rejects.toThrow('connection lost')
    expect(existsSync(`${out}.part`)).toBe(true)
    expect(existsSync(out)).toBe(false)
    const progress: number[] = []
    const result = await extractBasemap({ source: planet, bbox: MAGELANG, out, onProgress: (p) => progress.push(p.tiles) })
    expect(result.resumed).toBe(20)
    expect(progress[0]).toBe(21)
    const header = await (await reader(out)).getHeader()
    expect(header.numAddressedTiles).toBe(result.tiles)
  })

  it('refuses an area the source does not cover', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'kendali-extract-')), 'x.pmtiles')
    await expect(extractBasemap({ source: planet, bbox: [100, 0, 101, 1], out })).rejects.toThrow('does not cover')
  })
})
