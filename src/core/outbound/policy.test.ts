import { readFileSync } from 'node:fs'
import { createServer, type IncomingHttpHeaders, type RequestListener, type Server } from 'node:http'
import { createServer as createTlsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { afterAll, describe, expect, it } from 'vitest'
import { OutboundError, OutboundPolicy } from './policy.ts'

const CERT = readFileSync(new URL('../../../test/fixtures/tls/localhost.crt', import.meta.url), 'utf8')
const KEY = readFileSync(new URL('../../../test/fixtures/tls/localhost.key', import.meta.url), 'utf8')

const servers: Server[] = []
afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }
})

/** A server on a loopback address; its URL's origin is `scheme://host:port`. */
async function serve(host: string, handler: RequestListener, tls = false): Promise<string> {
  const server = tls ? createTlsServer({ cert: CERT, key: KEY }, handler) : createServer(handler)
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, host, resolve))
  return `${tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${(server.address() as AddressInfo).port}`
}

/** A server that records the headers of every request it gets and answers `ok`. */
async function recorder(host: string): Promise<{ url: string; seen: IncomingHttpHeaders[] }> {
  const seen: IncomingHttpHeaders[] = []
  const url = await serve(host, (req, res) => {
    seen.push(req.headers)
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok')
  })
  return { url, seen }
}

const redirectTo =
  (location: string, status = 302): RequestListener =>
  (_req, res) =>
    res.writeHead(status, { location }).end()
const limits = { timeoutMs: 2000, maxBytes: 10_000 }

describe('outbound guard: addresses', () => {
  const strict = new OutboundPolicy([])

  it('refuses loopback, private, link-local and the IPv6 forms that carry an IPv4 address, and allows public ones', () => {
    for (const ip of [
      '127.0.0.1',
      '10.1.2.3',
      '172.20.0.5',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::',
      '::1',
      'fe80::1',
      'fd00::1',
      // IPv4-mapped, in both spellings
      '::ffff:127.0.0.1',
      '::ffff:a9fe:a9fe',
      // IPv4-compatible
      '::7f00:1',
      '::a9fe:a9fe',
      // NAT64 (well-known and local-use): a NAT64 gateway reaches 169.254.169.254 and 8.8.8.8 alike
      '64:ff9b::a9fe:a9fe',
      '64:ff9b::808:808',
      '64:ff9b:1::a9fe:a9fe',
      // 6to4 and Teredo
      '2002:a9fe:a9fe::1',
      '2001:0:4136:e378:8000:63bf:3fff:fdd2',
    ])
      expect(strict.addressAllowed(ip), ip).toBe(false)
    for (const ip of ['8.8.8.8', '103.20.1.1', '2001:4860:4860::8888', '2606:4700:4700::1111', '::ffff:8.8.8.8'])
      expect(strict.addressAllowed(ip), ip).toBe(true)
  })

  it('allows exactly the hosts and ranges of OUTBOUND_ALLOW', () => {
    const policy = new OutboundPolicy(['10.0.0.0/8', '192.168.1.7', 'sim.internal'])
    expect(policy.addressAllowed('10.20.30.40')).toBe(true)
    expect(policy.addressAllowed('::ffff:10.20.30.40')).toBe(true)
    expect(policy.addressAllowed('192.168.1.7')).toBe(true)
    expect(policy.addressAllowed('192.168.1.8')).toBe(false)
    expect(() => policy.checkUrl('http://sim.internal/x', 'url')).not.toThrow()
    expect(() => policy.checkUrl('http://127.0.0.1/x', 'url')).toThrow()
  })

  it('refuses a literal forbidden address or localhost when saved, naming the field', () => {
    for (const url of [
      'http://127.0.0.1:8080/',
      'http://[::1]/',
      'http://169.254.169.254/latest',
      'http://[64:ff9b::a9fe:a9fe]/latest',
      'http://[::ffff:169.254.169.254]/latest',
      'http://2130706433/',
      'http://localhost/x',
      'file:///etc/passwd',
    ]) {
      expect(() => strict.checkUrl(url, 'url'), url).toThrow(expect.objectContaining({ code: 'invalid', details: expect.objectContaining({ field: 'url' }) }))
    }
    expect(() => strict.checkUrl('https://data.magelangkota.go.id/api', 'url')).not.toThrow()
  })
})

describe('outbound guard: calls', () => {
  it('refuses a NAT64 literal before connecting, and a name that resolves to loopback at the call', async () => {
    const target = await recorder('127.0.0.1')
    const port = new URL(target.url).port
    const strict = new OutboundPolicy([])
    await expect(strict.fetch(`http://[64:ff9b::7f00:1]:${port}/`, limits)).rejects.toMatchObject({ reason: 'forbidden_address' })
    await expect(strict.fetch(`http://localhost:${port}/`, limits)).rejects.toMatchObject({ reason: 'forbidden_address' })
    await expect(strict.stream(`http://localhost:${port}/`, { firstByteMs: 2000, idleMs: 2000, maxBytes: 1000 })).rejects.toMatchObject({
      reason: 'forbidden_address',
    })
    expect(target.seen).toHaveLength(0)
  })

  it('follows no redirect from an allowed server to a loopback address it does not allow', async () => {
    const inside = await recorder('127.0.0.1')
    const allowed = await serve('127.0.0.2', redirectTo(`${inside.url}/secret`))
    const metadata = await serve('127.0.0.2', redirectTo('http://169.254.169.254/latest/meta-data/'))
    const policy = new OutboundPolicy(['127.0.0.2'])
    await expect(policy.fetch(allowed, limits)).rejects.toMatchObject({ reason: 'forbidden_address', message: expect.stringContaining('127.0.0.1') })
    await expect(policy.stream(allowed, { firstByteMs: 2000, idleMs: 2000, maxBytes: 1000 })).rejects.toMatchObject({ reason: 'forbidden_address' })
    await expect(policy.fetch(metadata, limits)).rejects.toMatchObject({ reason: 'forbidden_address', message: expect.stringContaining('169.254.169.254') })
    expect(inside.seen).toHaveLength(0)
  })

  it('keeps credentials on a redirect within the origin and drops them and custom headers on one to another origin', async () => {
    const other = await recorder('127.0.0.1')
    const seenHere: IncomingHttpHeaders[] = []
    const start = await serve('127.0.0.2', (req, res) => {
      if (req.url === '/here') return redirectTo('/there')(req, res)
      if (req.url === '/there') {
        seenHere.push(req.headers)
        return res.writeHead(200).end('ok')
      }
      return redirectTo(`${other.url}/there`, 307)(req, res)
    })
    const policy = new OutboundPolicy(['127.0.0.1', '127.0.0.2'])
    const headers = { authorization: 'Bearer opd-secret', 'x-api-key': 'kunci', cookie: 'sid=1', accept: 'application/json' }
    const withLogin = start.replace('http://', 'http://petugas:rahasia@')
    await policy.fetch(`${start}/here`, { ...limits, headers })
    await policy.fetch(`${withLogin}/here`, limits)
    expect(seenHere[0]).toMatchObject({ authorization: headers.authorization, 'x-api-key': 'kunci', cookie: 'sid=1' })
    expect(seenHere[1].authorization).toBe(`Basic ${Buffer.from('petugas:rahasia').toString('base64')}`)

    await policy.fetch(`${start}/away`, { ...limits, headers })
    await policy.fetch(`${withLogin}/away`, {
      ...limits,
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'application/json', 'x-kendali-signature': 'sha256=00' },
    })
    expect(other.seen).toHaveLength(2)
    for (const seen of other.seen) {
      expect(seen.authorization).toBeUndefined()
      expect(seen['x-api-key']).toBeUndefined()
      expect(seen['x-kendali-signature']).toBeUndefined()
      expect(seen.cookie).toBeUndefined()
    }
    expect(other.seen[0].accept).toBe('application/json')
    expect(other.seen[1]['content-type']).toBe('application/json')
  })

  it('refuses a redirect from https to plain http', async () => {
    const plain = await recorder('127.0.0.1')
    const secure = await serve('127.0.0.1', redirectTo(`${plain.url}/down`), true)
    const policy = new OutboundPolicy(['127.0.0.1'], { ca: CERT })
    await expect(policy.fetch(secure, limits)).rejects.toMatchObject({ reason: 'forbidden_redirect' })
    expect(plain.seen).toHaveLength(0)
    const fine = await serve('127.0.0.1', (_req, res) => res.writeHead(200).end('aman'), true)
    expect((await policy.fetch(fine, limits)).body.toString()).toBe('aman')
  })

  it('caps the size of an answer, buffered or streamed', async () => {
    const big = await serve('127.0.0.1', (_req, res) => res.writeHead(200, { 'content-type': 'image/jpeg' }).end(Buffer.alloc(50_000)))
    const policy = new OutboundPolicy(['127.0.0.1'])
    await expect(policy.fetch(big, { timeoutMs: 2000, maxBytes: 10_000 })).rejects.toMatchObject({ reason: 'too_large' })
    const streamed = await policy.stream(big, { firstByteMs: 2000, idleMs: 2000, maxBytes: 10_000 })
    await expect(streamed.body.toArray()).rejects.toMatchObject({ reason: 'too_large' })
    expect((await policy.fetch(big, { timeoutMs: 2000, maxBytes: 50_000 })).body).toHaveLength(50_000)
  })

  it('gives a stream a time to its first byte and an idle limit', async () => {
    const silent = await serve('127.0.0.1', () => undefined)
    const stalling = await serve('127.0.0.1', (_req, res) => {
      res.writeHead(200, { 'content-type': 'multipart/x-mixed-replace; boundary=f' })
      res.write('--f\r\n')
    })
    const policy = new OutboundPolicy(['127.0.0.1'])
    await expect(policy.stream(silent, { firstByteMs: 200, idleMs: 5000, maxBytes: 1000 })).rejects.toMatchObject({ reason: 'timeout' })
    await expect(policy.fetch(silent, { timeoutMs: 200, maxBytes: 1000 })).rejects.toMatchObject({ reason: 'timeout' })
    const open = await policy.stream(stalling, { firstByteMs: 2000, idleMs: 200, maxBytes: 1000 })
    expect(open.contentType).toContain('multipart/x-mixed-replace')
    await expect(open.body.toArray()).rejects.toMatchObject({ reason: 'timeout', message: expect.stringContaining('200 ms') })
  })

  it('answers a status outside 2xx as an error carrying it, and cancels a stream on its signal', async () => {
    const missing = await serve('127.0.0.1', (_req, res) => res.writeHead(404).end('no'))
    const policy = new OutboundPolicy(['127.0.0.1'])
    await expect(policy.fetch(missing, limits)).rejects.toMatchObject({ reason: 'http_status', status: 404 })
    await expect(policy.stream(missing, { firstByteMs: 2000, idleMs: 2000, maxBytes: 1000 })).rejects.toMatchObject({ status: 404 })
    const abort = new AbortController()
    abort.abort()
    await expect(policy.stream(missing, { firstByteMs: 2000, idleMs: 2000, maxBytes: 1000, signal: abort.signal })).rejects.toBeInstanceOf(OutboundError)
  })
})
