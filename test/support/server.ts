import type { LightMyRequestResponse } from 'fastify'
import { createKendali, type Kendali } from '../../src/core/app.ts'
import { SESSION_COOKIE } from '../../src/core/http/identity.ts'
import { allModules } from '../../src/modules/index.ts'
import { testDatabase } from './db.ts'
import { PASSWORD } from './fixtures.ts'
import { testConfig } from './template.ts'

export interface TestServer {
  kendali: Kendali
  url: string
  close(): Promise<void>
}

/**
 * A Kendali on this worker's database (demo city + fixtures), optionally listening on a free port, or on `port`
 * for a test that stops and restarts the server where its browser expects it.
 */
export async function startTestKendali(opts: { listen?: boolean; port?: number; env?: Record<string, string> } = {}): Promise<TestServer> {
  const kendali = await createKendali(testConfig(opts.env), allModules(), { db: await testDatabase(), logger: false, rateLimitPerMinute: 0, background: false })
  await kendali.prepare()
  let url = ''
  if (opts.listen ?? true) {
    await kendali.app.listen({ port: opts.port ?? 0, host: '127.0.0.1' })
    const address = kendali.app.server.address()
    if (!address || typeof address === 'string') throw new Error('server has no TCP address')
    url = `http://127.0.0.1:${address.port}`
  }
  return { kendali, url, close: () => kendali.close() }
}

/** The served web app and demo city on a real port, for browser tests (`env` e.g. OUTBOUND_ALLOW for a fake camera). */
export function startTestServer(opts: { port?: number; env?: Record<string, string> } = {}): Promise<TestServer> {
  return startTestKendali({ listen: true, ...opts })
}

/**
 * A port below the range the system hands out for port 0 (32768 and up on Linux), one per worker process: a test
 * that restarts its server on the same port must not find it taken meanwhile by another worker's server.
 */
export const restartablePort = (): number => 20_000 + (process.pid % 10_000)

/** Logs a demo or fixture person in and returns the cookie header to send. */
export async function loginCookie(k: Kendali, username: string, password = PASSWORD): Promise<string> {
  const res = await k.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } })
  if (res.statusCode !== 200) throw new Error(`login ${username} failed: ${res.statusCode} ${res.body}`)
  const cookie = res.cookies.find((c) => c.name === SESSION_COOKIE)
  if (!cookie) throw new Error('login set no session cookie')
  return `${SESSION_COOKIE}=${cookie.value}`
}

export function json<T = Record<string, unknown>>(res: LightMyRequestResponse): T {
  return JSON.parse(res.body) as T
}

let counter = 0
/** A name no other test in this run uses, for rows tests create. */
export function unique(prefix: string): string {
  counter += 1
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter}`
}

/** The OPDs a demo or fixture person works for in a tenant, as their session sees it. */
export async function agencyIdsOf(k: Kendali, username: string, tenant: string, password = PASSWORD): Promise<string[]> {
  const res = await k.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: await loginCookie(k, username, password) } })
  const { user } = json<{ user: { grants: { tenant: string; agencies: string[] }[] } }>(res)
  return user.grants.find((g) => g.tenant === tenant)?.agencies ?? []
}
