import { createHmac } from 'node:crypto'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { InjectOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startRedirectTrap } from '../../../test/support/redirect-trap.ts'
import { json, loginCookie, startTestKendali, type TestServer, unique } from '../../../test/support/server.ts'
import { datahubServices } from './index.ts'
import type { Delivery, Webhook } from './webhooks.ts'

type ErrorBody = { error: { code: string; details?: { field?: string } } }

/** A local receiver that answers `answer` and keeps what it was sent. */
let answer = 200
const received: { headers: IncomingHttpHeaders; body: string }[] = []
let receiver: Server
let receiverUrl = ''
let server: TestServer
let admin = ''
let unsubscribe = () => {}
const inject = (opts: InjectOptions) => server.kendali.app.inject({ ...opts, headers: { ...opts.headers, cookie: admin } })
const deliveries = (id: string, status = '') =>
  inject({ method: 'GET', url: `/api/t/33.71/webhooks/${id}/deliveries${status ? `?status=${status}` : ''}` }).then((r) => json<{ items: Delivery[] }>(r).items)

async function hookOn(topic: string, url = receiverUrl): Promise<Webhook & { secret: string }> {
  const res = await inject({ method: 'POST', url: '/api/t/33.71/webhooks', payload: { name: unique('hook'), url, topics: [topic] } })
  expect(res.statusCode, res.body).toBe(201)
  return json(res)
}

const newDataset = () => inject({ method: 'POST', url: '/api/t/33.71/datasets', payload: { name: unique('wh'), title: 'Dataset untuk webhook' } })

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => {
      body += c.toString()
    })
    req.on('end', () => {
      received.push({ headers: req.headers, body })
      res.writeHead(answer).end()
    })
  })
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/kendali`
  server = await startTestKendali({ listen: false, env: { OUTBOUND_ALLOW: '127.0.0.1' } })
  admin = await loginCookie(server.kendali, 'admin')
  // Background work is off in tests: hear the bus as the module's start() does.
  const { webhooks } = datahubServices(server.kendali.ctx)
  unsubscribe = server.kendali.ctx.bus.subscribe((event) => void webhooks.onEvent(server.kendali.ctx.db, event))
})
afterAll(async () => {
  unsubscribe()
  await server.close()
  await new Promise((resolve) => receiver.close(resolve))
})

describe('outbound webhooks', () => {
  it('posts events of the chosen topic signed over timestamp and body, as the README tells receivers to check', async () => {
    answer = 200
    const hook = await hookOn('datahub')
    expect(json<{ items: Webhook[] }>(await inject({ method: 'GET', url: '/api/t/33.71/webhooks' })).items.find((h) => h.id === hook.id)).not.toHaveProperty(
      'secret',
    )
    const [raw] = await server.kendali.ctx.db.query('SELECT secret, url FROM datahub_webhooks WHERE tenant = $1 AND id = $2', ['33.71', hook.id])
    // The secret and the receiver's URL (often a capability URL) are stored sealed; the list shows the URL.
    expect(JSON.stringify(raw)).not.toContain(hook.secret)
    expect(JSON.stringify(raw)).not.toContain(receiverUrl)
    expect(hook.url).toBe(receiverUrl)
    expect(json<{ items: Webhook[] }>(await inject({ method: 'GET', url: '/api/t/33.71/webhooks' })).items.find((h) => h.id === hook.id)?.url).toBe(receiverUrl)
    expect((await newDataset()).statusCode).toBe(201)
    // Other tests' connectors in the same city fail on purpose (connector.failed is a datahub event too): pick this one.
    const created = async () => (await deliveries(hook.id)).find((d) => d.eventType === 'dataset.created')
    await expect.poll(created).toBeDefined()
    // Other modules' due jobs share the queue: run it until this delivery has been tried.
    await expect
      .poll(async () => {
        await server.kendali.ctx.jobs.runDue(1000)
        return (await created())?.attempts
      })
      .toBe(1)
    const delivery = await created()
    if (!delivery) throw new Error('no delivery of dataset.created')
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 1, responseStatus: 200, eventType: 'dataset.created' })
    const got = received.find((r) => r.headers['x-kendali-delivery'] === delivery.id)
    if (!got) throw new Error('the receiver got nothing')
    const timestamp = String(got.headers['x-kendali-timestamp'])
    expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(60)
    expect(got.headers['x-kendali-signature']).toBe(`sha256=${createHmac('sha256', hook.secret).update(`${timestamp}.${got.body}`).digest('hex')}`)
    expect(got.headers['x-kendali-event']).toBe('dataset.created')
    expect(JSON.parse(got.body)).toMatchObject({ tenant: '33.71', topic: 'datahub', type: 'dataset.created' })
  })

  it('retries with backoff and dead-letters a delivery the receiver keeps refusing', async () => {
    answer = 503
    const hook = await hookOn('datahub')
    await newDataset()
    await expect.poll(async () => (await deliveries(hook.id)).length).toBe(1)
    const jobs = server.kendali.ctx.jobs
    await expect
      .poll(async () => {
        await jobs.runDue(1000)
        return (await deliveries(hook.id))[0].attempts
      })
      .toBe(1)
    expect((await deliveries(hook.id))[0]).toMatchObject({ status: 'pending', responseStatus: 503 })
    // Move the clock past each backoff (30 s, 1, 2, 4, 8 min) instead of waiting.
    let minutes = 0
    await expect
      .poll(async () => {
        minutes += 20
        await jobs.runDue(1000, new Date(Date.now() + minutes * 60_000))
        return (await deliveries(hook.id, 'dead')).length
      })
      .toBe(1)
    const dead = await deliveries(hook.id, 'dead')
    expect(dead).toHaveLength(1)
    expect(dead[0]).toMatchObject({ attempts: 6, error: 'The server answered 503' })
  })

  it("follows no redirect from the receiver into the server's own network: the delivery fails and is retried", async () => {
    const trap = await startRedirectTrap()
    try {
      const hook = await hookOn('datahub', `${trap.url}/hooks/kendali`)
      await newDataset()
      await expect.poll(async () => (await deliveries(hook.id)).length).toBe(1)
      await expect
        .poll(async () => {
          await server.kendali.ctx.jobs.runDue(1000)
          return (await deliveries(hook.id))[0].attempts
        })
        .toBe(1)
      expect((await deliveries(hook.id))[0]).toMatchObject({ status: 'pending', error: expect.stringContaining('127.0.0.2') })
      expect(trap.trapped()).toBe(0)
    } finally {
      await trap.close()
    }
  })

  it('refuses a private URL, an unknown topic, and people who are not admins of the tenant', async () => {
    const strict = await startTestKendali({ listen: false })
    try {
      const cookie = await loginCookie(strict.kendali, 'admin')
      const res = await strict.kendali.app.inject({
        method: 'POST',
        url: '/api/t/33.71/webhooks',
        headers: { cookie },
        payload: { name: 'Dalam', url: 'http://10.0.0.5/hook', topics: ['datahub'] },
      })
      expect(res.statusCode).toBe(400)
      expect(json<ErrorBody>(res).error.details?.field).toBe('url')
      const metadata = await strict.kendali.app.inject({
        method: 'POST',
        url: '/api/t/33.71/webhooks',
        headers: { cookie },
        payload: { name: 'Metadata', url: 'http://169.254.169.254/latest/meta-data/', topics: ['datahub'] },
      })
      expect(metadata.statusCode).toBe(400)
    } finally {
      await strict.close()
    }
    const topic = await inject({ method: 'POST', url: '/api/t/33.71/webhooks', payload: { name: 'X hook', url: receiverUrl, topics: ['nope'] } })
    expect(json<ErrorBody>(topic).error.details?.field).toBe('topics')
    const operator = await loginCookie(server.kendali, 'operator')
    expect((await server.kendali.app.inject({ method: 'GET', url: '/api/t/33.71/webhooks', headers: { cookie: operator } })).statusCode).toBe(403)
    expect((await server.kendali.app.inject({ method: 'GET', url: '/api/t/33.71/webhook-topics', headers: { cookie: operator } })).statusCode).toBe(403)
  })

  it('lists the topics a webhook can follow, the ones it accepts', async () => {
    const topics = json<{ items: string[] }>(await inject({ method: 'GET', url: '/api/t/33.71/webhook-topics' })).items
    expect(topics).toEqual(expect.arrayContaining(['datahub', 'incidents', 'alerts']))
    const res = await inject({ method: 'POST', url: '/api/t/33.71/webhooks', payload: { name: 'Semua', url: receiverUrl, topics } })
    expect(res.statusCode, res.body).toBe(201)
  })
})
