import { performance } from 'node:perf_hooks'
import { createKendali } from '../src/core/app.ts'
import { readConfig } from '../src/core/config.ts'
import type { Database, Queryable } from '../src/core/db/database.ts'
import { allModules } from '../src/modules/index.ts'
import { onEachDatabase } from './databases.ts'

// Where one incident POST spends its time: every SQL statement it sends, timed, over POSTS requests one
// after another through the real route (inject, no socket). Prints ms per POST for each statement.
// Run: npx tsx bench/post-profile.ts   (BENCH_DATABASE_URL=postgres://… adds PostgreSQL)

const POSTS = Number(process.env.BENCH_PROFILE_POSTS ?? 300)
const INCIDENT = { type: 'medical', source: 'call_112', location: { type: 'Point', coordinates: [110.2179, -7.4797] } }

async function profile(raw: Database, label: string, dataDir: string): Promise<void> {
  const spent = new Map<string, { n: number; ms: number }>()
  let counting = false
  const count = (key: string, t0: number) => {
    if (!counting) return
    const s = spent.get(key) ?? { n: 0, ms: 0 }
    s.n++
    s.ms += performance.now() - t0
    spent.set(key, s)
  }
  const timed = (q: Queryable): Queryable['query'] =>
    (async (sql: string, params?: readonly unknown[]) => {
      const t0 = performance.now()
      try {
        return await q.query(sql, params)
      } finally {
        count(sql.replace(/\s+/g, ' ').slice(0, 100), t0)
      }
    }) as Queryable['query']
  const db: Database = {
    kind: raw.kind,
    query: timed(raw),
    transaction: async (fn) => {
      const t0 = performance.now()
      try {
        return await raw.transaction((tx) => fn({ query: timed(tx), afterCommit: (hook) => tx.afterCommit(hook) }))
      } finally {
        count('(the whole transaction, BEGIN to COMMIT)', t0)
      }
    },
    exec: (sql) => raw.exec(sql),
    close: () => raw.close(),
  }
  const config = readConfig({ ...process.env, DEMO: 'on', DATA_DIR: dataDir, SIMULATOR: '0', LOG_LEVEL: 'silent' })
  const k = await createKendali(config, allModules(), { db, logger: false, rateLimitPerMinute: 0, background: false, mqtt: false })
  await k.prepare()
  try {
    const login = await k.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'operator', password: 'kendali-demo' } })
    const cookie = String(login.headers['set-cookie']).split(';')[0]
    const post = async () => {
      const res = await k.app.inject({ method: 'POST', url: '/api/t/33.71/incidents', headers: { cookie }, payload: INCIDENT })
      if (res.statusCode !== 201) throw new Error(`${res.statusCode} ${res.body}`)
    }
    for (let i = 0; i < 50; i++) await post()
    counting = true
    const t0 = performance.now()
    for (let i = 0; i < POSTS; i++) await post()
    const each = (performance.now() - t0) / POSTS
    counting = false
    const inSql = [...spent].filter(([k]) => !k.startsWith('(')).reduce((sum, [, s]) => sum + s.ms, 0) / POSTS
    console.log(
      `\n${label}: ${POSTS} incident POSTs one after another, ${each.toFixed(2)} ms each, ${inSql.toFixed(2)} ms of it in SQL (${((inSql / each) * 100).toFixed(0)} %)`,
    )
    console.log('ms/POST  times  statement')
    for (const [sql, s] of [...spent].sort((a, b) => b[1].ms - a[1].ms)) {
      if (s.ms / POSTS < 0.01) continue
      console.log(`${(s.ms / POSTS).toFixed(3).padStart(7)} ${(s.n / POSTS).toFixed(1).padStart(6)}  ${sql}`)
    }
  } finally {
    await k.close()
  }
}

await onEachDatabase('post_profile', async (db, label, dataDir) => profile(db, label, dataDir))
