import type { WorkCalendar } from '../../core/calendar.ts'
import type { Database, Queryable } from '../../core/db/database.ts'
import { Invalid, NotFound } from '../../core/errors.ts'
import type { GeoPoint } from '../../core/geo/geojson.ts'
import type { CoreContext } from '../../core/module.ts'
import { incidentsServices } from '../incidents/index.ts'
import type { ReportCaller } from '../reports/index.ts'
import { reportsServices } from '../reports/index.ts'

// What this module asks of other modules, through their services (never their tables).

export interface AgencyRef {
  id: string
  code: string
  name: string
}

interface Ref {
  code: string
  name: string
}

export interface PatrolPorts {
  /** The kelurahan and kecamatan of a point; null outside the tenant. */
  regionAt(db: Queryable, tenant: string, lon: number, lat: number): Promise<{ kelurahan: Ref; kecamatan: Ref | null } | null>
  /** Codes of the tenant's regions (kecamatan, kelurahan, desa). */
  regionCodes(db: Queryable, tenant: string): Promise<Set<string>>
  agencies(db: Queryable, tenant: string): Promise<Map<string, AgencyRef>>
  /** The tenant's IANA zone, read on the caller's handle. */
  timezone(db: Queryable, tenant: string): Promise<string>
  /** Usernames of the tenant's people holding the role. */
  usersWithRole(db: Queryable, tenant: string, role: 'patrol_officer'): Promise<Set<string>>
  /** The tenant's working days, hours and holidays (kept by the reports module). */
  calendar(db: Queryable, tenant: string): Promise<WorkCalendar>
  /** Throws a 4xx when the report category or incident type a finding type hands to does not exist. */
  checkHandOff(db: Queryable, tenant: string, to: { reportCategory: string | null; incidentType: string | null }): Promise<void>
  /** Hands a city finding to the reports module as a report of the category. */
  submitReport(db: Database, tenant: string, actor: string, input: HandOff & { category: string }): Promise<{ id: string; number: string }>
  /** Patrol teams are officials: their report skips verification and goes to the category's OPD (safe to repeat). */
  routeReport(db: Database, tenant: string, reportId: string, findingNumber: string): Promise<void>
  /** Hands a city finding to the incidents module. */
  raiseIncident(db: Database, tenant: string, actor: string, input: HandOff & { type: string }): Promise<{ id: string; number: string }>
}

export interface HandOff {
  location: GeoPoint
  description: string
  findingId: string
  findingNumber: string
}

/** Patrol teams are city officials: their findings skip the command center's verification. */
const COMMAND_CENTER: ReportCaller = { actor: 'system:patrols', isOperator: true, seesAll: true, agencyIds: 'all' }

export function patrolPorts(ctx: CoreContext): PatrolPorts {
  const tenancy = ctx.tenancy
  const reports = reportsServices(ctx).reports
  const incidents = incidentsServices(ctx).incidents
  return {
    regionAt: (db, tenant, lon, lat) => tenancy.regionAt(db, tenant, lon, lat),
    regionCodes: async (db, tenant) => new Set((await tenancy.regions(db, tenant)).map((f) => f.properties.code)),
    agencies: async (db, tenant) => new Map((await tenancy.agencies(db, tenant)).map((a) => [a.id, { id: a.id, code: a.code, name: a.name }])),
    timezone: (db, tenant) => tenancy.timeZone(tenant, db),
    usersWithRole: (db, tenant, role) => tenancy.usersWithRole(db, tenant, role),
    calendar: (db, tenant) => reports.calendar(db, tenant),
    checkHandOff: async (db, tenant, to) => {
      try {
        if (to.reportCategory) await reports.category(db, tenant, to.reportCategory)
      } catch (err) {
        if (err instanceof NotFound) throw new Invalid(`There is no report category ${to.reportCategory} in ${tenant}`, { field: 'reportCategory' })
        throw err
      }
      if (to.incidentType && !(await incidents.types(db, tenant)).some((t) => t.code === to.incidentType && t.isActive)) {
        throw new Invalid(`There is no incident type ${to.incidentType} in ${tenant}`, { field: 'incidentType' })
      }
    },
    submitReport: async (db, tenant, actor, input) => {
      const row = await reports.submit(
        db,
        tenant,
        {
          category: input.category,
          description: `${input.findingNumber} (Rojak): ${input.description}`.slice(0, 4000),
          location: input.location,
          consent: true,
        },
        { source: 'operator', actor, ip: null, isTrusted: true, attributes: { patrolFindingId: input.findingId, patrolFindingNumber: input.findingNumber } },
      )
      return { id: row.id, number: row.number }
    },
    routeReport: async (db, tenant, reportId, findingNumber) => {
      const report = await reports.get(db, tenant, reportId, COMMAND_CENTER)
      if (report.status === 'submitted') await reports.verify(db, tenant, COMMAND_CENTER, reportId, `Temuan Rojak ${findingNumber}`)
      else if (report.status !== 'verified') return
      // A category without an OPD waits for the command center to route it.
      const category = await reports.category(db, tenant, report.category)
      if (category.agencyId) await reports.assign(db, tenant, COMMAND_CENTER, reportId, {})
    },
    raiseIncident: async (db, tenant, actor, input) => {
      const incident = await incidents.createFromFinding(
        db,
        tenant,
        actor,
        { type: input.type, source: 'patrol', location: input.location, description: `${input.findingNumber} (Rojak): ${input.description}`.slice(0, 4000) },
        { id: input.findingId, number: input.findingNumber },
      )
      return { id: incident.id, number: incident.number }
    },
  }
}
