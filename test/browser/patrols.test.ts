import type { BrowserContext, Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import type { Database } from '../../src/core/db/database.ts'
import { SYNC_IMPORT_ROWS } from '../../src/core/import-runs.ts'
import { IMPORT_BATCH } from '../../src/core/imports.ts'
import { samplePhoto } from '../../src/core/media/sample-photo.ts'
import { tenancyServices } from '../../src/modules/tenancy/index.ts'
import { answered, browserTest } from '../support/browser.ts'
import { json, loginCookie, unique } from '../support/server.ts'

describe('Rojak patrols in the browser', () => {
  const t = browserTest()

  async function login(context: BrowserContext, username: string): Promise<Page> {
    const page = await context.newPage()
    await t.loginAs(page, username)
    return page
  }

  it('records a finding with a photo offline, syncs it when back online, and the OPD head sees it', async () => {
    // The sends tried while the phone is offline.
    t.allowConsoleErrors(/ERR_INTERNET_DISCONNECTED .*\/findings/)
    // A started patrol of the demo patrol officer, made through the API.
    const app = t.server.kendali.app
    const cookie = await loginCookie(t.server.kendali, 'patrol_officer')
    const now = Date.now()
    const planned = await app.inject({
      method: 'POST',
      url: '/api/t/33.71/patrols',
      headers: { cookie },
      payload: {
        name: unique('Rojak Alun-alun'),
        startsAt: new Date(now - 3_600_000).toISOString(),
        endsAt: new Date(now + 3_600_000).toISOString(),
        team: ['patrol_officer'],
        checkpoints: [{ name: 'Alun-alun', location: { type: 'Point', coordinates: [110.2176, -7.4773] }, radiusM: 150 }],
      },
    })
    expect(planned.statusCode, planned.body).toBe(201)
    const patrol = json<{ id: string }>(planned)
    expect((await app.inject({ method: 'POST', url: `/api/t/33.71/patrols/${patrol.id}/start`, headers: { cookie } })).statusCode).toBe(200)
    const agencies = json<{ items: { id: string; code: string }[] }>(await app.inject({ method: 'GET', url: '/api/t/33.71/agencies?limit=1000' }))
    const dpupr = agencies.items.find((a) => a.code === 'dpupr')?.id ?? ''
    const description = `ASN DPUPR di warung kopi pada jam kerja ${now}`

    // The officer's phone, near Alun-alun.
    const phone = await t.newContext({
      viewport: { width: 390, height: 844 },
      locale: 'id-ID',
      isMobile: true,
      hasTouch: true,
      geolocation: { longitude: 110.2178, latitude: -7.4771 },
      permissions: ['geolocation'],
    })
    const field = await login(phone, 'patrol_officer')
    await field.goto(`${t.server.url}/t/33.71/patrols/field`)
    await field.getByTestId('patrol-field').waitFor()
    await t.shot(field, 'patrols-field', { fullPage: true })
    await field.locator(`select[name=patrol] option[value="${patrol.id}"]`).waitFor({ state: 'attached' })
    await field.locator('select[name=patrol]').selectOption(patrol.id)
    await field.locator('select[name=type] option[value=asn_di_luar_kantor]').waitFor({ state: 'attached' })

    // The signal drops: the finding waits on the phone.
    await phone.setOffline(true)
    await field.locator('[data-testid=network][data-online=false]').waitFor()
    await field.locator('select[name=type]').selectOption('asn_di_luar_kantor')
    await field.locator('input[name=nip]').fill('198503152010011001')
    await field.locator('input[name=name]').fill('Bambang Sutrisno')
    await field.locator(`select[name=agency] option[value="${dpupr}"]`).waitFor({ state: 'attached' })
    await field.locator('select[name=agency]').selectOption(dpupr)
    await field.locator('textarea[name=description]').fill(description)
    await field.locator('input[name=photo]').setInputFiles({ name: 'temuan.jpg', mimeType: 'image/jpeg', buffer: await samplePhoto('jpeg', 640, 480) })
    await field.getByRole('button', { name: 'Simpan temuan' }).click()
    await field.locator('[data-testid=outbox-count][data-count="1"]').waitFor()
    await t.shot(field, 'patrols-field-offline', { fullPage: true })

    // The signal returns: the outbox empties by itself.
    await phone.setOffline(false)
    await field.locator('[data-testid=outbox-count][data-count="0"]').waitFor()
    await t.shot(field, 'patrols-field-synced', { fullPage: true })

    // The DPUPR head finds it in the inbox, with its photo, and answers it.
    const desk = await t.newContext({ viewport: { width: 1280, height: 900 } })
    const head = await login(desk, 'agency_officer')
    await head.goto(`${t.server.url}/t/33.71/patrols/findings`)
    const item = head.locator('[data-testid=finding]', { hasText: description })
    await item.waitFor()
    await item.locator('img').first().waitFor()
    expect(await item.textContent()).toContain('198503152010011001')
    await item.locator('select[name=action]').selectOption('teguran_lisan')
    await item.locator('input[name=note]').fill('Sudah ditegur lisan oleh kepala dinas')
    await item.getByRole('button', { name: 'Kirim tindak lanjut' }).click()
    await head.locator('[data-testid=finding]', { hasText: description }).waitFor({ state: 'detached' })
    await head.getByRole('button', { name: 'Semua' }).click()
    await head.locator('[data-testid=finding][data-status=responded]', { hasText: description }).waitFor()
    await t.shot(head, 'patrols-inbox', { fullPage: true })

    // The inspectorate (the demo auditor works for Inspektorat) reviews the answer and closes the finding.
    const review = await t.newContext({ viewport: { width: 1280, height: 900 } })
    const auditor = await login(review, 'inspektorat')
    await auditor.goto(`${t.server.url}/t/33.71/patrols/findings`)
    await auditor.getByRole('button', { name: 'sudah ditindaklanjuti' }).click()
    const answered = auditor.locator('[data-testid=finding][data-status=responded]', { hasText: description })
    await answered.waitFor()
    expect(await answered.textContent()).toContain('**************1001')
    await answered.getByTestId('close').click()
    await answered.waitFor({ state: 'detached' })
    await t.shot(auditor, 'patrols-review', { fullPage: true })
    await review.close()

    // The finding was stored once, whatever the phone retried.
    const findings = json<{ items: { description: string; photos: unknown[] }[] }>(
      await app.inject({ method: 'GET', url: '/api/t/33.71/findings?limit=1000', headers: { cookie } }),
    )
    const mine = findings.items.filter((f) => f.description === description)
    expect(mine).toHaveLength(1)
    expect(mine[0].photos).toHaveLength(1)
    await phone.close()
    await desk.close()
  })

  it('shows the ASN discipline per OPD of the demo month to the admin', async () => {
    const context = await t.newContext({ viewport: { width: 1280, height: 900 } })
    const admin = await login(context, 'admin')
    await admin.goto(`${t.server.url}/t/33.71/asn`)
    await admin.locator('[data-testid=discipline] tbody tr').first().waitFor()
    expect(await admin.locator('[data-testid=discipline] tbody tr').count()).toBeGreaterThan(5)
    await admin.locator('[data-testid=asn-page] canvas').first().waitFor()
    await t.shot(admin, 'patrols-asn', { fullPage: true })
    await context.close()
  })

  it('imports a large staff list with a progress bar while the job writes it', async () => {
    const ctx = t.server.kendali.ctx
    // A code and a name as a city writes them: other files' pages on this worker's database may list this OPD.
    const code = unique('opd-impor')
      .replace(/[^a-z0-9-]/g, '-')
      .slice(0, 40)
    await tenancyServices(ctx).agencies.create(ctx.db, '33.71', 'system:test', { code, name: `Dinas Uji Impor ${code.slice(-6)}` })
    const rows = SYNC_IMPORT_ROWS + 100
    const seq = String(1 + Math.floor(Math.random() * 998)).padStart(3, '0')
    const csv = [
      'nip,nama,opd,jabatan',
      ...Array.from({ length: rows }, (_, i) => {
        const born = new Date(Date.UTC(1962, 0, 1) + i * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '')
        return `${born}2001022${seq},Pegawai ${i},${code},Pelaksana`
      }),
    ].join('\n')
    const context = await t.newContext({ viewport: { width: 1366, height: 768 } })
    const admin = await login(context, 'admin')
    await admin.goto(`${t.server.url}/t/33.71/asn`)
    const importer = admin.locator('[data-testid=asn-import]')
    await importer.locator('select').selectOption('staff')
    await importer.locator('input[type=file]').setInputFiles({ name: 'pegawai.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) })
    await importer.getByText(`Menyimpan baris: 0 dari ${rows.toLocaleString('id-ID')}`).waitFor()
    const [queued] = await ctx.db.query<{ id: string }>(
      "SELECT id::text FROM imports WHERE tenant = '33.71' AND kind = 'asn_staff' AND state = 'queued' AND total = $1",
      [rows],
    )
    // The job writes 20 batches, then stops (as a restarted process would): the bar shows where it is.
    let commits = 0
    const real = ctx.db
    const stopsAfter20: Database = {
      kind: real.kind,
      query: (sql, params) => real.query(sql, params),
      exec: (sql) => real.exec(sql),
      close: () => real.close(),
      transaction: async (fn) => {
        if (commits === 20) throw new Error('stopped')
        const result = await real.transaction(fn)
        commits += 1
        return result
      },
    }
    await expect(ctx.imports.resume(stopsAfter20, '33.71', queued.id)).rejects.toThrow('stopped')
    await importer.getByText(`Menyimpan baris: ${(20 * IMPORT_BATCH).toLocaleString('id-ID')} dari ${rows.toLocaleString('id-ID')}`).waitFor()
    expect(await importer.locator('progress[data-testid=import-progress]').getAttribute('value')).toBe(String(20 * IMPORT_BATCH))
    await t.shot(admin, 'patrols-asn-import-progress')
    await admin.setViewportSize({ width: 390, height: 844 })
    await t.shot(admin, 'patrols-asn-import-progress-phone')
    await admin.setViewportSize({ width: 1366, height: 768 })
    await ctx.imports.resume(real, '33.71', queued.id)
    await importer
      .locator('[data-testid=import-result]')
      .getByText(`${rows.toLocaleString('id-ID')} baris baru, 0 diperbarui, 0 ditolak`)
      .waitFor()
    await t.shot(admin, 'patrols-asn-import-done')
    await context.close()
  })

  it('lets a leader plan a patrol with checkpoints on the map and follow a patrol’s track', async () => {
    const context = await t.newContext({ viewport: { width: 1280, height: 1000 } })
    const operator = await login(context, 'operator')
    await operator.goto(`${t.server.url}/t/33.71/patrols/plan`)
    const form = operator.locator('[data-testid=plan-form]')
    await form.locator('label', { hasText: 'patrol_officer' }).waitFor()
    const name = unique('Rojak Pasar Rejowinangun')
    await form.getByLabel('Nama').fill(name)
    await form.getByLabel('Mulai').fill('13:00')
    await form.getByLabel('Selesai').fill('15:00')
    await form.locator('label', { hasText: 'patrol_officer' }).locator('input').check()
    // The area: a kecamatan found by name in the list, and a kelurahan clicked on the map.
    const area = form.locator('[data-testid=plan-area]')
    await area.getByRole('searchbox').fill('magelang sel')
    await area.locator('label', { hasText: 'Kec. Magelang Selatan' }).locator('input').check()
    await area.locator('.area-chosen li[data-code="33.71.01"]').waitFor()
    const map = operator.locator('.plan-map canvas')
    await map.waitFor()
    await operator.waitForTimeout(500)
    const box = await map.boundingBox()
    if (!box) throw new Error('the map has no box')
    await form.getByRole('button', { name: 'Wilayah', exact: true }).click()
    await operator.mouse.click(box.x + box.width / 2, box.y + box.height / 2)
    await expect.poll(() => area.locator('.area-chosen li').count()).toBe(2)
    await t.shot(operator.locator('.plan-map'), 'patrols-plan-area')
    // Back to checkpoints: clicks on the map add them and leave the area as it is.
    await form.getByRole('button', { name: 'Titik periksa', exact: true }).click()
    await operator.mouse.click(box.x + box.width / 2, box.y + box.height / 2)
    await operator.mouse.click(box.x + box.width / 2 + 60, box.y + box.height / 2 + 40)
    await expect.poll(() => operator.locator('[data-testid=plan-checkpoints] li').count()).toBe(2)
    await form.getByRole('button', { name: 'Simpan rencana' }).click()
    await operator.locator('[data-testid=plan-list] tr', { hasText: name }).waitFor()
    const cookie = await loginCookie(t.server.kendali, 'operator')
    const saved = json<{ items: { name: string; team: string[]; area: string[]; checkpoints: { radiusM: number }[] }[] }>(
      await t.server.kendali.app.inject({ method: 'GET', url: '/api/t/33.71/patrols?limit=100', headers: { cookie } }),
    ).items.find((p) => p.name === name)
    expect(saved).toMatchObject({ team: ['patrol_officer'], checkpoints: [{ radiusM: 100 }, { radiusM: 100 }] })
    expect(saved?.area).toHaveLength(2)
    expect(saved?.area[0]).toBe('33.71.01')
    expect(saved?.area[1]).toMatch(/^33\.71\.0[1-3]\.\d{4}$/)

    // The demo patrol under way has check-ins: its track lists them in order.
    const row = operator.locator('[data-testid=plan-list] tr', { hasText: 'berjalan' }).first()
    await row.getByRole('button', { name: 'Jejak' }).click()
    await operator.locator('[data-testid=plan-track] li').first().waitFor()
    await t.shot(operator, 'patrols-plan', { fullPage: true })
    await context.close()
  })

  it('drills down to one employee’s month, the NIP masked for the operator', async () => {
    const [person] = await t.server.kendali.ctx.db.query<{ nip: string; id: string }>(
      `SELECT a.nip, s.id::text FROM asn_attendance a JOIN asn_staff s ON s.tenant = a.tenant AND s.nip = a.nip
       WHERE a.tenant = '33.71' AND a.check_in > '08:00' ORDER BY a.day DESC, a.nip LIMIT 1`,
    )
    const [{ month }] = await t.server.kendali.ctx.db.query<{ month: string }>(
      "SELECT to_char(max(day), 'YYYY-MM') AS month FROM asn_attendance WHERE tenant = '33.71' AND nip = $1",
      [person.nip],
    )
    const context = await t.newContext({ viewport: { width: 1280, height: 900 } })
    const admin = await login(context, 'admin')
    await admin.goto(`${t.server.url}/t/33.71/asn/people/${person.id}?month=${month}`)
    await admin.locator('[data-testid=person-days] tbody tr').first().waitFor()
    expect(await admin.locator('[data-testid=person-nip]').textContent()).toBe(person.nip)
    expect(await admin.locator('[data-testid=person-days]').textContent()).toMatch(/TL[1-4]/)
    await t.shot(admin, 'patrols-person', { fullPage: true })
    await context.close()

    const desk = await t.newContext({ viewport: { width: 1280, height: 900 } })
    const operator = await login(desk, 'operator')
    // The page is reached by the person's opaque id: the operator, who sees the NIP masked, opens it too.
    await operator.goto(`${t.server.url}/t/33.71/asn/people/${person.id}?month=${month}`)
    await operator.locator('[data-testid=person-days] tbody tr').first().waitFor()
    expect(await operator.locator('[data-testid=person-nip]').textContent()).toBe(`${'*'.repeat(14)}${person.nip.slice(-4)}`)
    await desk.close()
  })

  it('lets the admin add and retire a finding type and set the follow-up steps', async () => {
    // The invalid finding type the test submits.
    t.allowConsoleErrors(answered(400, '/finding-types'))
    const context = await t.newContext({ viewport: { width: 1280, height: 1000 } })
    const admin = await login(context, 'admin')
    await admin.goto(`${t.server.url}/t/33.71/patrols/catalogue`)
    await admin.locator('[data-testid=type-sampah_liar]').waitFor()
    const code = unique('parkir')
      .replace(/[^a-z0-9]/g, '_')
      .slice(0, 40)
    const add = admin.locator('[data-testid=add-type]')
    await add.getByPlaceholder('Kode').fill(code)
    await add.getByPlaceholder('Nama (Bahasa Indonesia)').fill('Parkir liar')
    await add.getByPlaceholder('Nama (Inggris)').fill('Illegal parking')
    await add.getByLabel('Jenis').selectOption('city')
    await add.getByPlaceholder('Kode kategori/jenis').fill('tidak_ada')
    await add.getByRole('button', { name: 'Tambah jenis' }).click()
    await admin.getByRole('alert').waitFor()
    await add.getByPlaceholder('Kode kategori/jenis').fill('sampah_liar')
    await add.getByRole('button', { name: 'Tambah jenis' }).click()
    const row = admin.locator(`[data-testid=type-${code}]`)
    await row.waitFor()
    await row.getByRole('button', { name: 'Nonaktifkan' }).click()
    await admin.locator(`[data-testid=type-${code}].retired`).waitFor()
    const settings = admin.locator('[data-testid=settings]')
    expect(await settings.getByLabel(/Eskalasi/).inputValue()).toBe('0, 3')
    await t.shot(admin, 'patrols-catalogue', { fullPage: true })
    await context.close()
  })
})
