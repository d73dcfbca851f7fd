import { spawn } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { buildServer } from '../../scripts/build.mjs'
import { TEST_SECRET_KEY, TMP } from '../support/template.ts'

const release = join(TMP, `release-${process.pid}`)
const dataDir = join(TMP, `release-data-${process.pid}`)
afterAll(() => {
  rmSync(release, { recursive: true, force: true })
  rmSync(dataDir, { recursive: true, force: true })
})

describe('the built release', () => {
  it('runs with plain Node and NODE_ENV=production: health ok, the web app served, a clean stop on SIGTERM', async () => {
    mkdirSync(TMP, { recursive: true })
    await buildServer(release)
    expect(existsSync(join(release, 'src/core/db/migrations/001_core.sql'))).toBe(true)
    expect(existsSync(join(release, 'web/dist/index.html'))).toBe(true)
    // The demo city of the test template, as a data folder.
    cpSync(inject('pgliteTemplate'), dataDir, { recursive: true })
    const port = 39_000 + (process.pid % 1000)
    const child = spawn(process.execPath, [join(release, 'scripts/start.js')], {
      env: {
        ...process.env,
        NODE_ENV: 'production',
        KENDALI_SECRET_KEY: TEST_SECRET_KEY,
        DATA_DIR: dataDir,
        DEMO: '0',
        PORT: String(port),
        HOST: '127.0.0.1',
        MQTT_PORT: String(port + 1000),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    child.stdout.on('data', (chunk) => {
      out += chunk
    })
    child.stderr.on('data', (chunk) => {
      out += chunk
    })
    try {
      await expect
        .poll(
          async () => {
            if (child.exitCode !== null) throw new Error(`the release exited ${child.exitCode}:\n${out}`)
            return fetch(`http://127.0.0.1:${port}/api/health`).then(
              (r) => r.json(),
              () => null,
            )
          },
          { timeout: 180_000, interval: 250 },
        )
        .toMatchObject({ status: 'ok', db: 'pglite' })
      const page = await fetch(`http://127.0.0.1:${port}/login`)
      expect(page.status).toBe(200)
      expect(await page.text()).toContain('<div id="root">')
    } finally {
      child.kill('SIGTERM')
    }
    const code = await new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', resolve)))
    expect(code).toBe(0)
  }, 240_000)
})
