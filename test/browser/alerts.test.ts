import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { answered, browserTest } from '../support/browser.ts'
import { json, loginCookie, unique } from '../support/server.ts'

describe('public warnings in the browser', () => {
  const t = browserTest()
  let operator: string
  let admin: string

  beforeAll(async () => {
    operator = await loginCookie(t.server.kendali, 'operator')
    admin = await loginCookie(t.server.kendali, 'admin')
  })

  it('shows an approved alert with its instruction on the open portal without reload', async () => {
    const page = await t.newPage({ viewport: { width: 390, height: 844 } })
    await page.goto(`${t.server.url}/p/33.71`)
    const section = page.getByTestId('active-alerts')
    await section.waitFor()

    const headline = unique('Banjir di Cacaban')
    const drafted = await t.server.kendali.app.inject({
      method: 'POST',
      url: '/api/t/33.71/alerts',
      headers: { cookie: operator },
      payload: {
        event: 'Banjir',
        category: ['Met'],
        urgency: 'Immediate',
        severity: 'Severe',
        certainty: 'Observed',
        headline,
        instruction: 'Jauhi bantaran Kali Progo.',
        expires: new Date(Date.now() + 3_600_000).toISOString(),
        regions: ['33.71.03.1002'],
      },
    })
    expect(drafted.statusCode, drafted.body).toBe(201)
    const { id } = json<{ id: string }>(drafted)
    // A draft is not public.
    expect(await section.getByText(headline).count()).toBe(0)
    const approved = await t.server.kendali.app.inject({ method: 'POST', url: `/api/t/33.71/alerts/${id}/approve`, headers: { cookie: admin } })
    expect(approved.statusCode, approved.body).toBe(200)

    const card = section.getByTestId('active-alert').filter({ hasText: headline })
    await card.waitFor()
    expect(await card.textContent()).toContain('Jauhi bantaran Kali Progo.')
    expect(await card.textContent()).toContain('Cacaban')
    await t.shot(page, 'portal-alerts', { fullPage: true })
    await page.close()
  })

  it('lets an operator draft on the staff page, refuses their own approval, and shows a second person’s approval live', async () => {
    // The operator's own approval, refused.
    t.allowConsoleErrors(answered(403, '/approve'))
    const page = await t.newPage({ viewport: { width: 1400, height: 900 } })
    await t.loginAs(page, 'operator')
    await page.goto(`${t.server.url}/t/33.71/alerts`)
    const form = page.getByTestId('alert-form')
    await form.waitFor()
    const event = unique('Angin kencang')
    await form.locator('input[name=event]').fill(event)
    await form.locator('select[name=severity]').selectOption('Moderate')
    // The CAP codes are the values; the page says their words in Bahasa Indonesia.
    expect(await form.locator('select[name=urgency] option[value=Immediate]').textContent()).toBe('Segera')
    expect(await form.locator('select[name=category] option[value=Met]').textContent()).toBe('Cuaca')
    expect(await form.locator('select[name=certainty] option[value=Observed]').textContent()).toBe('Teramati')
    expect(await form.locator('select[name=severity] option:checked').textContent()).toBe('Sedang')
    await form.locator('textarea[name=instruction]').fill('Hindari berteduh di bawah pohon.')
    await form.locator('select[name=regions]').selectOption(['33.71.02.1003'])
    // The onset is a wall time in the city's zone (WIB), and must come before the warning expires (in 6 hours).
    await form.locator('input[name=onset]').fill('2099-01-01T10:00')
    await form.locator('button[type=submit]').click()
    await form.getByText('Kejadian mulai harus sebelum masa berlaku berakhir.').waitFor()
    const onset = new Date(Math.ceil(Date.now() / 60_000) * 60_000 + 3_600_000)
    const wib = new Date(onset.getTime() + 7 * 3_600_000).toISOString()
    await form.locator('input[name=onset]').fill(wib.slice(0, 16))
    await form.locator('button[type=submit]').click()

    const card = page.getByTestId('staff-alert').filter({ hasText: event })
    await card.getByTestId('alert-status').getByText('Konsep').waitFor()
    expect(await card.getByTestId('alert-msg-type').textContent()).toBe('Peringatan')
    const times = await card.getByTestId('alert-times').textContent()
    expect(times).toContain('Kejadian mulai')
    expect(times).toContain(wib.slice(11, 16).replace(':', '.'))
    await card.getByRole('button', { name: 'Setujui & terbitkan' }).click()
    await page.getByText('Orang kedua harus menyetujuinya').waitFor()

    const list = json<{ items: { id: string; event: string; onset: string | null }[] }>(
      await t.server.kendali.app.inject({ method: 'GET', url: '/api/t/33.71/alerts?status=draft&limit=1000', headers: { cookie: admin } }),
    )
    const mine = list.items.find((a) => a.event === event)
    if (!mine) throw new Error('the draft is not listed')
    expect(mine.onset).toBe(onset.toISOString())
    await t.server.kendali.app.inject({ method: 'POST', url: `/api/t/33.71/alerts/${mine.id}/approve`, headers: { cookie: admin } })
    await card.getByTestId('alert-status').getByText('Terbit').waitFor()
    await t.shot(page, 'staff-alerts', { fullPage: true })
    await page.setViewportSize({ width: 1366, height: 768 })
    await t.shot(page, 'staff-alerts-1366')
    await page.close()
  })

  async function staffPage(who = 'operator'): Promise<Page> {
    const page = await t.newPage({ viewport: { width: 1400, height: 1300 } })
    await t.loginAs(page, who)
    await page.goto(`${t.server.url}/t/33.71/alerts`)
    await page.getByTestId('alert-form').waitFor()
    return page
  }

  async function draftsNamed(event: string) {
    const list = json<{ items: { id: string; event: string; area: unknown; regions: { code: string }[] }[] }>(
      await t.server.kendali.app.inject({ method: 'GET', url: '/api/t/33.71/alerts?status=draft&limit=1000', headers: { cookie: admin } }),
    )
    return list.items.filter((a) => a.event === event)
  }

  it('draws a polygon and a circle on the staff map and shows a draft’s area before approval', async () => {
    const page = await staffPage()
    const form = page.getByTestId('alert-form')
    const canvas = form.locator('.alert-draw-map canvas')
    await canvas.waitFor()

    // A polygon: four corners, a double click on the last one finishes it.
    const polygonEvent = unique('Longsor')
    await form.locator('input[name=event]').fill(polygonEvent)
    await form.locator('input[name=areaMode][value=polygon]').check()
    // The form's help lines move the map: measure it after choosing the mode.
    const at = async (fx: number, fy: number) => {
      await canvas.scrollIntoViewIfNeeded()
      const box = await canvas.boundingBox()
      if (!box) throw new Error('the map has no size')
      return [box.x + box.width * fx, box.y + box.height * fy] as const
    }
    await page.mouse.click(...(await at(0.3, 0.3)))
    await page.mouse.click(...(await at(0.7, 0.3)))
    await page.mouse.click(...(await at(0.7, 0.7)))
    await page.mouse.dblclick(...(await at(0.3, 0.7)))
    await t.shot(page, 'staff-alert-polygon')
    await form.locator('button[type=submit]').click()
    await expect.poll(async () => (await draftsNamed(polygonEvent)).length).toBe(1)
    const [polygon] = await draftsNamed(polygonEvent)
    const ring = (polygon.area as { type: string; coordinates: [number, number][][] }).coordinates[0]
    expect((polygon.area as { type: string }).type).toBe('Polygon')
    expect(ring).toHaveLength(5)
    expect(ring[4]).toEqual(ring[0])
    expect(polygon.regions).toEqual([])

    // A circle: a click for the centre, the radius typed in, plus a chosen kecamatan.
    const circleEvent = unique('Kebakaran')
    await form.locator('input[name=event]').fill(circleEvent)
    await form.locator('select[name=regions]').selectOption(['33.71.03'])
    await form.locator('input[name=areaMode][value=circle]').check()
    await page.mouse.click(...(await at(0.5, 0.5)))
    await form.locator('input[name=radius]').fill('800')
    await form.locator('button[type=submit]').click()
    await expect.poll(async () => (await draftsNamed(circleEvent)).length).toBe(1)
    const [circle] = await draftsNamed(circleEvent)
    expect(circle.area).toMatchObject({ type: 'Feature', geometry: { type: 'Point' }, properties: { radius: 800 } })
    expect(circle.regions.map((r) => r.code)).toEqual(['33.71.03'])

    // The approver sees the area of each draft on a map before publishing.
    const card = page.getByTestId('staff-alert').filter({ hasText: circleEvent })
    await card.getByRole('button', { name: 'Lihat wilayah di peta' }).click()
    await card.getByTestId('area-preview').locator('canvas').waitFor()
    await card.scrollIntoViewIfNeeded()
    await t.shot(page, 'staff-alert-preview')
    await page.close()
  })

  it('drafts an update referencing the published alert and a cancel with its reason, and links each message’s CAP XML', async () => {
    const headline = unique('Banjir Kali Elo')
    const drafted = await t.server.kendali.app.inject({
      method: 'POST',
      url: '/api/t/33.71/alerts',
      headers: { cookie: operator },
      payload: {
        event: 'Banjir',
        category: ['Met'],
        urgency: 'Expected',
        severity: 'Moderate',
        certainty: 'Likely',
        headline,
        expires: new Date(Date.now() + 3_600_000).toISOString(),
        regions: ['33.71.03.1006'],
      },
    })
    const { id } = json<{ id: string }>(drafted)
    const published = json<{ identifier: string }>(
      await t.server.kendali.app.inject({ method: 'POST', url: `/api/t/33.71/alerts/${id}/approve`, headers: { cookie: admin } }),
    )

    const page = await staffPage()
    const card = page.getByTestId('staff-alert').filter({ hasText: published.identifier })
    expect(await card.getByTestId('cap-link').getAttribute('href')).toBe(`/cap/33.71/alerts/${published.identifier}.xml`)
    const cap = await page.request.get(`${t.server.url}/cap/33.71/alerts/${published.identifier}.xml`)
    expect(await cap.text()).toContain(`<identifier>${published.identifier}</identifier>`)

    await card.getByRole('button', { name: 'Perbarui' }).click()
    const update = card.getByTestId('update-form')
    await update.locator('select[name=severity]').selectOption('Severe')
    await update.locator('textarea[name=instruction]').fill('Mengungsi ke balai kelurahan Gelangan.')
    await update.locator('button[type=submit]').click()
    const updateCard = page
      .getByTestId('staff-alert')
      .filter({ has: page.getByTestId('alert-msg-type').getByText('Pembaruan', { exact: true }) })
      .filter({ hasText: headline })
    await updateCard.getByTestId('alert-references').getByText(published.identifier).waitFor()

    await card.getByRole('button', { name: 'Batalkan' }).click()
    const cancel = card.getByTestId('cancel-form')
    await cancel.locator('textarea[name=note]').fill('Muka air Kali Elo sudah turun.')
    await cancel.locator('button[type=submit]').click()
    await page
      .getByTestId('staff-alert')
      .filter({ hasText: `DIBATALKAN: ${headline}` })
      .waitFor()

    const thread = json<{
      items: {
        msgType: string
        status: string
        references: string[]
        description: string | null
        instruction: string | null
        severity: string
        headline: string | null
      }[]
    }>(await t.server.kendali.app.inject({ method: 'GET', url: '/api/t/33.71/alerts?status=draft&limit=1000', headers: { cookie: admin } })).items.filter((a) =>
      a.headline?.includes(headline),
    )
    const updateDraft = thread.find((a) => a.msgType === 'Update')
    const cancelDraft = thread.find((a) => a.msgType === 'Cancel')
    expect(updateDraft).toMatchObject({ severity: 'Severe', instruction: 'Mengungsi ke balai kelurahan Gelangan.' })
    expect(updateDraft?.references[0]).toContain(`,${published.identifier},`)
    expect(cancelDraft).toMatchObject({ description: 'Muka air Kali Elo sudah turun.' })
    expect(cancelDraft?.references[0]).toContain(`,${published.identifier},`)
    await t.shot(page, 'staff-alert-followups', { fullPage: true })
    await page.close()
  })

  it('starts a draft from a template, and lets the admin keep the templates', async () => {
    const page = await staffPage('operator')
    const form = page.getByTestId('alert-form')
    // Operators choose templates but do not keep them.
    expect(await page.getByTestId('alert-templates').count()).toBe(0)
    await form.locator('select[name=template]').selectOption({ label: 'Tanah longsor' })
    expect(await form.locator('input[name=event]').inputValue()).toBe('Tanah longsor')
    expect(await form.locator('select[name=category]').inputValue()).toBe('Geo')
    expect(await form.locator('select[name=severity]').inputValue()).toBe('Severe')
    expect(await form.locator('textarea[name=instruction]').inputValue()).toContain('mengungsi')
    expect(await form.locator('input[name=enEvent]').inputValue()).toBe('Landslide')
    await form.locator('input[name=contact]').fill('BPBD Kota Magelang, 112')
    await form.locator('select[name=regions]').selectOption(['33.71.01'])
    await form.getByRole('button', { name: 'Simpan konsep' }).click()
    await expect.poll(async () => (await draftsNamed('Tanah longsor')).length).toBe(1)
    const [drafted] = await draftsNamed('Tanah longsor')
    const draft = json<{ english: { event: string } | null; contact: string }>(
      await t.server.kendali.app.inject({ method: 'GET', url: `/api/t/33.71/alerts/${drafted.id}`, headers: { cookie: admin } }),
    )
    expect(draft).toMatchObject({ english: { event: 'Landslide' }, contact: 'BPBD Kota Magelang, 112' })
    await page.close()

    const adminPage = await staffPage('admin')
    const panel = adminPage.getByTestId('alert-templates')
    await panel.getByTestId('alert-template').filter({ hasText: 'Kebakaran' }).waitFor()
    const name = unique('Pohon tumbang')
    const templateForm = adminPage.getByTestId('template-form')
    await templateForm.locator('input[name=name]').fill(name)
    await templateForm.locator('input[name=event]').fill('Pohon tumbang')
    await templateForm.locator('select[name=category]').selectOption('Safety')
    await templateForm.locator('input[name=headline]').fill('Pohon tumbang menutup jalan')
    await templateForm.locator('summary').click()
    await templateForm.locator('input[name=enEvent]').fill('Fallen tree')
    await templateForm.getByRole('button', { name: 'Simpan templat' }).click()
    await panel.getByTestId('alert-template').filter({ hasText: name }).waitFor()
    // The new template is offered to the draft form at once.
    await adminPage.getByTestId('alert-form').locator('select[name=template]').selectOption({ label: name })
    expect(await adminPage.getByTestId('alert-form').locator('input[name=headline]').inputValue()).toBe('Pohon tumbang menutup jalan')
    await panel.scrollIntoViewIfNeeded()
    await t.shot(adminPage, 'staff-alert-templates', { fullPage: true })
    await panel.getByTestId('alert-template').filter({ hasText: name }).getByRole('button', { name: 'Hapus' }).click()
    await expect.poll(() => panel.getByTestId('alert-template').filter({ hasText: name }).count()).toBe(0)
    await adminPage.close()
  })

  // Chromium cannot reach a real push service offline, so PushManager.subscribe is replaced by one that
  // answers a subscription of a made-up push service; everything else (permission, the service worker, the
  // VAPID key, the subscription stored on the server, the worker showing a pushed message) is real.
  it('subscribes this browser to Web Push for a kelurahan and shows a pushed warning as a notification', async () => {
    const context = await t.newContext({ viewport: { width: 390, height: 844 } })
    await context.grantPermissions(['notifications'], { origin: t.server.url })
    const endpoint = `https://push.example.test/${unique('send')}`
    await context.addInitScript((fakeEndpoint) => {
      const w = window as unknown as { usedKey?: string }
      PushManager.prototype.subscribe = async (options?: PushSubscriptionOptionsInit) => {
        const key = options?.applicationServerKey
        w.usedKey = key instanceof Uint8Array ? btoa(String.fromCharCode(...key)) : String(key)
        const json = {
          endpoint: fakeEndpoint,
          expirationTime: null,
          keys: { p256dh: 'BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM', auth: 'tBHItJI5svbpez7KI4CCXg' },
        }
        return { ...json, toJSON: () => json } as unknown as PushSubscription
      }
    }, endpoint)
    const page = await context.newPage()
    await page.goto(`${t.server.url}/p/33.71/alerts`)
    const form = page.locator('form.alert-subscribe')
    await form.locator('select[name=kelurahan] option[value="33.71.03.1002"]').waitFor({ state: 'attached' })
    await form.locator('select[name=kelurahan]').selectOption('33.71.03.1002')
    await form.getByLabel('Notifikasi di browser ini').check()
    expect(await form.locator('input[name=email]').count()).toBe(0)
    await form.locator('button[type=submit]').click()
    await page.getByTestId('subscribed').waitFor()

    const subscriptions = json<{ items: { channel: string; address: string; kelurahan: string }[] }>(
      await t.server.kendali.app.inject({ method: 'GET', url: '/api/t/33.71/subscriptions?limit=1000', headers: { cookie: admin } }),
    ).items
    expect(subscriptions.find((s) => s.address === endpoint)).toMatchObject({ channel: 'push', kelurahan: '33.71.03.1002' })
    const { publicKey } = json<{ publicKey: string }>(await t.server.kendali.app.inject({ method: 'GET', url: '/api/t/33.71/subscriptions/push-key' }))
    const usedKey = await page.evaluate(() => (window as unknown as { usedKey: string }).usedKey)
    expect(Buffer.from(usedKey, 'base64').toString('base64url')).toBe(publicKey)

    // The service worker covers the portal and shows what the server pushes.
    const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope)
    expect(scope).toBe(`${t.server.url}/p/`)
    const cdp = await context.newCDPSession(page)
    await cdp.send('ServiceWorker.enable')
    const registrationId = await new Promise<string>((resolve) => {
      cdp.on('ServiceWorker.workerRegistrationUpdated', (e) => {
        const found = e.registrations.find((r) => r.scopeURL === `${t.server.url}/p/`)
        if (found) resolve(found.registrationId)
      })
    })
    const message = {
      title: '[Severe] Banjir di Cacaban',
      body: 'Jauhi bantaran Kali Progo.',
      url: `${t.server.url}/p/33.71/alerts`,
      identifier: '33.71-2026-99999',
    }
    const shown = () =>
      page.evaluate(async () =>
        (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => ({ title: n.title, body: n.body, tag: n.tag, url: n.data.url })),
      )
    // DevTools may hand the push to a worker still starting up, which drops it: push again until one is shown
    // (the same tag replaces, so one notification is expected however many pushes it took).
    await expect
      .poll(async () => {
        if ((await shown()).length === 0)
          await cdp.send('ServiceWorker.deliverPushMessage', { origin: t.server.url, registrationId, data: JSON.stringify(message) })
        return shown()
      })
      .toEqual([{ title: message.title, body: message.body, tag: message.identifier, url: message.url }])
    await t.shot(page, 'portal-alerts-push', { fullPage: true })
    await context.close()
  })
})
