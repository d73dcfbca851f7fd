import { mkdirSync } from 'node:fs'
import { PGlite } from '@electric-sql/pglite'
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist'
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm'
import { postgis } from '@electric-sql/pglite-postgis'
import pg from 'pg'

/** Anything SQL can be sent to: the database itself or an open transaction. */
export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>
}

/** An open transaction. Work registered with afterCommit runs only once the commit succeeded. */
export interface Tx extends Queryable {
  afterCommit(fn: () => void): void
}

export interface Database extends Queryable {
  readonly kind: 'pglite' | 'postgres'
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>
  /** Runs a script of several statements (migrations). */
  exec(sql: string): Promise<void>
  close(): Promise<void>
  /** Connections of the PostgreSQL pool (PGlite has none). */
  pool?(): PoolStats | null
  /** PGlite: runs `read`, then lets `copy` copy the data folder, with no other query in between (backups). */
  snapshot?<T>(read: (q: Queryable) => Promise<T>, copy: (dataFolder: string) => Promise<void>): Promise<T>
}

export interface PoolStats {
  total: number
  idle: number
  /** Queries waiting for a free connection. */
  waiting: number
}

// int8 (counts, sequences) and numeric (money, measurements) come back as JS numbers on both engines,
// so code and tests never see a driver-specific string.
const INT8 = 20
const NUMERIC = 1700
const toNumber = (v: string) => Number(v)

function runAfterCommit(hooks: (() => void)[]): void {
  for (const hook of hooks) hook()
}

// PGlite runs SQL on this thread and its promises settle as microtasks, so a chain of awaited queries (an
// import, a recompute) never lets the event loop turn: no other request is answered until it ends. Every
// query checks how long the thread has gone without a turn and, past this budget, lets it turn first.
const PGLITE_BUSY_BUDGET_MS = 10

class PgliteDatabase implements Database {
  readonly kind = 'pglite' as const
  private lastTurn = performance.now()
  constructor(
    private readonly pg: PGlite,
    /** The PGlite data folder. */
    private readonly dir: string,
  ) {}

  private async letEventLoopTurn(): Promise<void> {
    if (performance.now() - this.lastTurn < PGLITE_BUSY_BUDGET_MS) return
    await new Promise((resolve) => setImmediate(resolve))
    this.lastTurn = performance.now()
  }

  async query<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    await this.letEventLoopTurn()
    return (await this.pg.query<T>(sql, params as unknown[])).rows
  }

  async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    const hooks: (() => void)[] = []
    await this.letEventLoopTurn()
    const result = await this.pg.transaction(async (inner) =>
      fn({
        query: async <R>(sql: string, params: readonly unknown[] = []) => {
          await this.letEventLoopTurn()
          return (await inner.query<R>(sql, params as unknown[])).rows
        },
        afterCommit: (hook) => hooks.push(hook),
      }),
    )
    runAfterCommit(hooks)
    return result
  }

  async exec(sql: string): Promise<void> {
    await this.pg.exec(sql)
  }

  // PGlite runs one transaction at a time, so holding one keeps every writer out; CHECKPOINT writes every
  // committed change into the data folder's files, which `copy` then copies as they are (far quicker than
  // reading them through PGlite).
  async snapshot<T>(read: (q: Queryable) => Promise<T>, copy: (dataFolder: string) => Promise<void>): Promise<T> {
    return this.pg.transaction(async (inner) => {
      const result = await read({ query: async <R>(sql: string, params: readonly unknown[] = []) => (await inner.query<R>(sql, params as unknown[])).rows })
      await inner.query('CHECKPOINT')
      await copy(this.dir)
      return result
    })
  }

  async close(): Promise<void> {
    await this.pg.close()
  }
}

class PostgresDatabase implements Database {
  readonly kind = 'postgres' as const
  constructor(private readonly connections: pg.Pool) {}

  async query<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    return (await this.connections.query(sql, params as unknown[])).rows as T[]
  }

  async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    const client = await this.connections.connect()
    const hooks: (() => void)[] = []
    try {
      await client.query('BEGIN')
      const result = await fn({
        query: async <R>(sql: string, params: readonly unknown[] = []) => (await client.query(sql, params as unknown[])).rows as R[],
        afterCommit: (hook) => hooks.push(hook),
      })
      await client.query('COMMIT')
      runAfterCommit(hooks)
      return result
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined)
      throw err
    } finally {
      client.release()
    }
  }

  async exec(sql: string): Promise<void> {
    await this.connections.query(sql)
  }

  async close(): Promise<void> {
    await this.connections.end()
  }

  pool(): PoolStats {
    return { total: this.connections.totalCount, idle: this.connections.idleCount, waiting: this.connections.waitingCount }
  }
}

/** Opens the embedded PGlite (with PostGIS) in dataDir, or PostgreSQL when a URL is given. */
export async function openDatabase(opts: { databaseUrl: string | null; dataDir: string }): Promise<Database> {
  if (opts.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: opts.databaseUrl,
      max: 10,
      types: {
        getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
          oid === INT8 || oid === NUMERIC ? toNumber : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
      },
    })
    // Idle clients can lose their server (restart, failover); the pool replaces them on the next query.
    pool.on('error', () => undefined)
    return new PostgresDatabase(pool)
  }
  mkdirSync(opts.dataDir, { recursive: true })
  const dir = `${opts.dataDir}/pglite`
  const db = await PGlite.create({
    dataDir: dir,
    // pg_trgm: place search by trigram similarity; btree_gist: its index starts with the tenant (the places module
    // creates both extensions).
    extensions: { postgis, pg_trgm, btree_gist },
    parsers: { [INT8]: toNumber, [NUMERIC]: toNumber },
  })
  return new PgliteDatabase(db, dir)
}
