import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { datahubServices } from '../../src/modules/datahub/index.ts'
import { answered, browserTest } from '../support/browser.ts'
import { unique } from '../support/server.ts'

describe('data hub admin pages', () => {
  /** A fake OPD system behind a token; `failing` makes it answer 500. */
  let failing = false
  let opd: Server
  let opdUrl = ''
  const t = browserTest({ server: { env: { OUTBOUND_ALLOW: '127.0.0.1' } } })
  let page: Page

  beforeAll(async () => {
    opd = createServer((req, res) => {
      if (failing) return void res.writeHead(500).end('Internal error')
      if (req.headers.authorization !== 'Bearer sim-pasar-token') return void res.writeHead(401).end()
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(
        JSON.stringify({
          data: {
            items: [
              { komoditas: 'Beras', harga: { rp: 13500 } },
              { komoditas: 'Cabai', harga: { rp: 42000 } },
            ],
          },
        }),
      )
    })
    await new Promise<void>((resolve) => opd.listen(0, '127.0.0.1', resolve))
    opdUrl = `http://127.0.0.1:${(opd.address() as AddressInfo).port}/api/harga`
    page = await t.newPage({ viewport: { width: 1400, height: 900 } })
    await t.loginAs(page, 'admin', { landing: /\/console/ })
  })
  /** Background work is off in tests: carries out the due jobs (a queued pull), then reads the page. */
  const afterJobs = async <T>(read: () => Promise<T>): Promise<T> => {
    await t.server.kendali.ctx.jobs.runDue(1000)
    return read()
  }

  afterAll(async () => {
    await new Promise((resolve) => opd?.close(resolve))
  })

  it('adds a connector (a private URL refused naming the field), runs it to an ok run with its rows, edits it, and shows a failed run with its alarm live', async () => {
    // The private URL, refused.
    t.allowConsoleErrors(answered(400, '/api/t/33.71/connectors'))
    const { datasets } = datahubServices(t.server.kendali.ctx)
    const dataset = unique('harga-pasar').toLowerCase()
    await datasets.create(t.server.kendali.ctx.db, '33.71', 'test', { name: dataset, title: 'Harga pasar harian' })
    await page.goto(`${t.server.url}/t/33.71/connectors?dataset=${dataset}`)
    const form = page.getByTestId('connector-form')
    await form.waitFor()
    expect(await form.locator('select[name=dataset]').inputValue()).toBe(dataset)
    await form.locator('input[name=name]').fill('SIM Pasar')
    await form.locator('input[name=url]').fill('http://10.20.30.40/api/harga')
    await form.locator('input[name=rowsPath]').fill('data.items')
    await form.getByTestId('headers').getByText('+ Tambah baris').click()
    await form.locator('input[name=headers-key-0]').fill('authorization')
    await form.locator('input[name=headers-value-0]').fill('Bearer sim-pasar-token')
    const mapping = form.getByTestId('mapping')
    await mapping.getByText('+ Tambah baris').click()
    await mapping.getByText('+ Tambah baris').click()
    await form.locator('input[name=mapping-key-0]').fill('komoditas')
    await form.locator('input[name=mapping-value-0]').fill('komoditas')
    await form.locator('input[name=mapping-key-1]').fill('harga')
    await form.locator('input[name=mapping-value-1]').fill('harga.rp')
    await form.locator('button[type=submit]').click()
    const problem = page.locator('p.error[role=alert]')
    await problem.waitFor()
    expect(await problem.getAttribute('data-field')).toBe('url')
    expect(await problem.textContent()).toMatch(/^«URL» menunjuk ke alamat jaringan privat.*OUTBOUND_ALLOW/)
    await t.shot(page, 'datahub-connector-refused', { fullPage: true })

    await form.locator('input[name=url]').fill(opdUrl)
    await form.locator('button[type=submit]').click()
    await form.getByText('Ubah SIM Pasar').waitFor()
    expect(await problem.count()).toBe(0)
    // The token is kept on the server: the form shows only that one is stored.
    expect(await form.locator('input[name=headers-value-0]').inputValue()).toBe('')
    expect(await form.locator('input[name=headers-value-0]').getAttribute('placeholder')).toContain('tersimpan')
    expect(await page.content()).not.toContain('sim-pasar-token')

    const runs = page.getByTestId('connector-runs')
    await runs.getByText('Belum pernah dijalankan.').waitFor()
    await runs.getByRole('button', { name: 'Jalankan sekarang' }).click()
    const latest = runs.getByTestId('run').first()
    await page.waitForSelector('[data-testid=run][data-status=running]')
    // The page hears the run finish: no reload.
    await expect.poll(() => afterJobs(() => latest.getAttribute('data-status')), { timeout: 15_000, interval: 300 }).toBe('ok')
    expect(await latest.locator('td').nth(2).textContent()).toBe('2')
    await t.shot(page, 'datahub-connectors', { fullPage: true })
    const { connectors } = datahubServices(t.server.kendali.ctx)
    const [saved] = (await connectors.list(t.server.kendali.ctx.db, '33.71')).filter((c) => c.dataset === dataset)
    const rows = await (await page.request.get(`${t.server.url}/api/t/33.71/datasets/${dataset}/resources/${saved.resourceId}/rows`)).json()
    expect(rows.items).toEqual([
      { _id: 1, komoditas: 'Beras', harga: 13500 },
      { _id: 2, komoditas: 'Cabai', harga: 42000 },
    ])

    // Edit without retyping the token: a blank stored value is kept.
    await form.locator('input[name=name]').fill('SIM Pasar Rakyat')
    await form.getByLabel('Terjadwal (cron)').check()
    await form.locator('input[name=cron]').fill('*/30 * * * *')
    await form.locator('button[type=submit]').click()
    await page.getByTestId('connectors').getByText('SIM Pasar Rakyat').waitFor()
    expect(await page.getByTestId('connectors').textContent()).toContain('*/30 * * * *')

    failing = true
    await runs.getByRole('button', { name: 'Jalankan sekarang' }).click()
    await expect.poll(() => afterJobs(() => runs.getByTestId('run').count()), { timeout: 15_000, interval: 300 }).toBe(2)
    await expect.poll(() => afterJobs(() => latest.getAttribute('data-status')), { timeout: 15_000, interval: 300 }).toBe('failed')
    expect(await latest.textContent()).toContain('The server answered 500')
    await runs.getByTestId('connector-open-alarm').getByText('1× gagal').waitFor()
    await t.shot(runs, 'datahub-connector-runs')
    failing = false
  })

  it("edits a dataset's metadata and finds the new title in package_search and on the portal, then deletes it after confirming", async () => {
    const { datasets } = datahubServices(t.server.kendali.ctx)
    const name = unique('apbd').toLowerCase()
    await datasets.create(t.server.kendali.ctx.db, '33.71', 'test', { name, title: 'APBD lama', public: true })
    await page.goto(`${t.server.url}/t/33.71/datasets`)
    await page.getByRole('button', { name: 'APBD lama' }).click()
    const meta = page.getByTestId('dataset-metadata')
    await meta.waitFor()
    await meta.locator('input[name=title]').fill('Realisasi APBD Kota Magelang')
    await meta.locator('textarea[name=description]').fill('Realisasi anggaran per triwulan.')
    await meta.locator('select[name=organization]').selectOption('diskominsta')
    await meta.locator('select[name=license]').selectOption('odc-odbl')
    await meta.locator('input[name=tags]').fill('keuangan, apbd')
    await meta.locator('input[name=frequency]').fill('triwulanan')
    await meta.locator('input[name=steward]').fill('Diskominsta')
    await meta.locator('button[type=submit]').click()
    await page.getByTestId('dataset-detail').getByRole('heading', { name: 'Realisasi APBD Kota Magelang' }).waitFor()
    await t.shot(page, 'datahub-dataset-metadata', { fullPage: true })

    const search = await (await fetch(`${t.server.url}/api/t/33.71/ckan/3/action/package_search?q=${name}`)).json()
    expect(search.result.results.map((p: { title: string; license_id: string }) => [p.title, p.license_id])).toEqual([
      ['Realisasi APBD Kota Magelang', 'odc-odbl'],
    ])
    expect(search.result.results[0].tags.map((tag: { name: string }) => tag.name).sort()).toEqual(['apbd', 'keuangan'])
    const visitor = await t.newPage({ viewport: { width: 1200, height: 850 } })
    await visitor.goto(`${t.server.url}/p/33.71/data/${name}`)
    await visitor.getByTestId('open-dataset').getByText('Realisasi APBD Kota Magelang').first().waitFor()
    await visitor.close()

    page.once('dialog', (dialog) => void dialog.accept())
    await meta.getByRole('button', { name: 'Hapus dataset' }).click()
    await page.getByTestId('dataset-detail').waitFor({ state: 'detached' })
    // The list reloads after the delete: wait for it rather than read it once.
    await expect.poll(() => page.getByRole('button', { name: 'Realisasi APBD Kota Magelang' }).count()).toBe(0)
    const gone = await (await fetch(`${t.server.url}/api/t/33.71/ckan/3/action/package_show?id=${name}`)).json()
    expect(gone.success).toBe(false)
  })

  it('edits an app and archives it from the apps page', async () => {
    const { apps } = datahubServices(t.server.kendali.ctx)
    const name = unique('SIM Lama')
    await apps.create(t.server.kendali.ctx.db, '33.71', 'test', { name, url: 'https://sim-lama.invalid/' })
    await page.goto(`${t.server.url}/t/33.71/apps`)
    const row = page.locator('[data-testid=apps-table] tr', { hasText: name })
    await row.getByRole('button', { name: 'Ubah' }).click()
    const form = page.getByTestId('app-form')
    await form.getByText(`Ubah ${name}`).waitFor()
    expect(await form.locator('input[name=url]').inputValue()).toBe('https://sim-lama.invalid/')
    await form.locator('input[name=name]').fill(`${name} Baru`)
    await form.locator('input[name=category]').fill('perizinan')
    await form.locator('button[type=submit]').click()
    const renamed = page.locator('[data-testid=apps-table] tr', { hasText: `${name} Baru` })
    await renamed.getByText('perizinan').waitFor()
    await t.shot(page, 'datahub-apps-edit', { fullPage: true })

    page.once('dialog', (dialog) => void dialog.accept())
    await renamed.getByRole('button', { name: 'Arsipkan' }).click()
    await renamed.waitFor({ state: 'detached' })
    const listed = await (await fetch(`${t.server.url}/api/t/33.71/apps`)).json()
    expect(listed.items.map((a: { name: string }) => a.name)).not.toContain(`${name} Baru`)
  })
})
