// Kendali with its embedded MQTT broker, as a process of its own for the kill -9 test of ingest
// (test/api/ingest-crash.test.ts): opens the given database, registers one device, prints the broker's port.
// Arguments: <PostgreSQL URL or ''> <PGlite folder or ''> <device id> <device token>
import { createKendali } from '../../src/core/app.ts'
import { openDatabase } from '../../src/core/db/database.ts'
import { allModules } from '../../src/modules/index.ts'
import { sensorsService } from '../../src/modules/sensors/index.ts'
import { testConfig } from './template.ts'

const [databaseUrl, dataDir, deviceId, token] = process.argv.slice(2)
const db = await openDatabase({ databaseUrl: databaseUrl || null, dataDir })
// background: the modules start as in production, so the sensors module listens to the broker itself.
const kendali = await createKendali(testConfig(), allModules(), { db, logger: false, rateLimitPerMinute: 0 })
await kendali.prepare()
await sensorsService(kendali.ctx).createDevice(
  db,
  '33.71',
  'test',
  { name: 'AWLR uji crash', kind: 'flood_level', metrics: [{ name: 'water_level', unit: 'cm' }], location: { type: 'Point', coordinates: [110.21, -7.47] } },
  { id: deviceId, token },
)
process.stdout.write(`${JSON.stringify({ mqttPort: kendali.ctx.mqtt.port })}\n`)
