import { describe, expect, it } from 'vitest'
import { agenciesIn, authorize, type Grant, mayActForAgency, type Principal } from './access.ts'

const city = { code: '33.71', lineage: ['33.71', '33'] }
const person = (grants: Omit<Grant, 'agencies'>[], isPlatformAdmin = false, agencies: string[] = []): Principal => ({
  kind: 'user',
  id: 'u',
  actor: 'u',
  isPlatformAdmin,
  grants: grants.map((g) => ({ ...g, agencies })),
})

describe('authorize', () => {
  it('lets a role named by the route through in its own tenant', () => {
    expect(() => authorize(person([{ tenant: '33.71', roles: ['dispatcher'] }]), { roles: ['dispatcher'] }, city, true)).not.toThrow()
  })

  it('refuses anonymous callers as unauthorized and others as forbidden', () => {
    expect(() => authorize(null, { roles: 'any' }, city, false)).toThrow(expect.objectContaining({ code: 'unauthorized' }))
    expect(() => authorize(person([{ tenant: '35.73', roles: ['admin'] }]), { roles: 'any' }, city, false)).toThrow(
      expect.objectContaining({ code: 'forbidden' }),
    )
  })

  it('lets a province grant read a city but never write there', () => {
    const province = person([{ tenant: '33', roles: ['executive'] }])
    expect(() => authorize(province, { roles: ['executive'] }, city, false)).not.toThrow()
    expect(() => authorize(province, { roles: ['executive'] }, city, true)).toThrow(/read-only/)
    expect(() => authorize(province, { roles: ['executive'], write: false }, city, true)).not.toThrow()
  })

  it('lets a read-only token read with its grants and refuses every write, even where its role may write', () => {
    const wall: Principal = { ...person([{ tenant: '33.71', roles: ['executive'] }]), kind: 'token', readOnly: true }
    expect(() => authorize(wall, { roles: ['executive'] }, city, false)).not.toThrow()
    expect(() => authorize(wall, { roles: ['executive'], write: false }, city, true)).not.toThrow()
    expect(() => authorize(wall, { roles: ['executive'] }, city, true)).toThrow(expect.objectContaining({ code: 'forbidden' }))
    expect(() => authorize(wall, 'authenticated', city, true)).toThrow(/only reads/)
    expect(() => authorize(wall, 'public', city, true)).not.toThrow()
  })

  it('never lets a city grant reach its province', () => {
    const cityAdmin = person([{ tenant: '33.71', roles: ['admin'] }])
    expect(() => authorize(cityAdmin, { roles: ['admin'] }, { code: '33', lineage: ['33'] }, false)).toThrow()
  })

  it('keeps platform administration to platform administrators', () => {
    expect(() => authorize(person([{ tenant: '33.71', roles: ['admin'] }]), 'platform_admin', null, true)).toThrow()
    expect(() => authorize(person([], true), 'platform_admin', null, true)).not.toThrow()
  })
})

describe('agenciesIn', () => {
  it('gives an agency officer the OPDs they work for in that tenant only', () => {
    const officer = person([{ tenant: '33.71', roles: ['agency_officer'] }], false, ['dpupr-id'])
    expect(agenciesIn(officer, city)).toEqual(['dpupr-id'])
    expect(mayActForAgency(officer, city, 'dpupr-id')).toBe(true)
    expect(mayActForAgency(officer, city, 'dlh-id')).toBe(false)
    expect(agenciesIn(officer, { code: '33.24', lineage: ['33.24', '33'] })).toEqual([])
  })

  it('lets admins, operators and platform admins act for every OPD', () => {
    expect(agenciesIn(person([{ tenant: '33.71', roles: ['operator'] }]), city)).toBe('all')
    expect(agenciesIn(person([{ tenant: '33.71', roles: ['admin', 'agency_officer'] }], false, ['x']), city)).toBe('all')
    expect(agenciesIn(person([], true), city)).toBe('all')
  })

  it('gives a province grant no OPD of its cities', () => {
    expect(agenciesIn(person([{ tenant: '33', roles: ['admin'] }]), city)).toEqual([])
  })
})
