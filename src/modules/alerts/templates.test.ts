import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { json, loginCookie, startTestKendali, type TestServer, unique } from '../../../test/support/server.ts'

let server: TestServer
const cookies: Record<string, string> = {}
const URL = '/api/t/33.71/alerts/templates'

beforeAll(async () => {
  server = await startTestKendali({ listen: false })
  for (const user of ['admin', 'operator', 'dispatcher']) cookies[user] = await loginCookie(server.kendali, user)
})
afterAll(() => server.close())

const as = (user: string, opts: { method: 'GET' | 'POST' | 'PUT' | 'DELETE'; url: string; payload?: object }) =>
  server.kendali.app.inject({ ...opts, headers: { cookie: cookies[user] } })

interface Template {
  id: string
  name: string
  event: string
  category: string[]
  headline: string | null
  english: { event: string; headline?: string } | null
}

const template = (name: string) => ({
  name,
  event: 'Pohon tumbang',
  category: ['Safety'],
  urgency: 'Immediate',
  severity: 'Minor',
  certainty: 'Observed',
  headline: 'Pohon tumbang menutup jalan',
  english: { event: 'Fallen tree', headline: 'A fallen tree blocks the road' },
})

describe('alert templates', () => {
  it('are seeded for the demo city and listed by name for operators', async () => {
    const res = await as('operator', { method: 'GET', url: URL })
    expect(res.statusCode, res.body).toBe(200)
    const names = json<{ items: Template[] }>(res).items.map((t) => t.name)
    expect(names).toEqual(expect.arrayContaining(['Banjir', 'Tanah longsor', 'Gempa bumi', 'Cuaca ekstrem', 'Kebakaran']))
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, 'id', { sensitivity: 'base' })))
    // Pages follow the names.
    const first = json<{ items: Template[]; next: string }>(await as('operator', { method: 'GET', url: `${URL}?limit=2` }))
    const second = json<{ items: Template[] }>(await as('operator', { method: 'GET', url: `${URL}?limit=2&cursor=${first.next}` }))
    expect([...first.items, ...second.items].map((t) => t.name)).toEqual(names.slice(0, 4))
    expect((await as('dispatcher', { method: 'GET', url: URL })).statusCode).toBe(403)
  })

  it('are kept by the admin: added, replaced and removed, names unique', async () => {
    const name = unique('Pohon')
    expect((await as('operator', { method: 'POST', url: URL, payload: template(name) })).statusCode).toBe(403)
    const created = await as('admin', { method: 'POST', url: URL, payload: template(name) })
    expect(created.statusCode, created.body).toBe(201)
    const t = json<Template>(created)
    expect(t).toMatchObject({ name, event: 'Pohon tumbang', category: ['Safety'], english: { event: 'Fallen tree' } })
    const again = await as('admin', { method: 'POST', url: URL, payload: template(name.toUpperCase()) })
    expect(again.statusCode, again.body).toBe(409)

    const { english: _, ...withoutEnglish } = template(name)
    const replaced = await as('admin', { method: 'PUT', url: `${URL}/${t.id}`, payload: { ...withoutEnglish, headline: 'Jalan tertutup pohon' } })
    expect(replaced.statusCode, replaced.body).toBe(200)
    expect(json<Template>(replaced)).toMatchObject({ id: t.id, headline: 'Jalan tertutup pohon', english: null })
    const taken = await as('admin', { method: 'PUT', url: `${URL}/${t.id}`, payload: template('Banjir') })
    expect(taken.statusCode, taken.body).toBe(409)

    expect((await as('admin', { method: 'DELETE', url: `${URL}/${t.id}` })).statusCode).toBe(204)
    expect((await as('admin', { method: 'DELETE', url: `${URL}/${t.id}` })).statusCode).toBe(404)
    expect((await as('admin', { method: 'PUT', url: `${URL}/${t.id}`, payload: template(name) })).statusCode).toBe(404)
  })

  it('refuse bad input with 400', async () => {
    for (const payload of [
      { ...template('Salah'), urgency: 'Soon' },
      { ...template('Salah'), category: [] },
      { ...template('   ') },
      { ...template('Salah'), extra: true },
    ]) {
      const res = await as('admin', { method: 'POST', url: URL, payload })
      expect(res.statusCode, res.body).toBe(400)
    }
  })

  it('are copied from a template city at onboarding, once', async () => {
    const ctx = server.kendali.ctx
    const alerts = ctx.modules.find((m) => m.name === 'alerts')
    const copy = () => ctx.db.transaction((tx) => alerts?.copyConfig?.(ctx, tx, '33.71', '35.73') ?? Promise.resolve(-1))
    const magelang = json<{ total: number }>(await as('admin', { method: 'GET', url: URL })).total
    expect(await copy()).toBe(magelang)
    expect(await copy()).toBe(0)
    const copied = await ctx.db.query<{ name: string }>(`SELECT name FROM alert_templates WHERE tenant = '35.73' ORDER BY lower(name)`)
    expect(copied.map((r) => r.name)).toContain('Tanah longsor')
  })
})
