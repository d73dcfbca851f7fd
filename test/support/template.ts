import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createKendali } from '../../src/core/app.ts'
import { readConfig } from '../../src/core/config.ts'
import type { Database } from '../../src/core/db/database.ts'
import { allModules } from '../../src/modules/index.ts'
import { seedFixtures } from './fixtures.ts'

export const ROOT = fileURLToPath(new URL('../../', import.meta.url))
export const TMP = join(ROOT, '.tmp')

/** The instance key of test servers (the template database's secrets are sealed with it). */
export const TEST_SECRET_KEY = Buffer.alloc(32, 7).toString('base64')

export function testConfig(overrides: Record<string, string> = {}) {
  return readConfig({
    DATA_DIR: join(TMP, 'unused'),
    DEMO: '0',
    LOG_LEVEL: 'silent',
    SIMULATOR: '0',
    MQTT_PORT: '0',
    KENDALI_SECRET_KEY: TEST_SECRET_KEY,
    ...overrides,
  })
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name)
    return e.isDirectory() ? filesUnder(p) : [p]
  })
}

/** A fingerprint of everything that shapes the template database: migrations, seeds, fixtures. */
export function templateFingerprint(): string {
  const hash = createHash('sha256')
  const files = [...filesUnder(join(ROOT, 'src')), ...filesUnder(join(ROOT, 'test/fixtures')), ...filesUnder(join(ROOT, 'test/support'))]
    .filter((f) => /\.(sql|geojson|ts)$/.test(f) && !f.endsWith('.test.ts'))
    .sort()
  for (const f of files) hash.update(f).update(readFileSync(f))
  hash.update(readFileSync(join(ROOT, 'package-lock.json')))
  return hash.digest('hex').slice(0, 16)
}

/** Migrates and seeds a database with the demo city and the test fixtures. */
export async function buildTemplate(db: Database): Promise<void> {
  const k = await createKendali(testConfig({ DEMO: '1' }), allModules(), { db, logger: false, background: false, mqtt: false })
  await k.prepare()
  await seedFixtures(k)
  await k.close()
}

export function isFresh(marker: string, fingerprint: string): boolean {
  return existsSync(marker) && readFileSync(marker, 'utf8') === fingerprint && statSync(marker).isFile()
}
