// QRIS: the EMVCo QR Code Specification for Payment Systems, Merchant-Presented Mode, as Bank Indonesia
// profiles it. A payload is a row of TLV fields (2-digit id, 2-digit length, value); templates nest TLVs.

/** CRC-16/CCITT-FALSE: polynomial 0x1021, initial 0xFFFF, no reflection, no final XOR; 4 upper-case hex digits. */
export function crc16(text: string): string {
  let crc = 0xffff
  for (const byte of Buffer.from(text, 'utf8')) {
    crc ^= byte << 8
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff
  }
  return crc.toString(16).toUpperCase().padStart(4, '0')
}

export interface Tlv {
  id: string
  value: string
  /** The nested fields of a template (26–51 merchant accounts, 62 additional data, 64 language). */
  fields?: Tlv[]
}

export class QrisError extends Error {}

const isTemplate = (id: string) => (Number(id) >= 26 && Number(id) <= 51) || id === '62' || id === '64'

function tlv(id: string, value: string): string {
  if (value.length > 99) throw new QrisError(`field ${id} is longer than 99 characters`)
  return `${id}${String(value.length).padStart(2, '0')}${value}`
}

/** Splits a row of TLVs; throws where the lengths break the row. */
export function parseTlv(text: string, nested = true): Tlv[] {
  const fields: Tlv[] = []
  let at = 0
  while (at < text.length) {
    const id = text.slice(at, at + 2)
    const lengthText = text.slice(at + 2, at + 4)
    if (!/^[0-9]{2}$/.test(id) || !/^[0-9]{2}$/.test(lengthText)) throw new QrisError(`no field id and length at position ${at}`)
    const length = Number(lengthText)
    const value = text.slice(at + 4, at + 4 + length)
    if (value.length !== length) throw new QrisError(`field ${id} at position ${at} runs past the end`)
    fields.push(nested && isTemplate(id) ? { id, value, fields: parseTlv(value, false) } : { id, value })
    at += 4 + length
  }
  return fields
}

export interface QrisMerchant {
  /** Reverse-domain GUID of the acquirer (tag 26.00), e.g. ID.CO.BANKJATENG.WWW. */
  acquirer: string
  /** Merchant PAN (26.01), 18 digits starting with the acquirer's 9360 national number. */
  pan: string
  merchantId: string
  /** The national merchant id (51.02), ID + 13 digits. */
  nmid: string
  mcc: string
  name: string
  city: string
  postalCode: string | null
  /** Terminal label (62.07). */
  terminal: string
}

/** A dynamic QRIS (point of initiation 12) for one bill: the amount (54) and the bill number (62.01). */
export function buildDynamicQris(merchant: QrisMerchant, amount: number, billNumber: string): string {
  if (!Number.isInteger(amount) || amount <= 0) throw new QrisError('the amount must be a whole number of rupiah above zero')
  const account = tlv('00', merchant.acquirer) + tlv('01', merchant.pan) + tlv('02', merchant.merchantId) + tlv('03', 'UMI')
  const national = tlv('00', 'ID.CO.QRIS.WWW') + tlv('02', merchant.nmid) + tlv('03', 'UMI')
  const body =
    tlv('00', '01') +
    tlv('01', '12') +
    tlv('26', account) +
    tlv('51', national) +
    tlv('52', merchant.mcc) +
    tlv('53', '360') +
    tlv('54', String(amount)) +
    tlv('58', 'ID') +
    tlv('59', merchant.name.slice(0, 25)) +
    tlv('60', merchant.city.slice(0, 15)) +
    (merchant.postalCode ? tlv('61', merchant.postalCode) : '') +
    tlv('62', tlv('01', billNumber) + tlv('07', merchant.terminal))
  const signed = `${body}6304`
  return signed + crc16(signed)
}

export interface ParsedQris {
  isDynamic: boolean
  merchantName: string
  city: string
  country: string
  currency: string
  amount: number | null
  billNumber: string | null
  terminal: string | null
  nmid: string | null
  fields: Tlv[]
}

const field = (fields: Tlv[], id: string) => fields.find((f) => f.id === id)

/**
 * Parses and verifies a merchant-presented payload: the TLV row, the CRC over everything up to and
 * including `6304`, the fields every payload must carry. Throws QrisError saying what is wrong.
 */
export function parseQris(payload: string): ParsedQris {
  const text = payload.trim()
  if (!/^[\x20-\x7e]+$/.test(text)) throw new QrisError('the payload holds characters outside printable ASCII')
  if (text.length < 12 || !text.startsWith('000201')) throw new QrisError('the payload does not start with format indicator 000201')
  const fields = parseTlv(text)
  const crc = fields[fields.length - 1]
  if (crc?.id !== '63' || crc.value.length !== 4) throw new QrisError('the payload does not end with a CRC field 63')
  const expected = crc16(text.slice(0, text.length - 4))
  if (crc.value.toUpperCase() !== expected) throw new QrisError(`the CRC is ${crc.value}, the payload's is ${expected}`)
  // Some national profiles (PromptPay) leave out merchant category, name and city; QRIS carries them all.
  const required = field(fields, '58')?.value === 'ID' ? ['52', '53', '59', '60'] : ['53', '58']
  for (const id of required) {
    if (!field(fields, id)) throw new QrisError(`the payload lacks field ${id}`)
  }
  const amountText = field(fields, '54')?.value ?? null
  if (amountText !== null && !/^[0-9]+(\.[0-9]{1,2})?$/.test(amountText)) throw new QrisError(`the amount ${amountText} is not a number`)
  const additional = field(fields, '62')?.fields ?? []
  const national = field(fields, '51')?.fields ?? []
  return {
    isDynamic: field(fields, '01')?.value === '12',
    merchantName: field(fields, '59')?.value ?? '',
    city: field(fields, '60')?.value ?? '',
    country: field(fields, '58')?.value ?? '',
    currency: field(fields, '53')?.value ?? '',
    amount: amountText === null ? null : Number(amountText),
    billNumber: field(additional, '01')?.value ?? null,
    terminal: field(additional, '07')?.value ?? null,
    nmid: field(national, '02')?.value ?? null,
    fields,
  }
}

/** The payload as a PNG QR code, sized for a phone screen or a printed bill. */
export async function qrisPng(payload: string): Promise<Buffer> {
  const { default: QRCode } = await import('qrcode')
  return QRCode.toBuffer(payload, { type: 'png', errorCorrectionLevel: 'M', margin: 4, width: 360 })
}
