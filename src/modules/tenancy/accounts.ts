import { createHash, randomBytes } from 'node:crypto'
import argon2 from 'argon2'
import type { Database, Queryable } from '../../core/db/database.ts'
import { Conflict, DomainError, Forbidden, Invalid, NotFound, RateLimited } from '../../core/errors.ts'
import type { EventLog } from '../../core/events/log.ts'
import type { Principal } from '../../core/http/access.ts'
import { cursorKey, keysetPage } from '../../core/http/paging.ts'
import { recordTenancyEvent } from './events.ts'
import { TENANCY_ACTIONS } from './permissions.ts'
import type { ApiToken, CreateToken, CreateUser, FailedLogins, Me, UpdateUser, User } from './schema.ts'
import * as store from './store.ts'

/**
 * Login throttling with growing delays instead of a lock-out anyone could trigger. Failures count over the window,
 * and past a free allowance each further attempt waits 2^k seconds after the last failure (k = failures beyond it),
 * up to a cap:
 * - per account and address: guessing one account from one place slows to one try per 15 minutes;
 * - per address, any account: spraying many accounts from one place slows the same way;
 * - per account, any address: a spread-out attack slows too, but only for addresses that themselves failed on the
 *   account, and never beyond 5 minutes: the owner logging in from their own place is not held by others' failures.
 */
export const LOGIN_WINDOW_SECONDS = 60 * 60
const THROTTLES = {
  pair: { free: 5, capSeconds: 15 * 60 },
  address: { free: 20, capSeconds: 15 * 60 },
  account: { free: 10, capSeconds: 5 * 60 },
} as const
/** The failure that starts slowing an account down also tells its administrators. */
const NOTIFY_AT_ACCOUNT_FAILURES = THROTTLES.pair.free

/** Seconds still to wait after `count` failures, the last at `last`; 0 when free to try. */
function waitSeconds(failures: store.FailureCount, throttle: { free: number; capSeconds: number }, now: number): number {
  if (failures.n < throttle.free || !failures.last) return 0
  const delay = Math.min(2 ** (failures.n - throttle.free), throttle.capSeconds)
  return Math.max(0, failures.last.getTime() / 1000 + delay - now / 1000)
}

/** Who keeps people's accounts: the roles the matrix gives `tenancy.user.write`. */
const USER_KEEPERS = TENANCY_ACTIONS['tenancy.user.write'].roles

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
  /** Failed logins on the account since its owner's last login, to tell them; null when none. */
  failedLogins: FailedLogins | null
}

/** People, their roles per tenant, sessions and API tokens. */
export class AccountService {
  constructor(
    private readonly events: EventLog,
    private readonly sessions: { days: number; idleMinutes: number },
  ) {}

  async login(db: Database, username: string, password: string, ip: string, userAgent: string | null): Promise<LoginResult> {
    const name = username.trim().toLowerCase()
    const failures = await store.recentLoginFailures(db, name, ip, LOGIN_WINDOW_SECONDS)
    const now = Date.now()
    const wait = Math.max(
      waitSeconds(failures.pair, THROTTLES.pair, now),
      waitSeconds(failures.address, THROTTLES.address, now),
      failures.pair.n > 0 ? waitSeconds(failures.account, THROTTLES.account, now) : 0,
    )
    if (wait > 0) throw new RateLimited('Too many failed logins; wait before trying again', Math.ceil(wait))
    const user = await store.findUserByUsername(db, name)
    const ok = user ? await argon2.verify(user.password_hash, password) : await argon2.verify(await decoy(), password)
    if (!user || !ok || user.disabled_at) {
      await db.transaction(async (tx) => {
        await store.insertLoginFailure(tx, name, ip)
        if (!user) return
        await store.countFailedLogin(tx, user.id, ip)
        if (failures.account.n + 1 === NOTIFY_AT_ACCOUNT_FAILURES) {
          await recordTenancyEvent(this.events, tx, user.tenant, null, {
            topic: 'access',
            type: 'user.login_throttled',
            entity: user.id,
            data: { username: user.username, failures: NOTIFY_AT_ACCOUNT_FAILURES, lastAddress: ip },
          })
        }
      })
      throw new DomainError('invalid_credentials', 'Wrong username or password')
    }
    await store.clearLoginFailures(db, name, ip)
    const sessionToken = newSecret('')
    const expiresAt = new Date(Date.now() + this.sessions.days * 86_400_000)
    await store.insertSession(db, { tokenHash: sha256(sessionToken), userId: user.id, expiresAt, ip, userAgent })
    const failedLogins = await store.takeFailedLogins(db, user.id)
    return { sessionToken, expiresAt, me: await this.me(db, user.id), failedLogins }
  }

  /**
   * A person changes their own password with the current one. A wrong current password counts as a failed login
   * (a stolen session must not become a way to guess it), and every other session of theirs ends.
   */
  async changeOwnPassword(db: Database, userId: string, sessionToken: string, currentPassword: string, newPassword: string, ip: string): Promise<void> {
    const user = await store.findUserById(db, userId)
    if (!user || user.disabled_at) throw new NotFound('This account no longer exists')
    const failures = await store.recentLoginFailures(db, user.username, ip, LOGIN_WINDOW_SECONDS)
    const wait = Math.max(waitSeconds(failures.pair, THROTTLES.pair, Date.now()), waitSeconds(failures.address, THROTTLES.address, Date.now()))
    if (wait > 0) throw new RateLimited('Too many wrong passwords; wait before trying again', Math.ceil(wait))
    if (!(await argon2.verify(user.password_hash, currentPassword))) {
      await store.insertLoginFailure(db, user.username, ip)
      throw new Invalid('The current password is wrong', { field: 'currentPassword' })
    }
    if (newPassword === currentPassword) throw new Invalid('The new password must differ from the current one', { field: 'newPassword' })
    const passwordHash = await hashPassword(newPassword)
    await db.transaction(async (tx) => {
      await store.updateUserFields(tx, userId, { passwordHash })
      await store.deleteSessionsOf(tx, userId, sha256(sessionToken))
      await recordTenancyEvent(this.events, tx, user.tenant, user.username, {
        topic: 'access',
        type: 'user.password_changed',
        entity: userId,
        data: { username: user.username },
      })
    })
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
    const user = await store.sessionUser(db, sha256(sessionToken), this.sessions.idleMinutes)
    if (!user) return null
    return { kind: 'user', id: user.id, actor: user.username, isPlatformAdmin: user.is_platform_admin, grants: user.grants }
  }

  /**
   * A token carries no more than the person who issued it, as that person is now: nothing once their account is
   * disabled; its own roles and OPDs while they still administer the tenant (or the platform); else only the roles
   * and OPDs they still hold there.
   */
  async principalFromApiToken(db: Queryable, token: string): Promise<Principal | null> {
    const row = await store.tokenByHash(db, sha256(token))
    if (!row) return null
    const issuer = row.issuerIsPlatformAdmin ? null : (await store.grantsOf(db, row.issuerId)).find((g) => g.tenant === row.tenant)
    const administers = row.issuerIsPlatformAdmin || Boolean(issuer?.roles.includes('admin'))
    const roles = administers ? row.roles : row.roles.filter((r) => issuer?.roles.includes(r))
    if (roles.length === 0) return null
    let agencies = row.agencies
    if (!administers && !issuer?.roles.includes('operator')) {
      const own = issuer?.agencies ?? []
      agencies = agencies === null ? own : agencies.filter((a) => own.includes(a))
    }
    return {
      kind: 'token',
      id: row.id,
      actor: `token:${row.name}`,
      isPlatformAdmin: false,
      everyOpd: agencies === null,
      grants: [{ tenant: row.tenant, roles, agencies: agencies ?? [] }],
    }
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
      if (await store.findUserByUsername(tx, input.username)) throw new Conflict(`Username ${input.username} is taken`, { field: 'username', reason: 'taken' })
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
      // Resetting a password or disabling takes the whole account: only someone who administers every tenant the
      // person holds a role in (there or in a parent region) may do it.
      const beyond = editsAccount && !caller.isPlatformAdmin ? await this.grantBeyondReach(tx, caller, id) : null
      if (beyond) throw new Forbidden(`${user.username} also holds roles in ${beyond}, beyond your reach; ask an administrator there`, { tenant: beyond })
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

  /** The first tenant where the person holds a role that the caller does not administer (there or above), or null. */
  private async grantBeyondReach(db: Queryable, caller: Principal, userId: string): Promise<string | null> {
    const administers = new Set(caller.grants.filter((g) => USER_KEEPERS.some((r) => g.roles.includes(r))).map((g) => g.tenant))
    for (const grant of await store.grantsOf(db, userId)) {
      let code: string | null = grant.tenant
      while (code && !administers.has(code)) code = (await store.findTenant(db, code))?.parent ?? null
      if (!code) return grant.tenant
    }
    return null
  }

  async createToken(db: Database, tenant: string, caller: Principal, input: CreateToken): Promise<ApiToken & { token: string }> {
    if (input.expiresAt !== undefined && Date.parse(input.expiresAt) <= Date.now()) {
      throw new Invalid('A token must expire in the future', { field: 'expiresAt' })
    }
    // A token is issued by a person, whose account it stays tied to: a token minting tokens would outlive its revocation.
    if (caller.kind !== 'user') throw new Forbidden('Only a person signed in may issue API tokens, not another token')
    const actor = caller.actor
    const token = newSecret('kdl_')
    return db.transaction(async (tx) => {
      if (input.agencies) {
        const live = new Set(await store.liveAgencyIds(tx, tenant, input.agencies))
        const unknown = input.agencies.find((id) => !live.has(id))
        if (unknown) throw new Invalid(`There is no agency ${unknown} in ${tenant}`, { field: 'agencies' })
      }
      const created = await store.insertToken(tx, tenant, {
        name: input.name,
        roles: input.roles,
        agencies: input.agencies ?? null,
        tokenHash: sha256(token),
        prefix: token.slice(0, 10),
        createdBy: actor,
        createdByUser: caller.id,
        expiresAt: input.expiresAt ?? null,
      })
      await recordTenancyEvent(this.events, tx, tenant, actor, {
        topic: 'access',
        type: 'token.created',
        entity: created.id,
        data: { name: created.name, roles: created.roles, agencies: created.agencies ?? undefined },
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
    await store.pruneAccessRecords(db, LOGIN_WINDOW_SECONDS, this.sessions.idleMinutes)
  }
}

/** Links a person to OPDs of the tenant; an unknown or archived agency is refused by name. */
async function setAgencies(db: Queryable, tenant: string, userId: string, agencyIds: readonly string[]): Promise<void> {
  const live = new Set(await store.liveAgencyIds(db, tenant, agencyIds))
  const unknown = agencyIds.find((id) => !live.has(id))
  if (unknown) throw new Invalid(`There is no agency ${unknown} in ${tenant}`, { field: 'agencies' })
  await store.setAgencyMemberships(db, tenant, userId, agencyIds)
}
