import { readFileSync } from 'node:fs'
import jsqr from 'jsqr'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { buildDynamicQris, crc16, parseQris, QrisError, qrisPng } from './qris.ts'

// Vectors from ../shared/data/qris/vectors.md, copied with their sources into the fixtures.
const vectors = readFileSync(new URL('../../../test/fixtures/levies/qris-vectors.md', import.meta.url), 'utf8')
const payloads = [...vectors.matchAll(/`(000201[^`]+)`/g)].map((m) => m[1])
const find = (ending: string) => {
  const found = payloads.find((p) => p.endsWith(ending))
  if (!found) throw new Error(`no vector ending ${ending}`)
  return found
}
const CAMBODIA = find('1FF2')
const PROMPTPAY = find('9B3B')
const STATIC = find('BD2B')
const DYNAMIC = find('04D9')
const MALFORMED = find('C49E')

const CACABAN = {
  acquirer: 'ID.CO.BANKJATENG.WWW',
  pan: '936001130000012345',
  merchantId: '000000012345',
  nmid: 'ID1025000012345',
  mcc: '9311',
  name: 'UPT PASAR CACABAN',
  city: 'KOTA MAGELANG',
  postalCode: '56123',
  terminal: 'PSRCACABAN',
}

describe('CRC-16/CCITT-FALSE', () => {
  it('gives the check value 29B1 for 123456789', () => {
    expect(crc16('123456789')).toBe('29B1')
  })

  it('matches the CRC of every published vector', () => {
    for (const p of [CAMBODIA, PROMPTPAY, STATIC, DYNAMIC]) expect(crc16(p.slice(0, -4))).toBe(p.slice(-4))
  })
})

describe('QRIS payloads', () => {
  it('builds the dynamic vector byte for byte from the merchant, the amount and the bill number', () => {
    expect(buildDynamicQris(CACABAN, 5000, 'SKRD-3371-2026-000123')).toBe(DYNAMIC)
  })

  it('parses the dynamic vector back to its amount, bill number and terminal', () => {
    expect(parseQris(DYNAMIC)).toMatchObject({
      isDynamic: true,
      amount: 5000,
      billNumber: 'SKRD-3371-2026-000123',
      terminal: 'PSRCACABAN',
      merchantName: 'UPT PASAR CACABAN',
      city: 'KOTA MAGELANG',
      currency: '360',
      nmid: 'ID1025000012345',
    })
  })

  it('parses the static vector and the foreign EMVCo vectors', () => {
    expect(parseQris(STATIC)).toMatchObject({ isDynamic: false, amount: null, billNumber: null })
    expect(parseQris(CAMBODIA)).toMatchObject({ country: 'KH', amount: 10, merchantName: 'Kuntheas Shop' })
    expect(parseQris(PROMPTPAY)).toMatchObject({ country: 'TH', amount: 6000 })
  })

  it('rejects the malformed sample, a changed amount and a cut payload', () => {
    expect(() => parseQris(MALFORMED)).toThrow(QrisError)
    expect(() => parseQris(DYNAMIC.replace('54045000', '54045900'))).toThrow(/CRC/)
    expect(() => parseQris(DYNAMIC.slice(0, -10))).toThrow(QrisError)
    expect(() => parseQris('hello')).toThrow(QrisError)
  })

  it('refuses an amount that is not whole rupiah', () => {
    expect(() => buildDynamicQris(CACABAN, 0, 'SKRD-3371-2026-000001')).toThrow(QrisError)
    expect(() => buildDynamicQris(CACABAN, 12.5, 'SKRD-3371-2026-000001')).toThrow(QrisError)
  })

  it('renders a PNG that a QR reader decodes to the same payload', async () => {
    const png = await qrisPng(DYNAMIC)
    expect(png.subarray(1, 4).toString()).toBe('PNG')
    const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true })
    // jsqr is CommonJS with a `default` export, which is what TypeScript sees under NodeNext.
    const decoded = jsqr.default(new Uint8ClampedArray(data.buffer, data.byteOffset, data.length), info.width, info.height)
    expect(decoded?.data).toBe(DYNAMIC)
  })
})
