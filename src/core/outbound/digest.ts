import { createHash, randomBytes } from 'node:crypto'

// HTTP Digest access authentication (RFC 7616, client side), as IP cameras (Hikvision, Dahua) ask for it: the
// password never crosses the network, only a hash bound to the server's nonce, the method and the URI.

export interface DigestChallenge {
  realm: string
  nonce: string
  opaque?: string
  algorithm: DigestAlgorithm
  /** `auth` when the server offers it; absent for RFC 2069 servers, which some old cameras still are. */
  qop?: 'auth'
}

type DigestAlgorithm = 'MD5' | 'MD5-sess' | 'SHA-256' | 'SHA-256-sess'
const ALGORITHMS: Record<string, DigestAlgorithm> = { md5: 'MD5', 'md5-sess': 'MD5-sess', 'sha-256': 'SHA-256', 'sha-256-sess': 'SHA-256-sess' }

interface Challenge {
  scheme: string
  params: Record<string, string>
}

/** The challenges of WWW-Authenticate values (several may share one header, several headers may come). */
export function parseChallenges(values: readonly string[]): Challenge[] {
  const challenges: Challenge[] = []
  for (const value of values) {
    let i = 0
    const skip = (chars: RegExp) => {
      while (i < value.length && chars.test(value[i])) i++
    }
    const token = () => {
      const start = i
      while (i < value.length && /[!#$%&'*+.^_`|~0-9A-Za-z-]/.test(value[i])) i++
      return value.slice(start, i)
    }
    while (i < value.length) {
      skip(/[\s,]/)
      const name = token()
      if (!name) {
        i++
        continue
      }
      skip(/\s/)
      if (value[i] !== '=' || challenges.length === 0) {
        challenges.push({ scheme: name.toLowerCase(), params: {} })
        continue
      }
      // `name=` could also start a token68 (Basic's form); a parameter is what Digest sends.
      i++
      skip(/\s/)
      let param = ''
      if (value[i] === '"') {
        i++
        while (i < value.length && value[i] !== '"') {
          if (value[i] === '\\') i++
          param += value[i] ?? ''
          i++
        }
        i++
      } else param = token()
      challenges[challenges.length - 1].params[name.toLowerCase()] = param
    }
  }
  return challenges
}

/** The first Digest challenge this client can answer (servers list their preferred one first), or null. */
export function digestChallenge(values: readonly string[]): DigestChallenge | null {
  for (const { scheme, params } of parseChallenges(values)) {
    if (scheme !== 'digest' || !params.nonce) continue
    const algorithm = ALGORITHMS[(params.algorithm ?? 'MD5').toLowerCase()]
    if (!algorithm) continue
    const qops = params.qop?.split(',').map((q) => q.trim().toLowerCase())
    // Only auth-int offered: it would hash the body, which a GET of a picture does not need; skip such a challenge.
    if (qops && !qops.includes('auth')) continue
    return { realm: params.realm ?? '', nonce: params.nonce, opaque: params.opaque, algorithm, qop: qops ? 'auth' : undefined }
  }
  return null
}

const quoted = (value: string) => `"${value.replace(/(["\\])/g, '\\$1')}"`

/** The Authorization header answering `challenge` for one request; `nc` counts the requests made with its nonce. */
export function digestAuthorization(
  challenge: DigestChallenge,
  login: { username: string; password: string },
  request: { method: string; uri: string },
  nc: number,
  cnonce = randomBytes(16).toString('hex'),
): string {
  const hash = (s: string) =>
    createHash(challenge.algorithm.startsWith('SHA-256') ? 'sha256' : 'md5')
      .update(s, 'utf8')
      .digest('hex')
  const count = nc.toString(16).padStart(8, '0')
  let ha1 = hash(`${login.username}:${challenge.realm}:${login.password}`)
  if (challenge.algorithm.endsWith('-sess')) ha1 = hash(`${ha1}:${challenge.nonce}:${cnonce}`)
  const ha2 = hash(`${request.method}:${request.uri}`)
  const response = challenge.qop ? hash(`${ha1}:${challenge.nonce}:${count}:${cnonce}:auth:${ha2}`) : hash(`${ha1}:${challenge.nonce}:${ha2}`)
  const parts = [
    `username=${quoted(login.username)}`,
    `realm=${quoted(challenge.realm)}`,
    `uri=${quoted(request.uri)}`,
    `algorithm=${challenge.algorithm}`,
    `nonce=${quoted(challenge.nonce)}`,
  ]
  if (challenge.qop) parts.push(`nc=${count}`, `cnonce=${quoted(cnonce)}`, 'qop=auth')
  parts.push(`response=${quoted(response)}`)
  if (challenge.opaque !== undefined) parts.push(`opaque=${quoted(challenge.opaque)}`)
  return `Digest ${parts.join(', ')}`
}
