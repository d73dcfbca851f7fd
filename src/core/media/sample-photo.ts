import sharp from 'sharp'

/** A small generated picture in a format, with EXIF naming a camera as phones write it (for tests and the demo). */
export function samplePhoto(format: 'jpeg' | 'png' | 'webp' | 'gif' | 'tiff' = 'jpeg', width = 64, height = 48): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 120, b: 40 } } })
    .withExif({ IFD0: { Make: 'KendaliTestCam', Model: 'Secret-Model-9' } })
    .toFormat(format)
    .toBuffer()
}
