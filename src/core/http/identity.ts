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
