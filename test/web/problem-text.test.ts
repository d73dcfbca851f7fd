import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import i18n from 'i18next'
import { beforeAll, describe, expect, it } from 'vitest'
import { ApiError } from '../../web/src/app/api.ts'
import { problemText } from '../../web/src/app/problem.ts'
import { ROOT } from '../support/template.ts'

// A page shows what went wrong in its own language: on an Indonesian page never the API's English sentence and
// never a field's key as the API names it (agencyId, snapshot_url); on an English page the API's precise message.
const bundle = (language: string) => JSON.parse(readFileSync(join(ROOT, `web/src/app/locales/${language}.json`), 'utf8'))

beforeAll(async () => {
  await i18n.init({ resources: { id: { translation: bundle('id') }, en: { translation: bundle('en') } }, lng: 'id', fallbackLng: 'id' })
})

const invalid = (field: string | null) => new ApiError(400, 'invalid', `body.${field} is required`, { location: 'body', field })

describe('problem text on an Indonesian page', () => {
  beforeAll(() => i18n.changeLanguage('id'))

  it('names the field at fault in words', () => {
    expect(problemText(invalid('agencyId'))).toBe('Ada isian yang belum benar. Periksa isian «OPD».')
    expect(problemText(invalid('properties.code'))).toBe('Ada isian yang belum benar. Periksa isian «Kode».')
    // A form's own name for a field comes first.
    expect(problemText(invalid('callsign'), { callsign: 'Nama unit' })).toBe('Ada isian yang belum benar. Periksa isian «Nama unit».')
  })

  it('never shows a key it has no word for, nor the English message', () => {
    const text = problemText(invalid('tempat_tidur_cadangan'))
    expect(text).toBe('Ada isian yang belum benar.')
    expect(problemText(new ApiError(403, 'forbidden', 'You may not do this here'))).toBe('Anda tidak berwenang melakukan ini.')
    expect(problemText(new ApiError(409, 'conflict', 'A market with this code exists'))).toMatch(/^Data ini bentrok/)
  })

  it("says a module's own error by its status when it has no sentence of its own", () => {
    expect(problemText(new ApiError(403, 'notice_signature', 'The signature is not the provider’s'))).toBe('Anda tidak berwenang melakukan ini.')
    expect(problemText(new ApiError(504, 'timeout', 'Gateway timeout'))).toMatch(/^Terjadi kesalahan di server/)
  })

  it('says the reason the API gives, naming the field', () => {
    const outside = new ApiError(400, 'invalid', 'The point 110.2, -7.6 lies outside the city', { field: 'location', reason: 'outside_tenant' })
    expect(problemText(outside)).toBe('«Lokasi» berada di luar wilayah kota/kabupaten ini.')
    const taken = new ApiError(409, 'conflict', 'Username operator is taken', { field: 'username', reason: 'taken' })
    expect(problemText(taken)).toBe('«Nama pengguna» sudah dipakai. Pilih yang lain.')
    // A field's whole path comes before its last part: updates.to is a phone number, not a "to" date.
    const phone = new ApiError(400, 'invalid', '0812 is not a phone number', { field: 'updates.to', reason: 'phone_number' })
    expect(problemText(phone)).toBe('«Nomor untuk kabar aduan» bukan nomor telepon: tulis 08… atau dengan kode negara, +62…')
    // A reason without words falls back to the code's sentence.
    expect(problemText(new ApiError(409, 'conflict', 'x', { reason: 'something_new' }))).toMatch(/^Data ini bentrok/)
  })

  it('tells a lost connection apart from a refusal', () => {
    expect(problemText(new TypeError('Failed to fetch'))).toMatch(/^Tidak tersambung ke server/)
  })

  it('has a sentence for every error code the API sends', () => {
    const source = readFileSync(join(ROOT, 'src/core/errors.ts'), 'utf8')
    const union = /export type ErrorCode =([^;]*?)\n\n/s.exec(source)?.[1] ?? ''
    const codes = [...union.matchAll(/'([a-z_]+)'/g)].map((m) => m[1])
    expect(codes).toContain('not_found')
    expect(codes.filter((code) => !i18n.exists(`problem.code.${code}`, { lng: 'id', fallbackLng: false }))).toEqual([])
  })
})

describe('problem text on an English page', () => {
  beforeAll(() => i18n.changeLanguage('en'))

  it("shows the API's own message", () => {
    expect(problemText(invalid('agencyId'))).toBe('body.agencyId is required')
    expect(problemText(new TypeError('Failed to fetch'))).toMatch(/^Cannot reach the server/)
  })
})
