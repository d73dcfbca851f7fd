import { promisify } from 'node:util'
import { inflateRaw, type ZlibOptions } from 'node:zlib'
import { DomainError, Invalid } from '../../core/errors.ts'
import { TooManyRows } from '../../core/imports.ts'

const inflate = promisify<Buffer, ZlibOptions, Buffer>(inflateRaw)

/** Most bytes the parts of an XLSX workbook may unpack to: spreadsheet parsers hold all of it, several times over, in memory. */
export const MAX_UNPACKED_BYTES = 64 * 1024 * 1024

export class WorkbookTooLarge extends DomainError {
  constructor() {
    super('payload_too_large', `A workbook may unpack to at most ${MAX_UNPACKED_BYTES / 1024 / 1024} MB`, {
      field: 'file',
      maxUnpackedBytes: MAX_UNPACKED_BYTES,
    })
  }
}

interface Entry {
  name: string
  method: number
  compressedSize: number
  size: number
  localOffset: number
}

const unreadable = () => new Invalid('The file is not a readable XLSX workbook', { field: 'file' })

/** The entries an XLSX (a zip) lists in its central directory, as spreadsheet parsers read them. */
function entriesOf(zip: Buffer): Entry[] {
  // The end-of-central-directory record sits in the last 22 bytes plus a comment of up to 64 KB.
  let end = -1
  for (let at = zip.length - 22; at >= Math.max(0, zip.length - 22 - 0xffff); at--) {
    if (zip.readUInt32LE(at) === 0x06054b50) {
      end = at
      break
    }
  }
  if (end < 0) throw unreadable()
  const count = zip.readUInt16LE(end + 10)
  const directoryOffset = zip.readUInt32LE(end + 16)
  // Zip64 marks its sizes 0xFFFF…: a workbook needing them is far beyond any limit here.
  if (count === 0xffff || directoryOffset === 0xffffffff) throw new WorkbookTooLarge()
  const entries: Entry[] = []
  let at = directoryOffset
  for (let i = 0; i < count; i++) {
    if (at + 46 > zip.length || zip.readUInt32LE(at) !== 0x02014b50) throw unreadable()
    const nameLength = zip.readUInt16LE(at + 28)
    entries.push({
      method: zip.readUInt16LE(at + 10),
      compressedSize: zip.readUInt32LE(at + 20),
      size: zip.readUInt32LE(at + 24),
      localOffset: zip.readUInt32LE(at + 42),
      name: zip.toString('utf8', at + 46, at + 46 + nameLength),
    })
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32)
  }
  return entries
}

/** An entry's bytes unpacked, refused as soon as they outgrow what the directory declared. */
async function unpack(zip: Buffer, entry: Entry): Promise<Buffer> {
  const local = entry.localOffset
  if (local + 30 > zip.length || zip.readUInt32LE(local) !== 0x04034b50) throw unreadable()
  const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28)
  const packed = zip.subarray(start, start + entry.compressedSize)
  if (entry.method === 0) {
    if (packed.length !== entry.size) throw unreadable()
    return packed
  }
  if (entry.method !== 8) throw unreadable()
  try {
    return await inflate(packed, { maxOutputLength: Math.max(1, entry.size) })
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw new WorkbookTooLarge()
    throw unreadable()
  }
}

const SHEET = /^xl\/worksheets\/[^/]+\.xml$/

function countOf(haystack: Buffer, needle: string): number {
  let n = 0
  for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + needle.length)) n++
  return n
}

/**
 * Checks an XLSX before any parser opens it (zip bombs): the sizes its directory declares add up to at most
 * MAX_UNPACKED_BYTES, each part unpacks (off the main thread) to no more than declared, and its sheets hold
 * at most `maxRows` rows.
 */
export async function checkWorkbook(zip: Buffer, maxRows: number): Promise<void> {
  const entries = entriesOf(zip)
  if (entries.reduce((sum, e) => sum + e.size, 0) > MAX_UNPACKED_BYTES) throw new WorkbookTooLarge()
  let rows = 0
  for (const entry of entries) {
    const bytes = await unpack(zip, entry)
    // Each sheet's header row is not a data row.
    if (SHEET.test(entry.name)) rows += Math.max(0, countOf(bytes, '<row ') + countOf(bytes, '<row>') - 1)
  }
  if (rows > maxRows) throw new TooManyRows(maxRows, 'file')
}
