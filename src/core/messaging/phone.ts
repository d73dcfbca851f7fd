import { Invalid } from '../errors.ts'

// E.164 (ITU-T): `+`, a country code and at most 15 digits in all. Indonesian numbers are written locally as
// 08…, or 62… without the plus; mobile numbers are +62 8, then 8 to 11 more digits.
const MAX_DIGITS = 15
const MIN_DIGITS = 8
const INDONESIA = '62'

/**
 * A phone number as written by a person (`0812-3456-7890`, `+62 812 3456 7890`, `62812…`) in E.164 (`+6281234567890`);
 * anything else is refused with a message saying how to write it.
 */
export function toE164(raw: string, field = 'phone'): string {
  const compact = raw.trim().replace(/[\s().-]/g, '')
  const refuse = () =>
    new Invalid(`${raw.trim() || 'An empty value'} is not a phone number: write it as 08… or with the country code, +62…`, {
      field,
      reason: 'phone_number',
    })
  if (!/^(\+|00)?\d+$/.test(compact)) throw refuse()
  let digits: string
  if (compact.startsWith('+')) digits = compact.slice(1)
  else if (compact.startsWith('00')) digits = compact.slice(2)
  else if (compact.startsWith('0')) digits = `${INDONESIA}${compact.slice(1)}`
  else if (compact.startsWith(INDONESIA)) digits = compact
  else if (compact.startsWith('8')) digits = `${INDONESIA}${compact}`
  else throw refuse()
  if (digits.startsWith('0') || digits.length < MIN_DIGITS || digits.length > MAX_DIGITS) throw refuse()
  if (digits.startsWith(`${INDONESIA}8`) && (digits.length < 11 || digits.length > 14)) throw refuse()
  if (digits.startsWith(`${INDONESIA}0`)) throw refuse()
  return `+${digits}`
}
