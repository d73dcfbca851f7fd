import { type FileHandle, open, readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { type Header, PMTiles, type RangeResponse, type Source } from 'pmtiles'

/** Reads byte ranges of a PMTiles file on disk, for the pmtiles reader. */
export class FileRangeSource implements Source {
  constructor(
    private readonly path: string,
    private readonly handle: FileHandle,
  ) {}
  getKey(): string {
    return this.path
  }
  async getBytes(offset: number, length: number): Promise<RangeResponse> {
    const buffer = Buffer.alloc(length)
    const { bytesRead } = await this.handle.read(buffer, 0, length, offset)
    return { data: buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + bytesRead) as ArrayBuffer }
  }
}

/** One PMTiles archive in the basemap folder. */
export interface BasemapArchive {
  name: string
  path: string
  size: number
  /** Changes whenever the file is replaced, e.g. by a new extract. */
  etag: string
  header: Header
  reader: PMTiles
}

export interface BasemapSummary {
  bounds: [number, number, number, number]
  minZoom: number
  maxZoom: number
}

/** Kept open between requests; reopened when the file on disk changes. */
const opened = new Map<string, { archive: BasemapArchive; handle: FileHandle }>()

async function openArchive(dir: string, name: string): Promise<BasemapArchive | null> {
  const path = join(dir, name)
  const info = await stat(path).catch(() => null)
  if (!info?.isFile()) return null
  const etag = `"${info.size.toString(36)}-${Math.floor(info.mtimeMs).toString(36)}"`
  const known = opened.get(path)
  if (known?.archive.etag === etag) return known.archive
  if (known) {
    opened.delete(path)
    await known.handle.close()
  }
  const handle = await open(path, 'r')
  const reader = new PMTiles(new FileRangeSource(path, handle))
  const header = await reader.getHeader().catch(async (err: unknown) => {
    await handle.close()
    throw new Error(`${path} is not a PMTiles v3 archive: ${(err as Error).message}`)
  })
  const archive = { name, path, size: info.size, etag, header, reader }
  opened.set(path, { archive, handle })
  return archive
}

/** The archives of the basemap folder, by name; none when the folder is missing. */
export async function basemapArchives(dir: string): Promise<BasemapArchive[]> {
  const names = await readdir(dir).catch(() => [] as string[])
  const archives = await Promise.all(
    names
      .filter((n) => n.endsWith('.pmtiles'))
      .sort()
      .map((n) => openArchive(dir, n)),
  )
  return archives.filter((a): a is BasemapArchive => a !== null)
}

/** One archive by file name, or null. */
export async function basemapArchive(dir: string, name: string): Promise<BasemapArchive | null> {
  return name.endsWith('.pmtiles') ? openArchive(dir, name) : null
}

/** The area and zooms all archives cover together, or null without any. */
export function summarize(archives: BasemapArchive[]): BasemapSummary | null {
  if (archives.length === 0) return null
  const hs = archives.map((a) => a.header)
  return {
    bounds: [
      Math.min(...hs.map((h) => h.minLon)),
      Math.min(...hs.map((h) => h.minLat)),
      Math.max(...hs.map((h) => h.maxLon)),
      Math.max(...hs.map((h) => h.maxLat)),
    ],
    minZoom: Math.min(...hs.map((h) => h.minZoom)),
    maxZoom: Math.max(...hs.map((h) => h.maxZoom)),
  }
}

function tileBounds(z: number, x: number, y: number): [number, number, number, number] {
  const n = 2 ** z
  const lon = (i: number) => (i / n) * 360 - 180
  const lat = (j: number) => (Math.atan(Math.sinh(Math.PI * (1 - (2 * j) / n))) * 180) / Math.PI
  return [lon(x), lat(y + 1), lon(x + 1), lat(y)]
}

/**
 * A tile (MVT, uncompressed) from the first archive that holds it. Archives are cut along whole tiles from one
 * source, so a tile two neighbouring cities' archives both hold is the same tile: the folder reads as one map.
 */
export async function findTile(archives: BasemapArchive[], z: number, x: number, y: number): Promise<{ data: Uint8Array; archive: BasemapArchive } | null> {
  const [west, south, east, north] = tileBounds(z, x, y)
  for (const archive of archives) {
    const h = archive.header
    if (z < h.minZoom || z > h.maxZoom) continue
    if (west > h.maxLon || east < h.minLon || south > h.maxLat || north < h.minLat) continue
    const tile = await archive.reader.getZxy(z, x, y)
    if (tile) return { data: new Uint8Array(tile.data), archive }
  }
  return null
}
