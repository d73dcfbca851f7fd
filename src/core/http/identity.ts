import type { FastifyRequest } from 'fastify'
import type { Principal, TenantRef } from './access.ts'

export interface TenantInfo extends TenantRef {
  name: string
  kind: 'provinsi' | 'kota' | 'kabupaten'
  parent: string | null
  /** IANA zone (Asia/Jakarta = WIB, Asia/Makassar = WITA, Asia/Jayapura = WIT). */
  timezone: string
}

/** Resolves credentials and tenants for the HTTP layer; provided by the tenancy module. */
export interface Identity {
  principalFromSession(sessionToken: string): Promise<Principal | null>
  principalFromApiToken(token: string): Promise<Principal | null>
  tenant(code: string): Promise<TenantInfo | null>
}

export const SESSION_COOKIE = 'kendali_session'

/** Reads the caller from the session cookie or the bearer token; null when anonymous. */
export async function principalFromRequest(request: FastifyRequest, identity: Identity): Promise<Principal | null> {
  const header = request.headers.authorization
  if (header?.startsWith('Bearer ')) return identity.principalFromApiToken(header.slice(7).trim())
  const session = request.cookies[SESSION_COOKIE]
  return session ? identity.principalFromSession(session) : null
}
