import { Type } from 'typebox'
import { basemapStyles } from '../basemap/routes.ts'
import { type CheckState, checkReadiness, type ReadinessChecks } from '../health.ts'
import type { CoreContext, KendaliApp } from '../module.ts'
import type { Readiness } from './server.ts'

const Health = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('starting')]),
  db: Type.Union([Type.Literal('pglite'), Type.Literal('postgres'), Type.Null()]),
  bus: Type.Union([Type.Literal('memory'), Type.Literal('nats')]),
  mqtt: Type.Union([Type.Literal('embedded'), Type.Literal('external'), Type.Literal('unavailable')]),
  version: Type.String(),
  waitingFor: Type.Optional(Type.Array(Type.String())),
})

const State = Type.Union([Type.Literal('ok'), Type.Literal('waiting'), Type.Literal('down'), Type.Literal('off')], {
  description: 'ok: working; waiting: start-up has not reached it yet; down: it was up and is not; off: not used by this process',
})
const Ready = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('unready')]),
  checks: Type.Record(Type.String(), State, {
    description: 'database, migrations, demoSeed, bus, mqtt, jobs, startup',
  }),
})

/** Health, the probes of load balancers and systemd, and the public client configuration. */
export function platformRoutes(app: KendaliApp, ctx: CoreContext, readiness: Readiness, checks: ReadinessChecks, version: string): void {
  app.get(
    '/api/health/live',
    {
      config: { access: 'public' },
      schema: {
        tags: ['platform'],
        summary: 'Liveness: 200 whenever the process answers, starting or not (restart it when this fails)',
        response: { 200: Type.Object({ status: Type.Literal('live') }) },
      },
    },
    async () => ({ status: 'live' as const }),
  )

  app.get(
    '/api/health/ready',
    {
      config: { access: 'public' },
      schema: {
        tags: ['platform'],
        summary: 'Readiness: 200 when every check is ok (or off); 503 naming each check and its state otherwise (send no traffic)',
        response: { 200: Ready, 503: Ready },
      },
    },
    async (_request, reply) => {
      const result = await checkReadiness(checks)
      const body = { status: result.ready ? ('ready' as const) : ('unready' as const), checks: result.checks as Record<string, CheckState> }
      return reply.status(result.ready ? 200 : 503).send(body)
    },
  )

  app.get(
    '/api/health',
    {
      config: { access: 'public' },
      schema: {
        tags: ['platform'],
        summary: 'Ready once migrations ran and the demo seed (when on) is complete; 503 before',
        response: { 200: Health, 503: Health },
      },
    },
    async (_request, reply) => {
      const db = readiness.ready ? ctx.db.kind : null
      if (!readiness.ready) {
        return reply.status(503).send({ status: 'starting', db, bus: ctx.bus.kind, mqtt: ctx.mqtt.kind, version, waitingFor: readiness.waitingFor })
      }
      return { status: 'ok' as const, db, bus: ctx.bus.kind, mqtt: ctx.mqtt.kind, version }
    },
  )

  app.get(
    '/api/config',
    {
      config: { access: 'public' },
      schema: {
        tags: ['platform'],
        summary: 'Settings the web app needs before login',
        response: {
          200: Type.Object({
            defaultTenant: Type.String(),
            mapStyleUrl: Type.Union([Type.String(), Type.Null()]),
            basemap: Type.Union([Type.Object({ dark: Type.String(), light: Type.String() }), Type.Null()], {
              description: 'Styles over the basemap this server holds (dark: console, wall; light: portal, phone); null without one',
            }),
            languages: Type.Array(Type.String()),
          }),
        },
      },
    },
    async () => ({
      defaultTenant: ctx.config.defaultTenant,
      mapStyleUrl: ctx.config.mapStyleUrl,
      basemap: await basemapStyles(ctx),
      languages: ['id', 'en'],
    }),
  )
}
