import { isIP } from 'node:net'
import { join, resolve } from 'node:path'

/** Every setting Kendali reads from the environment, read once at start-up. */
export interface Config {
  port: number
  /** Address to listen on: HOST, else 0.0.0.0, or 127.0.0.1 in demo mode. */
  host: string
  dataDir: string
  databaseUrl: string | null
  natsUrl: string | null
  mqttUrl: string | null
  mqttPort: number
  /** The embedded broker also listens with TLS on this port, with the certificate and key read from these files. */
  mqttTls: { port: number; certFile: string; keyFile: string } | null
  /** Largest MQTT packet the embedded broker accepts; a bigger one closes the connection. */
  mqttMaxPacketBytes: number
  /** Demo mode (DEMO=1): seeds the demo city, runs the simulators, accepts the demo Midtrans key. */
  demo: boolean
  demoPassword: string
  /** Password of the first platform administrator on an install without one; random when unset. */
  adminPassword: string | null
  simulator: boolean
  logLevel: string
  /** A request slower than this (ms) is logged at warn, so an info log shows it. */
  logSlowMs: number
  publicUrl: string | null
  defaultTenant: string
  mapStyleUrl: string | null
  /** Folder of the PMTiles basemap archives Kendali serves (BASEMAP_DIR, default DATA_DIR/basemap). */
  basemapDir: string
  /** A login lasts at most this long (absolute timeout). */
  sessionDays: number
  /** A session unused this long ends (idle timeout). */
  sessionIdleMinutes: number
  /** Which proxies' X-Forwarded-* headers are believed: a hop count, or their addresses/CIDR ranges; false for none. */
  trustProxy: number | string[] | false
  /** Origins that may show the KPI wall in a frame (CSP frame-ancestors); none by default. */
  wallFrameAncestors: string[]
  bodyLimitBytes: number
  rateLimitPerMinute: number
  /** Requests per minute of one logged-in caller (session or API token), counted apart from its address. */
  rateLimitAuthenticatedPerMinute: number
  /** How often an open live channel re-checks its session (logout, disabled account, changed roles). */
  liveRecheckSeconds: number
  /** A routing service speaking the OSRM HTTP API, for travel times; straight-line estimates without it. */
  routingUrl: string | null
  /** Outgoing e-mail, e.g. smtp://user:pass@mail.example.go.id:587; no e-mail without it. */
  smtpUrl: string | null
  smtpFrom: string
  /** Who answers for the Open311 endpoint, shown in its discovery document. */
  open311Contact: string | null
  /** BMKG feeds the alerts module polls; each off unless set. */
  bmkg: {
    /** Latest earthquake, e.g. https://data.bmkg.go.id/DataMKG/TEWS/autogempa.json */
    autogempaUrl: string | null
    /** Recent felt earthquakes, e.g. https://data.bmkg.go.id/DataMKG/TEWS/gempadirasakan.json */
    gempadirasakanUrl: string | null
    /** Recent M5+ earthquakes, e.g. https://data.bmkg.go.id/DataMKG/TEWS/gempaterkini.json */
    gempaterkiniUrl: string | null
    /** Weather warnings: a CAP 1.2 message or an RSS index of them (BMKG nowcast). */
    capUrl: string | null
    pollSeconds: number
    /** An event this close to a tenant's area (km) concerns it. */
    nearKm: number
  }
  /** Server key of the Midtrans account whose payment notifications the levies module accepts (MIDTRANS_SERVER_KEY). */
  midtransServerKey: string | null
  /** Hosts and CIDR ranges outbound calls (connectors, webhooks, probes) may reach although private or loopback. */
  outboundAllow: string[]
  /** RTSP cameras remuxed to HLS by ffmpeg: how many at once, and how long one runs on after its last viewer left. */
  cameraStreams: { maxRemuxes: number; idleSeconds: number }
  /** Days after a report or incident is closed that its reporters', supporters' and callers' contacts are erased. */
  contactRetentionDays: number
  /** Seals secrets at rest (KENDALI_SECRET_KEY, 32 bytes); null: the embedded default keeps one in the data folder. */
  secretKey: Buffer | null
  /** Keys that sealed values before a rotation (KENDALI_SECRET_KEY_PREVIOUS): they still open, and are re-sealed at start. */
  previousSecretKeys: Buffer[]
  /** Bearer token a Prometheus scraper sends to GET /metrics (METRICS_TOKEN). */
  metricsToken: string | null
  /** Addresses and CIDR ranges that may scrape GET /metrics without the token (METRICS_ALLOW). */
  metricsAllow: string[]
  /** Backups (`npm run backup`, and every `everyHours` when not 0): the folder and how many/how long they are kept (0: no limit). */
  backup: { dir: string; everyHours: number; keep: number; keepDays: number }
}

export class ConfigError extends Error {}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 0) throw new ConfigError(`${name} must be a whole number, got "${raw}"`)
  return n
}

function flag(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true
  if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false
  throw new ConfigError(`${name} must be 1 or 0, got "${raw}"`)
}

function mqttTls(env: NodeJS.ProcessEnv): Config['mqttTls'] {
  if (!text(env, 'MQTT_TLS_PORT')) return null
  const certFile = text(env, 'MQTT_TLS_CERT')
  const keyFile = text(env, 'MQTT_TLS_KEY')
  if (!certFile || !keyFile) throw new ConfigError('MQTT_TLS_PORT needs MQTT_TLS_CERT and MQTT_TLS_KEY (PEM files of the certificate and its key)')
  return { port: int(env, 'MQTT_TLS_PORT', 8883), certFile: resolve(certFile), keyFile: resolve(keyFile) }
}

function text(env: NodeJS.ProcessEnv, name: string): string | null {
  const raw = env[name]
  return raw === undefined || raw === '' ? null : raw
}

/** A 32-byte key written as 64 hex digits or in base64. */
export function parseSecretKey(name: string, raw: string): Buffer {
  if (/^[0-9a-f]{64}$/i.test(raw)) return Buffer.from(raw, 'hex')
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(raw)) return Buffer.from(raw, 'base64')
  throw new ConfigError(`${name} must be 32 random bytes as 64 hex digits or base64 (openssl rand -base64 32)`)
}

function list(env: NodeJS.ProcessEnv, name: string): string[] {
  return (text(env, name) ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
}

// proxy-addr's names for address ranges, accepted beside plain addresses and CIDRs.
const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal'])

/** TRUST_PROXY: a hop count or a list of proxy addresses; "trust every sender" is refused (a forged X-Forwarded-For would pick the client address). */
function trustProxy(env: NodeJS.ProcessEnv): number | string[] | false {
  const raw = text(env, 'TRUST_PROXY')?.trim()
  if (raw === undefined || ['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false
  if (/^\d+$/.test(raw)) return Number(raw)
  if (['true', 'yes', 'on'].includes(raw.toLowerCase())) {
    throw new ConfigError(
      `TRUST_PROXY=${raw} would believe X-Forwarded-For from anyone; set the number of proxies in front of Kendali (usually 1) or their addresses (10.0.0.5,10.1.0.0/16)`,
    )
  }
  const proxies = list(env, 'TRUST_PROXY')
  for (const proxy of proxies) {
    if (!PROXY_RANGE_NAMES.has(proxy) && !isAddressOrRange(proxy)) {
      throw new ConfigError(`TRUST_PROXY must be a hop count or a comma list of proxy addresses or CIDR ranges, got "${proxy}"`)
    }
  }
  return proxies
}

/** 10.0.0.5, 10.1.0.0/16, ::1, fd00::/8. */
function isAddressOrRange(entry: string): boolean {
  const [address, bits, extra] = entry.split('/')
  const family = isIP(address)
  const validBits = bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (family === 6 ? 128 : 32))
  return family !== 0 && validBits && extra === undefined
}

function addressList(env: NodeJS.ProcessEnv, name: string): string[] {
  const entries = list(env, name)
  const wrong = entries.find((entry) => !isAddressOrRange(entry))
  if (wrong !== undefined) throw new ConfigError(`${name} must be a comma list of addresses or CIDR ranges (10.0.0.5,10.1.0.0/16), got "${wrong}"`)
  return entries
}

function httpUrl(raw: string): URL | null {
  try {
    const url = new URL(raw)
    return ['http:', 'https:'].includes(url.protocol) ? url : null
  } catch {
    return null
  }
}

/** An http(s) address (PUBLIC_URL, MAP_STYLE_URL), checked now so its origin can be used without surprises. */
function address(env: NodeJS.ProcessEnv, name: string): string | null {
  const raw = text(env, name)
  if (raw !== null && !httpUrl(raw)) throw new ConfigError(`${name} must be an http:// or https:// address, got "${raw}"`)
  return raw
}

/** Origins allowed to frame the KPI wall: scheme://host[:port] each, nothing else (a path or wildcard would widen it). */
function origins(env: NodeJS.ProcessEnv, name: string): string[] {
  return list(env, name).map((raw) => {
    const url = httpUrl(raw)
    if (!url || url.origin !== raw.replace(/\/$/, '')) {
      throw new ConfigError(`${name} must be a comma list of origins like https://dashboard.example.go.id, got "${raw}"`)
    }
    return url.origin
  })
}

export const DEFAULT_DEMO_PASSWORD = 'kendali-demo'

export const isLoopback = (host: string) => host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'))

/** A demo (known users, a known password) stays on this machine unless its password was changed. */
function listenHost(env: NodeJS.ProcessEnv, demo: boolean, demoPassword: string): string {
  const host = text(env, 'HOST')
  if (!demo) return host ?? '0.0.0.0'
  if (host === null) return '127.0.0.1'
  if (!isLoopback(host) && demoPassword === DEFAULT_DEMO_PASSWORD) {
    throw new ConfigError(
      `Demo mode (DEMO=1) refuses to listen on ${host} with the published demo password: set DEMO_PASSWORD to a password of your own, or DEMO=0 for a real install`,
    )
  }
  return host
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Instances sharing a PostgreSQL database must seal with one key; a key made by each in its own folder would not do.
  if (text(env, 'DATABASE_URL') && !text(env, 'KENDALI_SECRET_KEY')) {
    throw new ConfigError(
      'KENDALI_SECRET_KEY must be set with DATABASE_URL (32 random bytes: openssl rand -base64 32); keep it safe and the same on every instance',
    )
  }
  const demo = flag(env, 'DEMO', false)
  const demoPassword = text(env, 'DEMO_PASSWORD') ?? DEFAULT_DEMO_PASSWORD
  return {
    port: int(env, 'PORT', 3000),
    host: listenHost(env, demo, demoPassword),
    dataDir: resolve(text(env, 'DATA_DIR') ?? './data'),
    databaseUrl: text(env, 'DATABASE_URL'),
    natsUrl: text(env, 'NATS_URL'),
    mqttUrl: text(env, 'MQTT_URL'),
    mqttPort: int(env, 'MQTT_PORT', 1883),
    mqttTls: mqttTls(env),
    mqttMaxPacketBytes: int(env, 'MQTT_MAX_PACKET_BYTES', 64 * 1024),
    demo,
    demoPassword,
    adminPassword: text(env, 'ADMIN_PASSWORD'),
    simulator: flag(env, 'SIMULATOR', true),
    logLevel: text(env, 'LOG_LEVEL') ?? 'info',
    logSlowMs: int(env, 'LOG_SLOW_MS', 1000),
    publicUrl: address(env, 'PUBLIC_URL'),
    defaultTenant: text(env, 'DEFAULT_TENANT') ?? '33.71',
    mapStyleUrl: address(env, 'MAP_STYLE_URL'),
    basemapDir: resolve(text(env, 'BASEMAP_DIR') ?? join(text(env, 'DATA_DIR') ?? './data', 'basemap')),
    sessionDays: int(env, 'SESSION_DAYS', 7),
    sessionIdleMinutes: int(env, 'SESSION_IDLE_MINUTES', 12 * 60),
    trustProxy: trustProxy(env),
    wallFrameAncestors: origins(env, 'WALL_FRAME_ANCESTORS'),
    bodyLimitBytes: int(env, 'BODY_LIMIT_BYTES', 5 * 1024 * 1024),
    rateLimitPerMinute: int(env, 'RATE_LIMIT_PER_MINUTE', 1200),
    rateLimitAuthenticatedPerMinute: int(env, 'RATE_LIMIT_AUTHENTICATED_PER_MINUTE', 12_000),
    liveRecheckSeconds: int(env, 'LIVE_RECHECK_SECONDS', 30),
    routingUrl: text(env, 'ROUTING_URL'),
    smtpUrl: text(env, 'SMTP_URL'),
    smtpFrom: text(env, 'SMTP_FROM') ?? 'Kendali <noreply@localhost>',
    open311Contact: text(env, 'OPEN311_CONTACT'),
    bmkg: {
      autogempaUrl: text(env, 'BMKG_AUTOGEMPA_URL'),
      gempadirasakanUrl: text(env, 'BMKG_GEMPADIRASAKAN_URL'),
      gempaterkiniUrl: text(env, 'BMKG_GEMPATERKINI_URL'),
      capUrl: text(env, 'BMKG_CAP_URL'),
      pollSeconds: int(env, 'BMKG_POLL_SECONDS', 60),
      nearKm: int(env, 'BMKG_NEAR_KM', 100),
    },
    midtransServerKey: text(env, 'MIDTRANS_SERVER_KEY'),
    outboundAllow: list(env, 'OUTBOUND_ALLOW').map((s) => s.toLowerCase()),
    cameraStreams: { maxRemuxes: int(env, 'CAMERA_MAX_REMUXES', 16), idleSeconds: int(env, 'CAMERA_REMUX_IDLE_SECONDS', 10) },
    contactRetentionDays: int(env, 'CONTACT_RETENTION_DAYS', 365),
    secretKey: env.KENDALI_SECRET_KEY ? parseSecretKey('KENDALI_SECRET_KEY', env.KENDALI_SECRET_KEY.trim()) : null,
    previousSecretKeys: list(env, 'KENDALI_SECRET_KEY_PREVIOUS').map((raw) => parseSecretKey('KENDALI_SECRET_KEY_PREVIOUS', raw)),
    metricsToken: text(env, 'METRICS_TOKEN'),
    metricsAllow: addressList(env, 'METRICS_ALLOW'),
    backup: {
      dir: resolve(text(env, 'BACKUP_DIR') ?? join(text(env, 'DATA_DIR') ?? './data', 'backups')),
      everyHours: int(env, 'BACKUP_EVERY_HOURS', 0),
      keep: int(env, 'BACKUP_KEEP', 7),
      keepDays: int(env, 'BACKUP_KEEP_DAYS', 30),
    },
  }
}
