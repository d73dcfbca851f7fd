import { execFileSync } from 'node:child_process'
import { performance } from 'node:perf_hooks'
import type { BrowserContext } from 'playwright-core'
import { createKendali } from '../src/core/app.ts'
import { readConfig } from '../src/core/config.ts'
import type { Database } from '../src/core/db/database.ts'
import { SESSION_COOKIE } from '../src/core/http/identity.ts'
import { allModules } from '../src/modules/index.ts'
import { launchBrowser } from '../test/support/browser.ts'
import { onEachDatabase } from './databases.ts'
import { listenLocally } from './server.ts'

// What the operator's console costs to open in Debian's Chromium: bytes over the wire (static files and API
// apart) and the time from navigation to usable (the map drew the 17 kelurahan, the incident queue and the live
// connection are there), with an empty cache (cold) and again in the same browser profile (warm), once with the
// browser's usual Accept-Encoding (brotli) and once asking for no compression. Goal: warm ≤ 3 s.
// Run: npx tsx bench/console.ts   (BENCH_RUNS repeats, median shown; BENCH_DATABASE_URL=postgres://… adds a PostgreSQL row)

const TENANT = '33.71'
const RUNS = Number(process.env.BENCH_RUNS ?? 3)
const USABLE = ['[data-testid=map][data-kelurahan-count="17"]', '[data-testid=incidents-panel]', '[data-testid=live-status][data-state=open]']

interface Load {
  staticBytes: number
  apiBytes: number
  ms: number
}
interface Row {
  db: string
  encoding: string
  cold: Load[]
  warm: Load[]
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

/** Opens the console in a new tab of `context`; counts the bytes that came over the network (a cache hit is 0). */
async function openConsole(context: BrowserContext, url: string): Promise<Load> {
  const page = await context.newPage()
  const cdp = await context.newCDPSession(page)
  await cdp.send('Network.enable')
  const urls = new Map<string, string>()
  const load = { staticBytes: 0, apiBytes: 0, ms: 0 }
  cdp.on('Network.requestWillBeSent', (e) => urls.set(e.requestId, e.request.url))
  const count = (requestId: string, bytes: number) => {
    if (new URL(urls.get(requestId) ?? url).pathname.startsWith('/api/')) load.apiBytes += bytes
    else load.staticBytes += bytes
  }
  cdp.on('Network.loadingFinished', (e) => count(e.requestId, e.encodedDataLength))
  // The live channel's frames are bytes too, though it never "finishes loading".
  cdp.on('Network.webSocketFrameReceived', (e) => count(e.requestId, e.response.payloadData.length))
  const t0 = performance.now()
  await page.goto(`${url}/t/${TENANT}/console`)
  await Promise.all(USABLE.map((selector) => page.waitForSelector(selector, { timeout: 120_000 })))
  load.ms = performance.now() - t0
  await page.close()
  return load
}

async function measure(db: Database, name: string, dataDir: string): Promise<Row[]> {
  const config = readConfig({ DATA_DIR: dataDir, DEMO: '1', LOG_LEVEL: 'silent', SIMULATOR: '0', MQTT_PORT: '0' })
  const kendali = await createKendali(config, allModules(), { db, logger: false, background: false, mqtt: false, rateLimitPerMinute: 0 })
  const browser = await launchBrowser()
  try {
    await kendali.prepare()
    const url = await listenLocally(kendali)
    const login = await kendali.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'operator', password: config.demoPassword } })
    const session = login.cookies.find((c) => c.name === SESSION_COOKIE)
    if (!session) throw new Error(`login failed: ${login.statusCode} ${login.body}`)
    const rows: Row[] = []
    for (const encoding of ['br', 'identity'] as const) {
      const row: Row = { db: name, encoding, cold: [], warm: [] }
      for (let run = 0; run < RUNS; run++) {
        // A new context is a new profile: empty HTTP cache.
        const context = await browser.newContext({
          viewport: { width: 1366, height: 768 },
          locale: 'id-ID',
          extraHTTPHeaders: encoding === 'identity' ? { 'accept-encoding': 'identity' } : {},
        })
        await context.addCookies([{ name: SESSION_COOKIE, value: session.value, url }])
        row.cold.push(await openConsole(context, url))
        row.warm.push(await openConsole(context, url))
        await context.close()
      }
      console.log(`${name}, Accept-Encoding ${encoding}: ${RUNS} cold and warm loads done`)
      rows.push(row)
    }
    return rows
  } finally {
    await browser.close()
    await kendali.close()
  }
}

execFileSync(process.execPath, [new URL('../scripts/build-web-if-stale.mjs', import.meta.url).pathname], { stdio: 'inherit' })
const rows = (await onEachDatabase('console', measure)).flat()
const kb = (n: number) => `${(n / 1024).toFixed(0)} KiB`
console.log(`\nConsole page at 1366×768 in Chromium, median of ${RUNS}: bytes over the network and time to usable`)
console.log('db        encoding   cache  static files  API + live   total        time to usable')
for (const r of rows) {
  for (const [cache, loads] of [
    ['cold', r.cold],
    ['warm', r.warm],
  ] as const) {
    const s = median(loads.map((l) => l.staticBytes))
    const a = median(loads.map((l) => l.apiBytes))
    console.log(
      `${r.db.padEnd(9)} ${r.encoding.padEnd(10)} ${cache.padEnd(6)} ${kb(s).padStart(12)} ${kb(a).padStart(12)} ${kb(s + a).padStart(12)} ${`${(median(loads.map((l) => l.ms)) / 1000).toFixed(2)} s`.padStart(10)}`,
    )
  }
}
