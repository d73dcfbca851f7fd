// `npm run backup`: a backup of the data into BACKUP_DIR (default DATA_DIR/backups), then retention (BACKUP_KEEP,
// BACKUP_KEEP_DAYS). With the embedded database a running server makes the copy; a stopped one is opened here.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { BackupError, backUpAndPrune, describeBackup } from '../src/core/backup/backup.ts'
import { askServer } from '../src/core/backup/control.ts'
import { ConfigError, readConfig } from '../src/core/config.ts'
import { packageVersion } from '../src/core/http/server.ts'

try {
  const config = readConfig()
  const reply = config.databaseUrl ? null : await askServer(config.dataDir, 'backup', config.backup)
  if (reply && !reply.ok) throw new BackupError(reply.error)
  if (!reply && !config.databaseUrl && !existsSync(join(config.dataDir, 'pglite'))) {
    throw new BackupError(`There is no Kendali database in ${config.dataDir} (set DATA_DIR, or DATABASE_URL for PostgreSQL)`)
  }
  const done = reply ? (reply.result as Parameters<typeof describeBackup>[0]) : await backUpAndPrune(config, packageVersion())
  console.log(describeBackup(done))
} catch (err) {
  if (!(err instanceof BackupError || err instanceof ConfigError)) throw err
  console.error(`Backup failed: ${err.message}`)
  process.exit(1)
}
