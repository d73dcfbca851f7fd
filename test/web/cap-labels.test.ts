import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ALERT_STATUSES, Alert, CATEGORIES, CERTAINTIES, SEVERITIES, URGENCIES } from '../../src/modules/alerts/schema.ts'
import * as offered from '../../web/src/modules/alerts/cap.ts'
import { ROOT } from '../support/template.ts'

// The alert pages show a CAP code (urgency "Immediate", category "Met", msgType "Cancel") by its word in the page's
// language, from the alerts module's bundles; a code without one would show raw on an Indonesian page. The codes are
// the API's own lists (its schema), so a code added there without words fails here.
const codes: Record<string, readonly string[]> = {
  category: CATEGORIES,
  urgency: URGENCIES,
  severity: SEVERITIES,
  certainty: CERTAINTIES,
  status: ALERT_STATUSES,
  msgType: (Alert.properties.msgType as unknown as { enum: string[] }).enum,
}
const bundle = (language: string) =>
  JSON.parse(readFileSync(join(ROOT, `web/src/modules/alerts/locales/${language}.json`), 'utf8')) as Record<string, Record<string, string>>
const missing = (language: string) => {
  const words = bundle(language)
  return Object.entries(codes).flatMap(([list, values]) => values.filter((v) => !words[list]?.[v]?.trim()).map((v) => `${list}.${v}`))
}

describe('words for every CAP value on the alert pages', () => {
  it('reads the code lists from the API schema', () => {
    expect(codes.msgType).toEqual(['Alert', 'Update', 'Cancel'])
    expect(codes.category).toContain('Met')
    expect(codes.urgency).toContain('Immediate')
  })

  it('offers in the forms only codes the API accepts', () => {
    expect(offered.CATEGORIES.filter((c) => !codes.category.includes(c))).toEqual([])
    expect(offered.URGENCIES.filter((c) => !codes.urgency.includes(c))).toEqual([])
    expect(offered.SEVERITIES.filter((c) => !codes.severity.includes(c))).toEqual([])
    expect(offered.CERTAINTIES.filter((c) => !codes.certainty.includes(c))).toEqual([])
  })

  it.each(['id', 'en'])('has a %s word for each of them', (language) => {
    expect(missing(language)).toEqual([])
  })

  it('says them in Indonesian, not as the English code', () => {
    const id = bundle('id')
    expect(id.urgency.Immediate).not.toBe('Immediate')
    expect(id.category.Met).not.toBe('Met')
    expect(id.certainty.Observed).not.toBe('Observed')
    expect(id.msgType.Alert).not.toBe('Alert')
  })
})
