import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { MAX_PHOTO_BYTES } from '../../core/media/photos.ts'
import { samplePhoto } from '../../core/media/sample-photo.ts'
import { acceptAttachment, cleanName, MAX_PDF_BYTES } from './attachments.ts'

const PDF = readFileSync(new URL('../../../test/fixtures/posts/surat-edaran.pdf', import.meta.url))

describe('attachment checks', () => {
  it('tells a PDF by its first bytes and keeps it as sent', async () => {
    const accepted = await acceptAttachment('SE-Wali-Kota.PDF', PDF)
    expect(accepted).toMatchObject({ mime: 'application/pdf', name: 'SE-Wali-Kota.pdf' })
    expect(accepted.bytes.equals(PDF)).toBe(true)
  })

  it('re-encodes a picture as JPEG whatever its name says', async () => {
    const accepted = await acceptAttachment('foto.pdf', await samplePhoto('webp'))
    expect(accepted).toMatchObject({ mime: 'image/jpeg', name: 'foto.jpg' })
    expect(accepted.bytes.includes(Buffer.from('Secret-Model-9'))).toBe(false)
  })

  it('refuses what is neither, and PDFs or pictures over their limits', async () => {
    await expect(acceptAttachment('a.pdf', Buffer.from('PK\u0003\u0004'))).rejects.toMatchObject({ code: 'invalid' })
    await expect(acceptAttachment('a.pdf', Buffer.alloc(0))).rejects.toMatchObject({ code: 'invalid' })
    await expect(acceptAttachment('a.pdf', Buffer.concat([PDF, Buffer.alloc(MAX_PDF_BYTES)]))).rejects.toMatchObject({ code: 'payload_too_large' })
    const bigPicture = Buffer.concat([await samplePhoto('jpeg'), Buffer.alloc(MAX_PHOTO_BYTES)])
    await expect(acceptAttachment('a.jpg', bigPicture)).rejects.toMatchObject({ code: 'payload_too_large' })
  })

  it('keeps file names to a safe stem with the stored extension', () => {
    expect(cleanName('C:\\Users\\opd\\Undangan "Rapat".docx.pdf', '.pdf')).toBe('Undangan Rapat.docx.pdf')
    expect(cleanName('../../etc/passwd', '.pdf')).toBe('passwd.pdf')
    expect(cleanName('\u0000', '.jpg')).toBe('lampiran.jpg')
  })
})
