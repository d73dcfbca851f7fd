import { lookup as dnsLookup, promises as dnsPromises, type LookupAddress } from 'node:dns'
import http, { type IncomingMessage } from 'node:http'
import https from 'node:https'
import { BlockList, isIP } from 'node:net'
import { type Readable, Transform } from 'node:stream'
import { Invalid } from '../errors.ts'
import { type DigestChallenge, digestAuthorization, digestChallenge } from './digest.ts'

// Kendali fetches URLs that people type in (cameras, connectors, webhooks, push endpoints): without a guard they
// would let anyone read the server's own network (cloud metadata at 169.254.169.254, databases on 10.x).
// Private, loopback and link-local addresses, and the IPv6 forms that embed an IPv4 address, are refused unless
// OUTBOUND_ALLOW lists the host or its range; the check runs on the address actually connected to, at every
// call and every redirect.

const FORBIDDEN_V4 = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const
const FORBIDDEN_V6 = [
  // IPv4-compatible (and so :: and ::1): the IPv4 address inside would be reached by a translating host.
  ['::', 96],
  // NAT64, well-known and local-use prefixes: a NAT64 gateway turns 64:ff9b::a9fe:a9fe into 169.254.169.254.
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  // Teredo and 6to4 carry an IPv4 address too.
  ['2001::', 32],
  ['2002::', 16],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const
// IPv4-mapped addresses (::ffff:a.b.c.d) are checked by BlockList against the IPv4 ranges above.

export type OutboundReason = 'forbidden_address' | 'forbidden_redirect' | 'timeout' | 'too_large' | 'http_status' | 'network'

export class OutboundError extends Error {
  constructor(
    readonly reason: OutboundReason,
    message: string,
    /** The HTTP status, when the server answered with one outside 2xx. */
    readonly status?: number,
    /** What it answered with that status (a provider's error body, within the size limit). */
    readonly answer?: { body: Buffer; headers: IncomingMessage['headers'] },
  ) {
    super(message)
  }
}

export interface OutboundResponse {
  status: number
  contentType: string
  body: Buffer
}

export interface OutboundRequest {
  method?: 'GET' | 'POST'
  headers?: Record<string, string>
  body?: string | Buffer
}

export interface FetchOptions extends OutboundRequest {
  /** For the whole exchange: connecting, redirects and the body. */
  timeoutMs: number
  maxBytes: number
  onProgress?: (bytes: number) => void
}

export interface StreamOptions extends OutboundRequest {
  /** Until the answer's headers arrive, redirects included. */
  firstByteMs: number
  /** The longest silence once it flows. */
  idleMs: number
  /** The body is cut (with an error) past this many bytes. */
  maxBytes: number
  /** Ends the request, e.g. when the viewer leaves. */
  signal?: AbortSignal
}

export interface OutboundStream {
  status: number
  contentType: string
  body: Readable
}

/** An answer whose body is still to be read; `abort` ends it with a reason `failure` then reports. */
interface Answer {
  res: IncomingMessage
  abort: (err: OutboundError) => void
  failure: () => OutboundError | null
}

const MAX_REDIRECTS = 5
const MAX_DIGESTS = 5000
const USER_AGENT = 'Kendali'
// Headers a redirect to another origin keeps; everything else (Authorization, cookies, signatures, a connector's
// API key) was meant for the first origin only.
const PORTABLE_HEADERS = new Set(['user-agent', 'accept', 'accept-language', 'content-type'])

/** Where outbound calls may go: public addresses, plus the hosts and ranges of OUTBOUND_ALLOW. */
export class OutboundPolicy {
  private readonly forbidden = new BlockList()
  private readonly allowed = new BlockList()
  private readonly allowedHosts = new Set<string>()
  /** The last Digest challenge of each origin and login, answered until the server sends a new nonce. */
  private readonly digests = new Map<string, { challenge: DigestChallenge; count: number }>()

  constructor(
    allow: readonly string[],
    /** Certificate authorities to trust instead of Node's (the system's are added with NODE_EXTRA_CA_CERTS). */
    private readonly tls: { ca?: string } = {},
  ) {
    for (const [net, prefix] of FORBIDDEN_V4) this.forbidden.addSubnet(net, prefix, 'ipv4')
    for (const [net, prefix] of FORBIDDEN_V6) this.forbidden.addSubnet(net, prefix, 'ipv6')
    for (const entry of allow) {
      const [address, prefix] = entry.split('/')
      const kind = isIP(address)
      if (kind === 0) this.allowedHosts.add(entry.toLowerCase().replace(/\.$/, ''))
      else if (prefix !== undefined) this.allowed.addSubnet(address, Number(prefix), kind === 4 ? 'ipv4' : 'ipv6')
      else this.allowed.addAddress(address, kind === 4 ? 'ipv4' : 'ipv6')
    }
  }

  /** Whether connecting to this address is allowed. */
  addressAllowed(address: string): boolean {
    const ip = address.replace(/^\[|\]$/g, '')
    const kind = isIP(ip)
    if (kind === 0) return false
    const family = kind === 4 ? 'ipv4' : 'ipv6'
    return this.allowed.check(ip, family) || !this.forbidden.check(ip, family)
  }

  /** Whether OUTBOUND_ALLOW names this host or address (or a range holding it). */
  isListed(host: string): boolean {
    const bare = host.replace(/^\[|\]$/g, '')
    const kind = isIP(bare)
    return kind === 0 ? this.hostAllowed(bare) : this.allowed.check(bare, kind === 4 ? 'ipv4' : 'ipv6')
  }

  hostAllowed(host: string): boolean {
    return this.allowedHosts.has(
      host
        .toLowerCase()
        .replace(/^\[|\]$/g, '')
        .replace(/\.$/, ''),
    )
  }

  /** Refuses, when saved, a URL whose host is a literal forbidden address (names are checked at every call). */
  checkUrl(raw: string, field: string, protocols: readonly string[] = ['http:', 'https:']): void {
    let url: URL
    try {
      url = new URL(raw)
    } catch {
      throw new Invalid(`${field} is not a URL`, { field })
    }
    if (!protocols.includes(url.protocol)) throw new Invalid(`${field} must be ${protocols.map((p) => p.slice(0, -1)).join(' or ')}`, { field })
    const host = url.hostname.replace(/^\[|\]$/g, '')
    if (this.hostAllowed(host)) return
    if ((isIP(host) !== 0 && !this.addressAllowed(host)) || host === 'localhost' || host.endsWith('.localhost')) {
      throw new Invalid(`${field} points at a private, loopback or link-local address; list it in OUTBOUND_ALLOW to allow it`, {
        field,
        reason: 'private_address',
      })
    }
  }

  /**
   * The address a client that connects by itself (ffmpeg reading a camera's RTSP) is to connect to: the host
   * resolved once and checked as every call is, so the name cannot resolve elsewhere between check and connect.
   */
  async resolve(host: string): Promise<string> {
    const bare = host.replace(/^\[|\]$/g, '')
    const listed = this.hostAllowed(bare)
    const addresses = isIP(bare) !== 0 ? [bare] : (await dnsPromises.lookup(bare, { all: true })).map((a) => a.address)
    const bad = addresses.find((address) => !listed && !this.addressAllowed(address))
    if (bad !== undefined) throw new OutboundError('forbidden_address', `${host} resolves to ${bad}, a private, loopback or link-local address`)
    if (addresses.length === 0) throw new OutboundError('network', `${host} has no address`)
    return addresses[0]
  }

  /** Fetches a URL under the policy, following redirects (each checked), within a time and size limit. */
  async fetch(raw: string, opts: FetchOptions): Promise<OutboundResponse> {
    const deadline = Date.now() + opts.timeoutMs
    const timeout = () => new OutboundError('timeout', `No answer within ${opts.timeoutMs} ms`)
    const { res, abort, failure } = await this.open(raw, opts, deadline, timeout)
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => abort(timeout()), Math.max(0, deadline - Date.now()))
      const chunks: Buffer[] = []
      let size = 0
      res.on('data', (chunk: Buffer) => {
        if (failure()) return
        size += chunk.length
        if (size > opts.maxBytes) return abort(new OutboundError('too_large', `The answer is larger than ${opts.maxBytes} bytes`))
        chunks.push(chunk)
        opts.onProgress?.(size)
      })
      res.on('end', () => {
        clearTimeout(timer)
        const failed = failure()
        if (failed) return reject(failed)
        const status = res.statusCode ?? 0
        if (status < 200 || status >= 300) {
          return reject(new OutboundError('http_status', `The server answered ${status}`, status, { body: Buffer.concat(chunks), headers: res.headers }))
        }
        resolve({ status, contentType: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks) })
      })
      res.on('close', () => {
        clearTimeout(timer)
        if (!res.complete) reject(failure() ?? new OutboundError('network', 'The connection closed early'))
      })
    })
  }

  /**
   * Opens a URL whose answer flows on (a camera's MJPEG or HLS), under the same checks as `fetch`; the body
   * ends with an error after `idleMs` of silence or past `maxBytes`. A non-2xx answer is an `http_status` error.
   */
  async stream(raw: string, opts: StreamOptions): Promise<OutboundStream> {
    if (opts.signal?.aborted) throw new OutboundError('network', 'The request was cancelled')
    const deadline = Date.now() + opts.firstByteMs
    const { res, abort, failure } = await this.open(
      raw,
      opts,
      deadline,
      () => new OutboundError('timeout', `No answer within ${opts.firstByteMs} ms`),
      opts.signal,
    )
    const status = res.statusCode ?? 0
    if (status < 200 || status >= 300) {
      abort(new OutboundError('http_status', `The server answered ${status}`, status))
      throw new OutboundError('http_status', `The server answered ${status}`, status)
    }
    res.setTimeout(opts.idleMs, () => abort(new OutboundError('timeout', `Nothing for ${opts.idleMs} ms`)))
    let size = 0
    const body = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        size += chunk.length
        if (size > opts.maxBytes) return done(new OutboundError('too_large', `The answer is larger than ${opts.maxBytes} bytes`))
        done(null, chunk)
      },
    })
    res.on('close', () => {
      if (!res.complete) body.destroy(failure() ?? new OutboundError('network', 'The connection closed early'))
    })
    // The reader leaving (or failing) ends the request to the source.
    body.on('close', () => abort(new OutboundError('network', 'The reader left')))
    res.pipe(body)
    return { status, contentType: String(res.headers['content-type'] ?? ''), body }
  }

  /**
   * Sends the request and follows redirects until an answer that is not one; redirects to another origin lose
   * credentials and custom headers, and a redirect from https to http is refused.
   */
  private async open(raw: string, request: OutboundRequest, deadline: number, timeout: () => OutboundError, signal?: AbortSignal): Promise<Answer> {
    let url = parseHttpUrl(raw)
    let method = request.method ?? 'GET'
    let body = request.body
    let headers = lowerCase(request.headers ?? {})
    // fetch() refuses URLs with a login; Kendali logs in with it to that origin only: Basic, or Digest once the
    // server asked for it (cameras do).
    let login: Login | null =
      url.username && !headers.authorization
        ? { origin: url.origin, username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) }
        : null
    let answered: string | null = null
    let retries = 0
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      url.username = ''
      url.password = ''
      const host = url.hostname.replace(/^\[|\]$/g, '')
      if (!this.hostAllowed(host) && isIP(host) !== 0 && !this.addressAllowed(host)) {
        throw new OutboundError('forbidden_address', `${host} is a private, loopback or link-local address`)
      }
      const digest = login ? this.digests.get(digestKey(login)) : undefined
      if (login) headers.authorization = digest ? this.answerDigest(login, digest, method, url) : basic(login)
      const answer = await this.once(url, { method, headers, body }, deadline, timeout, signal)
      const status = answer.res.statusCode ?? 0
      if (status === 401 && login) {
        const challenge = digestChallenge(answer.res.headersDistinct['www-authenticate'] ?? [])
        // A new nonce (the first, or a fresh one for a stale one) is worth one more try; the same one again means
        // the password is wrong.
        if (challenge && challenge.nonce !== answered && retries < 2) {
          answer.res.resume()
          answered = challenge.nonce
          retries++
          this.rememberDigest(login, challenge)
          hop--
          continue
        }
        if (!challenge) this.digests.delete(digestKey(login))
      }
      const location = answer.res.headers.location
      if (status < 300 || status >= 400 || !location) return answer
      answer.res.resume()
      const next = parseHttpUrl(location, url)
      if (url.protocol === 'https:' && next.protocol === 'http:') {
        throw new OutboundError('forbidden_redirect', `${url.origin} redirects to plain http (${next.origin}), which is refused`)
      }
      if (status === 303 || ((status === 301 || status === 302) && method === 'POST')) {
        method = 'GET'
        body = undefined
      }
      if (next.origin !== url.origin) {
        headers = Object.fromEntries(Object.entries(headers).filter(([name]) => PORTABLE_HEADERS.has(name)))
        login = null
      }
      if (body === undefined) delete headers['content-type']
      url = next
    }
    throw new OutboundError('network', `More than ${MAX_REDIRECTS} redirects`)
  }

  private rememberDigest(login: Login, challenge: DigestChallenge): void {
    const key = digestKey(login)
    this.digests.delete(key)
    // Oldest first: a city's few hundred cameras fit; a flood of origins only forgets the oldest.
    if (this.digests.size >= MAX_DIGESTS) this.digests.delete(this.digests.keys().next().value as string)
    this.digests.set(key, { challenge, count: 0 })
  }

  /** The next request under a remembered nonce: saves the camera a 401 round trip per picture. */
  private answerDigest(login: Login, digest: { challenge: DigestChallenge; count: number }, method: string, url: URL): string {
    digest.count++
    return digestAuthorization(digest.challenge, login, { method, uri: url.pathname + url.search }, digest.count)
  }

  private once(url: URL, request: OutboundRequest, deadline: number, timeout: () => OutboundError, signal?: AbortSignal): Promise<Answer> {
    const client = url.protocol === 'https:' ? https : http
    return new Promise((resolve, reject) => {
      const remaining = deadline - Date.now()
      if (remaining <= 0) return reject(timeout())
      const headers: Record<string, string> = { 'user-agent': USER_AGENT, ...request.headers }
      if (request.body !== undefined) headers['content-length'] = String(Buffer.byteLength(request.body))
      // No pooled sockets: each connection goes through this policy's address check.
      const req = client.request(url, { method: request.method ?? 'GET', headers, agent: false, lookup: this.lookup(url.hostname), ...this.tls })
      let reason: OutboundError | null = null
      const abort = (err: OutboundError) => {
        reason ??= err
        req.destroy(err)
      }
      const onAbort = () => abort(new OutboundError('network', 'The request was cancelled'))
      signal?.addEventListener('abort', onAbort, { once: true })
      req.on('close', () => signal?.removeEventListener('abort', onAbort))
      const timer = setTimeout(() => abort(timeout()), remaining)
      req.on('error', (err) => {
        clearTimeout(timer)
        reject(asOutboundError(err))
      })
      req.on('response', (res) => {
        clearTimeout(timer)
        resolve({ res, abort, failure: () => reason })
      })
      if (request.body !== undefined) req.write(request.body)
      req.end()
    })
  }

  private lookup(host: string): typeof dnsLookup {
    const hostOk = this.hostAllowed(host)
    return ((hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
      dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
        if (err) return callback(err)
        const bad = addresses.find((a) => !hostOk && !this.addressAllowed(a.address))
        if (bad) return callback(new OutboundError('forbidden_address', `${hostname} resolves to ${bad.address}, a private, loopback or link-local address`))
        if (options.all) return callback(null, addresses)
        return callback(null, addresses[0].address, addresses[0].family)
      })
    }) as unknown as typeof dnsLookup
  }
}

/** A login taken from a URL: meant for that origin only. */
interface Login {
  origin: string
  username: string
  password: string
}

const digestKey = (login: Login) => `${login.origin} ${login.username}`
const basic = (login: Login) => `Basic ${Buffer.from(`${login.username}:${login.password}`).toString('base64')}`

function parseHttpUrl(raw: string, base?: URL): URL {
  let url: URL
  try {
    url = new URL(raw, base)
  } catch {
    throw new OutboundError('network', `${raw} is not a URL`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new OutboundError('network', `${url.protocol} is not http or https`)
  return url
}

function lowerCase(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]))
}

function asOutboundError(err: Error): OutboundError {
  return err instanceof OutboundError ? err : new OutboundError('network', err.message)
}
