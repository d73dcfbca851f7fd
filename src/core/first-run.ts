import { existsSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

/** Left in an embedded data folder that holds the demo city, so `npm start` keeps it a demo. */
export const DEMO_MARKER = 'DEMO'

export function markDemoFolder(dataDir: string): void {
  writeFileSync(join(dataDir, DEMO_MARKER), 'This data folder holds the Kendali demo city: npm start runs it in demo mode (DEMO=1) unless DEMO=0.\n')
}

/**
 * Whether `npm start` turns demo mode on: only when DEMO is unset, the database is the embedded one, and its
 * data folder is new or already holds the demo. A real install (PostgreSQL, or a folder with a city of its own)
 * never becomes a demo by default.
 */
export function startsAsDemo(env: NodeJS.ProcessEnv): boolean {
  if ((env.DEMO ?? '') !== '' || (env.DATABASE_URL ?? '') !== '') return false
  const dataDir = resolve(env.DATA_DIR || './data')
  return !existsSync(join(dataDir, 'pglite')) || existsSync(join(dataDir, DEMO_MARKER))
}
