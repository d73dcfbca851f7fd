import { createECDH, createHash, createHmac, randomBytes } from 'node:crypto'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { InjectOptions } from 'fastify'
import { SMTPServer } from 'smtp-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startRedirectTrap } from '../../../test/support/redirect-trap.ts'
import { json, loginCookie, startTestKendali, type TestServer, unique } from '../../../test/support/server.ts'

type Delivery = { id: string; channel: string; kelurahan: string; status: string; attempts: number; lastError: string | null }

// A local SMTP server and a local HTTP receiver (webhook gateway and push service) stand in for the world.
const mails: { to: string; body: string }[] = []
const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  onData(stream, session, callback) {
    let body = ''
    stream.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8')
    })
    stream.on('end', () => {
      // Undo quoted-printable soft line breaks and escapes, to read the text as written.
      const text = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))
      for (const r of session.envelope.rcptTo) mails.push({ to: r.address, body: text })
      callback()
    })
  },
})

const received: { path: string; headers: IncomingHttpHeaders; body: Buffer }[] = []
/** Paths answering with an error this many more times before they accept. */
const failures = new Map<string, number>()
/** Paths of push subscriptions the push service has dropped (410 Gone). */
const gone = new Set<string>()
let receiver: Server
let receiverUrl = ''

let server: TestServer
const cookies: Record<string, string> = {}
const inject = (opts: InjectOptions) => server.kendali.app.inject(opts)
const as = (who: string, opts: InjectOptions) => inject({ ...opts, headers: { ...opts.headers, cookie: cookies[who] } })
const inHours = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString()

/** Runs due jobs until none is left, the clock at `now`. */
async function runJobs(now?: Date) {
  while ((await server.kendali.ctx.jobs.runDue(50, now)) > 0);
}

async function publish(body: Record<string, unknown>): Promise<{ id: string; identifier: string }> {
  const res = await as('operator', {
    method: 'POST',
    url: '/api/t/33.71/alerts',
    payload: { event: 'Banjir', category: ['Met'], urgency: 'Immediate', severity: 'Severe', certainty: 'Observed', expires: inHours(2), ...body },
  })
  expect(res.statusCode, res.body).toBe(201)
  const { id } = json<{ id: string }>(res)
  const approved = await as('admin', { method: 'POST', url: `/api/t/33.71/alerts/${id}/approve` })
  expect(approved.statusCode, approved.body).toBe(200)
  return json<{ id: string; identifier: string }>(approved)
}

async function deliveries(id: string): Promise<Delivery[]> {
  return json<{ items: Delivery[] }>(await as('operator', { method: 'GET', url: `/api/t/33.71/alerts/${id}/deliveries` })).items
}

/** The token of a link (`?confirm=`, `?unsubscribe=`) in the newest e-mail to this address that has one. */
async function tokenMailed(address: string, parameter: 'confirm' | 'unsubscribe'): Promise<string> {
  const pattern = new RegExp(`\\?${parameter}=([A-Za-z0-9_-]+)`)
  await expect.poll(() => mails.some((m) => m.to === address && pattern.test(m.body))).toBe(true)
  const mail = mails.filter((m) => m.to === address && pattern.test(m.body)).at(-1)
  return pattern.exec(mail?.body ?? '')?.[1] ?? ''
}
const confirmationToken = (address: string) => tokenMailed(address, 'confirm')
const unsubscribeTokenMailed = (address: string) => tokenMailed(address, 'unsubscribe')

const confirm = (token: string) => inject({ method: 'POST', url: '/api/t/33.71/subscriptions/confirm', payload: { token } })

/** Subscribes; an e-mail address also opens its confirmation link unless `confirmed` is false. */
async function subscribe(payload: Record<string, unknown>, who?: string, confirmed = true) {
  const opts: InjectOptions = { method: 'POST', url: '/api/t/33.71/subscriptions', payload }
  const res = await (who ? as(who, opts) : inject(opts))
  if (res.statusCode === 201 && payload.channel === 'email' && confirmed) {
    expect((await confirm(await confirmationToken(String(payload.email)))).statusCode).toBe(204)
  }
  return res
}

/** A browser's push subscription: a P-256 key and an auth secret, the endpoint on the local receiver. */
function pushSubscription(path: string) {
  const ecdh = createECDH('prime256v1')
  ecdh.generateKeys()
  return { endpoint: `${receiverUrl}${path}`, keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') } }
}

beforeAll(async () => {
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve))
  const smtpPort = (smtp.server.address() as AddressInfo).port
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const path = req.url ?? '/'
      if (gone.has(path)) {
        res.writeHead(410).end()
        return
      }
      const left = failures.get(path) ?? 0
      if (left > 0) {
        failures.set(path, left - 1)
        res.writeHead(503).end()
        return
      }
      received.push({ path, headers: req.headers, body: Buffer.concat(chunks) })
      res.writeHead(201).end()
    })
  })
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`
  server = await startTestKendali({
    listen: false,
    env: { OUTBOUND_ALLOW: '127.0.0.1', SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, SMTP_FROM: 'Kendali <alerts@magelang.test>' },
  })
  for (const who of ['admin', 'operator', 'executive', 'malang_admin']) cookies[who] = await loginCookie(server.kendali, who)
})

afterAll(async () => {
  await server.close()
  await new Promise<void>((resolve) => smtp.close(() => resolve()))
  await new Promise<void>((resolve) => receiver.close(() => resolve()))
})

describe('subscribers by region', () => {
  it('delivers to the subscribers of the covered regions by e-mail, signed webhook and Web Push, and no one else', async () => {
    const inside = `${unique('warga')}@example.test`
    const outside = `${unique('warga')}@example.test`
    const hook = `/${unique('gateway')}`
    const push = `/${unique('push')}`
    expect((await subscribe({ kelurahan: '33.71.03.1001', channel: 'email', email: inside })).statusCode).toBe(201)
    expect((await subscribe({ kelurahan: '33.71.02.1008', channel: 'email', email: outside })).statusCode).toBe(201)
    const gateway = await subscribe({ kelurahan: '33.71.03.1002', channel: 'webhook', url: `${receiverUrl}${hook}` }, 'admin')
    expect(gateway.statusCode, gateway.body).toBe(201)
    const { secret, id } = json<{ secret: string; id: string }>(gateway)
    // The gateway's secret and the Web Push private key are stored sealed; deliveries below still sign and push.
    const [stored] = await server.kendali.ctx.db.query<{ secret: string }>('SELECT secret FROM alert_subscriptions WHERE tenant = $1 AND id = $2', [
      '33.71',
      id,
    ])
    expect(stored.secret).not.toContain(secret)
    const [vapid] = await server.kendali.ctx.db.query<{ private_key: string }>('SELECT private_key FROM alert_vapid')
    expect(vapid.private_key.startsWith(server.kendali.ctx.secrets.currentPrefix)).toBe(true)
    const browser = pushSubscription(push)
    expect((await subscribe({ kelurahan: '33.71.03.1001', channel: 'push', push: browser })).statusCode).toBe(201)
    // So are the browser's push keys (whoever holds them can write to that browser).
    const [pushRow] = await server.kendali.ctx.db.query<{ push_keys: Record<string, string> }>(
      'SELECT push_keys FROM alert_subscriptions WHERE tenant = $1 AND address = $2',
      ['33.71', browser.endpoint],
    )
    expect(Object.keys(pushRow.push_keys).sort()).toEqual(['auth', 'p256dh'])
    expect(JSON.stringify(pushRow.push_keys)).not.toContain(browser.keys.auth)
    expect(Object.values(pushRow.push_keys).every((v) => v.startsWith(server.kendali.ctx.secrets.currentPrefix))).toBe(true)

    const alert = await publish({ regions: ['33.71.03'], headline: 'Banjir di Magelang Tengah', instruction: 'Jauhi sungai.' })
    await runJobs()
    const done = await deliveries(alert.id)
    expect(done.map((d) => d.channel).sort()).toEqual(['email', 'push', 'webhook'])
    expect(done.every((d) => d.status === 'delivered')).toBe(true)

    // The subscribers' kelurahan may also get the demo city's warnings: look for this one.
    const mail = mails.find((m) => m.to === inside && m.body.includes(alert.identifier))
    expect(mail?.body).toContain('Banjir di Magelang Tengah')
    expect(mail?.body).toContain(`/cap/33.71/alerts/${alert.identifier}.xml`)
    expect(mails.some((m) => m.to === outside && m.body.includes(alert.identifier))).toBe(false)

    const call = received.find((r) => r.path === hook && r.body.toString('utf8').includes(alert.identifier))
    if (!call) throw new Error('the gateway got nothing')
    const timestamp = String(call.headers['x-kendali-timestamp'])
    const expected = `sha256=${createHmac('sha256', secret)
      .update(`${timestamp}.${call.body.toString('utf8')}`)
      .digest('hex')}`
    expect(call.headers['x-kendali-signature']).toBe(expected)
    const payload = JSON.parse(call.body.toString('utf8')) as { kelurahan: string; text: string; alert: { identifier: string } }
    expect(payload).toMatchObject({ kelurahan: '33.71.03.1002', alert: { identifier: alert.identifier } })
    expect(payload.text).toContain('Jauhi sungai.')

    const pushed = received.find((r) => r.path === push)
    expect(pushed?.headers['content-encoding']).toBe('aes128gcm')
    expect(String(pushed?.headers.authorization)).toMatch(/^vapid t=.+, k=/)
    const key = json<{ publicKey: string }>(await inject({ method: 'GET', url: '/api/t/33.71/subscriptions/push-key' })).publicKey
    expect(String(pushed?.headers.authorization)).toContain(`k=${key}`)
  })

  it('reaches the kelurahan a drawn area touches', async () => {
    const inside = `${unique('warga')}@example.test`
    const far = `${unique('warga')}@example.test`
    await subscribe({ kelurahan: '33.71.03.1002', channel: 'email', email: inside })
    await subscribe({ kelurahan: '33.71.01.1011', channel: 'email', email: far })
    // A 300 m circle around a point in Cacaban.
    const alert = await publish({ area: { type: 'Feature', geometry: { type: 'Point', coordinates: [110.2117, -7.4787] }, properties: { radius: 300 } } })
    await runJobs()
    const emails = (await deliveries(alert.id)).filter((d) => d.channel === 'email')
    expect(emails.some((d) => d.kelurahan === '33.71.03.1002')).toBe(true)
    expect(emails.some((d) => d.kelurahan === '33.71.01.1011')).toBe(false)
    expect(mails.some((m) => m.to === far && m.body.includes(alert.identifier))).toBe(false)
  })
})

describe('delivery retries', () => {
  it('records a failed attempt and retries the webhook with backoff until it is delivered', async () => {
    const hook = `/${unique('flaky')}`
    failures.set(hook, 2)
    const kelurahan = '33.71.01.1009'
    expect((await subscribe({ kelurahan, channel: 'webhook', url: `${receiverUrl}${hook}` }, 'admin')).statusCode).toBe(201)
    const alert = await publish({ regions: [kelurahan] })
    await runJobs()
    const first = (await deliveries(alert.id)).find((d) => d.channel === 'webhook')
    expect(first).toMatchObject({ status: 'pending', attempts: 1, lastError: 'The gateway answered 503' })
    // The backoff is 30 s, then 1 min: nothing is retried before its time.
    await runJobs(new Date(Date.now() + 10_000))
    expect((await deliveries(alert.id)).find((d) => d.channel === 'webhook')?.attempts).toBe(1)
    await runJobs(new Date(Date.now() + 40_000))
    expect((await deliveries(alert.id)).find((d) => d.channel === 'webhook')).toMatchObject({ status: 'pending', attempts: 2 })
    await runJobs(new Date(Date.now() + 120_000))
    expect((await deliveries(alert.id)).find((d) => d.channel === 'webhook')).toMatchObject({ status: 'delivered', attempts: 3 })
    expect(received.filter((r) => r.path === hook)).toHaveLength(1)
  })

  it('gives up at once on a push subscription the push service says is gone, and forgets it', async () => {
    const path = `/${unique('gone')}`
    gone.add(path)
    const kelurahan = '33.71.01.1010'
    const res = await subscribe({ kelurahan, channel: 'push', push: pushSubscription(path) })
    const { id } = json<{ id: string }>(res)
    const alert = await publish({ regions: [kelurahan] })
    await runJobs()
    expect((await deliveries(alert.id)).find((d) => d.channel === 'push')).toMatchObject({ status: 'failed', attempts: 1 })
    const all = json<{ items: { id: string }[] }>(await as('admin', { method: 'GET', url: '/api/t/33.71/subscriptions?limit=1000' }))
    expect(all.items.map((x) => x.id)).not.toContain(id)
  })
})

describe('the outbound guard on deliveries', () => {
  it("refuses a gateway at a private address, and follows no redirect of a gateway or push service into the server's network", async () => {
    const metadata = await subscribe({ kelurahan: '33.71.01.1008', channel: 'webhook', url: 'http://169.254.169.254/latest/meta-data/' }, 'admin')
    expect(metadata.statusCode).toBe(400)
    expect(json<{ error: { details: { field: string } } }>(metadata).error.details.field).toBe('url')

    const trap = await startRedirectTrap()
    try {
      const kelurahan = '33.71.01.1008'
      expect((await subscribe({ kelurahan, channel: 'webhook', url: `${trap.url}/gateway` }, 'admin')).statusCode).toBe(201)
      const push = pushSubscription('/push')
      expect((await subscribe({ kelurahan, channel: 'push', push: { ...push, endpoint: `${trap.url}/push` } })).statusCode).toBe(201)
      const alert = await publish({ regions: [kelurahan] })
      await runJobs()
      const tried = (await deliveries(alert.id)).filter((d) => d.channel !== 'email')
      expect(tried.map((d) => d.channel).sort()).toEqual(['push', 'webhook'])
      for (const d of tried) expect(d).toMatchObject({ status: 'pending', attempts: 1, lastError: expect.stringContaining('127.0.0.2') })
      expect(trap.trapped()).toBe(0)
    } finally {
      await trap.close()
    }
  })
})

describe('subscribing', () => {
  it('sends alerts to an e-mail address only after it opened the confirmation link, which expires', async () => {
    const address = `${unique('w')}@example.test`
    const res = await subscribe({ kelurahan: '33.71.03.1003', channel: 'email', email: address }, undefined, false)
    expect(json(res)).toMatchObject({ isConfirmed: false })
    const token = await confirmationToken(address)
    const before = await publish({ regions: ['33.71.03'], headline: 'Belum dikonfirmasi' })
    await runJobs()
    expect(mails.some((m) => m.to === address && m.body.includes(before.identifier))).toBe(false)

    expect((await confirm('x'.repeat(32))).statusCode).toBe(404)
    expect((await confirm(token)).statusCode).toBe(204)
    expect((await confirm(token)).statusCode).toBe(404)
    const after = await publish({ regions: ['33.71.03'], headline: 'Sudah dikonfirmasi' })
    await runJobs()
    expect(mails.some((m) => m.to === address && m.body.includes(after.identifier))).toBe(true)

    // A link older than 48 hours no longer confirms.
    const late = `${unique('w')}@example.test`
    await subscribe({ kelurahan: '33.71.03.1003', channel: 'email', email: late }, undefined, false)
    const lateToken = await confirmationToken(late)
    await server.kendali.ctx.db.query(
      `UPDATE alert_subscriptions SET confirm_expires_at = now() - interval '1 minute' WHERE tenant = '33.71' AND address = $1`,
      [late],
    )
    expect((await confirm(lateToken)).statusCode).toBe(404)
  })

  it('lets anyone subscribe by e-mail and unsubscribe with the token of the e-mailed link only', async () => {
    const address = `${unique('w')}@example.test`
    const res = await subscribe({ kelurahan: '33.71.02.1003', channel: 'email', email: address })
    expect(res.statusCode).toBe(201)
    expect(json(res)).not.toHaveProperty('unsubscribeToken')
    const unsubscribeToken = await unsubscribeTokenMailed(address)
    const wrong = await inject({ method: 'POST', url: '/api/t/33.71/subscriptions/unsubscribe', payload: { token: 'x'.repeat(32) } })
    expect(wrong.statusCode).toBe(404)
    const ok = await inject({ method: 'POST', url: '/api/t/33.71/subscriptions/unsubscribe', payload: { token: unsubscribeToken } })
    expect(ok.statusCode).toBe(204)
    expect((await inject({ method: 'POST', url: '/api/t/33.71/subscriptions/unsubscribe', payload: { token: unsubscribeToken } })).statusCode).toBe(404)
  })

  it('never hands the unsubscribe token of an e-mail address to whoever subscribes it again, nor changes its language', async () => {
    const address = `${unique('w')}@example.test`
    await subscribe({ kelurahan: '33.71.02.1003', channel: 'email', email: address, language: 'id' })
    const ownerToken = await unsubscribeTokenMailed(address)
    const again = await subscribe({ kelurahan: '33.71.02.1003', channel: 'email', email: address, language: 'en' }, undefined, false)
    expect(again.statusCode).toBe(201)
    expect(json(again)).not.toHaveProperty('unsubscribeToken')
    const [row] = await server.kendali.ctx.db.query<{ unsubscribe_token: string; unsubscribe_hash: string; language: string }>(
      `SELECT unsubscribe_token, unsubscribe_hash, language FROM alert_subscriptions WHERE tenant = '33.71' AND address = $1`,
      [address],
    )
    expect(row.language).toBe('id')
    // Stored sealed (it goes into every e-mail's link) and found by its hash: a database dump unsubscribes nobody.
    expect(row.unsubscribe_token).not.toContain(ownerToken)
    expect(row.unsubscribe_token.startsWith(server.kendali.ctx.secrets.currentPrefix)).toBe(true)
    expect(server.kendali.ctx.secrets.open(row.unsubscribe_token)).toBe(ownerToken)
    expect(row.unsubscribe_hash).toBe(createHash('sha256').update(ownerToken).digest('hex'))
  })

  it('refuses gateway webhooks from anyone but an admin of the tenant, and unknown kelurahan', async () => {
    const hook = { kelurahan: '33.71.02.1003', channel: 'webhook', url: `${receiverUrl}/nope` }
    expect((await subscribe(hook)).statusCode).toBe(403)
    expect((await subscribe(hook, 'operator')).statusCode).toBe(403)
    expect((await subscribe(hook, 'malang_admin')).statusCode).toBe(403)
    const bad = await subscribe({ kelurahan: '35.73.01.1001', channel: 'email', email: 'a@example.test' })
    expect(bad.statusCode).toBe(400)
    expect((await subscribe({ kelurahan: '33.71.02', channel: 'email', email: 'a@example.test' })).statusCode).toBe(400)
    expect((await subscribe({ kelurahan: '33.71.02.1003', channel: 'email', email: 'not-an-address' })).statusCode).toBe(400)
    // Anyone may subscribe to push: the server must not be made to POST into the city's own network.
    for (const endpoint of ['http://push.example.test/x', 'https://10.0.0.7/x', 'https://localhost/x', 'https://intranet/x']) {
      const push = { endpoint, keys: pushSubscription('/x').keys }
      const res = await subscribe({ kelurahan: '33.71.02.1003', channel: 'push', push })
      expect(res.statusCode, endpoint).toBe(400)
    }
  })

  it('shows subscriptions to admins of the tenant only', async () => {
    expect((await as('admin', { method: 'GET', url: '/api/t/33.71/subscriptions' })).statusCode).toBe(200)
    expect((await as('executive', { method: 'GET', url: '/api/t/33.71/subscriptions' })).statusCode).toBe(403)
    expect((await as('malang_admin', { method: 'GET', url: '/api/t/33.71/subscriptions' })).statusCode).toBe(403)
    expect((await inject({ method: 'GET', url: '/api/t/33.71/subscriptions' })).statusCode).toBe(401)
  })
})
