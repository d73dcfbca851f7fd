import { randomUUID } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { backUpAndPrune, describeBackup } from './backup/backup.ts'
import { basemapRoutes } from './basemap/routes.ts'
import type { Config } from './config.ts'
import { type Database, openDatabase } from './db/database.ts'
import { holdLease } from './db/lease.ts'
import { migrate } from './db/migrate.ts'
import { DomainError } from './errors.ts'
import { openBus } from './events/bus.ts'
import { EventLog } from './events/log.ts'
import { eventRoutes } from './events/routes.ts'
import { TopicRegistry } from './events/topics.ts'
import { markDemoFolder } from './first-run.ts'
import { pingDatabase, type ReadinessChecks } from './health.ts'
import { expireIdempotencyKeys, idempotentCreates } from './http/idempotency.ts'
import type { Identity } from './http/identity.ts'
import { PermissionMatrix } from './http/permissions.ts'
import { platformRoutes } from './http/platform-routes.ts'
import type { LogDestination } from './http/request-log.ts'
import { buildServer, packageVersion, type Readiness, type RouteAccess } from './http/server.ts'
import { importRoutes } from './import-routes.ts'
import { ImportRuns } from './import-runs.ts'
import { IndicatorRegistry } from './indicators.ts'
import { JobQueue } from './jobs/jobs.ts'
import { JOB_DISPATCH, JOB_SWEEP, Messaging, SWEEP_SECONDS } from './messaging/messaging.ts'
import { MESSAGING_ACTIONS, messagingRoutes } from './messaging/routes.ts'
import { Metrics, timedDatabase } from './metrics.ts'
import { metricsRoutes } from './metrics-routes.ts'
import type { CoreContext, DemoLogin, KendaliApp, KendaliModule, ModuleTokens } from './module.ts'
import { openMqttHub, UnavailableHub } from './mqtt/hub.ts'
import { smtpMailer } from './outbound/mail.ts'
import { OutboundPolicy } from './outbound/policy.ts'
import { loadSecrets, resealColumns, type SealedColumn } from './secrets.ts'
import type { TenancyPort } from './tenancy.ts'
import { DEFAULT_TIME_ZONE, dateInZone } from './time.ts'

export interface KendaliOptions {
  /** An already open database (tests share one per worker); it is not closed with the app. */
  db?: Database
  logger?: boolean
  /** Log lines go here instead of stdout (tests read them). */
  logDestination?: LogDestination
  rateLimitPerMinute?: number
  rateLimitAuthenticatedPerMinute?: number
  /** Start background work (job polling, module start hooks such as the simulator). */
  background?: boolean
  /** Open the MQTT hub (embedded broker on MQTT_PORT, or MQTT_URL). */
  mqtt?: boolean
}

export interface Kendali {
  app: KendaliApp
  ctx: CoreContext
  routes: RouteAccess[]
  readiness: Readiness
  /** Compiles every route's validators and serializers now (they compile on first use); returns how many. */
  compileSchemas(): number
  /** Opens and migrates the database, seeds the demo when asked, starts background work. */
  prepare(): Promise<{ demoLogins: DemoLogin[]; notices: string[] }>
  close(): Promise<void>
}

// Stands in for the database until it is open, so early requests get a clear 503.
const notOpenYet: Database = {
  kind: 'pglite',
  query: () => Promise.reject(new DomainError('unavailable', 'The database is not open yet')),
  transaction: () => Promise.reject(new DomainError('unavailable', 'The database is not open yet')),
  exec: () => Promise.reject(new DomainError('unavailable', 'The database is not open yet')),
  close: async () => undefined,
}

/** The id every instance sharing this database shares, made once. */
async function installId(db: Database): Promise<string> {
  await db.query(`INSERT INTO instance_state (key, value) VALUES ('install_id', replace(gen_random_uuid()::text, '-', '')) ON CONFLICT (key) DO NOTHING`)
  const [row] = await db.query<{ value: string }>(`SELECT value FROM instance_state WHERE key = 'install_id'`)
  return row.value
}

/** The identity the HTTP layer checks: a token with a module's prefix is that module's to resolve. */
function withModuleTokens(identity: Identity, tokens: ModuleTokens[]): Identity {
  return {
    ...identity,
    principalFromApiToken: (token) => (tokens.find((t) => token.startsWith(t.prefix)) ?? { principal: identity.principalFromApiToken }).principal(token),
  }
}

/** Every column of the install that holds sealed secrets: the messaging channels' credentials and the modules'. */
export function sealedColumns(modules: readonly KendaliModule[]): SealedColumn[] {
  return [{ table: 'messaging_channels', column: 'secrets', json: true }, ...modules.flatMap((m) => m.sealed ?? [])]
}

/** The platform's own actions (messaging channels), beside every module's. */
export const CORE_ACTIONS = [{ name: 'core', actions: MESSAGING_ACTIONS }]

const CLOSE_GRACE_MS = 3000
// A lease holder that stopped renewing (crashed, stopped) is replaced after this long.
const LEASE_SECONDS = 30

export async function createKendali(config: Config, modules: KendaliModule[], options: KendaliOptions = {}): Promise<Kendali> {
  const { secrets, notice: secretsNotice } = loadSecrets(config)
  const bus = await openBus(config.natsUrl)
  const readiness: Readiness = { ready: false, waitingFor: ['database'] }
  const instance = randomUUID()
  let identity: Identity | null = null
  const moduleTokens: ModuleTokens[] = []
  const currentIdentity = (): Identity => {
    if (!identity) throw new Error('No module provides the identity (tenancy must be registered)')
    return identity
  }
  const permissions = new PermissionMatrix([...CORE_ACTIONS, ...modules])
  const { app, routes, schemas } = await buildServer({
    logLevel: config.logLevel,
    bodyLimitBytes: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    publicUrl: config.publicUrl,
    mapStyleUrl: config.mapStyleUrl,
    wallFrameAncestors: config.wallFrameAncestors,
    rateLimitPerMinute: options.rateLimitPerMinute ?? config.rateLimitPerMinute,
    rateLimitAuthenticatedPerMinute: options.rateLimitAuthenticatedPerMinute ?? config.rateLimitAuthenticatedPerMinute,
    version: packageVersion(),
    webDist: fileURLToPath(new URL('../../web/dist', import.meta.url)),
    readiness,
    logger: options.logger,
    logSlowMs: config.logSlowMs,
    logDestination: options.logDestination,
    identity: currentIdentity,
    permissions,
  })
  const topics = new TopicRegistry()
  const events = new EventLog(bus)
  const metrics = new Metrics()
  bus.subscribe(() => metrics.busEvents.inc())
  const jobs = new JobQueue(
    () => ctx.db,
    (err) => app.log.error({ err }, 'job polling failed'),
    (kind, outcome, seconds) => {
      metrics.jobRuns.inc({ kind, outcome })
      metrics.jobDuration.observe({ kind }, seconds)
    },
  )
  const outbound = new OutboundPolicy(config.outboundAllow)
  const tenancyProvider = modules.find((m) => m.tenancy)
  let tenancy: TenancyPort | null = null
  const ctx: CoreContext = {
    config,
    db: options.db ? timedDatabase(options.db, metrics) : notOpenYet,
    bus,
    events,
    jobs,
    imports: new ImportRuns(() => ctx.db, events, jobs),
    topics,
    outbound,
    mailer: config.smtpUrl ? smtpMailer(config.smtpUrl, config.smtpFrom) : null,
    messaging: new Messaging(jobs, outbound, secrets, app.log),
    log: app.log,
    mqtt: new UnavailableHub(),
    secrets,
    metrics,
    indicators: new IndicatorRegistry(),
    get tenancy(): TenancyPort {
      if (!tenancyProvider?.tenancy) throw new Error('No module provides tenancy (the tenancy module must be registered)')
      tenancy ??= tenancyProvider.tenancy(ctx)
      return tenancy
    },
    modules,
    permissions,
    holdsLease: (name) => holdLease(ctx.db, name, instance, LEASE_SECONDS),
  }

  // Set as start-up passes each step; the checks re-test what can fail later (database, bus, broker, jobs).
  const passed = { migrations: false, demoSeed: false, mqtt: false, jobs: false }
  const wantsMqtt = options.mqtt ?? true
  const wantsJobs = options.background ?? true
  const readinessChecks: ReadinessChecks = {
    database: () => (ctx.db === notOpenYet ? 'waiting' : pingDatabase(ctx.db)),
    migrations: () => (passed.migrations ? 'ok' : 'waiting'),
    demoSeed: () => (!config.demo ? 'off' : passed.demoSeed ? 'ok' : 'waiting'),
    bus: () => (bus.connected() ? 'ok' : 'down'),
    mqtt: () => (!wantsMqtt ? 'off' : !passed.mqtt ? 'waiting' : ctx.mqtt.up() ? 'ok' : 'down'),
    jobs: () => (!wantsJobs ? 'off' : !passed.jobs ? 'waiting' : ctx.jobs.polling() ? 'ok' : 'down'),
    // Whatever else start-up does (modules' install hooks) is done.
    startup: () => (readiness.ready ? 'ok' : 'waiting'),
  }
  platformRoutes(app, ctx, readiness, readinessChecks, packageVersion())
  metricsRoutes(app, ctx)
  idempotentCreates(app, () => ctx.db)
  ctx.jobs.every('core.idempotency_expiry', 3600, () => expireIdempotencyKeys(ctx.db))
  if (config.backup.everyHours > 0) {
    ctx.jobs.every('core.backup', config.backup.everyHours * 3600, async () => {
      app.log.info(describeBackup(await backUpAndPrune(config, packageVersion(), ctx.db)))
    })
  }
  basemapRoutes(app, ctx)
  eventRoutes(app, ctx, currentIdentity)
  importRoutes(app, ctx)
  messagingRoutes(app, ctx)
  ctx.jobs.handle(JOB_DISPATCH, (job) => ctx.messaging.dispatch(ctx.db, job))
  ctx.jobs.every(JOB_SWEEP, SWEEP_SECONDS, () => ctx.messaging.sweep(ctx.db))
  for (const module of modules) {
    for (const [topic, readers] of Object.entries(module.topics ?? {})) topics.declare(topic, readers)
    module.routes?.(app, ctx)
    for (const [kind, job] of Object.entries(module.jobs?.(ctx) ?? {})) {
      if (typeof job === 'function') ctx.jobs.handle(kind, job)
      else ctx.jobs.every(kind, job.everySeconds, job.run)
    }
    for (const indicator of module.indicators?.(ctx) ?? []) ctx.indicators.register(module.name, indicator)
    const inbound = module.inbound?.(ctx)
    if (inbound) ctx.messaging.onInbound(module.name, inbound)
    identity = module.identity?.(ctx) ?? identity
    const tokens = module.tokens?.(ctx)
    if (tokens) moduleTokens.push(tokens)
  }
  if (identity) identity = withModuleTokens(identity, moduleTokens)

  // A restart by the same release on the same day finds the demo as the last start left it, so its seeders
  // (seconds of checks that find every row already there) run again only on a new day (the demo's dates move
  // with it) or after an upgrade; the logins they returned are kept for the start-up banner.
  const demoSeedMark = () => `${packageVersion()} ${dateInZone(new Date(), DEFAULT_TIME_ZONE)} ${modules.map((m) => m.name).join(',')}`

  async function seedDemo(): Promise<DemoLogin[]> {
    if (!config.demo) return []
    const [done] = await ctx.db.query<{ value: string }>(`SELECT value FROM instance_state WHERE key = 'demo_seed'`)
    const last = done ? (JSON.parse(done.value) as { mark: string; logins: Omit<DemoLogin, 'password'>[] }) : null
    if (last?.mark === demoSeedMark()) return last.logins.map((login) => ({ ...login, password: config.demoPassword }))
    await ctx.db.query(
      `INSERT INTO instance_state (key, value) VALUES ('demo', 'seeding') ON CONFLICT (key) DO UPDATE SET value = CASE WHEN instance_state.value = 'seeded' THEN 'seeded' ELSE 'seeding' END`,
    )
    const logins: DemoLogin[] = []
    for (const module of modules) {
      const began = performance.now()
      logins.push(...((await module.seedDemo?.(ctx)) ?? []))
      app.log.debug({ module: module.name, ms: Math.round(performance.now() - began) }, 'demo seed of a module')
    }
    await ctx.db.query(`UPDATE instance_state SET value = 'seeded', updated_at = now() WHERE key = 'demo'`)
    const mark = JSON.stringify({ mark: demoSeedMark(), logins: logins.map(({ password: _, ...login }) => login) })
    await ctx.db.query(
      `INSERT INTO instance_state (key, value) VALUES ('demo_seed', $1) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
      [mark],
    )
    if (!options.db && !config.databaseUrl) markDemoFolder(config.dataDir)
    return logins
  }

  return {
    app,
    ctx,
    routes,
    readiness,
    compileSchemas: () => schemas.compileAll(),
    async prepare() {
      // Each start-up step's time, at debug (bench/startup.ts reads them).
      let mark = 0 // the process's start: the first step is loading the code and building the routes
      const step = (name: string) => {
        app.log.debug({ step: name, ms: Math.round(performance.now() - mark) }, 'start-up step')
        mark = performance.now()
      }
      step('code and routes')
      if (!options.db) ctx.db = timedDatabase(await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir }), metrics)
      step('database')
      readiness.waitingFor = ['migrations']
      await migrate(
        ctx.db,
        [
          { owner: 'core', dir: fileURLToPath(new URL('./db/migrations', import.meta.url)) },
          ...modules.filter((m) => m.migrations).map((m) => ({ owner: m.name, dir: m.migrations ?? '' })),
        ],
        packageVersion(),
      )
      passed.migrations = true
      step('migrations')
      if (wantsMqtt) {
        ctx.mqtt = await openMqttHub({
          mqttUrl: config.mqttUrl,
          mqttPort: config.mqttPort,
          tls: config.mqttTls,
          maxPacketBytes: config.mqttMaxPacketBytes,
          onPortTaken: () => app.log.warn(`MQTT port ${config.mqttPort} is taken: devices cannot connect. Set MQTT_PORT, or MQTT_URL for an external broker.`),
        })
        ctx.mqtt.onDeviceMessage(() => metrics.mqttMessages.inc())
        passed.mqtt = true
      }
      bus.join(await installId(ctx.db))
      const notices: string[] = secretsNotice ? [secretsNotice] : []
      // Plaintext from before sealing, and values sealed under a previous key, are sealed under the current key.
      const resealed = await resealColumns(ctx.db, secrets, sealedColumns(modules))
      if (resealed > 0 && config.previousSecretKeys.length > 0) {
        notices.push(
          `${resealed} stored secrets were re-sealed with KENDALI_SECRET_KEY; once every instance runs with it, KENDALI_SECRET_KEY_PREVIOUS may be removed.`,
        )
      }
      step('broker and secrets')
      readiness.waitingFor = ['demo seed']
      const demoLogins = await seedDemo()
      passed.demoSeed = true
      step('demo seed')
      for (const module of modules) notices.push(...((await module.install?.(ctx)) ?? []))
      step('module install')
      if (wantsJobs) {
        for (const module of modules) await module.start?.(ctx)
        await ctx.jobs.scheduleRecurring()
        ctx.jobs.start()
        passed.jobs = true
      }
      step('jobs')
      readiness.waitingFor = []
      readiness.ready = true
      return { demoLogins, notices }
    },
    async close() {
      await ctx.jobs.stop()
      for (const module of modules) await module.stop?.()
      // Requests in flight get a short grace; streams that never end by themselves (camera feeds) do not hold the stop.
      const grace = setTimeout(() => app.server.closeAllConnections(), CLOSE_GRACE_MS)
      await app.close()
      clearTimeout(grace)
      await ctx.mqtt.close()
      await bus.close()
      if (!options.db) await ctx.db.close()
    },
  }
}
