import { readFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The one font of the map's labels, as styles name it. */
export const FONTSTACK = 'Noto Sans Regular'

/**
 * Glyph ranges made by scripts/make-glyphs.ts: Basic Latin and Latin-1, Latin Extended A and B, and the
 * punctuation block (dashes, quotes) — what Indonesian and the names on an Indonesian map use.
 */
export const GLYPH_RANGES = [0, 256, 512, 8192] as const

const FONTS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'fonts')

/**
 * The SDF glyphs of one 256-code-point range; an empty message (no glyphs) for a range the font does not cover,
 * so a label with a rare character still draws the rest.
 */
export async function glyphRange(start: number): Promise<Buffer> {
  if (!(GLYPH_RANGES as readonly number[]).includes(start)) return Buffer.alloc(0)
  return readFile(join(FONTS_DIR, FONTSTACK, `${start}-${start + 255}.pbf`))
}
