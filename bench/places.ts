import { performance } from 'node:perf_hooks'
import { createKendali } from '../src/core/app.ts'
import { readConfig } from '../src/core/config.ts'
import type { Database } from '../src/core/db/database.ts'
import { allModules } from '../src/modules/index.ts'
import { foldPlaceName, searchText } from '../src/modules/places/names.ts'
import * as store from '../src/modules/places/store.ts'
import { onEachDatabase } from './databases.ts'

// Place search over 100,000 places (streets, shops, mosques, schools… with Indonesian names around Magelang):
// p50/p95 of the trigram search for 300 typed queries (exact, abbreviated, misspelt, words swapped), beside a
// plain case-insensitive `LIKE '%…%'` scan of the same rows for the same words (the baseline). Goal: p95 < 30 ms.
// Both are timed after 30 other queries of each have warmed the caches (a server runs warm); the first search of a
// fresh process is shown apart.
// Run: npx tsx bench/places.ts   (BENCH_PLACES, BENCH_QUERIES change the sizes; BENCH_DATABASE_URL=postgres://… adds PostgreSQL)

const TENANT = '33.71'
const PLACES = Number(process.env.BENCH_PLACES ?? 100_000)
const QUERIES = Number(process.env.BENCH_QUERIES ?? 300)
const WARM_UP = 30
const CENTRE: [number, number] = [110.2177, -7.4771]

const KINDS = [
  ['Jalan', 'street'],
  ['Gang', 'street'],
  ['Masjid', 'place_of_worship'],
  ['SD Negeri', 'school'],
  ['Toko', 'shop'],
  ['Warung', 'restaurant'],
  ['Apotek', 'pharmacy'],
  ['Pasar', 'marketplace'],
  ['Perumahan', 'residential'],
] as const
const WORDS = `Ahmad Yani,Pemuda,Sudirman,Diponegoro,Gatot Subroto,Kartini,Tidar,Pahlawan,Merdeka,Mawar,Melati,Kenanga,Anggrek,Cempaka,
  Flamboyan,Beringin,Sawo,Durian,Rambutan,Manggis,Kauman,Pecinan,Rejowinangun,Kemirirejo,Cacaban,Panjang,Jurangombo,Potrobangsan,Wates,
  Gelangan,Magersari,Tidar Utara,Tidar Selatan,Kramat,Bayeman,Tuguran,Menowo,Botton,Jaranan,Sanden,Sidotopo,Kedungsari,Bogeman`
  .split(',')
  .map((w) => w.trim())

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]
let seed = 7
// 32-bit arithmetic: in doubles the product outgrows 2^53 and the sequence falls into a short cycle.
const random = () => {
  seed = (Math.imul(seed, 1_103_515_245) + 12_345) & 0x7fffffff
  return seed / 2 ** 31
}
const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]

function placeName(i: number): { name: string; kind: string } {
  const [prefix, kind] = pick(KINDS)
  const word = pick(WORDS)
  // Most names repeat across town (many "Gang Mawar"); a number tells the rest apart.
  return { name: `${prefix} ${word}${i % 3 === 0 ? '' : ` ${1 + (i % 97)}`}`, kind }
}

function typed(): string {
  const { name } = placeName(Math.floor(random() * PLACES))
  const words = name.split(' ')
  const variant = Math.floor(random() * 4)
  if (variant === 1)
    return name
      .replace(/^Jalan /, 'jl ')
      .replace(/^Pasar /, 'ps ')
      .toLowerCase()
  if (variant === 2) return name.replace(/a(?=[^a]*$)/, 'aa') // a typo in the last word
  if (variant === 3 && words.length > 2) return [...words.slice(1), words[0]].join(' ')
  return name
}

interface Row {
  db: string
  places: number
  seedSeconds: number
  firstMs: number
  trigram: number[]
  like: number[]
  hits: number
}

async function measure(db: Database, label: string, dataDir: string): Promise<Row> {
  const config = readConfig({ DATA_DIR: dataDir, DEMO: '0', LOG_LEVEL: 'silent', SIMULATOR: '0', MQTT_PORT: '0' })
  const kendali = await createKendali(config, allModules(), { db, logger: false, background: false, mqtt: false, rateLimitPerMinute: 0 })
  try {
    await kendali.prepare()
    const t0 = performance.now()
    const places = Array.from({ length: PLACES }, (_, i) => {
      const { name, kind } = placeName(i)
      const lon = CENTRE[0] + (random() - 0.5) * 0.12
      const lat = CENTRE[1] + (random() - 0.5) * 0.12
      return { sourceRef: String(i), kind, name, folded: searchText(name), geometry: JSON.stringify({ type: 'Point', coordinates: [lon, lat] }) }
    })
    const indexed = await db.transaction((tx) => store.replaceSource(tx, TENANT, 'basemap', places, 'bench'))
    await db.query('ANALYZE places')
    const seedSeconds = (performance.now() - t0) / 1000
    const queries = Array.from({ length: WARM_UP + QUERIES }, typed)
    const trigram: number[] = []
    const like: number[] = []
    let hits = 0
    for (const [i, q] of queries.entries()) {
      const folded = foldPlaceName(q)
      let t = performance.now()
      const found = await store.search(db, TENANT, folded, CENTRE, null, 10)
      trigram.push(performance.now() - t)
      if (found.length > 0 && i >= WARM_UP) hits++
      t = performance.now()
      await db.query(`SELECT id FROM places WHERE tenant = $1 AND folded LIKE '%' || $2 || '%' LIMIT 10`, [TENANT, folded])
      like.push(performance.now() - t)
    }
    return { db: label, places: indexed, seedSeconds, firstMs: trigram[0], trigram: trigram.slice(WARM_UP), like: like.slice(WARM_UP), hits }
  } finally {
    await kendali.close()
  }
}

const rows = await onEachDatabase('places', measure)
console.log(`\nPlace search over ${PLACES.toLocaleString('en')} places, ${QUERIES} typed queries (exact, abbreviated, misspelt, words swapped)`)
console.log('engine   | places | index (s) | first (ms) | trigram p50 / p95 (ms) | LIKE scan p50 / p95 (ms) | trigram ÷ LIKE p50 / p95 | answered')
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`
for (const r of rows) {
  const [t50, t95, l50, l95] = [pct(r.trigram, 50), pct(r.trigram, 95), pct(r.like, 50), pct(r.like, 95)]
  console.log(
    `${r.db.padEnd(8)} | ${String(r.places).padStart(6)} | ${r.seedSeconds.toFixed(1).padStart(9)} | ${r.firstMs.toFixed(0).padStart(10)} | ${t50.toFixed(1).padStart(9)} / ${t95.toFixed(1).padEnd(10)} | ${l50.toFixed(1).padStart(11)} / ${l95.toFixed(1).padEnd(10)} | ${ratio(t50, l50).padStart(11)} / ${ratio(t95, l95).padEnd(10)} | ${r.hits}/${QUERIES}`,
  )
}
console.log('Goal: trigram p95 < 30 ms. The LIKE scan finds only exact substrings (no typos, abbreviations or word order).')
