import type { Database } from './db/database.ts'

/** ok: working; waiting: start-up has not reached it yet; down: it was up and is not; off: not used by this process. */
export type CheckState = 'ok' | 'waiting' | 'down' | 'off'

/** What readiness depends on, each asked afresh on every probe. */
export type ReadinessChecks = Record<string, () => CheckState | Promise<CheckState>>

// A probe must answer within a load balancer's timeout even when the database hangs.
const PING_TIMEOUT_MS = 2000

/** The cheapest round trip to the database. */
export async function pingDatabase(db: Database): Promise<CheckState> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('database ping timed out')), PING_TIMEOUT_MS)
  })
  try {
    await Promise.race([db.query('SELECT 1'), timeout])
    return 'ok'
  } catch {
    return 'down'
  } finally {
    clearTimeout(timer)
  }
}

/** Runs every check; ready when none is waiting or down. */
export async function checkReadiness(checks: ReadinessChecks): Promise<{ ready: boolean; checks: Record<string, CheckState> }> {
  const names = Object.keys(checks)
  const states = await Promise.all(
    names.map(async (name): Promise<CheckState> => {
      try {
        return await checks[name]()
      } catch {
        return 'down'
      }
    }),
  )
  return {
    ready: states.every((state) => state === 'ok' || state === 'off'),
    checks: Object.fromEntries(names.map((name, i) => [name, states[i]])),
  }
}
