import { describe, expect, it } from 'vitest'
import { canMoveReport, clockOf, open311Status, REPORT_STATUSES, reportMoves } from './workflow.ts'

describe('report workflow', () => {
  it('follows diajukan → diverifikasi → didisposisikan → dikerjakan → selesai → ditutup', () => {
    expect(canMoveReport('submitted', 'verified', 'operator')).toBe(true)
    expect(canMoveReport('verified', 'assigned', 'operator')).toBe(true)
    expect(canMoveReport('assigned', 'in_progress', 'agency')).toBe(true)
    expect(canMoveReport('in_progress', 'resolved', 'agency')).toBe(true)
    expect(canMoveReport('resolved', 'closed', 'operator')).toBe(true)
    expect(canMoveReport('resolved', 'closed', 'system')).toBe(true)
  })

  it('refuses skipping steps and moves by the wrong party', () => {
    expect(canMoveReport('submitted', 'assigned', 'operator')).toBe(false)
    expect(canMoveReport('submitted', 'resolved', 'agency')).toBe(false)
    expect(canMoveReport('assigned', 'resolved', 'agency')).toBe(false)
    expect(canMoveReport('assigned', 'in_progress', 'operator')).toBe(false)
    expect(canMoveReport('submitted', 'verified', 'agency')).toBe(false)
    expect(canMoveReport('resolved', 'reopened', 'operator')).toBe(false)
    expect(canMoveReport('in_progress', 'rejected', 'operator')).toBe(false)
  })

  it('lets only the reporter reopen, and only a resolved report', () => {
    expect(canMoveReport('resolved', 'reopened', 'reporter')).toBe(true)
    expect(canMoveReport('closed', 'reopened', 'reporter')).toBe(false)
    expect(canMoveReport('rejected', 'reopened', 'reporter')).toBe(false)
  })

  it('ends at closed, rejected and merged', () => {
    for (const s of ['closed', 'rejected', 'merged'] as const) expect(reportMoves(s)).toEqual([])
    for (const s of REPORT_STATUSES)
      for (const who of ['operator', 'agency', 'reporter', 'system'] as const) expect(canMoveReport('closed', s, who)).toBe(false)
  })

  it('maps to the two Open311 statuses and to SLA clocks', () => {
    expect(open311Status('in_progress')).toBe('open')
    expect(open311Status('reopened')).toBe('open')
    expect(open311Status('resolved')).toBe('closed')
    expect(open311Status('merged')).toBe('closed')
    expect(clockOf('reopened')).toBe('assigned')
    expect(clockOf('resolved')).toBeNull()
  })
})
