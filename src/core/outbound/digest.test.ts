import { createServer, type IncomingHttpHeaders, type RequestListener, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, describe, expect, it } from 'vitest'
import { digestAuthorization, digestChallenge, parseChallenges } from './digest.ts'
import { OutboundPolicy } from './policy.ts'

// RFC 7616 section 3.9.1: the same request answered with SHA-256 and with MD5.
const RFC_CHALLENGE = (algorithm: string) =>
  `Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=${algorithm}, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"`
const RFC_LOGIN = { username: 'Mufasa', password: 'Circle of Life' }
const RFC_CNONCE = 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ'

function answerable<T>(challenge: T | null): T {
  if (!challenge) throw new Error('no Digest challenge this client answers')
  return challenge
}

describe('Digest authentication (RFC 7616)', () => {
  it('answers the RFC 7616 examples with their responses, SHA-256 and MD5', () => {
    for (const [algorithm, response] of [
      ['SHA-256', '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1'],
      ['MD5', '8ca523f5e9506fed4657c9700eebdbec'],
    ]) {
      const challenge = digestChallenge([RFC_CHALLENGE(algorithm)])
      expect(challenge).toMatchObject({ realm: 'http-auth@example.org', algorithm, qop: 'auth' })
      const header = digestAuthorization(answerable(challenge), RFC_LOGIN, { method: 'GET', uri: '/dir/index.html' }, 1, RFC_CNONCE)
      expect(header).toBe(
        `Digest username="Mufasa", realm="http-auth@example.org", uri="/dir/index.html", algorithm=${algorithm}, ` +
          `nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", nc=00000001, cnonce="${RFC_CNONCE}", qop=auth, ` +
          `response="${response}", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"`,
      )
    }
  })

  it('answers the RFC 2617 example (MD5 with qop, the form most cameras send)', () => {
    const challenge = digestChallenge([
      'Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"',
    ])
    const header = digestAuthorization(
      answerable(challenge),
      { username: 'Mufasa', password: 'Circle Of Life' },
      { method: 'GET', uri: '/dir/index.html' },
      1,
      '0a4f113b',
    )
    expect(header).toContain('response="6629fae49393a05397450978507c4ef1"')
  })

  it('takes the first challenge it can answer among several, in one header or several', () => {
    const offered = [
      'Basic realm="kamera", Digest realm="kamera", qop="auth", algorithm=SHA-512-256, nonce="a"',
      'Digest realm="kamera", qop="auth-int", nonce="b", Digest realm="kamera", qop="auth", algorithm=SHA-256, nonce="c"',
    ]
    expect(parseChallenges(offered).map((c) => c.scheme)).toEqual(['basic', 'digest', 'digest', 'digest'])
    expect(digestChallenge(offered)).toMatchObject({ nonce: 'c', algorithm: 'SHA-256' })
    expect(digestChallenge(['Basic realm="kamera"'])).toBeNull()
    expect(digestChallenge(['Digest realm="a \\"quoted\\" realm", nonce=n1'])).toMatchObject({ realm: 'a "quoted" realm', nonce: 'n1', algorithm: 'MD5' })
  })
})

const servers: Server[] = []
afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }
})

async function serve(host: string, handler: RequestListener): Promise<string> {
  const server = createServer(handler)
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, host, resolve))
  return `http://${host}:${(server.address() as AddressInfo).port}`
}

describe('Digest through the outbound guard', () => {
  const limits = { timeoutMs: 2000, maxBytes: 10_000 }

  it('sends no login to another origin, even when it asks for Digest after a redirect', async () => {
    const seen: IncomingHttpHeaders[] = []
    const elsewhere = await serve('127.0.0.2', (req, res) => {
      seen.push(req.headers)
      res.writeHead(401, { 'www-authenticate': 'Digest realm="lain", qop="auth", nonce="x"' }).end()
    })
    const camera = await serve('127.0.0.1', (_req, res) => res.writeHead(302, { location: `${elsewhere}/snapshot.jpg` }).end())
    const policy = new OutboundPolicy(['127.0.0.1', '127.0.0.2'])
    await expect(policy.fetch(camera.replace('http://', 'http://admin:rahasia@'), limits)).rejects.toMatchObject({ status: 401 })
    expect(seen).toHaveLength(1)
    expect(seen[0].authorization).toBeUndefined()
  })

  it('gives up on a wrong password after one answer, instead of asking again and again', async () => {
    let requests = 0
    const camera = await serve('127.0.0.1', (_req, res) => {
      requests++
      res.writeHead(401, { 'www-authenticate': 'Digest realm="kamera", qop="auth", nonce="tetap"' }).end()
    })
    const policy = new OutboundPolicy(['127.0.0.1'])
    await expect(policy.fetch(camera.replace('http://', 'http://admin:salah@'), limits)).rejects.toMatchObject({ status: 401 })
    expect(requests).toBe(2)
  })
})
