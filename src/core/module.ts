import type { IncomingMessage, ServerResponse } from 'node:http'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyBaseLogger, FastifyInstance, RawServerDefault } from 'fastify'
import type { Config } from './config.ts'
import type { Database, Tx } from './db/database.ts'
import type { Bus } from './events/bus.ts'
import type { EventLog } from './events/log.ts'
import type { TopicRegistry } from './events/topics.ts'
import type { Principal, Role } from './http/access.ts'
import type { Identity } from './http/identity.ts'
import type { ActionRules, PermissionMatrix } from './http/permissions.ts'
import type { ImportRuns } from './import-runs.ts'
import type { ComputedIndicator, IndicatorRegistry } from './indicators.ts'
import type { JobHandler, JobQueue } from './jobs/jobs.ts'
import type { InboundHandler, Messaging } from './messaging/messaging.ts'
import type { Metrics } from './metrics.ts'
import type { MqttHub } from './mqtt/hub.ts'
import type { Mailer } from './outbound/mail.ts'
import type { OutboundPolicy } from './outbound/policy.ts'
import type { SealedColumn, Secrets } from './secrets.ts'
import type { TenancyPort } from './tenancy.ts'

export type KendaliApp = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger, TypeBoxTypeProvider>

/** What every module's services and routes are handed: the shared infrastructure, nothing of other modules. */
export interface CoreContext {
  readonly config: Config
  /** Set once the database is open; before that every call fails as `unavailable`. */
  db: Database
  readonly bus: Bus
  readonly events: EventLog
  readonly jobs: JobQueue
  /** CSV imports: small ones written in the request, large ones by a durable job with progress. */
  readonly imports: ImportRuns
  readonly topics: TopicRegistry
  /** The only way out to URLs people typed in (cameras, webhooks, connectors, push): refuses the server's own network. */
  readonly outbound: OutboundPolicy
  /** Outgoing e-mail through SMTP_URL; null without it. */
  readonly mailer: Mailer | null
  /** WhatsApp, Telegram and SMS: the tenant's channels, delivery records, provider webhooks. */
  readonly messaging: Messaging
  readonly log: FastifyBaseLogger
  /** Device messages over MQTT; set when the platform prepares (embedded broker or MQTT_URL). */
  mqtt: MqttHub
  /** Seals and opens secrets at rest, and makes keyed hashes, with the instance key. */
  readonly secrets: Secrets
  /** Prometheus metrics (GET /metrics): core's own, and a module's added with ctx.metrics.counter()/gauge()/histogram(). */
  readonly metrics: Metrics
  /** Every loaded module's computed indicators (read by the kpi module). */
  readonly indicators: IndicatorRegistry
  /** Every module's actions and who may do each (served by `/api/auth/me`). */
  readonly permissions: PermissionMatrix
  /** Tenants, regions, OPDs and people as every module may read them; provided by the tenancy module, built once. */
  readonly tenancy: TenancyPort
  /** Every loaded module, for platform-wide actions such as copying a template tenant's configuration. */
  readonly modules: readonly KendaliModule[]
  /**
   * True while this instance holds the named lease (taken or renewed by the call): background work that only
   * one of several instances on a database may do, such as a demo simulator, asks before each step.
   */
  holdsLease(name: string): Promise<boolean>
}

export interface RecurringJob {
  everySeconds: number
  run: JobHandler
}

export interface DemoLogin {
  username: string
  password: string
  tenant: string
  roles: Role[]
}

/**
 * The one interface a module implements to join the platform. Adding a module is adding its folder and
 * one line to src/modules/index.ts.
 */
export interface KendaliModule {
  name: string
  /** Folder of numbered `NNN_name.sql` migrations owned by this module. */
  migrations?: string
  /** Columns of this module's tables that hold sealed secrets; re-sealed at start after a key rotation. */
  sealed?: readonly SealedColumn[]
  /** The actions of the permission matrix this module's routes perform, and who may do each. */
  actions?: ActionRules
  /** Event topics this module writes and which roles may read them. */
  topics?: Record<string, readonly Role[] | 'any'>
  routes?(app: KendaliApp, ctx: CoreContext): void
  /** Job handlers by kind; a `{everySeconds, run}` entry is a platform-wide recurring job. */
  jobs?(ctx: CoreContext): Record<string, JobHandler | RecurringJob>
  /** Seeds the demo city; runs in module order on a new data folder in demo mode. Returns logins to print. */
  seedDemo?(ctx: CoreContext): Promise<DemoLogin[] | undefined>
  /** Runs at every start after migrations (and the demo seed); returns lines to print, e.g. a first password. */
  install?(ctx: CoreContext): Promise<string[]>
  /** Smart-city indicators this module computes from its own data (see core/indicators.ts). */
  indicators?(ctx: CoreContext): ComputedIndicator[]
  /**
   * Onboarding: copies this module's shareable configuration (types, categories, catalogues — never data or
   * people) from a template tenant to another, inside the caller's transaction; returns how many items it copied.
   */
  copyConfig?(ctx: CoreContext, db: Tx, from: string, to: string): Promise<number>
  /** Answers people's messages on the messaging channels (STOP, opt-in codes, chat intake), in module order. */
  inbound?(ctx: CoreContext): InboundHandler
  /** Background work once the platform is ready (simulators, listeners). */
  start?(ctx: CoreContext): Promise<void>
  stop?(): Promise<void>
  /** The module that knows tenants, regions, OPDs and people provides what the others read of them (`ctx.tenancy`). */
  tenancy?(ctx: CoreContext): TenancyPort
  /** The module that knows tenants, users and tokens provides the identity the HTTP layer checks. */
  identity?(ctx: CoreContext): Identity
  /** Bearer tokens of this module's own (e.g. the kpi module's `kdw_` wall tokens), told apart by their prefix. */
  tokens?(ctx: CoreContext): ModuleTokens
}

export interface ModuleTokens {
  /** Every token of this kind starts with it; other tokens go to the identity module. */
  prefix: string
  /** The caller a valid token stands for; null when it is unknown, revoked or expired. */
  principal(token: string): Promise<Principal | null>
}

/**
 * A module's services, built once per context: the module itself and every module that asks for them share one
 * instance, instead of each building its own (and climbing through the services those build).
 */
export function perContext<T>(build: (ctx: CoreContext) => T): (ctx: CoreContext) => T {
  const built = new WeakMap<CoreContext, T>()
  return (ctx) => {
    let services = built.get(ctx)
    if (services === undefined) {
      services = build(ctx)
      built.set(ctx, services)
    }
    return services
  }
}
