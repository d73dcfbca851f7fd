import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { createKendali } from '../../src/core/app.ts'
import { dateInZone } from '../../src/core/time.ts'
import { allModules } from '../../src/modules/index.ts'
import { testDatabase } from '../support/db.ts'
import { json } from '../support/server.ts'
import { ROOT, TMP, testConfig } from '../support/template.ts'

describe('while starting', () => {
  it('answers health with 503 and what it waits for, and every other API call with 503, until ready', async () => {
    const kendali = await createKendali(testConfig(), allModules(), { logger: false, background: false, mqtt: false })
    try {
      const health = await kendali.app.inject({ method: 'GET', url: '/api/health' })
      expect(health.statusCode).toBe(503)
      expect(json(health)).toMatchObject({ status: 'starting', waitingFor: ['database'] })
      const ready = await kendali.app.inject({ method: 'GET', url: '/api/health/ready' })
      expect(ready.statusCode).toBe(503)
      expect(json(ready)).toMatchObject({ status: 'unready', checks: { database: 'waiting', migrations: 'waiting' } })
      const tenants = await kendali.app.inject({ method: 'GET', url: '/api/tenants' })
      expect(tenants.statusCode).toBe(503)
      expect(json(tenants)).toMatchObject({ error: { code: 'unavailable' } })
    } finally {
      await kendali.close()
    }
  })
})

describe('starting in demo mode', () => {
  it('refuses to listen on every address with the published demo password, and says what to set', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, DEMO: '1', HOST: '0.0.0.0', DEMO_PASSWORD: '', DATA_DIR: join(TMP, 'demo-refused'), PORT: '0' },
    })
    expect(run.status).toBe(2)
    expect(run.stderr).toContain('DEMO_PASSWORD')
  })
})

describe('restarting in demo mode', () => {
  // Seeders stand in for the modules' own (which find every row already there and take seconds to say so).
  const withCountedSeeders = () => {
    const seeders = new Map<string, ReturnType<typeof vi.fn>>()
    const modules = allModules().map((m) => {
      if (!m.seedDemo) return m
      const seed = vi.fn(async () =>
        m.name === 'tenancy' ? [{ username: 'walikota', password: 'ignored', tenant: '33.71', roles: ['executive' as const] }] : [],
      )
      seeders.set(m.name, seed)
      return { ...m, seedDemo: seed }
    })
    return { modules, seeders }
  }
  const start = async (modules: ReturnType<typeof allModules>) => {
    const db = await testDatabase()
    const kendali = await createKendali(testConfig({ DEMO: '1', DEMO_PASSWORD: 'demo-sandi-uji' }), modules, {
      db,
      logger: false,
      background: false,
      mqtt: false,
    })
    try {
      return { db, ...(await kendali.prepare()) }
    } finally {
      await kendali.close()
    }
  }

  it('seeds on the first start of a day and skips the seeders on a restart the same day, keeping the logins', async () => {
    const db = await testDatabase()
    // As if the last start was yesterday (the demo's dates move with the day, so a new day seeds again).
    await db.query(
      `INSERT INTO instance_state (key, value) VALUES ('demo_seed', '{"mark":"an older day","logins":[]}') ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
    )
    const first = withCountedSeeders()
    const seeded = await start(first.modules)
    expect([...first.seeders.values()].every((seed) => seed.mock.calls.length === 1)).toBe(true)
    expect(seeded.demoLogins).toEqual([{ username: 'walikota', password: 'ignored', tenant: '33.71', roles: ['executive'] }])
    const [mark] = await db.query<{ value: string }>(`SELECT value FROM instance_state WHERE key = 'demo_seed'`)
    expect(JSON.parse(mark.value).mark).toContain(dateInZone(new Date(), 'Asia/Jakarta'))

    const again = withCountedSeeders()
    const restarted = await start(again.modules)
    expect([...again.seeders.values()].map((seed) => seed.mock.calls.length)).toEqual([...again.seeders.values()].map(() => 0))
    // The banner shows the same people, with the password this start was given.
    expect(restarted.demoLogins).toEqual([{ username: 'walikota', password: 'demo-sandi-uji', tenant: '33.71', roles: ['executive'] }])
  })
})
