import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createKendali } from '../../src/core/app.ts'
import { allModules } from '../../src/modules/index.ts'
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
