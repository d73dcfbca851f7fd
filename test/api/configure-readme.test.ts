import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT } from '../support/template.ts'

describe('the README', () => {
  it('lists every environment variable that src/core/config.ts reads in its Configure table, with a default and a meaning', () => {
    const source = readFileSync(join(ROOT, 'src/core/config.ts'), 'utf8')
    const read = new Set([...source.matchAll(/\(env, '([A-Z][A-Z0-9_]+)'|env\.([A-Z][A-Z0-9_]+)/g)].map((m) => m[1] ?? m[2]))
    expect(read.size).toBeGreaterThan(40)
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
    const configure = readme.slice(readme.indexOf('## Configure'), readme.indexOf('\n## ', readme.indexOf('## Configure') + 1))
    const rows = configure.split('\n').filter((line) => /^\| `[A-Z]/.test(line))
    const documented = new Map<string, string[]>()
    for (const row of rows) {
      const cells = row.split(' | ')
      for (const name of cells[0].matchAll(/`([A-Z][A-Z0-9_]+)`/g)) documented.set(name[1], cells.slice(1))
    }
    const missing = [...read].filter((name) => !documented.has(name))
    expect(missing, 'variables read by config.ts but not in the README Configure table').toEqual([])
    for (const name of read) {
      const [fallback, meaning] = documented.get(name) ?? []
      expect(fallback?.trim(), `${name}: default`).toBeTruthy()
      expect(meaning?.trim().length ?? 0, `${name}: meaning`).toBeGreaterThan(10)
    }
  })
})
