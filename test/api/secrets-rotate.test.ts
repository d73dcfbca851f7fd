import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { cpSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { sealedColumns } from '../../src/core/app.ts'
import { parseSecretKey } from '../../src/core/config.ts'
import { type Database, openDatabase } from '../../src/core/db/database.ts'
import { createSecrets, keyId, rotateSecretKey, SECRET_KEY_FILE } from '../../src/core/secrets.ts'
import { allModules } from '../../src/modules/index.ts'
import { testDatabase, testDatabaseKind, workerDatabaseUrl } from '../support/db.ts'
import { ROOT, TEST_SECRET_KEY, TMP } from '../support/template.ts'

const run = promisify(execFile)
const oldKey = Buffer.from(TEST_SECRET_KEY, 'base64')
const columns = sealedColumns(allModules())

/** Every sealed value of the install, each string of a JSON column on its own. */
async function sealedValues(db: Database): Promise<string[]> {
  const values: string[] = []
  for (const { table, column, json } of columns) {
    const rows = await db.query<{ value: unknown }>(`SELECT ${column} AS value FROM ${table} WHERE ${column} IS NOT NULL`)
    for (const { value } of rows) values.push(...(json ? Object.values(value as Record<string, string>) : [value as string]))
  }
  return values.filter((v) => v !== '')
}

/** `npm run secrets:rotate` with only the environment given (no test runner variables). */
function rotate(env: Record<string, string>) {
  return run(join(ROOT, 'node_modules/.bin/tsx'), [join(ROOT, 'scripts/secrets-rotate.ts')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'silent', DEMO: '0', MQTT_PORT: '0', ...env },
    timeout: 240_000,
  })
}

/** Each value opens under the key, and none is plaintext. */
function opensWith(values: string[], key: Buffer): string[] {
  const secrets = createSecrets(key)
  return values.map((v) => {
    expect(v.startsWith(secrets.currentPrefix), v.slice(0, 20)).toBe(true)
    return secrets.open(v)
  })
}

describe('npm run secrets:rotate', () => {
  const cleanups: (() => Promise<void> | void)[] = []
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup()
  })

  it('re-seals every stored secret under a new key: afterwards the new key opens them all and the old one none', { timeout: 300_000 }, async () => {
    let db: Database
    let env: Record<string, string>
    let dir = ''
    if (testDatabaseKind() === 'postgres') {
      // PostgreSQL: the key comes from the environment, the new one from KENDALI_SECRET_KEY_NEW.
      db = await testDatabase()
      env = { DATABASE_URL: workerDatabaseUrl(), KENDALI_SECRET_KEY: TEST_SECRET_KEY }
    } else {
      // The embedded default: the key is the data folder's secret.key, which the rotation replaces.
      dir = join(TMP, `rotate-${process.pid}`)
      rmSync(dir, { recursive: true, force: true })
      cpSync(inject('pgliteTemplate'), dir, { recursive: true })
      writeFileSync(join(dir, SECRET_KEY_FILE), `${TEST_SECRET_KEY}\n`, { mode: 0o600 })
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
      db = await openDatabase({ databaseUrl: null, dataDir: dir })
      env = { DATA_DIR: dir }
    }
    const before = await sealedValues(db)
    expect(before.length).toBeGreaterThan(0)
    const plain = opensWith(before, oldKey)
    const [vapid] = await db.query<{ private_key: string }>('SELECT private_key FROM alert_vapid')
    const vapidPlain = vapid ? createSecrets(oldKey).open(vapid.private_key) : null
    if (dir) await db.close()

    const newKey = randomBytes(32)
    const { stdout } = await rotate({ ...env, ...(dir ? {} : { KENDALI_SECRET_KEY_NEW: newKey.toString('base64') }) })
    let key: Buffer = newKey
    if (dir) {
      key = parseSecretKey('secret.key', readFileSync(join(dir, SECRET_KEY_FILE), 'utf8').trim())
      expect(key.equals(oldKey)).toBe(false)
      expect(statSync(join(dir, SECRET_KEY_FILE)).mode & 0o777).toBe(0o600)
      // The old key stays beside it, by its id, for backups made before.
      const kept = join(dir, `${SECRET_KEY_FILE}.${keyId(oldKey)}.old`)
      expect(readFileSync(kept, 'utf8').trim()).toBe(TEST_SECRET_KEY)
      expect(existsSync(join(dir, `${SECRET_KEY_FILE}.new`))).toBe(false)
      db = await openDatabase({ databaseUrl: null, dataDir: dir })
      cleanups.push(() => db.close())
    } else {
      // The worker's database is shared with later test files: put it back under the test key at the end.
      cleanups.push(async () => void (await rotateSecretKey(db, columns, oldKey, [newKey])))
    }
    // Counted per stored value (a connector's headers are one), so at most one per sealed string.
    const resealed = Number(stdout.match(new RegExp(`^(\\d+) stored secrets re-sealed from key ${keyId(oldKey)} to key ${keyId(key)}`, 'm'))?.[1])
    expect(resealed).toBeGreaterThan(0)
    expect(resealed).toBeLessThanOrEqual(before.length)

    const after = await sealedValues(db)
    expect(after).toHaveLength(before.length)
    expect(opensWith(after, key).sort()).toEqual([...plain].sort())
    for (const value of after) expect(() => createSecrets(oldKey).open(value)).toThrow(/KENDALI_SECRET_KEY/)
    if (vapidPlain) {
      const [row] = await db.query<{ private_key: string }>('SELECT private_key FROM alert_vapid')
      expect(createSecrets(key).open(row.private_key)).toBe(vapidPlain)
    }
  })

  it('refuses to rotate to the key in use, and changes nothing', { timeout: 120_000 }, async () => {
    const dir = join(TMP, `rotate-same-${process.pid}`)
    rmSync(dir, { recursive: true, force: true })
    await expect(rotate({ DATA_DIR: dir, KENDALI_SECRET_KEY: TEST_SECRET_KEY, KENDALI_SECRET_KEY_NEW: TEST_SECRET_KEY })).rejects.toMatchObject({
      stderr: expect.stringContaining('is the current key'),
    })
    expect(existsSync(dir)).toBe(false)
  })
})
