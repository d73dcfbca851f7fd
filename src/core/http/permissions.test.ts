import { describe, expect, it } from 'vitest'
import type { Grant, Principal } from './access.ts'
import { assertActsFor, defineActions, opdScope, PermissionMatrix } from './permissions.ts'

const city = { code: '33.71', lineage: ['33.71', '33'] }
const person = (grants: Grant[], isPlatformAdmin = false): Principal => ({ kind: 'user', id: 'u', actor: 'u', isPlatformAdmin, grants })

const actions = defineActions({
  'markets.read': { roles: 'any' },
  'markets.write': { roles: ['admin', 'agency_officer'], opd: 'manages this market' },
  'markets.pay': { roles: ['admin', 'agency_officer', 'collector'], opd: 'manages this market' },
  'findings.close': { roles: 'any', opd: 'is the inspectorate', everyOpd: ['admin'] },
})

describe('the permission matrix', () => {
  const matrix = new PermissionMatrix([{ name: 'markets', actions }])

  it('refuses an action two modules declare, and a route naming an action no module declares', () => {
    expect(
      () =>
        new PermissionMatrix([
          { name: 'a', actions },
          { name: 'b', actions: { 'markets.read': { roles: 'any' } } },
        ]),
    ).toThrow(/twice/)
    expect(() => matrix.access('markets.delete')).toThrow(/No module declares/)
  })

  it('lists what a caller may start: writes only from a direct grant, reads from the province too', () => {
    matrix.access('markets.write', true)
    matrix.access('markets.pay', true)
    const officer = person([{ tenant: '33.71', roles: ['agency_officer'], agencies: ['disdagkop'] }])
    expect(matrix.permitted(officer, city)).toEqual(['findings.close', 'markets.pay', 'markets.read', 'markets.write'])
    const province = person([{ tenant: '33', roles: ['admin'], agencies: [] }])
    expect(matrix.permitted(province, city)).toEqual(['findings.close', 'markets.read'])
    expect(matrix.permitted(person([], true), city)).toHaveLength(4)
  })

  it('scopes an OPD action to the officer’s OPDs and lets the other roles it names act for all', () => {
    const officer = person([{ tenant: '33.71', roles: ['agency_officer'], agencies: ['disdagkop'] }])
    const collector = person([{ tenant: '33.71', roles: ['collector'], agencies: [] }])
    const operator = person([{ tenant: '33.71', roles: ['operator'], agencies: [] }])
    expect(opdScope(officer, city, actions['markets.write'])).toEqual(['disdagkop'])
    expect(opdScope(collector, city, actions['markets.pay'])).toBe('all')
    expect(opdScope(collector, city, actions['markets.write'])).toEqual([])
    expect(opdScope(person([{ tenant: '33', roles: ['admin'], agencies: [] }]), city, actions['markets.write'])).toEqual([])
    // Only admins act for every OPD here; everyone else through the OPD they work for.
    expect(opdScope(operator, city, actions['findings.close'])).toEqual([])
    expect(opdScope(person([{ tenant: '33.71', roles: ['patrol_officer'], agencies: ['inspektorat'] }]), city, actions['findings.close'])).toEqual([
      'inspektorat',
    ])
    expect(() => assertActsFor(officer, city, 'markets.write', actions['markets.write'], 'disdagkop')).not.toThrow()
    expect(() => assertActsFor(officer, city, 'markets.write', actions['markets.write'], 'dpupr')).toThrow(
      expect.objectContaining({ code: 'forbidden', details: { action: 'markets.write' } }),
    )
    expect(() => assertActsFor(officer, city, 'markets.write', actions['markets.write'], null)).toThrow(/manages this market/)
  })
})
