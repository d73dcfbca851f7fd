import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { readFrigateEvent } from './observation.ts'
import { chooseRule, inWindow, minuteOf } from './rules.ts'
import type { AnalyticsRule } from './schema.ts'

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../../test/fixtures/analytics/${name}`, import.meta.url), 'utf8'))

const rule = (over: Partial<AnalyticsRule>): AnalyticsRule => ({
  id: over.name ?? 'r',
  name: 'r',
  label: 'person',
  zone: null,
  cameraId: null,
  minScore: 0,
  from: null,
  to: null,
  action: 'alarm',
  severity: 'waspada',
  incidentType: null,
  isActive: true,
  ...over,
})

describe('reading Frigate events', () => {
  it("reads the documented update: Frigate's id, camera, label, best score and every zone the person is in or entered", () => {
    const seen = readFrigateEvent(fixture('frigate-docs-update.json'), 'http://frigate.local:5000/')
    expect(seen).toMatchObject({
      eventId: '1607123955.475377-mxklsc',
      type: 'update',
      camera: 'front_door',
      label: 'person',
      score: 0.958984375,
      endedAt: null,
    })
    expect(seen?.zones.sort()).toEqual(['driveway', 'yard'])
    expect(seen?.startedAt.toISOString()).toBe('2020-12-04T23:19:15.475Z')
    // has_snapshot is false: no picture to fetch yet.
    expect(seen?.snapshotUrl).toBeNull()
  })

  it("points at Frigate's snapshot of the event once it has one, and drops what Frigate still calls a false positive", () => {
    expect(readFrigateEvent(fixture('mqttwarn-new.json'), 'http://10.0.0.5:5000')).toMatchObject({
      eventId: '1680791459.255384-abcdef',
      type: 'new',
      zones: ['zone1'],
      score: 0,
      snapshotUrl: 'http://10.0.0.5:5000/api/events/1680791459.255384-abcdef/snapshot.jpg',
    })
    expect(readFrigateEvent(fixture('mqttwarn-end.json'), null)).toMatchObject({ type: 'end', snapshotUrl: null })
    expect(readFrigateEvent(fixture('mqttwarn-false-positive.json'), null)).toBeNull()
    expect(readFrigateEvent({ type: 'new', after: { id: 'x' } }, null)).toBeNull()
    expect(readFrigateEvent('online', null)).toBeNull()
  })
})

describe('detection rules', () => {
  it('runs a 22.00–05.00 window past midnight and a 05.00–07.00 one within the day', () => {
    const night = [minuteOf('22:00'), minuteOf('05:00')] as const
    expect([minuteOf('23:30'), minuteOf('00:10'), minuteOf('04:59')].map((m) => inWindow(m, ...night))).toEqual([true, true, true])
    expect([minuteOf('05:00'), minuteOf('12:00'), minuteOf('21:59')].map((m) => inWindow(m, ...night))).toEqual([false, false, false])
    expect(inWindow(minuteOf('06:19'), minuteOf('05:00'), minuteOf('07:00'))).toBe(true)
    expect(inWindow(minuteOf('07:00'), minuteOf('05:00'), minuteOf('07:00'))).toBe(false)
    expect(inWindow(minuteOf('13:00'), null, null)).toBe(true)
  })

  it('matches label, zone, camera and score, and picks the most severe rule, an incident before an alarm', () => {
    const seen = readFrigateEvent(fixture('frigate-docs-update.json'), null)
    if (!seen) throw new Error('fixture unreadable')
    const at = minuteOf('06:19')
    const rules = [
      rule({ name: 'malam', zone: 'driveway', from: '22:00', to: '05:00', severity: 'awas' }),
      rule({ name: 'skor', zone: 'driveway', minScore: 0.97, severity: 'awas' }),
      rule({ name: 'kamera lain', cameraId: 'other', severity: 'awas' }),
      rule({ name: 'mobil', label: 'car', severity: 'awas' }),
      rule({ name: 'mati', isActive: false, severity: 'awas' }),
      rule({ name: 'zona lain', zone: 'bantaran', severity: 'awas' }),
      rule({ name: 'alarm', zone: 'yard', severity: 'siaga' }),
      rule({ name: 'kejadian', zone: 'driveway', severity: 'siaga', action: 'incident', incidentType: 'crime' }),
      rule({ name: 'ringan', severity: 'waspada' }),
    ]
    expect(chooseRule(rules, seen, 'cam', at)?.name).toBe('kejadian')
    expect(chooseRule(rules.slice(0, 6), seen, 'cam', at)).toBeNull()
    expect(chooseRule(rules.slice(0, 6), seen, 'cam', minuteOf('23:00'))?.name).toBe('malam')
  })
})
