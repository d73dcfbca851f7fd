import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { openDatabase } from '../../src/core/db/database.ts'
import { buildTemplate, isFresh, TMP, templateFingerprint } from './template.ts'

/** Builds the PGlite template (migrated, demo city, fixtures) once; workers copy it. Rebuilt when sources change. */
export async function setup(): Promise<void> {
  const dir = join(TMP, 'pglite-template')
  const marker = join(dir, 'fingerprint')
  const fingerprint = templateFingerprint()
  if (isFresh(marker, fingerprint)) return
  // Built aside and moved in whole, so another run in this checkout never copies a half-built template.
  const building = `${dir}.building-${process.pid}`
  rmSync(building, { recursive: true, force: true })
  mkdirSync(building, { recursive: true })
  const db = await openDatabase({ databaseUrl: null, dataDir: building })
  await buildTemplate(db)
  await db.close()
  writeFileSync(join(building, 'fingerprint'), fingerprint)
  rmSync(dir, { recursive: true, force: true })
  renameSync(building, dir)
}
