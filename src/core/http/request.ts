import type { FastifyRequest } from 'fastify'
import type { Principal } from './access.ts'
import type { TenantInfo } from './identity.ts'

/** The checked tenant of a /api/t/:tenant route. */
export function tenantOf(request: FastifyRequest): TenantInfo {
  if (!request.tenant) throw new Error(`${request.url} is not a tenant route`)
  return request.tenant
}

/** The caller of a route whose access is not public. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new Error(`${request.url} ran without a caller`)
  return request.principal
}
