import { describe, expect, it } from 'vitest'
import { DEFAULT_TARGETS } from './catalogue.ts'
import { timersOf } from './timers.ts'

const P1 = DEFAULT_TARGETS[0]
const t = (minutes: number) => new Date(Date.UTC(2026, 10, 23, 1, 0) + minutes * 60_000).toISOString()

describe('incident timers', () => {
  it('counts a new P1 call as overdue once two minutes pass without a dispatch', () => {
    const call = { status: 'new' as const, createdAt: t(0), dispatchedAt: null, onSceneAt: null, hospitalAt: null, closedAt: null }
    expect(timersOf(call, P1, new Date(t(1.5)))).toMatchObject({ overdue: false, dueAt: t(2), callToDispatch: null })
    expect(timersOf(call, P1, new Date(t(2.5))).overdue).toBe(true)
  })

  it('after dispatch, watches arrival against the response target counted from the call', () => {
    const sent = { status: 'dispatched' as const, createdAt: t(0), dispatchedAt: t(1), onSceneAt: null, hospitalAt: null, closedAt: null }
    expect(timersOf(sent, P1, new Date(t(9))).overdue).toBe(false)
    expect(timersOf(sent, P1, new Date(t(11)))).toMatchObject({ overdue: true, dueAt: t(10), callToDispatch: 60 })
  })

  it('gives every interval of a closed run and is never overdue after', () => {
    const done = { status: 'closed' as const, createdAt: t(0), dispatchedAt: t(1), onSceneAt: t(8), hospitalAt: t(20), closedAt: t(45) }
    expect(timersOf(done, P1, new Date(t(600)))).toEqual({
      callToDispatch: 60,
      dispatchToOnScene: 420,
      onSceneToHospital: 720,
      total: 2700,
      dueAt: null,
      overdue: false,
    })
  })
})
