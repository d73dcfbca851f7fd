import type { Server } from 'node:net'
import { createKendali, type Kendali } from './core/app.ts'
import { backUpAndPrune } from './core/backup/backup.ts'
import { FolderInUseError, serveControl } from './core/backup/control.ts'
import { ConfigError, isLoopback, readConfig } from './core/config.ts'
import { NewerDataError } from './core/db/migrate.ts'
import { packageVersion } from './core/http/server.ts'
import { allModules } from './modules/index.ts'

// config → server (listening, answering 503 while starting) → database → migrations → demo seed → ready.
async function main(): Promise<void> {
  let config: ReturnType<typeof readConfig>
  let kendali: Kendali
  try {
    config = readConfig()
    kendali = await createKendali(config, allModules())
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`Configuration error: ${err.message}`)
      process.exit(2)
    }
    throw err
  }
  const log = kendali.app.log
  // `npm run backup` asks this process for a copy of the embedded database, which only it may open.
  let control: Server | null = null
  if (!config.databaseUrl) {
    control = await serveControl(config.dataDir, {
      // Into the folder and with the retention of the command that asked (BACKUP_DIR, BACKUP_KEEP, BACKUP_KEEP_DAYS).
      backup: async (args) => {
        if (!kendali.readiness.ready) throw new Error('Kendali is still starting: try again once /api/health answers ok')
        return backUpAndPrune({ ...config, backup: { ...config.backup, ...(args as Partial<typeof config.backup>) } }, packageVersion(), kendali.ctx.db)
      },
    })
    if (!control) log.warn(`DATA_DIR ${config.dataDir} is too long a path for the control socket: npm run backup cannot reach this server`)
  }
  await kendali.app.listen({ port: config.port, host: config.host })
  const url = config.publicUrl ?? `http://localhost:${config.port}`
  log.info(`Kendali is starting at ${url} (database: ${config.databaseUrl ? 'PostgreSQL' : `embedded PGlite in ${config.dataDir}`})`)

  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    log.info(`${signal}: stopping`)
    control?.close()
    await kendali.close()
    process.exit(0)
  }
  process.on('SIGINT', () => void stop('SIGINT'))
  process.on('SIGTERM', () => void stop('SIGTERM'))

  const { demoLogins, notices } = await kendali.prepare()
  const lines = [`Kendali is ready: ${url}`, `  console: ${url}/login    API docs: ${url}/api/docs`, ...notices.map((n) => `  ${n}`)]
  if (config.demo) {
    lines.push(`  Demo mode (DEMO=1): a sample city with known logins; DEMO=0 turns it off (for a real install, see README "Your own city").`)
    if (isLoopback(config.host))
      lines.push(`  Demo mode listens on ${config.host} only; HOST=0.0.0.0 with a DEMO_PASSWORD of your own opens it to the network.`)
    lines.push('  Demo logins (DEMO_PASSWORD sets the password):')
    for (const login of demoLogins) lines.push(`    ${login.username.padEnd(16)} ${login.password}   ${login.tenant}  ${login.roles.join(', ')}`)
  }
  console.log(lines.join('\n'))
}

main().catch((err: unknown) => {
  if (err instanceof NewerDataError || err instanceof FolderInUseError) {
    console.error(`Kendali refuses to start: ${err.message}`)
    process.exit(3)
  }
  console.error('Kendali failed to start:', err)
  process.exit(1)
})
