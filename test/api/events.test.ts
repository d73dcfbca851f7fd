import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { KendaliEvent } from '../../src/core/events/log.ts'
import { headSeq } from '../../src/core/events/log.ts'
import { LiveProbe } from '../support/live.ts'
import { json, loginCookie, startTestKendali, type TestServer, unique } from '../support/server.ts'

let server: TestServer
let admin: string
let operator: string

const createAgency = async (name = 'Dinas Uji Siaran') => {
  const res = await server.kendali.app.inject({
    method: 'POST',
    url: '/api/t/33.71/agencies',
    headers: { cookie: admin },
    payload: { code: unique('live'), name },
  })
  expect(res.statusCode).toBe(201)
}
const head = () => headSeq(server.kendali.ctx.db, '33.71')

beforeAll(async () => {
  // Open sockets re-check their session every second here (30 s in production).
  server = await startTestKendali({ listen: true, env: { LIVE_RECHECK_SECONDS: '1' } })
  admin = await loginCookie(server.kendali, 'admin')
  operator = await loginCookie(server.kendali, 'operator')
})
afterAll(() => server.close())

describe('the event log', () => {
  it('writes nothing and announces nothing when the transaction rolls back', async () => {
    const before = await head()
    const announced: KendaliEvent[] = []
    const stop = server.kendali.ctx.bus.subscribe((e) => announced.push(e))
    await expect(
      server.kendali.ctx.db.transaction(async (tx) => {
        await server.kendali.ctx.events.record(tx, '33.71', 'test', { topic: 'agencies', type: 'agency.created', data: {} })
        throw new Error('rolled back on purpose')
      }),
    ).rejects.toThrow('rolled back')
    stop()
    expect(await head()).toBe(before)
    expect(announced).toEqual([])
  })

  it('numbers each tenant gaplessly, apart from other tenants', async () => {
    const malangBefore = await headSeq(server.kendali.ctx.db, '35.73')
    const before = await head()
    await Promise.all([createAgency(), createAgency(), createAgency()])
    const rows = await server.kendali.ctx.db.query<{ seq: number }>(`SELECT seq FROM events WHERE tenant = '33.71' AND seq > $1 ORDER BY seq`, [before])
    expect(rows.map((r) => r.seq)).toEqual([before + 1, before + 2, before + 3])
    expect(await headSeq(server.kendali.ctx.db, '35.73')).toBe(malangBefore)
  })

  it('is append-only', async () => {
    await expect(server.kendali.ctx.db.query(`UPDATE events SET type = 'x' WHERE tenant = '33.71'`)).rejects.toThrow(/append-only/)
    await expect(server.kendali.ctx.db.query(`DELETE FROM events WHERE tenant = '33.71'`)).rejects.toThrow(/append-only/)
  })

  it('pages forward from a sequence and backward from the newest', async () => {
    await createAgency()
    const latest = json<{ items: KendaliEvent[]; next: string }>(
      await server.kendali.app.inject({ method: 'GET', url: '/api/t/33.71/events?order=desc&limit=2', headers: { cookie: admin } }),
    )
    expect(latest.items[0].seq).toBe(await head())
    expect(latest.items[1].seq).toBe(latest.items[0].seq - 1)
    const older = json<{ items: KendaliEvent[] }>(
      await server.kendali.app.inject({ method: 'GET', url: `/api/t/33.71/events?order=desc&limit=2&cursor=${latest.next}`, headers: { cookie: admin } }),
    )
    expect(older.items[0].seq).toBe(latest.items[1].seq - 1)
    const after = json<{ items: KendaliEvent[] }>(
      await server.kendali.app.inject({ method: 'GET', url: '/api/t/33.71/events?after=3&limit=3', headers: { cookie: admin } }),
    )
    expect(after.items.map((e) => e.seq)).toEqual([4, 5, 6])
  })

  it('shows each role only the topics it may read', async () => {
    const forOperator = json<{ items: KendaliEvent[] }>(
      await server.kendali.app.inject({ method: 'GET', url: '/api/t/33.71/events?limit=1000', headers: { cookie: operator } }),
    )
    expect(forOperator.items.length).toBeGreaterThan(0)
    expect(forOperator.items.some((e) => e.topic === 'access')).toBe(false)
    const forAdmin = json<{ items: KendaliEvent[] }>(
      await server.kendali.app.inject({ method: 'GET', url: '/api/t/33.71/events?limit=1000&topic=access', headers: { cookie: admin } }),
    )
    expect(forAdmin.items.some((e) => e.type === 'user.created')).toBe(true)
  })
})

describe('the live channel', () => {
  it('streams new events to a connected operator without reload', async () => {
    const probe = await LiveProbe.open(server.url, '33.71', operator)
    await createAgency('Dinas Siaran Langsung')
    await probe.waitFor(1)
    expect(probe.events[0]).toMatchObject({
      tenant: '33.71',
      topic: 'agencies',
      type: 'agency.created',
      actor: 'admin',
      data: { name: 'Dinas Siaran Langsung' },
    })
    await probe.close()
  })

  it('resends everything missed after a reconnect, in order, exactly once', async () => {
    const first = await LiveProbe.open(server.url, '33.71', operator)
    await createAgency()
    await first.waitFor(1)
    const lastSeen = first.events[0].seq
    await first.close()
    for (let i = 0; i < 4; i++) await createAgency()
    const second = await LiveProbe.open(server.url, '33.71', operator, lastSeen)
    await second.waitFor(4)
    await createAgency()
    await second.waitFor(5)
    const seqs = second.events.map((e) => e.seq)
    expect(seqs).toEqual([lastSeen + 1, lastSeen + 2, lastSeen + 3, lastSeen + 4, lastSeen + 5])
    await second.close()
  })

  it('fills a gap from the log when the bus delivers out of order', async () => {
    const probe = await LiveProbe.open(server.url, '33.71', operator)
    const start = await head()
    // Two events committed, but only the second announced: the client must still get both, in order.
    const bus = server.kendali.ctx.bus
    const held: KendaliEvent[] = []
    const realPublish = bus.publish.bind(bus)
    bus.publish = (e) => held.push(e)
    await createAgency()
    await createAgency()
    bus.publish = realPublish
    bus.publish(held[1])
    await probe.waitFor(2)
    bus.publish(held[0])
    await createAgency()
    await probe.waitFor(3)
    expect(probe.events.map((e) => e.seq)).toEqual([start + 1, start + 2, start + 3])
    await probe.close()
  })

  it('keeps topics the role may not read out of the stream, and narrows on subscribe', async () => {
    const probe = await LiveProbe.open(server.url, '33.71', operator)
    const username = unique('siaran').toLowerCase()
    await server.kendali.app.inject({
      method: 'POST',
      url: '/api/t/33.71/users',
      headers: { cookie: admin },
      payload: { username, name: 'Rahasia', password: 'rahasia-panjang-1', roles: ['operator'] },
    })
    await createAgency()
    await probe.waitFor(1)
    expect(probe.events.map((e) => e.topic)).toEqual(['agencies'])
    await probe.send({ subscribe: ['regions'] })
    await createAgency()
    await server.kendali.ctx.db.transaction((tx) =>
      server.kendali.ctx.events.record(tx, '33.71', 'test', { topic: 'regions', type: 'regions.imported', data: {} }),
    )
    await probe.waitFor(2)
    expect(probe.events.map((e) => e.topic)).toEqual(['agencies', 'regions'])
    await probe.close()
  })

  it('ends an open live channel when its session ends, by logout or by a disabled account', async () => {
    const username = unique('keluar').toLowerCase()
    const created = await server.kendali.app.inject({
      method: 'POST',
      url: '/api/t/33.71/users',
      headers: { cookie: admin },
      payload: { username, name: 'Operator Malam', password: 'rahasia-panjang-1', roles: ['operator'] },
    })
    const first = await loginCookie(server.kendali, username, 'rahasia-panjang-1')
    const second = await loginCookie(server.kendali, username, 'rahasia-panjang-1')
    const loggedOut = await LiveProbe.open(server.url, '33.71', first)
    const disabled = await LiveProbe.open(server.url, '33.71', second)
    await server.kendali.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie: first } })
    expect(await loggedOut.closedByServer()).toBe(4401)
    await createAgency()
    await disabled.waitFor(1)
    await server.kendali.app.inject({
      method: 'PATCH',
      url: `/api/t/33.71/users/${json<{ id: string }>(created).id}`,
      headers: { cookie: admin },
      payload: { disabled: true },
    })
    expect(await disabled.closedByServer()).toBe(4401)
    expect(loggedOut.events).toEqual([])
  })

  it('narrows an open live channel to what the roles allow once they are taken away', async () => {
    const username = unique('turun').toLowerCase()
    const created = await server.kendali.app.inject({
      method: 'POST',
      url: '/api/t/33.71/users',
      headers: { cookie: admin },
      payload: { username, name: 'Admin Sementara', password: 'rahasia-panjang-1', roles: ['admin'] },
    })
    const probe = await LiveProbe.open(server.url, '33.71', await loginCookie(server.kendali, username, 'rahasia-panjang-1'))
    await server.kendali.app.inject({
      method: 'PATCH',
      url: `/api/t/33.71/users/${json<{ id: string }>(created).id}`,
      headers: { cookie: admin },
      payload: { roles: ['operator'] },
    })
    await probe.waitFor(1)
    expect(probe.events.map((e) => e.topic)).toEqual(['access'])
    await new Promise((resolve) => setTimeout(resolve, 2500))
    await server.kendali.ctx.db.transaction((tx) =>
      server.kendali.ctx.events.record(tx, '33.71', 'test', { topic: 'access', type: 'user.updated', data: { username: 'lain' } }),
    )
    await createAgency()
    await probe.waitFor(2)
    expect(probe.events.map((e) => e.topic)).toEqual(['access', 'agencies'])
    await probe.close()
  })

  it('delivers an event whose bus message was lost, without waiting for the next event', async () => {
    const probe = await LiveProbe.open(server.url, '33.71', operator)
    const code = unique('hilang')
    // Committed, but the bus never hears of it (a lost NATS message).
    await server.kendali.ctx.db.transaction((tx) =>
      server.kendali.ctx.events.record({ query: tx.query.bind(tx), afterCommit: () => undefined }, '33.71', 'test', {
        topic: 'agencies',
        type: 'agency.created',
        data: { code },
      }),
    )
    await probe.waitFor(1)
    expect(probe.events[0].data).toMatchObject({ code })
    await probe.close()
  })

  it('refuses anonymous and other-city callers before upgrading', async () => {
    await expect(LiveProbe.open(server.url, '33.71', '')).rejects.toThrow('401')
    const malang = await loginCookie(server.kendali, 'malang_operator')
    await expect(LiveProbe.open(server.url, '33.71', malang)).rejects.toThrow('403')
  })
})
