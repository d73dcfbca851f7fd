import { createHash, randomBytes } from 'node:crypto'
import argon2 from 'argon2'
import type { Database, Queryable } from '../../core/db/database.ts'
import { Conflict, DomainError, Forbidden, Invalid, NotFound, RateLimited } from '../../core/errors.ts'
import type { EventLog } from '../../core/events/log.ts'
import type { Principal } from '../../core/http/access.ts'
import { cursorKey, keysetPage } from '../../core/http/paging.ts'
import { recordTenancyEvent } from './events.ts'
import type { ApiToken, CreateToken, CreateUser, Me, UpdateUser, User } from './schema.ts'
import * as store from './store.ts'

// Login throttling: failures counted over a sliding window, per account and per address.
export const LOGIN_WINDOW_SECONDS = 15 * 60
export const MAX_FAILURES_PER_ACCOUNT = 5
export const MAX_FAILURES_PER_ADDRESS = 30

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex')
// Tokens are 256 random bits, so a fast hash is enough to store them; passwords get argon2id.
const newSecret = (prefix: string) => `${prefix}${randomBytes(32).toString('base64url')}`

// Verified against when the username is unknown, so a wrong name costs as long as a wrong password.
let decoyHash: Promise<string> | null = null
const decoy = () => {
  decoyHash ??= argon2.hash(randomBytes(16).toString('hex'), { type: argon2.argon2id })
  return decoyHash
}

export const hashPassword = (password: string) => argon2.hash(password, { type: argon2.argon2id })

export interface LoginResult {
  sessionToken: string
  expiresAt: Date
  me: Me
}

/** People, their roles per tenant, sessions and API tokens. */
export class AccountService {
  constructor(
    private readonly events: EventLog,
    private readonly sessionDays: number,
  ) {}

  async login(db: Database, username: string, password: string, ip: string, userAgent: string | null): Promise<LoginResult> {
    const name = username.trim().toLowerCase()
    const failures = await store.recentLoginFailures(db, name, ip, LOGIN_WINDOW_SECONDS)
    const blockedSince =
      failures.by_user >= MAX_FAILURES_PER_ACCOUNT ? failures.oldest_user : failures.by_ip >= MAX_FAILURES_PER_ADDRESS ? failures.oldest_ip : null
    if (blockedSince) {
      const retryAfter = Math.max(1, Math.ceil(LOGIN_WINDOW_SECONDS - (Date.now() - blockedSince.getTime()) / 1000))
      throw new RateLimited('Too many failed logins; wait before trying again', retryAfter)
    }
    const user = await store.findUserByUsername(db, name)
    const ok = user ? await argon2.verify(user.password_hash, password) : await argon2.verify(await decoy(), password)
    if (!user || !ok || user.disabled_at) {
      await store.insertLoginFailure(db, name, ip)
      throw new DomainError('invalid_credentials', 'Wrong username or password')
    }
    await store.clearLoginFailures(db, name, LOGIN_WINDOW_SECONDS)
    const sessionToken = newSecret('')
    const expiresAt = new Date(Date.now() + this.sessionDays * 86_400_000)
    await store.insertSession(db, { tokenHash: sha256(sessionToken), userId: user.id, expiresAt, ip, userAgent })
    return { sessionToken, expiresAt, me: await this.me(db, user.id) }
  }

  async logout(db: Queryable, sessionToken: string): Promise<void> {
    await store.deleteSession(db, sha256(sessionToken))
  }

  async me(db: Queryable, userId: string): Promise<Me> {
    const user = await store.findUserById(db, userId)
    if (!user) throw new NotFound('This account no longer exists')
    return {
      id: user.id,
      username: user.username,
      name: user.name,
      tenant: user.tenant,
      isPlatformAdmin: user.is_platform_admin,
      grants: await store.grantsOf(db, user.id),
    }
  }

  async principalFromSession(db: Queryable, sessionToken: string): Promise<Principal | null> {
    const user = await store.sessionUser(db, sha256(sessionToken))
    if (!user) return null
    return { kind: 'user', id: user.id, actor: user.username, isPlatformAdmin: user.is_platform_admin, grants: await store.grantsOf(db, user.id) }
  }

  async principalFromApiToken(db: Queryable, token: string): Promise<Principal | null> {
    const row = await store.tokenByHash(db, sha256(token))
    if (!row) return null
    return { kind: 'token', id: row.id, actor: `token:${row.name}`, isPlatformAdmin: false, grants: [{ tenant: row.tenant, roles: row.roles, agencies: [] }] }
  }

  /** People of the tenant by username; `search` keeps those whose username or name contains it. */
  async listUsers(db: Queryable, tenant: string, limit: number, cursor?: string, search: string | null = null) {
    const items = await store.listUsers(db, tenant, search, limit, cursorKey(cursor))
    return keysetPage(items, await store.countUsers(db, tenant, search), limit, (u) => u.username)
  }

  async getUser(db: Queryable, tenant: string, id: string): Promise<User> {
    const user = await store.findUserInTenant(db, tenant, id)
    if (!user) throw new NotFound(`There is no user ${id} in ${tenant}`)
    return user
  }

  async createUser(db: Database, tenant: string, actor: string | null, input: CreateUser, opts: { isPlatformAdmin?: boolean } = {}): Promise<User> {
    const passwordHash = await hashPassword(input.password)
    return db.transaction(async (tx) => {
      if (await store.findUserByUsername(tx, input.username)) throw new Conflict(`Username ${input.username} is taken`, { field: 'username' })
      const id = await store.insertUser(tx, tenant, {
        username: input.username,
        name: input.name,
        passwordHash,
        isPlatformAdmin: opts.isPlatformAdmin ?? false,
      })
      await store.setRoles(tx, tenant, id, input.roles)
      if (input.agencies) await setAgencies(tx, tenant, id, input.agencies)
      await recordTenancyEvent(this.events, tx, tenant, actor, {
        topic: 'access',
        type: 'user.created',
        entity: id,
        data: { username: input.username, roles: input.roles, agencies: input.agencies ?? [] },
      })
      return this.getUser(tx, tenant, id)
    })
  }

  /** Changes a person's name, password, roles in this tenant, or disables them; their sessions end on password change or disable. */
  async updateUser(db: Database, tenant: string, caller: Principal, id: string, input: UpdateUser): Promise<User> {
    const passwordHash = input.password ? await hashPassword(input.password) : undefined
    return db.transaction(async (tx) => {
      const user = await this.getUser(tx, tenant, id)
      if ((await store.findUserById(tx, id))?.is_platform_admin && !caller.isPlatformAdmin) {
        throw new Forbidden('Only platform administrators may change a platform administrator')
      }
      const editsAccount = input.name !== undefined || input.password !== undefined || input.disabled !== undefined
      // The account itself (name, password, disabling) belongs to its home tenant; others may only grant roles.
      if (editsAccount && user.tenant !== tenant && !caller.isPlatformAdmin) {
        throw new Forbidden(`${user.username} belongs to ${user.tenant}; only roles in ${tenant} can be changed here`)
      }
      if (id === caller.id && (input.disabled === true || (input.roles && !input.roles.includes('admin')))) {
        throw new Conflict('You cannot disable yourself or drop your own admin role', { field: input.disabled ? 'disabled' : 'roles' })
      }
      await store.updateUserFields(tx, id, { name: input.name, passwordHash, disabled: input.disabled })
      if (input.roles) await store.setRoles(tx, tenant, id, input.roles)
      if (input.agencies) await setAgencies(tx, tenant, id, input.agencies)
      if (passwordHash || input.disabled) await store.deleteSessionsOf(tx, id)
      const updated = await this.getUser(tx, tenant, id)
      await recordTenancyEvent(this.events, tx, tenant, caller.actor, {
        topic: 'access',
        type: 'user.updated',
        entity: id,
        data: { username: updated.username, roles: updated.roles, agencies: updated.agencies, disabled: updated.disabled },
      })
      return updated
    })
  }

  async createToken(db: Database, tenant: string, actor: string, input: CreateToken): Promise<ApiToken & { token: string }> {
    const token = newSecret('kdl_')
    return db.transaction(async (tx) => {
      const created = await store.insertToken(tx, tenant, {
        name: input.name,
        roles: input.roles,
        tokenHash: sha256(token),
        prefix: token.slice(0, 10),
        createdBy: actor,
      })
      await recordTenancyEvent(this.events, tx, tenant, actor, {
        topic: 'access',
        type: 'token.created',
        entity: created.id,
        data: { name: created.name, roles: created.roles },
      })
      return { ...created, token }
    })
  }

  listTokens(db: Queryable, tenant: string): Promise<ApiToken[]> {
    return store.listTokens(db, tenant)
  }

  async revokeToken(db: Database, tenant: string, actor: string, id: string): Promise<void> {
    await db.transaction(async (tx) => {
      const token = await store.revokeToken(tx, tenant, id)
      if (!token) throw new NotFound(`There is no token ${id} in ${tenant}`)
      await recordTenancyEvent(this.events, tx, tenant, actor, {
        topic: 'access',
        type: 'token.revoked',
        entity: id,
        data: { name: token.name, roles: token.roles },
      })
    })
  }

  async prune(db: Queryable): Promise<void> {
    await store.pruneAccessRecords(db, LOGIN_WINDOW_SECONDS)
  }
}

/** Links a person to OPDs of the tenant; an unknown or archived agency is refused by name. */
async function setAgencies(db: Queryable, tenant: string, userId: string, agencyIds: readonly string[]): Promise<void> {
  const live = new Set(await store.liveAgencyIds(db, tenant, agencyIds))
  const unknown = agencyIds.find((id) => !live.has(id))
  if (unknown) throw new Invalid(`There is no agency ${unknown} in ${tenant}`, { field: 'agencies' })
  await store.setAgencyMemberships(db, tenant, userId, agencyIds)
}
