import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { README, withTable } from '../../scripts/permissions-table.ts'
import type { Grant, Principal, Role } from '../../src/core/http/access.ts'
import { type ActionRule, opdScope } from '../../src/core/http/permissions.ts'
import type { RouteAccess } from '../../src/core/http/server.ts'
import { json, loginCookie, startTestKendali, type TestServer } from '../support/server.ts'

// Every route that names an action of the permission matrix, walked as every demo person, anonymous and another
// city's administrator: allowed (anything but 401/403) or refused (401/403) exactly as the matrix says. Ids are
// random and write bodies empty, so an allowed call ends in a 400 or 404 and changes nothing.
const CITY = { code: '33.71', lineage: ['33.71', '33'] }
const PEOPLE = [
  'superadmin',
  'admin',
  'operator',
  'dispatcher',
  'agency_officer',
  'inspektorat',
  'market_officer',
  'field_crew',
  'patrol_officer',
  'collector',
  'executive',
  'pemprov',
  'malang_admin',
]
const READ_METHODS = new Set(['GET', 'HEAD'])

interface Person {
  name: string
  cookie: string | null
  principal: Principal | null
  actions: string[]
}

const concreteUrl = (route: RouteAccess) => route.url.replace(':tenant', CITY.code).replace(/:[a-zA-Z]+|\*/g, () => randomUUID())
const bodyOf = (method: string) => (method === 'GET' || method === 'DELETE' ? undefined : {})

/** What the matrix says, read from its roles and the person's grants: a write needs a role granted in the city itself. */
function mayPass(principal: Principal | null, rule: ActionRule, isWrite: boolean): boolean {
  if (!principal) return false
  if (principal.isPlatformAdmin) return true
  const named = (roles: Role[]) => roles.some((r) => rule.roles === 'any' || rule.roles.includes(r))
  const here = (g: Grant) => g.tenant === CITY.code
  const above = (g: Grant) => g.tenant !== CITY.code && CITY.lineage.includes(g.tenant)
  const direct = principal.grants.filter(here).flatMap((g) => g.roles)
  const inherited = principal.grants.filter(above).flatMap((g) => g.roles)
  const needsDirect = rule.write ?? isWrite
  return named(direct) || (!needsDirect && named(inherited))
}

describe('the permission matrix, route by route and person by person', () => {
  let server: TestServer
  const people: Person[] = []

  beforeAll(async () => {
    server = await startTestKendali({ listen: false })
    people.push({ name: 'anonymous', cookie: null, principal: null, actions: [] })
    for (const name of PEOPLE) {
      const cookie = await loginCookie(server.kendali, name)
      const me = await server.kendali.app.inject({ method: 'GET', url: `/api/auth/me?tenant=${CITY.code}`, headers: { cookie } })
      expect(me.statusCode, me.body).toBe(200)
      const { user, actions } = json<{ user: { id: string; isPlatformAdmin: boolean; grants: Grant[] }; actions: Record<string, string[]> }>(me)
      const principal: Principal = { kind: 'user', id: user.id, actor: name, isPlatformAdmin: user.isPlatformAdmin, grants: user.grants }
      people.push({ name, cookie, principal, actions: actions[CITY.code] ?? [] })
    }
  })
  afterAll(() => server.close())

  const matrixRoutes = () => server.kendali.routes.filter((r) => r.action && !r.websocket)

  it('has every route of the modules name an action, except the public, signed-in and platform ones', () => {
    const unnamed = server.kendali.routes.filter((r) => !r.action && typeof r.access === 'object' && !r.websocket)
    // The platform's own event log (any role of the tenant, each event filtered by the readers of its topic) and
    // a large import's progress (any role of the tenant; only its importer and the admins find it).
    expect(unnamed.map((r) => `${r.method} ${r.url}`).sort()).toEqual(['GET /api/t/:tenant/events', 'GET /api/t/:tenant/imports/:id'])
    expect(matrixRoutes().length).toBeGreaterThan(150)
  })

  it('answers every person as the matrix says, and serves the same answer in /api/auth/me', async () => {
    const permissions = server.kendali.ctx.permissions
    const mismatches: string[] = []
    for (const route of matrixRoutes()) {
      const action = route.action as string
      const rule = permissions.rule(action)
      const isWrite = !READ_METHODS.has(route.method)
      for (const person of people) {
        const allowed = mayPass(person.principal, rule, isWrite)
        // An officer passes the route's check for an OPD action and may still be refused for an OPD not theirs.
        const scoped = allowed && rule.opd !== undefined && person.principal !== null && opdScope(person.principal, CITY, rule) !== 'all'
        const res = await server.kendali.app.inject({
          method: route.method as 'GET',
          url: concreteUrl(route),
          payload: bodyOf(route.method),
          headers: person.cookie ? { cookie: person.cookie } : {},
        })
        const refused = res.statusCode === 401 || res.statusCode === 403
        const ok = allowed ? !refused || (scoped && res.statusCode === 403) : refused
        if (!ok) mismatches.push(`${person.name} ${route.method} ${route.url} (${action}): ${res.statusCode} ${res.body.slice(0, 120)}`)
        if (person.principal && allowed !== person.actions.includes(action))
          mismatches.push(`${person.name}: /api/auth/me and the routes disagree on ${action}`)
        expect(res.statusCode, `${person.name} ${route.method} ${route.url}`).toBeLessThan(500)
      }
    }
    expect(mismatches).toEqual([])
    // Every person against every route (several thousand requests): minutes on a busy 2-core machine.
  }, 300_000)

  it('lets another city’s administrator do nothing in the city', () => {
    const malang = people.find((p) => p.name === 'malang_admin')
    expect(malang?.actions).toEqual([])
  })
})

describe('the README', () => {
  it('lists the permission matrix as the code declares it (npm run permissions:readme writes it)', () => {
    const readme = readFileSync(README, 'utf8')
    expect(withTable(readme) === readme, 'README.md: the permission matrix table is stale; run npm run permissions:readme').toBe(true)
  })
})
