import { describe, expect, it } from 'vitest'
import { authorize, type Principal } from './access.ts'

const city = { code: '33.71', lineage: ['33.71', '33'] }
const person = (grants: Principal['grants'], isPlatformAdmin = false): Principal => ({ kind: 'user', id: 'u', actor: 'u', isPlatformAdmin, grants })

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

  it('never lets a city grant reach its province', () => {
    const cityAdmin = person([{ tenant: '33.71', roles: ['admin'] }])
    expect(() => authorize(cityAdmin, { roles: ['admin'] }, { code: '33', lineage: ['33'] }, false)).toThrow()
  })

  it('keeps platform administration to platform administrators', () => {
    expect(() => authorize(person([{ tenant: '33.71', roles: ['admin'] }]), 'platform_admin', null, true)).toThrow()
    expect(() => authorize(person([], true), 'platform_admin', null, true)).not.toThrow()
  })
})
