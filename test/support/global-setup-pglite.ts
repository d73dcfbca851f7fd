import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { openDatabase } from '../../src/core/db/database.ts'
import { buildTemplate, isFresh, TMP, templateFingerprint } from './template.ts'

/** Builds the PGlite template (migrated, demo city, fixtures) once; workers copy it. Rebuilt when sources change. */
export async function setup(): Promise<void> {
  const dir = join(TMP, 'pglite-template')
  const marker = join(dir, 'fingerprint')
  const fingerprint = templateFingerprint()
  if (isFresh(marker, fingerprint)) return
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  const db = await openDatabase({ databaseUrl: null, dataDir: dir })
  await buildTemplate(db)
  await db.close()
  writeFileSync(marker, fingerprint)
}
