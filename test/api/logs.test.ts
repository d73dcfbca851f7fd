import { describe, expect, it } from 'vitest'
import { createKendali, type Kendali } from '../../src/core/app.ts'
import { SESSION_COOKIE } from '../../src/core/http/identity.ts'
import { readableLines } from '../../src/core/http/request-log.ts'
import { allModules } from '../../src/modules/index.ts'
import { testDatabase } from '../support/db.ts'
import { PASSWORD } from '../support/fixtures.ts'
import { json } from '../support/server.ts'
import { testConfig } from '../support/template.ts'

/** A prepared Kendali whose log lines (from after start-up) land in `raw`; `lines()` parses them. */
async function withCapturedLogs(
  env: Record<string, string>,
  run: (kendali: Kendali, lines: () => Record<string, unknown>[], raw: string[]) => Promise<void>,
  addRoutes?: (kendali: Kendali) => void,
) {
  const raw: string[] = []
  const kendali = await createKendali(testConfig(env), allModules(), {
    db: await testDatabase(),
    logDestination: { write: (line) => raw.push(line) },
    rateLimitPerMinute: 0,
    background: false,
    mqtt: false,
  })
  addRoutes?.(kendali)
  try {
    await kendali.prepare()
    raw.length = 0
    await run(kendali, () => raw.map((line) => JSON.parse(line) as Record<string, unknown>), raw)
  } finally {
    await kendali.close()
  }
}

describe('request logs', () => {
  it('at info, health probes and ordinary requests write nothing', async () => {
    await withCapturedLogs({ LOG_LEVEL: 'info', LOG_SLOW_MS: '600000' }, async (kendali, lines) => {
      for (const url of ['/api/health', '/api/health/live', '/api/health/ready', '/api/t/33.71', '/api/t/33.71/nothing-here']) {
        await kendali.app.inject({ method: 'GET', url })
      }
      expect(lines()).toEqual([])
    })
  })

  it('at info, health probes answered 503 while starting write nothing either', async () => {
    const raw: string[] = []
    const kendali = await createKendali(testConfig({ LOG_LEVEL: 'info' }), allModules(), {
      logDestination: { write: (line) => raw.push(line) },
      background: false,
      mqtt: false,
    })
    try {
      for (const url of ['/api/health', '/api/health/ready']) expect((await kendali.app.inject({ method: 'GET', url })).statusCode).toBe(503)
      expect(raw).toEqual([])
    } finally {
      await kendali.close()
    }
  })

  it('at debug, one line per request with its id and tenant, and no password, token, cookie or secret query value', async () => {
    await withCapturedLogs({ LOG_LEVEL: 'debug', LOG_SLOW_MS: '600000' }, async (kendali, lines, raw) => {
      // No request counts as slow (a warn line instead of 'request') on a busy machine: argon2 logins take time.
      // Its own client address: failed logins of other tests on this worker's database from 127.0.0.1 must not
      // slow these logins down.
      const remoteAddress = '10.77.0.1'
      const first = await kendali.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'admin', password: PASSWORD }, remoteAddress })
      expect(first.statusCode).toBe(200)
      const cookie = `${SESSION_COOKIE}=${first.cookies.find((c) => c.name === SESSION_COOKIE)?.value}`
      const created = await kendali.app.inject({
        method: 'POST',
        url: '/api/t/33.71/tokens',
        headers: { cookie },
        payload: { name: 'log-test', roles: ['admin'] },
      })
      expect(created.statusCode).toBe(201)
      const { token } = json<{ token: string }>(created)
      raw.length = 0
      const login = await kendali.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'admin', password: PASSWORD }, remoteAddress })
      expect(login.statusCode).toBe(200)
      const wrong = await kendali.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: 'admin', password: 'not-the-Password-9' },
        remoteAddress,
      })
      expect(wrong.statusCode).toBe(401)
      expect((await kendali.app.inject({ method: 'GET', url: '/api/t/33.71/users', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(200)
      await kendali.app.inject({ method: 'GET', url: `/api/t/33.71/users?token=${token}&q=budi`, headers: { cookie } })

      const requests = lines().filter((l) => l.msg === 'request')
      expect(requests.map((l) => [l.method, l.status])).toEqual([
        ['POST', 200],
        ['POST', 401],
        ['GET', 200],
        ['GET', 200],
      ])
      expect(requests.every((l) => typeof l.reqId === 'string' && typeof l.ms === 'number')).toBe(true)
      expect(requests.slice(2).map((l) => [l.tenant, l.url])).toEqual([
        ['33.71', '/api/t/33.71/users'],
        ['33.71', '/api/t/33.71/users?token=[redacted]&q=budi'],
      ])
      const everything = raw.join('\n')
      for (const secret of [PASSWORD, 'not-the-Password-9', token, cookie.split('=')[1]]) expect(everything).not.toContain(secret)
    })
  })

  it('writes a request slower than LOG_SLOW_MS at warn, even at info', async () => {
    await withCapturedLogs({ LOG_LEVEL: 'info', LOG_SLOW_MS: '0' }, async (kendali, lines) => {
      await kendali.app.inject({ method: 'GET', url: '/api/t/33.71/regions' })
      expect(lines()).toMatchObject([{ level: 40, msg: 'slow request', tenant: '33.71', method: 'GET', status: 200, ms: expect.any(Number) }])
    })
  })

  it('writes a failed request (5xx) at error, even at info, with the error and its stack', async () => {
    await withCapturedLogs(
      { LOG_LEVEL: 'info' },
      async (kendali, lines) => {
        expect((await kendali.app.inject({ method: 'GET', url: '/api/t/33.71/broken-for-test' })).statusCode).toBe(500)
        const failed = lines().filter((l) => l.level === 50)
        expect(failed.length).toBeGreaterThan(0)
        expect(failed.every((l) => l.tenant === '33.71' && typeof l.reqId === 'string')).toBe(true)
        expect(failed).toContainEqual(expect.objectContaining({ msg: 'request failed', status: 500, url: '/api/t/33.71/broken-for-test' }))
        expect(failed.some((l) => String((l.err as { stack?: string } | undefined)?.stack).startsWith('Error: disk on fire\n'))).toBe(true)
      },
      (kendali) =>
        kendali.app.get('/api/t/:tenant/broken-for-test', { config: { access: 'public' } }, async () => {
          throw new Error('disk on fire')
        }),
    )
  })
})

describe('readable log lines (a terminal)', () => {
  it('shows time, level, request id, tenant, message and fields on one line', () => {
    let out = ''
    readableLines({ write: (text: string) => (out += text) }).write(
      `${JSON.stringify({ level: 40, time: Date.UTC(2026, 0, 2, 3, 4, 5, 6), pid: 1, hostname: 'h', reqId: 'r-1', tenant: '33.71', msg: 'slow request', status: 200, ms: 1500 })}\n`,
    )
    expect(out).toBe('03:04:05.006 WARN  [r-1 33.71] slow request status=200 ms=1500\n')
  })
})
