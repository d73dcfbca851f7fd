import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DEFAULT_CATALOGUE } from '../../src/modules/kpi/catalogue.ts'
import { ROOT } from '../support/template.ts'

// The KPI pages write a value with its unit; the catalogue's unit codes ("count", "visits", "per 10k") are words that
// need the page's language, while symbols (%, Rp) stay as they are.
const SYMBOLS = ['%', 'Rp']
const units = [...new Set(DEFAULT_CATALOGUE.map((i) => i.unit))].filter((u) => !SYMBOLS.includes(u))
const bundle = (language: string) =>
  JSON.parse(readFileSync(join(ROOT, `web/src/modules/kpi/locales/${language}.json`), 'utf8')) as { unit?: Record<string, string> }

describe('words for every unit of the KPI catalogue', () => {
  it('finds the unit codes of the catalogue', () => {
    expect(units).toEqual(expect.arrayContaining(['count', 'index', 'visits', 'people']))
  })

  it.each(['id', 'en'])('has a %s word for each of them', (language) => {
    const words = bundle(language).unit ?? {}
    expect(units.filter((u) => !words[u]?.trim())).toEqual([])
  })
})
