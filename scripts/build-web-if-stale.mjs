// Builds the web app when web/dist is missing or older than its sources, so
// `npm start` on a fresh clone serves the console without a separate step.
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const dist = join(root, 'web/dist/index.html')

function newest(dir) {
  let t = 0
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs)
  }
  return t
}

const sources = Math.max(
  newest(join(root, 'web/src')),
  newest(join(root, 'web/public')),
  ...['web/index.html', 'web/vite.config.ts', 'package-lock.json'].map((f) => statSync(join(root, f)).mtimeMs),
)
if (!existsSync(dist) || statSync(dist).mtimeMs < sources) {
  console.log('Building the web app (web/dist)…')
  execFileSync(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], {
    cwd: root,
    stdio: 'inherit',
  })
}
