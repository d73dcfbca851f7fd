import type { Queryable } from './database.ts'

/**
 * A list's `total` without counting a large set: when the planner (its statistics, one EXPLAIN, no rows read)
 * expects more than `upTo` rows, its estimate is the total; otherwise the rows are counted, and if they turn out
 * to be more than `upTo` after all, the estimate is raised to `upTo + 1`. `from` is the list's `FROM … WHERE …`.
 */
export async function countOrEstimate(db: Queryable, from: string, params: readonly unknown[], upTo: number): Promise<{ total: number; isExact: boolean }> {
  const [plan] = await db.query<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }>(`EXPLAIN (FORMAT JSON) SELECT 1 ${from}`, params)
  const estimate = Math.round(plan['QUERY PLAN'][0].Plan['Plan Rows'])
  if (estimate > upTo) return { total: estimate, isExact: false }
  const [{ n }] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM (SELECT 1 ${from} LIMIT ${upTo + 1}) counted`, params)
  return n <= upTo ? { total: n, isExact: true } : { total: upTo + 1, isExact: false }
}

/** Counts every row: for a client that asks for the exact figure and accepts its cost. */
export async function countExactly(db: Queryable, from: string, params: readonly unknown[]): Promise<{ total: number; isExact: boolean }> {
  const [{ n }] = await db.query<{ n: number }>(`SELECT count(*)::int AS n ${from}`, params)
  return { total: n, isExact: true }
}
