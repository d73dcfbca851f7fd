// NIP (Nomor Induk Pegawai) of an ASN: 18 digits = birth date YYYYMMDD + appointment (TMT CPNS) YYYYMM
// + sex (1 man, 2 woman) + a 3-digit sequence, e.g. 198503152010011001.

export type NipPart = 'length' | 'birthDate' | 'appointment' | 'sex' | 'sequence'

export type NipCheck = { isValid: true } | { isValid: false; part: NipPart; message: string }

function isRealDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day))
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
}

/** Checks each part of a NIP and says which one is wrong. */
export function checkNip(nip: string): NipCheck {
  if (!/^[0-9]{18}$/.test(nip)) return { isValid: false, part: 'length', message: 'A NIP is exactly 18 digits' }
  const year = Number(nip.slice(0, 4))
  if (year < 1900 || !isRealDate(year, Number(nip.slice(4, 6)), Number(nip.slice(6, 8)))) {
    return { isValid: false, part: 'birthDate', message: `Digits 1–8 (${nip.slice(0, 8)}) are not a birth date YYYYMMDD` }
  }
  const appointedYear = Number(nip.slice(8, 12))
  const appointedMonth = Number(nip.slice(12, 14))
  if (appointedYear < 1900 || appointedMonth < 1 || appointedMonth > 12) {
    return { isValid: false, part: 'appointment', message: `Digits 9–14 (${nip.slice(8, 14)}) are not an appointment month YYYYMM` }
  }
  if (nip[14] !== '1' && nip[14] !== '2') return { isValid: false, part: 'sex', message: 'Digit 15 (sex) must be 1 or 2' }
  if (nip.slice(15) === '000') return { isValid: false, part: 'sequence', message: 'Digits 16–18 (sequence) count from 001' }
  return { isValid: true }
}

/** `**************1001`: only sex and sequence stay readable; the birth date and the appointment are hidden. */
export function maskNip(nip: string): string {
  return `${'*'.repeat(nip.length - 4)}${nip.slice(-4)}`
}
