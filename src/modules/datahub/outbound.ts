import { lookup as dnsLookup, type LookupAddress } from 'node:dns'
import http from 'node:http'
import https from 'node:https'
import { BlockList, isIP } from 'node:net'
import { Invalid } from '../../core/errors.ts'

// Connectors fetch URLs that OPD staff type in: without a guard they would let anyone read the server's own
// network (cloud metadata at 169.254.169.254, databases on 10.x). Private, loopback and link-local addresses
// are refused unless OUTBOUND_ALLOW lists the host or its range; the check runs on the address actually
// connected to, at every call and every redirect.

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
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const

export class OutboundError extends Error {
  constructor(
    readonly reason: 'forbidden_address' | 'timeout' | 'too_large' | 'http_status' | 'network',
    message: string,
    /** The HTTP status, when the server answered with one outside 2xx. */
    readonly status?: number,
  ) {
    super(message)
  }
}

export interface OutboundResponse {
  status: number
  contentType: string
  body: Buffer
}

export interface FetchOptions {
  method?: 'GET' | 'POST'
  headers?: Record<string, string>
  body?: string
  timeoutMs: number
  maxBytes: number
  onProgress?: (bytes: number) => void
}

const MAX_REDIRECTS = 5

/** Where outbound calls may go: public addresses, plus the hosts and ranges of OUTBOUND_ALLOW. */
export class OutboundPolicy {
  private readonly forbidden = new BlockList()
  private readonly allowed = new BlockList()
  private readonly allowedHosts = new Set<string>()

  constructor(allow: readonly string[]) {
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
    let ip = address.replace(/^\[|\]$/g, '')
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)
    if (mapped) ip = mapped[1]
    const kind = isIP(ip)
    if (kind === 0) return false
    const family = kind === 4 ? 'ipv4' : 'ipv6'
    return this.allowed.check(ip, family) || !this.forbidden.check(ip, family)
  }

  hostAllowed(host: string): boolean {
    return this.allowedHosts.has(host.toLowerCase().replace(/\.$/, ''))
  }

  /** Refuses, when saved, a URL whose host is a literal forbidden address (names are checked at every call). */
  checkUrl(raw: string, field: string): void {
    let url: URL
    try {
      url = new URL(raw)
    } catch {
      throw new Invalid(`${field} is not a URL`, { field })
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Invalid(`${field} must be http or https`, { field })
    const host = url.hostname.replace(/^\[|\]$/g, '')
    if (this.hostAllowed(host)) return
    if ((isIP(host) !== 0 && !this.addressAllowed(host)) || host === 'localhost' || host.endsWith('.localhost')) {
      throw new Invalid(`${field} points at a private, loopback or link-local address; list it in OUTBOUND_ALLOW to allow it`, { field })
    }
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

  /** Fetches a URL under the policy, following redirects (each checked), within a time and size limit. */
  async fetch(raw: string, opts: FetchOptions): Promise<OutboundResponse> {
    const deadline = Date.now() + opts.timeoutMs
    let url = new URL(raw)
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const host = url.hostname.replace(/^\[|\]$/g, '')
      if (!this.hostAllowed(host) && isIP(host) !== 0 && !this.addressAllowed(host)) {
        throw new OutboundError('forbidden_address', `${host} is a private, loopback or link-local address`)
      }
      const res = await this.once(url, opts, deadline)
      if (res.status >= 300 && res.status < 400 && res.location) {
        url = new URL(res.location, url)
        continue
      }
      return res
    }
    throw new OutboundError('network', `More than ${MAX_REDIRECTS} redirects`)
  }

  private once(url: URL, opts: FetchOptions, deadline: number): Promise<OutboundResponse & { location?: string }> {
    const client = url.protocol === 'https:' ? https : url.protocol === 'http:' ? http : null
    if (!client) return Promise.reject(new OutboundError('network', `${url.protocol} is not http or https`))
    return new Promise((resolve, reject) => {
      const remaining = deadline - Date.now()
      if (remaining <= 0) return reject(new OutboundError('timeout', `No answer within ${opts.timeoutMs} ms`))
      const req = client.request(url, {
        method: opts.method ?? 'GET',
        headers: { 'user-agent': 'Kendali data hub', ...opts.headers },
        lookup: this.lookup(url.hostname),
      })
      const timer = setTimeout(() => req.destroy(new OutboundError('timeout', `No answer within ${opts.timeoutMs} ms`)), remaining)
      req.on('error', (err) => {
        clearTimeout(timer)
        reject(err instanceof OutboundError ? err : new OutboundError('network', err.message))
      })
      req.on('response', (res) => {
        const status = res.statusCode ?? 0
        const location = res.headers.location
        if (status >= 300 && status < 400 && location) {
          res.resume()
          clearTimeout(timer)
          return resolve({ status, contentType: '', body: Buffer.alloc(0), location })
        }
        const chunks: Buffer[] = []
        let size = 0
        res.on('data', (chunk: Buffer) => {
          size += chunk.length
          if (size > opts.maxBytes) {
            req.destroy(new OutboundError('too_large', `The answer is larger than ${opts.maxBytes} bytes`))
            return
          }
          chunks.push(chunk)
          opts.onProgress?.(size)
        })
        res.on('end', () => {
          clearTimeout(timer)
          const body = Buffer.concat(chunks)
          if (status < 200 || status >= 300) return reject(new OutboundError('http_status', `The server answered ${status}`, status))
          resolve({ status, contentType: String(res.headers['content-type'] ?? ''), body })
        })
        res.on('error', (err) => {
          clearTimeout(timer)
          reject(err instanceof OutboundError ? err : new OutboundError('network', err.message))
        })
      })
      if (opts.body) req.write(opts.body)
      req.end()
    })
  }
}
