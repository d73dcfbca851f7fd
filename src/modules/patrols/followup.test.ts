import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { agencyIdsOf, json, loginCookie, startTestKendali, type TestServer, unique } from '../../../test/support/server.ts'
import { listEvents } from '../../core/events/log.ts'
import { incidentsServices } from '../incidents/index.ts'
import type { ReportCaller } from '../reports/index.ts'
import { reportsServices } from '../reports/index.ts'
import { addWorkingDays } from './findings.ts'
import { type PatrolsServices, patrolsServices } from './index.ts'
import { type PatrolCaller, teamMember } from './patrols.ts'

// Follow-up clocks with a controlled clock: findings are made "in the past" (January 2026) and due jobs are
// run with JobQueue.runDue(limit, now), so only this file's jobs are due and no test waits for time to pass.

const TENANT = '33.71'
let server: TestServer
let s: PatrolsServices
const team = teamMember('patrol_officer')
const operator: ReportCaller = { actor: 'operator', isOperator: true, seesAll: true, agencyIds: 'all' }
let head: PatrolCaller
const wib = (local: string) => new Date(`${local}+07:00`)
const point = (lon: number, lat: number) => ({ type: 'Point' as const, coordinates: [lon, lat] as [number, number] })

async function runDueUntil(now: Date): Promise<void> {
  while ((await server.kendali.ctx.jobs.runDue(50, now)) > 0) {
    // keep claiming until nothing more is due at `now`
  }
}

async function patrolOn(day: string) {
  const db = server.kendali.ctx.db
  const p = await s.patrols.plan(db, TENANT, team, {
    name: unique('Rojak'),
    startsAt: wib(`${day}T08:00:00`).toISOString(),
    endsAt: wib(`${day}T11:00:00`).toISOString(),
    team: ['patrol_officer'],
  })
  return s.patrols.start(db, TENANT, team, p.id, wib(`${day}T08:00:00`))
}

beforeAll(async () => {
  server = await startTestKendali({ listen: false })
  s = patrolsServices(server.kendali.ctx)
  head = {
    actor: 'agency_officer',
    isAdmin: false,
    isPatrolOfficer: false,
    isInspectorate: false,
    seesAllFindings: false,
    officerOf: await agencyIdsOf(server.kendali, 'agency_officer', TENANT),
  }
})
afterAll(() => server.close())

describe('working days', () => {
  it('counts working days over the weekend and holidays', () => {
    const calendar = { workingDays: [1, 2, 3, 4, 5], workStart: '07:30', workEnd: '16:00', holidays: ['2026-01-12'], timezone: 'Asia/Jakarta' }
    // Wednesday 09:00 + 3 working days: Thursday, Friday, (weekend, Monday holiday) Tuesday 09:00.
    expect(addWorkingDays(wib('2026-01-07T09:00:00'), 3, calendar).toISOString()).toBe(wib('2026-01-13T09:00:00').toISOString())
  })
})

describe('ASN follow-up escalation', () => {
  it('escalates an unanswered finding to the inspectorate at its due date, then to the command center', async () => {
    const db = server.kendali.ctx.db
    const p = await patrolOn('2026-01-07')
    const at = wib('2026-01-07T09:00:00')
    const { finding } = await s.findings.record(
      db,
      TENANT,
      team,
      {
        clientId: randomUUID(),
        patrolId: p.id,
        type: 'asn_di_luar_kantor',
        location: point(110.2176, -7.4773),
        description: 'Di kafe',
        nip: '198503152010011001',
        name: 'B',
        agency: 'dpupr',
      },
      at,
    )
    // Three working days of the demo city (Mon–Fri 07:30–16:00): Monday 12 January, 09:00.
    expect(new Date(finding.dueAt ?? '').toISOString()).toBe(wib('2026-01-12T09:00:00').toISOString())
    const escalations = async () =>
      (await listEvents(db, TENANT, { topics: ['patrol_findings'], types: ['finding.escalated'], order: 'asc', limit: 1000 }))
        .filter((e) => e.entity === finding.id)
        .map((e) => e.data.to)
    await runDueUntil(wib('2026-01-12T08:59:00'))
    expect(await escalations()).toEqual([])
    await runDueUntil(wib('2026-01-12T09:01:00'))
    expect(await escalations()).toEqual(['inspectorate'])
    await runDueUntil(wib('2026-01-15T09:01:00'))
    expect(await escalations()).toEqual(['inspectorate', 'command_center'])
    expect((await s.findings.get(db, TENANT, finding.id)).escalationLevel).toBe(2)
  })

  it('does not escalate a finding answered in time', async () => {
    const db = server.kendali.ctx.db
    const p = await patrolOn('2026-01-14')
    const { finding } = await s.findings.record(
      db,
      TENANT,
      team,
      {
        clientId: randomUUID(),
        patrolId: p.id,
        type: 'asn_tidak_di_tempat',
        location: point(110.2176, -7.4773),
        description: 'Meja kosong',
        nip: '199002142015032002',
        name: 'S',
        agency: 'dpupr',
      },
      wib('2026-01-14T09:00:00'),
    )
    await s.findings.respond(db, TENANT, head, finding.id, { action: 'pembinaan', note: 'Pembinaan oleh kepala dinas' }, wib('2026-01-15T10:00:00'))
    await runDueUntil(wib('2026-01-25T09:00:00'))
    expect((await s.findings.get(db, TENANT, finding.id)).escalationLevel).toBe(0)
  })
})

describe('hand-off of city findings', () => {
  it('turns illegal dumping into a report routed to its OPD, linked both ways', async () => {
    const db = server.kendali.ctx.db
    const p = await patrolOn('2026-01-20')
    const { finding } = await s.findings.record(
      db,
      TENANT,
      team,
      { clientId: randomUUID(), patrolId: p.id, type: 'sampah_liar', location: point(110.2201, -7.4701), description: 'Tumpukan sampah di bahu jalan' },
      wib('2026-01-20T09:00:00'),
    )
    expect(finding.status).toBe('recorded')
    await runDueUntil(new Date())
    const linked = await s.findings.get(db, TENANT, finding.id)
    expect(linked).toMatchObject({ status: 'handed_off', reportNumber: expect.stringMatching(/^R-/) })
    const report = await reportsServices(server.kendali.ctx).reports.get(db, TENANT, linked.reportId ?? '', operator)
    expect(report.description.startsWith(`${finding.number} (Rojak):`)).toBe(true)
    expect(report.status).toBe('assigned')
    expect(report.agencyId).not.toBeNull()
    // The report's API says where it came from.
    const res = await server.kendali.app.inject({
      method: 'GET',
      url: `/api/t/${TENANT}/reports/${linked.reportId}`,
      headers: { cookie: await loginCookie(server.kendali, 'operator') },
    })
    expect(res.statusCode, res.body).toBe(200)
    expect(json<{ attributes: Record<string, unknown> }>(res).attributes).toEqual({ patrolFindingId: finding.id, patrolFindingNumber: finding.number })
    const types = (await listEvents(db, TENANT, { topics: ['patrol_findings'], order: 'asc', limit: 1000 }))
      .filter((e) => e.entity === finding.id)
      .map((e) => e.type)
    expect(types).toEqual(['finding.recorded', 'finding.handed_off'])
  })

  it('turns an illegal billboard into a patrol incident', async () => {
    const db = server.kendali.ctx.db
    const p = await patrolOn('2026-01-21')
    const { finding } = await s.findings.record(
      db,
      TENANT,
      team,
      { clientId: randomUUID(), patrolId: p.id, type: 'reklame_liar', location: point(110.2185, -7.4745), description: 'Baliho tanpa izin di tiang listrik' },
      wib('2026-01-21T09:00:00'),
    )
    await runDueUntil(new Date())
    const linked = await s.findings.get(db, TENANT, finding.id)
    expect(linked).toMatchObject({ status: 'handed_off', incidentId: expect.any(String), reportId: null })
    // Linked both ways: the incident's API names the finding it came from.
    const res = await server.kendali.app.inject({
      method: 'GET',
      url: `/api/t/${TENANT}/incidents/${linked.incidentId}`,
      headers: { cookie: await loginCookie(server.kendali, 'dispatcher') },
    })
    expect(res.statusCode, res.body).toBe(200)
    const incident = json<{ number: string; source: string; origin: unknown }>(res)
    expect(incident).toMatchObject({ number: linked.incidentNumber, source: 'patrol' })
    expect(incident.origin).toEqual({ module: 'patrols', kind: 'finding', id: finding.id, number: finding.number })
    // A retried hand-off finds the incident it raised instead of raising a second.
    const again = await incidentsServices(server.kendali.ctx).incidents.createFromFinding(
      db,
      TENANT,
      'patrol_officer',
      { type: 'public_order', source: 'patrol', location: point(110.2185, -7.4745) },
      { id: finding.id, number: finding.number },
    )
    expect(again.id).toBe(linked.incidentId)
  })
})
