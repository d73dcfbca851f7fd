import sharp from 'sharp'
import { DomainError, Invalid } from '../errors.ts'

// Photos arrive from phones: JPEG, PNG or WebP only, each at most 8 MB, at most 3 per report. Every photo
// is decoded and re-encoded (auto-rotated, at most 1600 px, JPEG), which drops EXIF (GPS, device) and any
// payload hidden in the file; what cannot be decoded is refused.

export const MAX_PHOTO_BYTES = 8 * 1024 * 1024
export const MAX_PHOTOS_PER_REPORT = 3
const MAX_EDGE = 1600
const MAX_INPUT_PIXELS = 50_000_000
const ACCEPTED = new Set(['jpeg', 'png', 'webp'])

export interface EncodedPhoto {
  mime: 'image/jpeg'
  width: number
  height: number
  bytes: Buffer
}

export class PhotoTooLarge extends DomainError {
  constructor() {
    super('payload_too_large', `A photo may be at most ${MAX_PHOTO_BYTES / 1024 / 1024} MB`, { field: 'photo' })
  }
}

/** Checks that the bytes are a JPEG, PNG or WebP picture and re-encodes it without metadata. */
export async function reencodePhoto(input: Buffer): Promise<EncodedPhoto> {
  if (input.length > MAX_PHOTO_BYTES) throw new PhotoTooLarge()
  let format: string | undefined
  try {
    format = (await sharp(input, { limitInputPixels: MAX_INPUT_PIXELS }).metadata()).format
  } catch {
    throw new Invalid('The photo is not a picture Kendali can read (send JPEG, PNG or WebP)', { field: 'photo' })
  }
  if (!format || !ACCEPTED.has(format)) throw new Invalid(`Photos must be JPEG, PNG or WebP, not ${format ?? 'unknown'}`, { field: 'photo' })
  try {
    const { data, info } = await sharp(input, { limitInputPixels: MAX_INPUT_PIXELS })
      .rotate()
      .resize({ width: MAX_EDGE, height: MAX_EDGE, fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: 80, mozjpeg: true })
      .toBuffer({ resolveWithObject: true })
    return { mime: 'image/jpeg', width: info.width, height: info.height, bytes: data }
  } catch {
    throw new Invalid('The photo is damaged and cannot be read', { field: 'photo' })
  }
}
