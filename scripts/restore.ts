// `npm run restore -- FILE`: restores a backup (its .json manifest or its archive) into an empty DATA_DIR, or
// into the empty database of DATABASE_URL, and checks every table's row count against the manifest.
import { BackupError, restore } from '../src/core/backup/backup.ts'
import { askServer } from '../src/core/backup/control.ts'
import { ConfigError, readConfig } from '../src/core/config.ts'
import { packageVersion } from '../src/core/http/server.ts'

const file = process.argv[2]
if (!file) {
  console.error('Usage: npm run restore -- FILE   (a backup manifest kendali-….json or its archive; into DATA_DIR, or DATABASE_URL)')
  process.exit(2)
}
try {
  const config = readConfig()
  if (!config.databaseUrl && (await askServer(config.dataDir, 'ping'))) throw new BackupError(`Kendali is running on ${config.dataDir}: stop it first`)
  const manifest = await restore(file, { databaseUrl: config.databaseUrl, dataDir: config.dataDir, release: packageVersion() })
  const rows = Object.values(manifest.rows).reduce((a, b) => a + b, 0)
  console.log(
    `Restored the backup of ${manifest.createdAt} (Kendali ${manifest.release}) into ${config.databaseUrl ? 'the database' : config.dataDir}: ${manifest.tenants.length} tenants; every table's row count (${rows} rows) and event log head match the backup. Start Kendali as usual.`,
  )
} catch (err) {
  if (!(err instanceof BackupError || err instanceof ConfigError)) throw err
  console.error(`Restore failed: ${err.message}`)
  process.exit(1)
}
