import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { type Config, parseSecretKey } from './config.ts'
import type { Database, Queryable } from './db/database.ts'

/**
 * Secrets at rest (camera credentials, connector header values, webhook secrets, the VAPID private key) are sealed
 * with AES-256-GCM under the instance key: `enc1:{key id}:{base64url(iv | ciphertext | tag)}`. The key id says which
 * key sealed a value, so values sealed under a previous key still open (KENDALI_SECRET_KEY_PREVIOUS) until the start
 * re-seals them under the current one. A stored value without the prefix is legacy plaintext: it opens as itself and
 * is sealed at the next start.
 */
export interface Secrets {
  seal(plain: string): string
  open(stored: string): string
  /** Every string value of an object sealed or opened (connector headers). */
  sealEach(plain: Record<string, string>): Record<string, string>
  openEach(stored: Record<string, string>): Record<string, string>
  /** What every value sealed under the current key starts with (nothing to re-seal). */
  readonly currentPrefix: string
  /** A keyed hash (hex HMAC-SHA256) of a value, for lookups and rate limits without keeping the value. */
  keyedHash(purpose: string, value: string): string
}

const PREFIX = 'enc1:'
const IV_BYTES = 12
const TAG_BYTES = 16
export const SECRET_KEY_FILE = 'secret.key'

interface Key {
  id: string
  cipher: Buffer
}

function derive(master: Buffer, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), info, 32))
}

function keyOf(master: Buffer): Key {
  return { id: createHash('sha256').update(derive(master, 'kendali key id')).digest('hex').slice(0, 8), cipher: derive(master, 'kendali secrets v1') }
}

export function createSecrets(current: Buffer, previous: readonly Buffer[] = []): Secrets {
  const key = keyOf(current)
  const keys = new Map([key, ...previous.map(keyOf)].reverse().map((k) => [k.id, k.cipher]))
  const hashKey = derive(current, 'kendali keyed hash v1')
  const currentPrefix = `${PREFIX}${key.id}:`
  const each = (obj: Record<string, string>, fn: (value: string) => string) => Object.fromEntries(Object.entries(obj).map(([name, value]) => [name, fn(value)]))
  const secrets: Secrets = {
    currentPrefix,
    seal(plain) {
      const iv = randomBytes(IV_BYTES)
      const cipher = createCipheriv('aes-256-gcm', key.cipher, iv)
      const body = Buffer.concat([iv, cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()])
      return `${currentPrefix}${body.toString('base64url')}`
    },
    open(stored) {
      if (!stored.startsWith(PREFIX)) return stored
      const [id, encoded] = stored.slice(PREFIX.length).split(':')
      const cipherKey = keys.get(id)
      if (!cipherKey || encoded === undefined) {
        throw new Error(`A stored secret is sealed with key ${id}, which is neither KENDALI_SECRET_KEY nor in KENDALI_SECRET_KEY_PREVIOUS`)
      }
      const body = Buffer.from(encoded, 'base64url')
      const decipher = createDecipheriv('aes-256-gcm', cipherKey, body.subarray(0, IV_BYTES))
      decipher.setAuthTag(body.subarray(body.length - TAG_BYTES))
      return Buffer.concat([decipher.update(body.subarray(IV_BYTES, body.length - TAG_BYTES)), decipher.final()]).toString('utf8')
    },
    sealEach: (plain) => each(plain, (v) => secrets.seal(v)),
    openEach: (stored) => each(stored, (v) => secrets.open(v)),
    keyedHash: (purpose, value) => createHmac('sha256', hashKey).update(`${purpose}\0${value}`).digest('hex'),
  }
  return secrets
}

/**
 * The instance's secrets from KENDALI_SECRET_KEY, or, for the embedded database, from `secret.key` in the data
 * folder, made (mode 0600) on first start. Returns the notice to print when the key was just made.
 */
export function loadSecrets(config: Config): { secrets: Secrets; notice: string | null } {
  if (config.secretKey) return { secrets: createSecrets(config.secretKey, config.previousSecretKeys), notice: null }
  const file = join(config.dataDir, SECRET_KEY_FILE)
  mkdirSync(config.dataDir, { recursive: true })
  let notice: string | null = null
  try {
    // `wx`: of two processes starting on a new folder, one makes the key and the other reads it.
    writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { flag: 'wx', mode: 0o600 })
    chmodSync(file, 0o600)
    notice = `A new secret key was made in ${file}: back it up with the data folder (without it, stored camera passwords, connector headers and webhook secrets cannot be read), or set KENDALI_SECRET_KEY.`
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
  }
  const key = parseSecretKey(file, readFileSync(file, 'utf8').trim())
  return { secrets: createSecrets(key, config.previousSecretKeys), notice }
}

/** A column that holds sealed values: text, or a JSON object whose string values are each sealed. */
export interface SealedColumn {
  table: string
  column: string
  json?: boolean
}

/**
 * Seals, under the current key, every value of these columns that is plaintext or sealed under a previous key.
 * A row changed meanwhile is left alone (the update matches the old value). Returns how many values it re-sealed.
 */
export async function resealColumns(db: Queryable, secrets: Secrets, columns: readonly SealedColumn[]): Promise<number> {
  let count = 0
  for (const { table, column, json } of columns) {
    if (json) {
      const rows = await db.query<{ value: Record<string, string> }>(`SELECT DISTINCT ${column} AS value FROM ${table} WHERE ${column} IS NOT NULL`)
      for (const { value } of rows) {
        if (Object.values(value).every((v) => v.startsWith(secrets.currentPrefix))) continue
        const next = secrets.sealEach(secrets.openEach(value))
        await db.query(`UPDATE ${table} SET ${column} = $1::jsonb WHERE ${column} = $2::jsonb`, [JSON.stringify(next), JSON.stringify(value)])
        count += 1
      }
      continue
    }
    const rows = await db.query<{ value: string }>(
      `SELECT DISTINCT ${column} AS value FROM ${table} WHERE ${column} IS NOT NULL AND ${column} <> '' AND ${column} NOT LIKE $1`,
      [`${secrets.currentPrefix}%`],
    )
    for (const { value } of rows) {
      await db.query(`UPDATE ${table} SET ${column} = $1 WHERE ${column} = $2`, [secrets.seal(secrets.open(value)), value])
      count += 1
    }
  }
  return count
}

/**
 * Moves every sealed value to a new instance key (`npm run secrets:rotate`): values under the current key, a
 * previous one or legacy plaintext are re-sealed under `next` in one transaction, so the database never holds a
 * mix that no single configuration opens. Returns how many values it re-sealed.
 */
export async function rotateSecretKey(db: Database, columns: readonly SealedColumn[], next: Buffer, old: readonly Buffer[]): Promise<number> {
  const secrets = createSecrets(next, old)
  return db.transaction((tx) => resealColumns(tx, secrets, columns))
}

/** The key id a key seals under (`enc1:{id}:…`), to tell keys apart in messages without showing them. */
export function keyId(key: Buffer): string {
  return createSecrets(key).currentPrefix.slice(PREFIX.length, -1)
}

/** Where a rotation keeps the key it replaced, by that key's id: `secret.key.{id}.old`. */
export const oldKeyFile = (dataDir: string, old: Buffer) => join(dataDir, `${SECRET_KEY_FILE}.${keyId(old)}.old`)

/**
 * Rotation of the embedded default's key file: `stage` writes the new key beside the current one (0600) before the
 * database changes; `commit` then keeps the old key as `secret.key.{id}.old` (backups made before need it) and
 * puts the new one in place; `abandon` removes the staged key when the database was left as it was.
 */
export function keyFileRotation(dataDir: string, old: Buffer) {
  const file = join(dataDir, SECRET_KEY_FILE)
  const staged = `${file}.new`
  return {
    stage(key: Buffer) {
      writeFileSync(staged, `${key.toString('base64')}\n`, { mode: 0o600 })
      chmodSync(staged, 0o600)
    },
    commit() {
      if (existsSync(file)) renameSync(file, oldKeyFile(dataDir, old))
      renameSync(staged, file)
    },
    abandon() {
      rmSync(staged, { force: true })
    },
  }
}
