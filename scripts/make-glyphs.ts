/**
 * Makes the map's label glyphs: signed-distance-field PBF ranges (the MapLibre glyph format) of Noto Sans, from the
 * @fontsource/noto-sans package, into src/core/basemap/fonts/. The output is committed, so an install needs neither
 * this script nor the font package; run it again to add ranges: `npx tsx scripts/make-glyphs.ts`.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { create, type Font, type Glyph } from 'fontkit'
import { FONTSTACK, GLYPH_RANGES } from '../src/core/basemap/glyphs.ts'

const SIZE = 24 // MapLibre's glyph em size in pixels
const BUFFER = 3 // pixels of field around each glyph
const RADIUS = 8 // pixels over which the field falls from inside to outside
const CUTOFF = 0.25 // the edge sits at 192/255
// Server glyph tops are measured from an origin above the em box; MapLibre aligns its own glyphs 27.5 px below.
const TOP_ORIGIN = 26

type Point = [number, number]
type Segment = [Point, Point]

/** The glyph outline as straight segments in pixels, y up, curves flattened. */
function outline(glyph: Glyph, scale: number): Segment[] {
  const segments: Segment[] = []
  let start: Point = [0, 0]
  let at: Point = [0, 0]
  const lineTo = (p: Point) => {
    segments.push([at, p])
    at = p
  }
  const steps = 8
  for (const { command, args } of glyph.path.commands) {
    const pts: Point[] = []
    for (let i = 0; i < args.length; i += 2) pts.push([(args[i] as number) * scale, (args[i + 1] as number) * scale])
    if (command === 'moveTo') {
      if (at !== start) lineTo(start)
      start = pts[0] as Point
      at = start
    } else if (command === 'lineTo') lineTo(pts[0] as Point)
    else if (command === 'quadraticCurveTo') {
      const [c, p] = pts as [Point, Point]
      const from = at
      for (let s = 1; s <= steps; s++) {
        const t = s / steps
        const u = 1 - t
        lineTo([u * u * from[0] + 2 * u * t * c[0] + t * t * p[0], u * u * from[1] + 2 * u * t * c[1] + t * t * p[1]])
      }
    } else if (command === 'bezierCurveTo') {
      const [c1, c2, p] = pts as [Point, Point, Point]
      const from = at
      for (let s = 1; s <= steps; s++) {
        const t = s / steps
        const u = 1 - t
        const x = u * u * u * from[0] + 3 * u * u * t * c1[0] + 3 * u * t * t * c2[0] + t * t * t * p[0]
        const y = u * u * u * from[1] + 3 * u * u * t * c1[1] + 3 * u * t * t * c2[1] + t * t * t * p[1]
        lineTo([x, y])
      }
    } else if (command === 'closePath') {
      lineTo(start)
    }
  }
  if (at[0] !== start[0] || at[1] !== start[1]) lineTo(start)
  return segments
}

function distanceToSegment(px: number, py: number, [[ax, ay], [bx, by]]: Segment): number {
  const dx = bx - ax
  const dy = by - ay
  const lengthSq = dx * dx + dy * dy
  const t = lengthSq === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / lengthSq))
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy))
}

/** Non-zero winding: the rule TrueType outlines are filled by. */
function isInside(px: number, py: number, segments: Segment[]): boolean {
  let winding = 0
  for (const [[ax, ay], [bx, by]] of segments) {
    if (ay <= py) {
      if (by > py && (bx - ax) * (py - ay) - (px - ax) * (by - ay) > 0) winding++
    } else if (by <= py && (bx - ax) * (py - ay) - (px - ax) * (by - ay) < 0) winding--
  }
  return winding !== 0
}

interface GlyphRecord {
  id: number
  bitmap: Uint8Array | null
  width: number
  height: number
  left: number
  top: number
  advance: number
}

function sdfGlyph(font: Font, codePoint: number): GlyphRecord {
  const glyph = font.glyphForCodePoint(codePoint)
  const scale = SIZE / font.unitsPerEm
  const advance = Math.round(glyph.advanceWidth * scale)
  const segments = outline(glyph, scale)
  if (segments.length === 0) return { id: codePoint, bitmap: null, width: 0, height: 0, left: 0, top: -TOP_ORIGIN, advance }
  const xs = segments.flatMap(([a, b]) => [a[0], b[0]])
  const ys = segments.flatMap(([a, b]) => [a[1], b[1]])
  const left = Math.floor(Math.min(...xs))
  const top = Math.ceil(Math.max(...ys))
  const width = Math.ceil(Math.max(...xs)) - left
  const height = top - Math.floor(Math.min(...ys))
  const w = width + 2 * BUFFER
  const h = height + 2 * BUFFER
  const bitmap = new Uint8Array(w * h)
  for (let row = 0; row < h; row++) {
    for (let col = 0; col < w; col++) {
      const x = left - BUFFER + col + 0.5
      const y = top + BUFFER - row - 0.5
      let d = Number.POSITIVE_INFINITY
      for (const s of segments) d = Math.min(d, distanceToSegment(x, y, s))
      const signed = isInside(x, y, segments) ? -d : d
      bitmap[row * w + col] = Math.max(0, Math.min(255, Math.round(255 - 255 * (signed / RADIUS + CUTOFF))))
    }
  }
  return { id: codePoint, bitmap, width, height, left, top: top - TOP_ORIGIN, advance }
}

// Protocol buffers by hand: the glyph format is three small messages (glyphs.proto of MapLibre).
function varint(out: number[], value: number): void {
  let v = value >>> 0
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80)
    v >>>= 7
  }
  out.push(v)
}
const zigzag = (n: number) => (n << 1) ^ (n >> 31)
function field(out: number[], no: number, wire: number): void {
  varint(out, (no << 3) | wire)
}
function bytesField(out: number[], no: number, bytes: ArrayLike<number>): void {
  field(out, no, 2)
  varint(out, bytes.length)
  for (let i = 0; i < bytes.length; i++) out.push(bytes[i] as number)
}

function encodeGlyph(g: GlyphRecord): number[] {
  const out: number[] = []
  field(out, 1, 0)
  varint(out, g.id)
  if (g.bitmap) bytesField(out, 2, g.bitmap)
  for (const [no, value, signed] of [
    [3, g.width, false],
    [4, g.height, false],
    [5, g.left, true],
    [6, g.top, true],
    [7, g.advance, false],
  ] as const) {
    field(out, no, 0)
    varint(out, signed ? zigzag(value) : value)
  }
  return out
}

function encodeRange(name: string, range: string, glyphs: GlyphRecord[]): Buffer {
  const stack: number[] = []
  bytesField(stack, 1, Buffer.from(name))
  bytesField(stack, 2, Buffer.from(range))
  for (const g of glyphs) bytesField(stack, 3, encodeGlyph(g))
  const out: number[] = []
  bytesField(out, 1, stack)
  return Buffer.from(out)
}

const require = createRequire(import.meta.url)
const files = join(dirname(require.resolve('@fontsource/noto-sans/package.json')), 'files')
// Fontsource splits Noto Sans by script; Indonesian needs Latin and Latin Extended.
const fonts = ['latin', 'latin-ext'].map((subset) => create(readFileSync(join(files, `noto-sans-${subset}-400-normal.woff`))) as Font)
const outDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'core', 'basemap', 'fonts', FONTSTACK)
mkdirSync(outDir, { recursive: true })
for (const start of GLYPH_RANGES) {
  const glyphs: GlyphRecord[] = []
  for (let cp = start; cp <= start + 255; cp++) {
    const font = fonts.find((f) => f.hasGlyphForCodePoint(cp))
    if (font) glyphs.push(sdfGlyph(font, cp))
  }
  const range = `${start}-${start + 255}`
  writeFileSync(join(outDir, `${range}.pbf`), encodeRange(FONTSTACK, range, glyphs))
  console.log(`${FONTSTACK} ${range}: ${glyphs.length} glyphs`)
}
