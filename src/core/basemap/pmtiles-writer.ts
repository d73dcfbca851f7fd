import { gzipSync } from 'node:zlib'
import { Compression, TileType, zxyToTileId } from 'pmtiles'

/** One tile of an archive to write: its address and its MVT bytes, uncompressed. */
export interface TileToWrite {
  z: number
  x: number
  y: number
  data: Uint8Array
}

export interface ArchiveDescription {
  /** [west, south, east, north] in degrees. */
  bounds: [number, number, number, number]
  /** The archive's JSON metadata (vector_layers, attribution…). */
  metadata: Record<string, unknown>
}

const HEADER_BYTES = 127
// Readers fetch the first 16 KiB in one request: header and root directory must fit in it.
const ROOT_LIMIT = 16_384 - HEADER_BYTES

interface DirectoryEntry {
  tileId: number
  offset: number
  length: number
  runLength: number
}

function varint(out: number[], value: number): void {
  let v = value
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80)
    v = Math.floor(v / 0x80)
  }
  out.push(v)
}

/** A PMTiles v3 directory: counts, then delta tile ids, run lengths, lengths and offsets as columns, gzipped. */
function directoryBytes(entries: DirectoryEntry[]): Buffer {
  const out: number[] = []
  varint(out, entries.length)
  let last = 0
  for (const e of entries) {
    varint(out, e.tileId - last)
    last = e.tileId
  }
  for (const e of entries) varint(out, e.runLength)
  for (const e of entries) varint(out, e.length)
  entries.forEach((e, i) => {
    const previous = entries[i - 1]
    varint(out, i > 0 && previous && e.offset === previous.offset + previous.length ? 0 : e.offset + 1)
  })
  return gzipSync(Uint8Array.from(out))
}

/** Root and leaf directories: everything in the root when it fits, else leaves of growing size. */
function directories(entries: DirectoryEntry[]): { root: Buffer; leaves: Buffer } {
  const root = directoryBytes(entries)
  if (root.length <= ROOT_LIMIT) return { root, leaves: Buffer.alloc(0) }
  for (let leafSize = 4096; ; leafSize *= 2) {
    const rootEntries: DirectoryEntry[] = []
    const leafParts: Buffer[] = []
    let offset = 0
    for (let i = 0; i < entries.length; i += leafSize) {
      const leaf = directoryBytes(entries.slice(i, i + leafSize))
      const first = entries[i] as DirectoryEntry
      rootEntries.push({ tileId: first.tileId, offset, length: leaf.length, runLength: 0 })
      leafParts.push(leaf)
      offset += leaf.length
    }
    const candidate = directoryBytes(rootEntries)
    if (candidate.length <= ROOT_LIMIT) return { root: candidate, leaves: Buffer.concat(leafParts) }
  }
}

function header(fields: {
  rootOffset: number
  rootLength: number
  metadataOffset: number
  metadataLength: number
  leafOffset: number
  leafLength: number
  dataOffset: number
  dataLength: number
  addressed: number
  entries: number
  contents: number
  minZoom: number
  maxZoom: number
  bounds: [number, number, number, number]
}): Buffer {
  const b = Buffer.alloc(HEADER_BYTES)
  b.write('PMTiles', 0, 'latin1')
  b.writeUInt8(3, 7)
  const u64 = [
    fields.rootOffset,
    fields.rootLength,
    fields.metadataOffset,
    fields.metadataLength,
    fields.leafOffset,
    fields.leafLength,
    fields.dataOffset,
    fields.dataLength,
    fields.addressed,
    fields.entries,
    fields.contents,
  ]
  u64.forEach((v, i) => {
    b.writeBigUInt64LE(BigInt(v), 8 + i * 8)
  })
  b.writeUInt8(1, 96) // clustered: tile data in tile id order
  b.writeUInt8(Compression.Gzip, 97)
  b.writeUInt8(Compression.Gzip, 98)
  b.writeUInt8(TileType.Mvt, 99)
  b.writeUInt8(fields.minZoom, 100)
  b.writeUInt8(fields.maxZoom, 101)
  const [west, south, east, north] = fields.bounds
  const e7 = (deg: number) => Math.round(deg * 1e7)
  b.writeInt32LE(e7(west), 102)
  b.writeInt32LE(e7(south), 106)
  b.writeInt32LE(e7(east), 110)
  b.writeInt32LE(e7(north), 114)
  b.writeUInt8(fields.minZoom, 118)
  b.writeInt32LE(e7((west + east) / 2), 119)
  b.writeInt32LE(e7((south + north) / 2), 123)
  return b
}

/**
 * A PMTiles v3 archive (gzip tiles and directories, clustered) of vector tiles. Identical tiles are stored once
 * and consecutive repeats become one run, as the format intends for seas and empty land.
 */
export function writePmtiles(tiles: Iterable<TileToWrite>, description: ArchiveDescription): Buffer {
  const byId = new Map<number, Uint8Array>()
  let minZoom = 255
  let maxZoom = 0
  for (const t of tiles) {
    byId.set(zxyToTileId(t.z, t.x, t.y), t.data)
    minZoom = Math.min(minZoom, t.z)
    maxZoom = Math.max(maxZoom, t.z)
  }
  if (byId.size === 0) throw new Error('an archive needs at least one tile')
  const entries: DirectoryEntry[] = []
  const parts: Buffer[] = []
  const stored = new Map<string, { offset: number; length: number }>()
  let dataLength = 0
  for (const id of [...byId.keys()].sort((a, b) => a - b)) {
    const compressed = gzipSync(byId.get(id) as Uint8Array)
    const key = compressed.toString('base64')
    let place = stored.get(key)
    if (!place) {
      place = { offset: dataLength, length: compressed.length }
      stored.set(key, place)
      parts.push(compressed)
      dataLength += compressed.length
    }
    const last = entries.at(-1)
    if (last && last.offset === place.offset && last.tileId + last.runLength === id) last.runLength += 1
    else entries.push({ tileId: id, offset: place.offset, length: place.length, runLength: 1 })
  }
  const { root, leaves } = directories(entries)
  const metadata = gzipSync(JSON.stringify(description.metadata))
  const rootOffset = HEADER_BYTES
  const metadataOffset = rootOffset + root.length
  const leafOffset = metadataOffset + metadata.length
  const dataOffset = leafOffset + leaves.length
  const head = header({
    rootOffset,
    rootLength: root.length,
    metadataOffset,
    metadataLength: metadata.length,
    leafOffset,
    leafLength: leaves.length,
    dataOffset,
    dataLength,
    addressed: byId.size,
    entries: entries.length,
    contents: parts.length,
    minZoom,
    maxZoom,
    bounds: description.bounds,
  })
  return Buffer.concat([head, root, metadata, leaves, ...parts])
}
