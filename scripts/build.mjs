// `npm run build`: the release in dist/ — the server and its scripts compiled to JavaScript file by file
// (esbuild; so each module still finds its migrations and assets beside it), those assets, package.json, and
// the web app (web/dist, built by Vite when its sources are newer). `npm start` runs it (scripts/start.mjs),
// building first when any source is newer than the release. Plain JavaScript, so it runs before anything is built.
import { execFileSync } from 'node:child_process'
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('..', import.meta.url))
export const DIST = join(ROOT, 'dist')
const STAMP = join(DIST, 'BUILT')
// What the server release is made of: a newer file in any of them makes the release stale.
const SERVER_SOURCES = ['src', 'scripts', 'package.json', 'package-lock.json']
const WEB_SOURCES = ['web/src', 'web/public', 'web/index.html', 'web/vite.config.ts', 'package-lock.json']
// The scripts people run from the release (npm start, backup, restore, setup).
const SCRIPTS = ['start.ts', 'backup.ts', 'restore.ts', 'setup.ts']

const isTest = (path) => /\.test\.ts$/.test(path)

function files(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath ?? e.path, e.name))
}

/** The newest modification time of these files and folders (0 when none exists). */
export function newest(paths) {
  let t = 0
  for (const path of paths.map((p) => join(ROOT, p))) {
    if (!existsSync(path)) continue
    if (!statSync(path).isDirectory()) t = Math.max(t, statSync(path).mtimeMs)
    else for (const file of files(path)) t = Math.max(t, statSync(file).mtimeMs)
  }
  return t
}

const builtAt = (stamp) => (existsSync(stamp) ? statSync(stamp).mtimeMs : 0)

export function webIsStale() {
  return builtAt(join(ROOT, 'web/dist/index.html')) < newest(WEB_SOURCES)
}

export function serverIsStale() {
  return builtAt(STAMP) < Math.max(newest(SERVER_SOURCES), builtAt(join(ROOT, 'web/dist/index.html')))
}

export function buildWeb() {
  console.log('Building the web app (web/dist)…')
  execFileSync(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], {
    cwd: ROOT,
    stdio: 'inherit',
  })
}

/** Compiles src/ and the scripts into a new folder, copies the assets and the web app, then swaps it in for outDir. */
export async function buildServer(outDir = DIST) {
  const { build } = await import('esbuild')
  const next = `${outDir}.next-${process.pid}`
  rmSync(next, { recursive: true, force: true })
  const sources = files(join(ROOT, 'src')).filter((f) => !isTest(f))
  const entryPoints = [...sources.filter((f) => f.endsWith('.ts')), ...SCRIPTS.map((s) => join(ROOT, 'scripts', s))]
  await build({
    entryPoints,
    outdir: next,
    outbase: ROOT,
    // Every module stays its own file: imports of our own files point at their compiled .js; packages come from node_modules.
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: true,
    logLevel: 'warning',
    plugins: [
      {
        name: 'own-files-stay-separate',
        setup(b) {
          b.onResolve({ filter: /.*/ }, (args) => {
            if (args.kind === 'entry-point') return undefined
            if (/^\.\.?\//.test(args.path)) return { path: args.path.replace(/\.ts$/, '.js'), external: true }
            return { path: args.path, external: true }
          })
        },
      },
    ],
  })
  for (const file of sources.filter((f) => !f.endsWith('.ts'))) {
    const target = join(next, relative(ROOT, file))
    mkdirSync(dirname(target), { recursive: true })
    copyFileSync(file, target)
  }
  copyFileSync(join(ROOT, 'package.json'), join(next, 'package.json'))
  if (existsSync(join(ROOT, 'web/dist'))) cpSync(join(ROOT, 'web/dist'), join(next, 'web/dist'), { recursive: true })
  writeFileSync(join(next, 'BUILT'), `Kendali release built ${new Date().toISOString()} from ${ROOT}\n`)
  rmSync(outDir, { recursive: true, force: true })
  renameSync(next, outDir)
}

/** Builds what is older than its sources (or, forced, the server or both); returns whether anything was built. */
export async function buildIfStale({ server = false, web = false } = {}) {
  let built = false
  if (web || webIsStale()) {
    buildWeb()
    built = true
  }
  if (server || built || serverIsStale()) {
    const started = performance.now()
    await buildServer()
    console.log(`Built the release in dist/ (${Math.round(performance.now() - started)} ms)`)
    built = true
  }
  return built
}

// `npm run build` compiles the server every time, and the web app when it is stale (or with --force).
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await buildIfStale({ server: true, web: process.argv.includes('--force') })
