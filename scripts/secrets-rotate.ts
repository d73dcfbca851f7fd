import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { createKendali, sealedColumns } from '../src/core/app.ts'
import { parseSecretKey, readConfig } from '../src/core/config.ts'
import { keyFileRotation, keyId, oldKeyFile, rotateSecretKey, SECRET_KEY_FILE } from '../src/core/secrets.ts'
import { allModules } from '../src/modules/index.ts'

const usage = `Re-seals every stored secret (camera logins, connector headers, webhook and gateway secrets, the Web Push
private key, messaging credentials) under a new instance key, in one transaction.

  npm run secrets:rotate

Stop Kendali first (every instance). Uses the same DATA_DIR / DATABASE_URL and KENDALI_SECRET_KEY as npm start.
The new key is KENDALI_SECRET_KEY_NEW when set (32 random bytes, base64 or hex), else a fresh random one.
- Embedded database (key in DATA_DIR/${SECRET_KEY_FILE}): the new key replaces the file; the old one is kept as
  ${SECRET_KEY_FILE}.{key id}.old for backups made before the rotation.
- KENDALI_SECRET_KEY set: set it to the new key on every instance before starting them again.`

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { help: { type: 'boolean' } } })
  if (values.help) {
    console.log(usage)
    return
  }
  const config = { ...readConfig(), demo: false }
  const keyFile = join(config.dataDir, SECRET_KEY_FILE)
  const fromFile = !config.secretKey
  const current = config.secretKey ?? parseSecretKey(keyFile, readKeyFile(keyFile))
  const given = process.env.KENDALI_SECRET_KEY_NEW?.trim()
  const next = given ? parseSecretKey('KENDALI_SECRET_KEY_NEW', given) : randomBytes(32)
  if (next.equals(current)) throw new Error('KENDALI_SECRET_KEY_NEW is the current key: nothing to rotate')

  const modules = allModules()
  const kendali = await createKendali(config, modules, { logger: false, background: false, mqtt: false })
  const rotation = keyFileRotation(config.dataDir, current)
  let count: number
  try {
    // Migrates and seals any plaintext under the current key first, as a start would.
    await kendali.prepare()
    if (fromFile) rotation.stage(next)
    count = await rotateSecretKey(kendali.ctx.db, sealedColumns(modules), next, [current, ...config.previousSecretKeys])
  } catch (err) {
    rotation.abandon()
    throw err
  } finally {
    await kendali.close()
  }
  const lines = [`${count} stored secrets re-sealed from key ${keyId(current)} to key ${keyId(next)}.`]
  if (fromFile) {
    rotation.commit()
    lines.push(
      `The new key is in ${keyFile}: back it up apart from the data. The old key is in ${oldKeyFile(config.dataDir, current)}: keep it with backups made before now (they need it), then remove it here.`,
    )
  } else if (given) {
    lines.push('Set KENDALI_SECRET_KEY to the value of KENDALI_SECRET_KEY_NEW on every instance, then start them.')
  } else {
    lines.push(`Set KENDALI_SECRET_KEY=${next.toString('base64')} on every instance, then start them.`)
  }
  lines.push('Keyed hashes change with the key: pending subscription confirmations must be asked again, and per-address report limits start afresh.')
  console.log(lines.join('\n'))
}

function readKeyFile(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim()
  } catch {
    throw new Error(`No KENDALI_SECRET_KEY and no ${file}: start Kendali once first (nothing is sealed yet)`)
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err)
  process.exit(1)
})
