import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { placesServices } from '../../src/modules/places/index.ts'
import { basemapArchiveOf, MAGELANG_BASEMAP } from '../support/basemap.ts'
import { browserTest } from '../support/browser.ts'
import { startTestServer } from '../support/server.ts'

/** The names a map layer draws now (placed labels only: a label without glyphs is not placed). */
function drawnNames(page: Page, layer: string): Promise<string[]> {
  return page.evaluate((id) => {
    const element = document.querySelector('[data-testid=map]') as (HTMLElement & { map?: import('maplibre-gl').Map }) | null
    const map = element?.map
    if (!map?.getLayer(id)) return []
    return map.queryRenderedFeatures({ layers: [id] }).map((f) => String(f.properties['name:id'] ?? f.properties.name))
  }, layer)
}

describe('the basemap in the console, with no internet', () => {
  const t = browserTest({
    start: () => {
      const dir = mkdtempSync(join(tmpdir(), 'kendali-basemap-'))
      writeFileSync(join(dir, '33.71.pmtiles'), basemapArchiveOf(MAGELANG_BASEMAP, 10, 16))
      return startTestServer({ env: { BASEMAP_DIR: dir } })
    },
  })
  let page: Page
  const outside: string[] = []

  beforeAll(async () => {
    const context = await t.newContext({ viewport: { width: 900, height: 650 } })
    await t.addSession(context, 'operator')
    // Only the Kendali server is reachable: anything else the map might ask for is refused and noted.
    await context.route('**/*', (route) => {
      const url = route.request().url()
      if (url.startsWith(t.server.url) || url.startsWith('blob:') || url.startsWith('data:')) return route.continue()
      outside.push(url)
      return route.abort()
    })
    page = await context.newPage()
  })

  it('draws named streets, the river and places from the served basemap at a street zoom', async () => {
    await page.goto(`${t.server.url}/t/33.71/console`)
    await page.waitForSelector('[data-testid=map][data-kelurahan-count="17"]')
    for (const layer of await page.locator('input[data-layer]').all()) await layer.uncheck()
    await page.evaluate(() => {
      const element = document.querySelector('[data-testid=map]') as HTMLElement & { map: import('maplibre-gl').Map }
      element.map.jumpTo({ center: [110.2205, -7.481], zoom: 15 })
    })
    await expect.poll(() => drawnNames(page, 'roads-label')).toEqual(expect.arrayContaining(['Jl. Pemuda', 'Jl. Tentara Pelajar']))
    await expect.poll(() => drawnNames(page, 'pois-market-label')).toContain('Pasar Rejowinangun')
    await expect.poll(() => drawnNames(page, 'pois-health-label')).toContain('RSUD Tidar')
    await t.shot(page, 'basemap-console')
    expect(outside).toEqual([])
  })

  it('finds "alun alun" and "jl ahmad yani" from the dispatch intake, drops the pin there and writes the address', async () => {
    await placesServices(t.server.kendali.ctx).places.refresh(t.server.kendali.ctx.db, '33.71', { force: true })
    await page.setViewportSize({ width: 1366, height: 768 })
    await page.goto(`${t.server.url}/t/33.71/dispatch`)
    const search = page.locator('input[name=place]')
    await search.fill('alun alun')
    await page.locator('.place-results button', { hasText: 'Alun-alun Kota Magelang' }).first().click()
    await expect.poll(() => page.locator('input[name=address]').inputValue()).toMatch(/^Alun-alun Kota Magelang, Kel\. /)
    await expect.poll(() => page.locator('input[name=coordinates]').inputValue()).toMatch(/^110\.21\d*, -7\.47/)

    await search.fill('jl ahmad yani')
    const first = page.locator('.place-results button').first()
    await expect.poll(() => first.textContent()).toContain('Jl. Ahmad Yani')
    await expect.poll(() => first.textContent()).toContain('Jalan')
    await first.click()
    await expect.poll(() => page.locator('input[name=address]').inputValue()).toMatch(/^Jl\. Ahmad Yani/)
    await expect.poll(() => drawnNames(page, 'roads-label')).toContain('Jl. Ahmad Yani')
    await t.shot(page, 'places-dispatch-1366')
    expect(outside).toEqual([])
  })
})
