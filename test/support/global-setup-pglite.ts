import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { openDatabase } from '../../src/core/db/database.ts'
import { buildTemplate, isFresh, TMP, templateFingerprint } from './template.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    /** The PGlite template folder of this run's sources; each worker copies it. */
    pgliteTemplate: string
  }
}

// Templates of other sources (an older checkout state) are removed once no run can still be copying them.
const STALE_MS = 6 * 3600_000

/**
 * Builds the PGlite template (migrated, demo city, fixtures) once per state of the sources; workers copy it.
 * Each state has its own folder, so runs from several shells on a changing checkout never copy a template that
 * another run is replacing.
 */
export async function setup(project: TestProject): Promise<void> {
  const fingerprint = templateFingerprint()
  const dir = join(TMP, `pglite-template-${fingerprint}`)
  project.provide('pgliteTemplate', dir)
  const marker = join(dir, 'fingerprint')
  removeStaleTemplates(dir)
  if (isFresh(marker, fingerprint)) return
  // Built aside and moved in whole, so another run never copies a half-built template.
  const building = `${dir}.building-${process.pid}`
  rmSync(building, { recursive: true, force: true })
  mkdirSync(building, { recursive: true })
  const db = await openDatabase({ databaseUrl: null, dataDir: building })
  await buildTemplate(db)
  await db.close()
  writeFileSync(join(building, 'fingerprint'), fingerprint)
  if (isFresh(marker, fingerprint)) {
    // Another run built the same template meanwhile.
    rmSync(building, { recursive: true, force: true })
    return
  }
  rmSync(dir, { recursive: true, force: true })
  renameSync(building, dir)
}

function removeStaleTemplates(current: string): void {
  if (!existsSync(TMP)) return
  for (const name of readdirSync(TMP)) {
    const path = join(TMP, name)
    if (!name.startsWith('pglite-template') || path === current) continue
    if (Date.now() - statSync(path).mtimeMs > STALE_MS) rmSync(path, { recursive: true, force: true })
  }
}
