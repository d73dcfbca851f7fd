import { describe, expect, it } from 'vitest'
import { checkNip, maskNip } from './nip.ts'

describe('NIP validation', () => {
  it('accepts real-shaped NIPs of men and women', () => {
    // Born 15 March 1985, CPNS from January 2010, man, 001; born 14 February 1990, March 2015, woman, 002.
    expect(checkNip('198503152010011001')).toEqual({ isValid: true })
    expect(checkNip('199002142015032002')).toEqual({ isValid: true })
    // A leap day is a real birth date.
    expect(checkNip('198402292009121015')).toEqual({ isValid: true })
  })

  it('names the part that is wrong', () => {
    const part = (nip: string) => {
      const check = checkNip(nip)
      return check.isValid ? null : check.part
    }
    expect(part('19850315201001100')).toBe('length')
    expect(part('1985031520100110011')).toBe('length')
    expect(part('19850315201001100A')).toBe('length')
    expect(part('1985 0315 201001 1 001')).toBe('length')
    expect(part('198513152010011001')).toBe('birthDate') // month 13
    expect(part('198502302010011001')).toBe('birthDate') // 30 February
    expect(part('198302292010011001')).toBe('birthDate') // 1983 is no leap year
    expect(part('185003152010011001')).toBe('birthDate') // year before 1900
    expect(part('198503152010131001')).toBe('appointment') // month 13
    expect(part('198503152010001001')).toBe('appointment') // month 00
    expect(part('198503152010013001')).toBe('sex')
    expect(part('198503152010010001')).toBe('sex')
    expect(part('198503152010011000')).toBe('sequence')
  })

  it('masks the birth date and the appointment, keeping only sex and sequence', () => {
    expect(maskNip('198503152010011001')).toBe('**************1001')
  })
})
