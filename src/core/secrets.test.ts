import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { testDatabase } from '../../test/support/db.ts'
import { ConfigError, readConfig } from './config.ts'
import { createSecrets, loadSecrets, resealColumns, SECRET_KEY_FILE } from './secrets.ts'

const oldKey = randomBytes(32)
const newKey = randomBytes(32)

describe('sealed secrets', () => {
  it('seal a value so that the stored text does not contain it, and open it again', () => {
    const secrets = createSecrets(newKey)
    const sealed = secrets.seal('rahasia-kamera')
    expect(sealed).not.toContain('rahasia')
    expect(sealed.startsWith(secrets.currentPrefix)).toBe(true)
    expect(secrets.open(sealed)).toBe('rahasia-kamera')
    expect(secrets.seal('rahasia-kamera')).not.toBe(sealed)
  })

  it('open legacy plaintext as itself, and a value sealed under a previous key only while that key is configured', () => {
    const sealedBefore = createSecrets(oldKey).seal('token-lama')
    expect(createSecrets(newKey, [oldKey]).open(sealedBefore)).toBe('token-lama')
    expect(() => createSecrets(newKey).open(sealedBefore)).toThrow(/KENDALI_SECRET_KEY_PREVIOUS/)
    expect(createSecrets(newKey).open('http://cam.example/snap.jpg')).toBe('http://cam.example/snap.jpg')
  })

  it('refuse a sealed value that was tampered with', () => {
    const secrets = createSecrets(newKey)
    const sealed = secrets.seal('abc')
    const tampered = `${sealed.slice(0, -2)}${sealed.endsWith('AA') ? 'BB' : 'AA'}`
    expect(() => secrets.open(tampered)).toThrow()
  })

  it('make keyed hashes that depend on the key and the purpose', () => {
    const a = createSecrets(newKey)
    expect(a.keyedHash('ip', '10.0.0.1')).toBe(createSecrets(newKey).keyedHash('ip', '10.0.0.1'))
    expect(a.keyedHash('ip', '10.0.0.1')).not.toBe(createSecrets(oldKey).keyedHash('ip', '10.0.0.1'))
    expect(a.keyedHash('ip', '10.0.0.1')).not.toBe(a.keyedHash('phone', '10.0.0.1'))
  })
})

describe('the instance key', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kendali-secrets-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('is made in the data folder on first start (mode 0600, with a notice to back it up) and read back after', () => {
    const config = readConfig({ DATA_DIR: dir })
    const first = loadSecrets(config)
    expect(first.notice).toMatch(/back it up/)
    expect(statSync(join(dir, SECRET_KEY_FILE)).mode & 0o777).toBe(0o600)
    const second = loadSecrets(config)
    expect(second.notice).toBeNull()
    expect(second.secrets.open(first.secrets.seal('x'))).toBe('x')
  })

  it('must be set with DATABASE_URL, and be 32 bytes in hex or base64', () => {
    expect(() => readConfig({ DATABASE_URL: 'postgres://db/kendali' })).toThrow(ConfigError)
    expect(() => readConfig({ KENDALI_SECRET_KEY: 'short' })).toThrow(/KENDALI_SECRET_KEY/)
    expect(readConfig({ KENDALI_SECRET_KEY: newKey.toString('hex') }).secretKey).toEqual(newKey)
    expect(readConfig({ KENDALI_SECRET_KEY: newKey.toString('base64'), KENDALI_SECRET_KEY_PREVIOUS: oldKey.toString('base64') }).previousSecretKeys).toEqual([
      oldKey,
    ])
  })
})

describe('rotation', () => {
  it('re-seals plaintext and values under the previous key, after which the new key alone opens them', async () => {
    const db = await testDatabase()
    const table = `sealed_test_${process.pid}`
    await db.query(`CREATE TABLE IF NOT EXISTS ${table} (id int PRIMARY KEY, secret text, headers jsonb)`)
    await db.query(`TRUNCATE ${table}`)
    const before = createSecrets(oldKey)
    await db.query(`INSERT INTO ${table} VALUES (1, $1, $2), (2, 'plain-secret', '{"Authorization":"Bearer plain"}'), (3, NULL, '{}')`, [
      before.seal('old-secret'),
      JSON.stringify(before.sealEach({ Authorization: 'Bearer old' })),
    ])
    const columns = [
      { table, column: 'secret' },
      { table, column: 'headers', json: true },
    ]
    const rotating = createSecrets(newKey, [oldKey])
    expect(await resealColumns(db, rotating, columns)).toBe(4)
    expect(await resealColumns(db, rotating, columns)).toBe(0)

    const rows = await db.query<{ id: number; secret: string | null; headers: Record<string, string> }>(`SELECT * FROM ${table} ORDER BY id`)
    expect(JSON.stringify(rows)).not.toMatch(/old-secret|plain-secret|Bearer/)
    const after = createSecrets(newKey)
    expect(rows.map((r) => (r.secret === null ? null : after.open(r.secret)))).toEqual(['old-secret', 'plain-secret', null])
    expect(rows.map((r) => after.openEach(r.headers))).toEqual([{ Authorization: 'Bearer old' }, { Authorization: 'Bearer plain' }, {}])
    await db.query(`DROP TABLE ${table}`)
  })
})
