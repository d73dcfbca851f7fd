import { basename, extname } from 'node:path'
import { DomainError, Invalid } from '../../core/errors.ts'
import { MAX_PHOTO_BYTES, reencodePhoto } from '../../core/media/photos.ts'

// Attachments are PDFs (documents of a policy, an invitation) or pictures. What the file is comes from its
// first bytes, never from its name or the Content-Type the browser sent. Pictures are re-encoded by the
// reports module's photo pipeline (metadata such as GPS dropped); PDFs are stored as sent, size-limited,
// and always downloaded, never shown inline.

export const MAX_PDF_BYTES = 10 * 1024 * 1024
export const MAX_ATTACHMENT_BYTES = Math.max(MAX_PDF_BYTES, MAX_PHOTO_BYTES)
export const MAX_ATTACHMENTS_PER_POST = 10

export interface AcceptedAttachment {
  name: string
  mime: 'application/pdf' | 'image/jpeg'
  bytes: Buffer
}

export class AttachmentTooLarge extends DomainError {
  constructor(what: string, max: number) {
    super('payload_too_large', `${what} may be at most ${max / 1024 / 1024} MB`, { field: 'file' })
  }
}

const startsWith = (bytes: Buffer, magic: number[], at = 0) => magic.every((b, i) => bytes[at + i] === b)
const PDF = [0x25, 0x50, 0x44, 0x46, 0x2d] // %PDF-
const isPicture = (b: Buffer) =>
  startsWith(b, [0xff, 0xd8, 0xff]) ||
  startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) ||
  (startsWith(b, [0x52, 0x49, 0x46, 0x46]) && startsWith(b, [0x57, 0x45, 0x42, 0x50], 8))

/** A file name safe to show and to send back in Content-Disposition, with the extension of what is stored. */
export function cleanName(name: string, extension: '.pdf' | '.jpg'): string {
  const stem = basename(name.replaceAll('\\', '/'), extname(name))
    .replace(/[\p{Cc}"<>/\\|?*:]/gu, '')
    .trim()
    .slice(0, 100)
  return `${stem || 'lampiran'}${extension}`
}

/** Checks an uploaded file by its bytes and returns what to store: the PDF as sent, or the picture re-encoded. */
export async function acceptAttachment(name: string, bytes: Buffer): Promise<AcceptedAttachment> {
  if (startsWith(bytes, PDF)) {
    if (bytes.length > MAX_PDF_BYTES) throw new AttachmentTooLarge('A PDF', MAX_PDF_BYTES)
    return { name: cleanName(name, '.pdf'), mime: 'application/pdf', bytes }
  }
  if (isPicture(bytes)) {
    if (bytes.length > MAX_PHOTO_BYTES) throw new AttachmentTooLarge('A picture', MAX_PHOTO_BYTES)
    const photo = await reencodePhoto(bytes)
    return { name: cleanName(name, '.jpg'), mime: photo.mime, bytes: photo.bytes }
  }
  throw new Invalid('Attachments must be PDF, JPEG, PNG or WebP files', { field: 'file' })
}
