import { describe, expect, it } from 'vitest'
import { INCIDENT_STATUSES, UNIT_STATUSES } from './catalogue.ts'
import { canMoveIncident, canMoveUnit, isReopening, releasesIncident } from './status.ts'

describe('the incident status machine', () => {
  it('goes new → dispatched → on scene → closed and nowhere else forward', () => {
    expect(canMoveIncident('new', 'dispatched')).toBe(true)
    expect(canMoveIncident('dispatched', 'on_scene')).toBe(true)
    expect(canMoveIncident('on_scene', 'closed')).toBe(true)
    expect(canMoveIncident('new', 'on_scene')).toBe(false)
    expect(canMoveIncident('new', 'closed')).toBe(false)
    expect(canMoveIncident('on_scene', 'dispatched')).toBe(false)
  })

  it('lets only open incidents be cancelled before anyone is on scene, and only ended ones be reopened', () => {
    expect(canMoveIncident('new', 'cancelled')).toBe(true)
    expect(canMoveIncident('dispatched', 'cancelled')).toBe(true)
    expect(canMoveIncident('on_scene', 'cancelled')).toBe(false)
    const reopenable = INCIDENT_STATUSES.filter((s) => canMoveIncident(s, 'new'))
    expect(reopenable).toEqual(['closed', 'cancelled'])
    expect(reopenable.every((s) => isReopening(s, 'new'))).toBe(true)
  })
})

describe('the unit status machine', () => {
  it('never reaches dispatched by a crew button (only a dispatch does)', () => {
    expect(UNIT_STATUSES.filter((s) => canMoveUnit(s, 'dispatched'))).toEqual([])
  })

  it('follows a patient run: en route, on scene, transporting, at hospital, returning, available', () => {
    const run = ['dispatched', 'en_route', 'on_scene', 'transporting', 'at_hospital', 'returning', 'available'] as const
    for (let i = 1; i < run.length; i++) expect(canMoveUnit(run[i - 1], run[i])).toBe(true)
    expect(canMoveUnit('available', 'on_scene')).toBe(false)
    expect(canMoveUnit('transporting', 'available')).toBe(false)
  })

  it('ends the dispatch when the unit leaves the assigned statuses', () => {
    expect(releasesIncident('returning')).toBe(true)
    expect(releasesIncident('available')).toBe(true)
    expect(releasesIncident('at_hospital')).toBe(false)
  })
})
