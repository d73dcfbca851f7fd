import { open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { PMTiles, type Source, tileIdToZxy, zxyToTileId } from 'pmtiles'
import { FileRangeSource } from './archive.ts'
import { type TileToWrite, writePmtiles } from './pmtiles-writer.ts'

export type Bbox = [number, number, number, number]

export interface ExtractProgress {
  tiles: number
  total: number
  bytes: number
}

export interface ExtractResult {
  /** Tiles with data written to the archive. */
  tiles: number
  /** Tiles already fetched by an earlier, interrupted run. */
  resumed: number
  bytes: number
  minZoom: number
  maxZoom: number
  bounds: Bbox
}

/** The bbox grown by `km` on every side. */
export function withMargin([w, s, e, n]: Bbox, km: number): Bbox {
  const dLat = km / 111.32
  const dLon = km / (111.32 * Math.cos((((s + n) / 2) * Math.PI) / 180))
  return [Math.max(-180, w - dLon), Math.max(-85, s - dLat), Math.min(180, e + dLon), Math.min(85, n + dLat)]
}

/** Every tile id of zooms `minZoom`…`maxZoom` that touches the bbox. */
export function tilesCovering([w, s, e, n]: Bbox, minZoom: number, maxZoom: number): number[] {
  const ids: number[] = []
  for (let z = minZoom; z <= maxZoom; z++) {
    const size = 2 ** z
    const x = (lon: number) => Math.min(size - 1, Math.floor(((lon + 180) / 360) * size))
    const y = (lat: number) => {
      const r = (lat * Math.PI) / 180
      return Math.min(size - 1, Math.max(0, Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * size)))
    }
    for (let tx = x(w); tx <= x(e); tx++) for (let ty = y(n); ty <= y(s); ty++) ids.push(zxyToTileId(z, tx, ty))
  }
  return ids
}

// The journal of an extract under way: one record per tile asked (id, length, MVT bytes; length 0: the source has
// none), appended as tiles arrive, so a run that stops resumes where it was.
const RECORD_HEAD = 12

async function readJournal(path: string): Promise<Map<number, Buffer>> {
  const done = new Map<number, Buffer>()
  const bytes = await readFile(path).catch(() => Buffer.alloc(0))
  let at = 0
  while (at + RECORD_HEAD <= bytes.length) {
    const id = Number(bytes.readBigUInt64LE(at))
    const length = bytes.readUInt32LE(at + 8)
    if (at + RECORD_HEAD + length > bytes.length) break // cut off mid-record by the interruption
    done.set(id, bytes.subarray(at + RECORD_HEAD, at + RECORD_HEAD + length))
    at += RECORD_HEAD + length
  }
  if (at < bytes.length) await writeFile(path, bytes.subarray(0, at))
  return done
}

function record(id: number, data: Uint8Array): Buffer {
  const head = Buffer.alloc(RECORD_HEAD)
  head.writeBigUInt64LE(BigInt(id), 0)
  head.writeUInt32LE(data.length, 8)
  return Buffer.concat([head, data])
}

async function openSource(source: string | Source): Promise<{ reader: PMTiles; close(): Promise<void> }> {
  if (typeof source !== 'string') return { reader: new PMTiles(source), close: async () => {} }
  if (/^https?:\/\//.test(source)) return { reader: new PMTiles(source), close: async () => {} }
  const handle = await open(source, 'r')
  return { reader: new PMTiles(new FileRangeSource(source, handle)), close: () => handle.close() }
}

/** Checks a written archive with the pmtiles reader: header, every tile through the directory, count and bbox. */
async function verify(path: string, expected: Map<number, Uint8Array>, bounds: Bbox): Promise<void> {
  const { reader, close } = await openSource(path)
  try {
    const h = await reader.getHeader()
    if (h.specVersion !== 3) throw new Error(`verification: spec version ${h.specVersion}`)
    if (h.numAddressedTiles !== expected.size) throw new Error(`verification: ${h.numAddressedTiles} tiles addressed, ${expected.size} expected`)
    const e7 = (v: number) => Math.round(v * 1e7)
    if ([h.minLon, h.minLat, h.maxLon, h.maxLat].some((v, i) => e7(v) !== e7(bounds[i] as number))) throw new Error('verification: bounds differ')
    for (const [id, data] of expected) {
      const [z, x, y] = tileIdToZxy(id)
      const tile = await reader.getZxy(z, x, y)
      if (!tile || !Buffer.from(tile.data).equals(data)) throw new Error(`verification: tile ${z}/${x}/${y} does not read back`)
    }
  } finally {
    await close()
  }
}

/**
 * Cuts the tiles touching `bbox` out of a PMTiles source (a URL read with range requests, or a file) into a new
 * archive at `out`: resumable through a journal beside it, written to a temporary file, verified, then put in
 * place, so the server never sees half an archive.
 */
export async function extractBasemap(opts: {
  source: string | Source
  bbox: Bbox
  out: string
  maxZoom?: number
  concurrency?: number
  onProgress?: (p: ExtractProgress) => void
}): Promise<ExtractResult> {
  const { reader, close } = await openSource(opts.source)
  const journalPath = `${opts.out}.part`
  try {
    const header = await reader.getHeader()
    const metadata = (await reader.getMetadata()) as Record<string, unknown>
    const [w, s, e, n] = opts.bbox
    const bounds: Bbox = [Math.max(w, header.minLon), Math.max(s, header.minLat), Math.min(e, header.maxLon), Math.min(n, header.maxLat)]
    if (bounds[0] >= bounds[2] || bounds[1] >= bounds[3]) throw new Error('the source does not cover this area')
    const maxZoom = Math.min(header.maxZoom, opts.maxZoom ?? header.maxZoom)
    const wanted = tilesCovering(bounds, header.minZoom, maxZoom)
    const done = await readJournal(journalPath)
    const resumed = wanted.filter((id) => done.has(id)).length
    const todo = wanted.filter((id) => !done.has(id))
    const journal = await open(journalPath, 'a')
    let bytes = [...done.values()].reduce((sum, b) => sum + b.length, 0)
    let count = done.size
    try {
      let next = 0
      const worker = async () => {
        while (next < todo.length) {
          const id = todo[next++] as number
          const [z, x, y] = tileIdToZxy(id)
          const tile = await reader.getZxy(z, x, y)
          const data = tile ? new Uint8Array(tile.data) : new Uint8Array(0)
          await journal.write(record(id, data))
          done.set(id, Buffer.from(data))
          bytes += data.length
          count += 1
          opts.onProgress?.({ tiles: count, total: wanted.length, bytes })
        }
      }
      await Promise.all(Array.from({ length: opts.concurrency ?? 8 }, worker))
    } finally {
      await journal.close()
    }
    const present = new Map(wanted.filter((id) => (done.get(id)?.length ?? 0) > 0).map((id) => [id, done.get(id) as Buffer]))
    if (present.size === 0) throw new Error('the source has no tiles in this area')
    const tiles: TileToWrite[] = [...present].map(([id, data]) => {
      const [z, x, y] = tileIdToZxy(id)
      return { z, x, y, data }
    })
    const zooms = tiles.map((t) => t.z)
    const temporary = `${opts.out}.tmp`
    await writeFile(temporary, writePmtiles(tiles, { bounds, metadata: { ...metadata, 'kendali:extract': { bbox: bounds } } }))
    await verify(temporary, present, bounds)
    await rename(temporary, opts.out)
    await rm(journalPath, { force: true })
    return { tiles: present.size, resumed, bytes: (await stat(opts.out)).size, minZoom: Math.min(...zooms), maxZoom: Math.max(...zooms), bounds }
  } finally {
    await close()
  }
}
