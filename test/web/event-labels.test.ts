import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT } from '../support/template.ts'

// The console's live feed shows an event by its label from the i18n bundles; a type without one would show as a
// code ("report.routed"). A module's events.ts declares the events it records; the only 'word.word' literals there
// are event types, however the union is laid out. The core records a few of its own (an import's progress).
const modules = join(ROOT, 'src/modules')
const core = join(ROOT, 'src/core')
const emitted = readdirSync(modules, { withFileTypes: true })
  .filter((d) => d.isDirectory() && readdirSync(join(modules, d.name)).includes('events.ts'))
  .flatMap((d) => {
    const source = readFileSync(join(modules, d.name, 'events.ts'), 'utf8')
    return [...source.matchAll(/'([a-z_]+\.[a-z_]+)'/g)].map((m) => m[1])
  })
  .concat(
    readdirSync(core)
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .flatMap((f) => [...readFileSync(join(core, f), 'utf8').matchAll(/type: '([a-z_]+\.[a-z_]+)'/g)].map((m) => m[1])),
  )
const bundle = (language: string) => JSON.parse(readFileSync(join(ROOT, `web/src/app/locales/${language}.json`), 'utf8')) as { events: Record<string, string> }

describe('words for every event type in the live feed', () => {
  it('finds the event types the modules declare', () => {
    expect(emitted).toEqual(
      expect.arrayContaining(['report.routed', 'report.status_changed', 'finding.handed_off', 'config.copied', 'levy_stall.range_created', 'import.finished']),
    )
  })

  it.each(['id', 'en'])('has a %s label for each of them', (language) => {
    const { events } = bundle(language)
    expect(emitted.filter((type) => !events[type]?.trim())).toEqual([])
  })
})
