// `npm start`: builds the release (dist/) when a source is newer than it, then runs it with plain Node.
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { buildIfStale, DIST } from './build.mjs'

await buildIfStale()
await import(pathToFileURL(join(DIST, 'scripts/start.js')).href)
