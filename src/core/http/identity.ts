import type { FastifyRequest } from 'fastify'
import { Unauthorized } from '../errors.ts'
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
/** A screen's token kept in a cookie (a browser sends no header on a WebSocket); set by the kpi module's wall. */
export const WALL_COOKIE = 'kendali_wall'

/** Whether the request carries any credential: a bearer token, a session or a wall cookie. */
export function hasCredentials(request: FastifyRequest): boolean {
  return Boolean(request.headers.authorization || request.cookies[SESSION_COOKIE] || request.cookies[WALL_COOKIE])
}

/**
 * Reads the caller from the bearer token, the session cookie or the wall cookie; null when anonymous. A wall's
 * token counts only in the wall cookie and the wall cookie holds only a wall's token: a copied screen token is
 * no bearer token for scripts, and an API token is no screen.
 */
export async function principalFromRequest(request: FastifyRequest, identity: Identity): Promise<Principal | null> {
  const header = request.headers.authorization
  if (header?.startsWith('Bearer ')) {
    const principal = await identity.principalFromApiToken(header.slice(7).trim())
    if (principal?.wall) throw new Unauthorized('A wall token is accepted only by the wall screen, not as a bearer token')
    return principal
  }
  const session = request.cookies[SESSION_COOKIE]
  if (session) return identity.principalFromSession(session)
  const wall = request.cookies[WALL_COOKIE]
  const screen = wall ? await identity.principalFromApiToken(wall) : null
  return screen?.wall ? screen : null
}

/** Cookies carry `Secure` whenever the browser reached us over TLS (directly or through a trusted proxy), and always when PUBLIC_URL is https. */
export function isSecureRequest(request: FastifyRequest, publicUrl: string | null): boolean {
  return request.protocol === 'https' || (publicUrl?.startsWith('https://') ?? false)
}

/** Whether the caller is identified by a cookie (session or wall) rather than a bearer token: only cookies ride along on cross-site requests. */
export function usesCookie(request: FastifyRequest): boolean {
  return !request.headers.authorization?.startsWith('Bearer ') && Boolean(request.cookies[SESSION_COOKIE] || request.cookies[WALL_COOKIE])
}
