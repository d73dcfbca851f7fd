import { describe, expect, it } from 'vitest'
import { leviesServices } from '../../src/modules/levies/index.ts'
import { midtransSignature } from '../../src/modules/levies/providers.ts'
import { browserTest } from '../support/browser.ts'
import { TEST_MIDTRANS_SERVER_KEY } from '../support/fixtures.ts'
import { json, loginCookie, unique } from '../support/server.ts'

describe('market levies from bill to QRIS payment to receipt', () => {
  const t = browserTest({ server: { env: { MIDTRANS_SERVER_KEY: TEST_MIDTRANS_SERVER_KEY } } })

  /** The vendor pays a bill in full by QRIS: Midtrans's settlement notification, signed; answers its outcome. */
  async function settleByQris(bill: { number: string; outstanding: number }) {
    const gross = `${bill.outstanding}.00`
    const notified = await t.server.kendali.app.inject({
      method: 'POST',
      url: '/api/t/33.71/levies/payments/callback/midtrans',
      payload: {
        order_id: bill.number,
        status_code: '200',
        gross_amount: gross,
        transaction_status: 'settlement',
        transaction_id: unique('trx'),
        payment_type: 'qris',
        signature_key: midtransSignature(bill.number, '200', gross, TEST_MIDTRANS_SERVER_KEY),
      },
    })
    return json<{ outcome: string }>(notified).outcome
  }

  /** A page of a demo person signed in, on the market office. */
  async function officePage(username: string) {
    const page = await t.newPage({ viewport: { width: 1280, height: 900 } })
    await t.loginAs(page, username, { landing: /\/t\/33\.71\// })
    await page.goto(`${t.server.url}/t/33.71/levies`)
    return page
  }

  it('shows a collector the QRIS of a bill, pays it by the Midtrans notification and prints the receipt', async () => {
    const admin = await loginCookie(t.server.kendali, 'admin')
    const inject = t.server.kendali.app.inject.bind(t.server.kendali.app)
    const post = async <T>(url: string, payload: Record<string, unknown>) => {
      const res = await inject({ method: 'POST', url: `/api/t/33.71/levies/${url}`, headers: { cookie: admin }, payload })
      expect(res.statusCode, res.body).toBeLessThan(300)
      return json<T>(res)
    }
    const markets = json<{ items: { id: string; code: string }[] }>(
      await inject({ method: 'GET', url: '/api/t/33.71/levies/markets', headers: { cookie: admin } }),
    ).items
    const cacaban = markets.find((m) => m.code === 'cacaban')
    expect(cacaban).toBeDefined()
    const stallCode = `KB-${Date.now().toString(36).slice(-5)}`
    const stall = await post<{ id: string }>('stalls', { marketId: cacaban?.id, code: stallCode, kind: 'kios', class: 'II', areaM2: 6 })
    const vendorCode = unique('PDG').slice(-20)
    const vendor = await post<{ id: string }>('vendors', { code: vendorCode, name: 'Bu Sumini Peramban', phone: '081299990000' })
    await post('permits', { vendorId: vendor.id, stallId: stall.id, startsOn: '2026-11-01' })
    const services = leviesServices(t.server.kendali.ctx).levies
    await services.generate(t.server.kendali.ctx.db, '33.71', '2026-11', 'test')
    const bills = json<{ items: { number: string; outstanding: number }[] }>(
      await inject({ method: 'GET', url: `/api/t/33.71/levies/bills?vendor=${vendor.id}`, headers: { cookie: admin } }),
    ).items
    expect(bills).toHaveLength(1)
    const bill = bills[0]

    const page = await t.newPage({ viewport: { width: 390, height: 844 } })
    await t.loginAs(page, 'collector', { landing: /\/t\/33\.71\// })
    await page.goto(`${t.server.url}/t/33.71/levies/collect`)
    await page.waitForSelector('[data-testid=live-status][data-state=open]', { state: 'attached' })
    await page.getByTestId('levy-search').fill(vendorCode)
    await page.keyboard.press('Enter')
    await page.getByText('Bu Sumini Peramban').click()
    const card = page.locator(`[data-testid=levy-bill][data-number="${bill.number}"]`)
    // Cash is read back before it is recorded, the amount in rupiah; cancelling records nothing.
    await card.getByRole('button', { name: 'Terima tunai' }).click()
    const confirm = card.getByTestId('levy-confirm-cash')
    const amount = `Rp${new Intl.NumberFormat('id-ID').format(bill.outstanding)}`
    await expect.poll(() => confirm.textContent()).toContain(`Terima tunai ${amount} dari Bu Sumini Peramban?`)
    await t.shot(page, 'levies-collector-confirm-cash', { fullPage: true })
    await confirm.getByRole('button', { name: 'Batal' }).click()
    await confirm.waitFor({ state: 'detached' })
    await card.getByRole('button', { name: 'Tampilkan QRIS' }).click()
    await page.getByTestId('levy-qris').waitFor()
    await t.shot(page, 'levies-collector-qris', { fullPage: true })

    // The vendor scans and pays; Midtrans notifies the city.
    expect(await settleByQris(bill)).toBe('paid')

    await expect.poll(() => page.getByTestId('levy-paid').textContent()).toContain('STS-3371-')
    await page.getByRole('link', { name: 'Cetak bukti bayar' }).click()
    const receipt = page.getByTestId('levy-receipt')
    await receipt.waitFor()
    const text = (await receipt.textContent()) ?? ''
    expect(text).toContain(bill.number)
    expect(text).toContain('QRIS')
    expect(text).toContain('Bu Sumini Peramban')
    expect(text).toContain('Pasar Cacaban')
    await t.shot(page, 'levies-receipt', { fullPage: true })
    // On paper only the receipt: no staff header, no print button.
    await page.emulateMedia({ media: 'print' })
    expect(await page.locator('header.console-top').isVisible()).toBe(false)
    expect(await receipt.getByRole('button', { name: 'Cetak' }).isVisible()).toBe(false)
    expect(await receipt.isVisible()).toBe(true)
    await page.close()

    // The vendor finds the paid bill and its receipt on the public portal, without an account.
    const portal = await t.newPage({ viewport: { width: 390, height: 844 } })
    await portal.goto(`${t.server.url}/p/33.71/levies`)
    await portal.getByLabel('Kode pedagang').fill(vendorCode)
    await portal.getByLabel('Nomor HP terdaftar').fill('0812-9999-0000')
    await portal.getByRole('button', { name: 'Lihat tagihan saya' }).click()
    await portal.getByRole('button', { name: /Bukti bayar STS-3371-/ }).click()
    const own = portal.getByTestId('levy-receipt')
    await own.waitFor()
    expect(await own.textContent()).toContain(bill.number)
    await t.shot(portal, 'levies-portal', { fullPage: true })
    await portal.close()
  })

  it('shows the vendor the receipt on the portal as soon as the QRIS payment is notified, without a press', async () => {
    const admin = await loginCookie(t.server.kendali, 'admin')
    const inject = t.server.kendali.app.inject.bind(t.server.kendali.app)
    const post = async <T>(url: string, payload: Record<string, unknown>) => {
      const res = await inject({ method: 'POST', url: `/api/t/33.71/levies/${url}`, headers: { cookie: admin }, payload })
      expect(res.statusCode, res.body).toBeLessThan(300)
      return json<T>(res)
    }
    const markets = json<{ items: { id: string; code: string }[] }>(
      await inject({ method: 'GET', url: '/api/t/33.71/levies/markets', headers: { cookie: admin } }),
    ).items
    const stall = await post<{ id: string }>('stalls', {
      marketId: markets.find((m) => m.code === 'rejowinangun')?.id,
      code: `LV-${Date.now().toString(36).slice(-5)}`,
      kind: 'kios',
      class: 'II',
      areaM2: 4,
    })
    const vendorCode = unique('PDG').slice(-20)
    const vendor = await post<{ id: string }>('vendors', { code: vendorCode, name: 'Pak Darmo Sayur', phone: '081277770000' })
    await post('permits', { vendorId: vendor.id, stallId: stall.id, startsOn: '2026-11-01' })
    await leviesServices(t.server.kendali.ctx).levies.generate(t.server.kendali.ctx.db, '33.71', '2026-11', 'test')
    const [bill] = json<{ items: { number: string; outstanding: number }[] }>(
      await inject({ method: 'GET', url: `/api/t/33.71/levies/bills?vendor=${vendor.id}`, headers: { cookie: admin } }),
    ).items

    const portal = await t.newPage({ viewport: { width: 390, height: 844 } })
    await portal.goto(`${t.server.url}/p/33.71/levies`)
    await portal.getByLabel('Kode pedagang').fill(vendorCode)
    await portal.getByLabel('Nomor HP terdaftar').fill('081277770000')
    await portal.getByRole('button', { name: 'Lihat tagihan saya' }).click()
    await portal.getByRole('button', { name: 'Bayar dengan QRIS' }).click()
    await portal.getByTestId('levy-qris-waiting').waitFor()
    await t.shot(portal, 'levies-portal-qris', { fullPage: true })

    expect(await settleByQris(bill)).toBe('paid')

    // Nobody presses anything: the page's next check finds the payment and shows its receipt.
    const receipt = portal.getByTestId('levy-receipt')
    await receipt.waitFor({ timeout: 15_000 })
    expect(await receipt.textContent()).toContain(bill.number)
    expect(await portal.getByTestId('levy-qris-waiting').count()).toBe(0)
    await t.shot(portal, 'levies-portal-live', { fullPage: true })
    await portal.close()
  })

  it('lets the market office change a vendor’s phone and end a permit early from the vendors tab', async () => {
    const admin = await loginCookie(t.server.kendali, 'admin')
    const inject = t.server.kendali.app.inject.bind(t.server.kendali.app)
    const call = async <T>(method: 'GET' | 'POST', url: string, payload?: Record<string, unknown>) => {
      const res = await inject({ method, url: `/api/t/33.71/levies/${url}`, headers: { cookie: admin }, payload })
      expect(res.statusCode, res.body).toBeLessThan(300)
      return json<T>(res)
    }
    const markets = (await call<{ items: { id: string; code: string }[] }>('GET', 'markets')).items
    const stall = await call<{ id: string }>('POST', 'stalls', {
      marketId: markets.find((m) => m.code === 'kebonpolo')?.id,
      code: `ED-${Date.now().toString(36).slice(-5)}`,
      kind: 'los',
      class: 'I',
      areaM2: 3,
    })
    const vendorCode = unique('PDG').slice(-20)
    const vendor = await call<{ id: string }>('POST', 'vendors', { code: vendorCode, name: 'Bu Painem', phone: '081233330000', nik: '3371014101800009' })
    await call('POST', 'permits', { vendorId: vendor.id, stallId: stall.id, startsOn: '2027-01-01' })

    const page = await officePage('market_officer')
    await page.getByRole('button', { name: 'Pedagang' }).click()
    await page.getByLabel('Nama, kode, HP atau kode tempat').fill(vendorCode)
    await page.getByRole('button', { name: 'Cari' }).click()
    // The market office's officer (of Disdagkop UKM) sees the NIK masked.
    await page.getByRole('button', { name: `${vendorCode} · Bu Painem · 3371********0009` }).click()
    await page.getByLabel('Nomor HP').fill('0813-4444-0000')
    await page.getByRole('button', { name: 'Simpan' }).click()
    await expect.poll(async () => (await call<{ phone: string }>('GET', `vendors/${vendor.id}`)).phone).toBe('081344440000')
    await page.getByLabel('Berakhir pada').fill('2027-03-31')
    await page.getByRole('button', { name: 'Akhiri izin' }).click()
    await page.getByText('2027-01-01 – 2027-03-31').waitFor()
    const [permit] = (await call<{ items: { endsOn: string | null }[] }>('GET', `permits?vendor=${vendor.id}`)).items
    expect(permit.endsOn).toBe('2027-03-31')
    await t.shot(page, 'levies-vendors', { fullPage: true })
    await page.close()
  })

  it('lets the market office add a market picked on the map and a numbered range of its stalls', async () => {
    const admin = await loginCookie(t.server.kendali, 'admin')
    const inject = t.server.kendali.app.inject.bind(t.server.kendali.app)
    const get = async <T>(url: string) => json<T>(await inject({ method: 'GET', url: `/api/t/33.71/${url}`, headers: { cookie: admin } }))
    const disdagkop = (await get<{ items: { id: string; code: string }[] }>('agencies?limit=100')).items.find((a) => a.code === 'disdagkop_ukm')
    const code = `sore-${Date.now().toString(36).slice(-5)}`

    const page = await officePage('market_officer')
    await page.getByTestId('levy-markets').getByText('Pasar Rejowinangun').waitFor()
    await page.getByRole('button', { name: 'Tambah pasar' }).click()
    const form = page.getByTestId('levy-market-form')
    await form.getByLabel('Kode pasar').fill(code)
    await form.getByLabel('Nama pasar').fill('Pasar Sore Tidar')
    await form.getByLabel('Alamat').fill('Jl. Tidar, Magelang Selatan')
    // An officer gives a market only to their own OPD.
    const opd = form.getByLabel('OPD pengelola')
    expect(await opd.locator('option').allTextContents()).toEqual(['Disdagkop UKM'])
    // The location is a tap on the map (tapped again until the map has loaded and takes it).
    const map = page.getByTestId('levy-market-map')
    await map.locator('canvas').waitFor()
    await expect
      .poll(async () => {
        await map.getByTestId('map').click({ position: { x: 360, y: 150 } })
        return form.getByLabel('Bujur (lon)').inputValue()
      })
      .toMatch(/^110\.\d+/)
    expect(await form.getByLabel('Lintang (lat)').inputValue()).toMatch(/^-7\.\d+/)
    await t.shot(map, 'levies-market-map')
    await form.getByLabel(/Target retribusi/).fill('96000000')
    await t.shot(form, 'levies-market-form')
    await form.getByRole('button', { name: 'Simpan' }).click()
    await page.locator(`tr[data-market="${code}"]`).waitFor()

    // The new market's stalls open: A-01 … A-20 at once.
    const stalls = page.getByTestId('levy-stalls')
    await stalls.getByRole('heading', { name: /Pasar Sore Tidar/ }).waitFor()
    const range = stalls.getByTestId('levy-stall-range')
    await range.getByLabel('Awalan kode').fill('A-')
    await range.getByLabel('Dari nomor').fill('1')
    await range.getByLabel('Sampai nomor').fill('20')
    await range.getByLabel('Jenis').selectOption('los')
    await range.getByLabel('Kelas').fill('II')
    await range.getByLabel('Luas (m²)').fill('3')
    await range.getByRole('button', { name: 'Tambah A-01 … A-20 (20 tempat)' }).click()
    await stalls.getByText('20 tempat ditambahkan.').waitFor()
    await stalls.locator('tr[data-stall="A-20"]').waitFor()
    expect(await stalls.locator('tbody tr').count()).toBe(20)
    await t.shot(page, 'levies-office-markets', { fullPage: true })
    // The code search asks the server: A-1 finds A-10 … A-19.
    await stalls.getByLabel('Cari kode tempat').fill('A-1')
    await stalls.getByText('10 tempat', { exact: true }).waitFor()
    expect(await stalls.locator('tbody tr').count()).toBe(10)
    await stalls.getByLabel('Cari kode tempat').fill('')
    // Sixty stalls come fifty a page.
    await range.getByLabel('Dari nomor').fill('21')
    await range.getByLabel('Sampai nomor').fill('60')
    await range.getByRole('button', { name: 'Tambah A-21 … A-60 (40 tempat)' }).click()
    await stalls.getByText('60 tempat', { exact: true }).waitFor()
    expect(await stalls.locator('tbody tr').count()).toBe(50)
    await stalls.getByTestId('levy-stalls-next').click()
    await stalls.locator('tr[data-stall="A-60"]').waitFor()
    expect(await stalls.locator('tbody tr td:first-child').allTextContents()).toEqual(Array.from({ length: 10 }, (_, i) => `A-${51 + i}`))
    await stalls.getByRole('button', { name: 'Sebelumnya' }).click()
    await stalls.locator('tr[data-stall="A-01"]').waitFor()

    const market = (await get<{ items: { id: string; code: string; agencyId: string; kelurahan: { name: string } | null }[] }>('levies/markets')).items.find(
      (m) => m.code === code,
    )
    expect(market?.agencyId).toBe(disdagkop?.id)
    expect(market?.kelurahan).not.toBeNull()
    const added = (await get<{ items: { code: string; kind: string; class: string; areaM2: number }[] }>(`levies/stalls?market=${market?.id}`)).items
    expect(added.map((s) => s.code)).toEqual(Array.from({ length: 50 }, (_, i) => `A-${String(i + 1).padStart(2, '0')}`))
    expect(added.every((s) => s.kind === 'los' && s.class === 'II' && s.areaM2 === 3)).toBe(true)
    const year = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Jakarta', year: 'numeric' }).format(new Date())
    const targets = (await get<{ items: { marketId: string; amount: number | null }[] }>(`levies/targets?year=${year}`)).items
    expect(targets.find((x) => x.marketId === market?.id)?.amount).toBe(96_000_000)

    // A new vendor, added on the vendors tab, gets one of the new stalls: market first, then its free stalls.
    const vendorCode = unique('PDG').slice(-20)
    await page.getByRole('button', { name: 'Pedagang', exact: true }).click()
    const vendors = page.getByTestId('levy-vendors')
    await vendors.getByRole('button', { name: 'Pedagang baru' }).click()
    await vendors.getByLabel('Kode pedagang').fill(vendorCode)
    await vendors.getByLabel('Nama', { exact: true }).fill('Bu Sore')
    await vendors.getByLabel('Nomor HP').fill('0812-5555-1234')
    await vendors.getByRole('button', { name: 'Simpan' }).click()
    await vendors.getByRole('heading', { name: `${vendorCode} · Bu Sore` }).waitFor()
    await vendors.getByLabel(/^Pasar/).selectOption({ label: 'Pasar Sore Tidar' })
    await vendors.getByLabel(/^Tempat/).selectOption({ label: 'Pasar Sore Tidar · A-05' })
    await vendors.getByLabel('Mulai').fill('2026-12-01')
    await vendors.getByRole('button', { name: 'Beri izin tempat' }).click()
    await vendors.getByText('Pasar Sore Tidar · A-05 · 2026-12-01 – …').waitFor()
    await t.shot(page, 'levies-office-permit', { fullPage: true })
    const [vendor] = (await get<{ items: { code: string; phone: string; stalls: { code: string }[] }[] }>(`levies/vendors?q=${vendorCode}`)).items
    expect(vendor).toMatchObject({ code: vendorCode, phone: '081255551234' })
    await page.close()
  })

  it('shows the city’s levy collection on the console', async () => {
    const page = await t.newPage()
    await t.loginAs(page, 'executive')
    // An executive starts on the dashboard; the console is one click away.
    await page.goto(`${t.server.url}/t/33.71/console`)
    const panel = page.getByTestId('levy-revenue')
    await panel.waitFor()
    expect(await panel.textContent()).toContain('Pasar Rejowinangun')
    await t.shot(page, 'levies-console')
    await page.goto(`${t.server.url}/t/33.71/levies`)
    // Payments of another day: the 5th of this month holds last month's, paid in its first days.
    const day = `${new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Jakarta', year: 'numeric', month: '2-digit' }).format(new Date())}-05`
    const admin = await loginCookie(t.server.kendali, 'admin')
    const paid = json<{ items: { receipt: string }[] }>(
      await t.server.kendali.app.inject({ method: 'GET', url: `/api/t/33.71/levies/payments?date=${day}&limit=200`, headers: { cookie: admin } }),
    ).items
    expect(paid.length).toBeGreaterThan(0)
    await page.getByRole('button', { name: 'Pembayaran' }).click()
    await page.getByTestId('levy-pay-date').fill(day)
    await page.getByRole('link', { name: paid[0].receipt }).waitFor()
    expect(await page.locator('tbody tr td:first-child').allTextContents()).toEqual(paid.map((p) => p.receipt))
    await t.shot(page, 'levies-office-payments', { fullPage: true })
    await page.getByRole('button', { name: 'Tunggakan' }).click()
    await page.getByText('Pasar Kebonpolo').first().waitFor()
    await t.shot(page, 'levies-office', { fullPage: true })
    await page.close()
  })
})
