import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { MAX_PHOTO_BYTES, reencodePhoto } from './photos.ts'
import { samplePhoto } from './sample-photo.ts'

describe('photo re-encoding', () => {
  it('re-encodes JPEG, PNG and WebP as JPEG and strips EXIF', async () => {
    for (const format of ['jpeg', 'png', 'webp'] as const) {
      const input = await samplePhoto(format)
      if (format === 'jpeg') expect(input.includes(Buffer.from('Secret-Model-9'))).toBe(true)
      const out = await reencodePhoto(input)
      expect(out).toMatchObject({ mime: 'image/jpeg', width: 64, height: 48 })
      const meta = await sharp(out.bytes).metadata()
      expect(meta.format).toBe('jpeg')
      expect(meta.exif).toBeUndefined()
      expect(out.bytes.includes(Buffer.from('Secret-Model-9'))).toBe(false)
    }
  })

  it('shrinks big pictures to at most 1600 px', async () => {
    const out = await reencodePhoto(await samplePhoto('png', 3200, 1000))
    expect([out.width, out.height]).toEqual([1600, 500])
  })

  it('refuses GIF, TIFF, text and oversized files with a clear error', async () => {
    for (const format of ['gif', 'tiff'] as const) {
      await expect(reencodePhoto(await samplePhoto(format))).rejects.toMatchObject({ code: 'invalid', message: expect.stringContaining(format) })
    }
    await expect(reencodePhoto(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).rejects.toMatchObject({ code: 'invalid' })
    await expect(reencodePhoto(Buffer.from('not a picture at all'))).rejects.toMatchObject({ code: 'invalid' })
    await expect(reencodePhoto(Buffer.alloc(MAX_PHOTO_BYTES + 1))).rejects.toMatchObject({ code: 'payload_too_large' })
  })
})
