import { type FormEvent, useCallback, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { Role, Tenant } from '../../app/api.ts'
import { problemText } from '../../app/problem.ts'
import { formatTime } from '../../app/time.ts'
import { adminPage, Choices, FormActions, Problem } from './AdminFrame.tsx'
import { type Agency, createUser, fetchAgencies, fetchUsers, ROLES, type User, type UserInput, updateUser } from './api.ts'

/** Admin page: the city's people, searchable and paged, with a form to add or change one. */
export const UsersPage = adminPage('tenancy.users.title', Users)

function Users({ tenant }: { tenant: Tenant }) {
  const { t, i18n } = useTranslation()
  const [search, setSearch] = useState('')
  const [pages, setPages] = useState<(string | undefined)[]>([undefined])
  const [page, setPage] = useState<{ items: User[]; total: number; next: string | null }>({ items: [], total: 0, next: null })
  const [agencies, setAgencies] = useState<Agency[]>([])
  const [editing, setEditing] = useState<User | 'new' | null>(null)
  const [problem, setProblem] = useState<string | null>(null)
  const cursor = pages[pages.length - 1]
  const load = useCallback(() => {
    fetchUsers(tenant.code, search, cursor).then(setPage, (err: unknown) => setProblem(problemText(err)))
  }, [tenant.code, search, cursor])
  useEffect(load, [load])
  useEffect(() => {
    fetchAgencies(tenant.code).then(
      (r) => setAgencies(r.items),
      (err: unknown) => setProblem(problemText(err)),
    )
  }, [tenant.code])
  const agencyName = (id: string) => agencies.find((a) => a.id === id)?.shortName ?? agencies.find((a) => a.id === id)?.name ?? id
  const toggle = (user: User) => updateUser(tenant.code, user.id, { disabled: !user.disabled }).then(load, (err: unknown) => setProblem(problemText(err)))

  return (
    <section className="tenancy-section">
      <div className="tenancy-tools">
        <input
          type="search"
          value={search}
          placeholder={t('tenancy.users.search')}
          aria-label={t('tenancy.users.search')}
          data-testid="user-search"
          onChange={(e) => {
            setSearch(e.target.value)
            setPages([undefined])
          }}
        />
        <button type="button" className="button primary" onClick={() => setEditing('new')} data-testid="user-new">
          {t('tenancy.users.add')}
        </button>
        <span className="muted">{t('tenancy.total', { count: page.total })}</span>
      </div>
      <Problem text={problem} />
      {editing && (
        <UserForm
          tenant={tenant}
          user={editing === 'new' ? null : editing}
          agencies={agencies}
          onSaved={() => {
            setEditing(null)
            load()
          }}
          onCancel={() => setEditing(null)}
        />
      )}
      <table className="tenancy-table" data-testid="user-table">
        <thead>
          <tr>
            <th>{t('tenancy.users.username')}</th>
            <th>{t('tenancy.users.name')}</th>
            <th>{t('tenancy.users.roles')}</th>
            <th>{t('tenancy.users.agencies')}</th>
            <th>{t('tenancy.users.since')}</th>
            <th>{t('tenancy.users.status')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {page.items.map((u) => (
            <tr key={u.id} data-testid="user-row" className={u.disabled ? 'disabled' : undefined}>
              <td>
                <code>{u.username}</code>
                {u.tenant !== tenant.code && <span className="muted"> · {u.tenant}</span>}
              </td>
              <td>{u.name}</td>
              <td>{u.roles.map((r) => t(`tenancy.roles.${r}`)).join(', ') || '—'}</td>
              <td>{u.agencies.map(agencyName).join(', ') || '—'}</td>
              <td>{formatTime(u.createdAt, tenant.timezone, i18n.language)}</td>
              <td>{u.disabled ? t('tenancy.users.disabled') : t('tenancy.users.active')}</td>
              <td className="tenancy-actions">
                <button type="button" className="button small" onClick={() => setEditing(u)}>
                  {t('tenancy.edit')}
                </button>
                <button type="button" className="button small" onClick={() => toggle(u)}>
                  {u.disabled ? t('tenancy.users.enable') : t('tenancy.users.disable')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="tenancy-tools">
        <button type="button" className="button small" disabled={pages.length === 1} onClick={() => setPages(pages.slice(0, -1))}>
          {t('tenancy.previous')}
        </button>
        <button
          type="button"
          className="button small"
          disabled={!page.next}
          onClick={() => setPages([...pages, page.next ?? undefined])}
          data-testid="user-next"
        >
          {t('tenancy.next')}
        </button>
      </div>
    </section>
  )
}

/** Adds a person, or changes one's name, roles, OPDs or password (a new password ends their sessions). */
export function UserForm({
  tenant,
  user,
  agencies,
  initialRoles = [],
  onSaved,
  onCancel,
}: {
  tenant: Tenant
  user: User | null
  agencies: Agency[]
  initialRoles?: Role[]
  onSaved: (user: User) => void
  onCancel?: () => void
}) {
  const { t } = useTranslation()
  const [roles, setRoles] = useState<Role[]>(user?.roles ?? initialRoles)
  const [memberOf, setMemberOf] = useState<string[]>(user?.agencies ?? [])
  const [problem, setProblem] = useState<string | null>(null)
  // Someone whose home is another tenant keeps their account there; here they only get roles and OPDs.
  const ownAccount = !user || user.tenant === tenant.code
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const form = new FormData(event.currentTarget)
    const text = (name: string) => String(form.get(name) ?? '').trim()
    // OPDs matter for agency officers only; others act for the whole city.
    const input: UserInput = { roles, agencies: roles.includes('agency_officer') ? memberOf : [] }
    if (ownAccount) input.name = text('name')
    if (ownAccount && text('password')) input.password = text('password')
    try {
      onSaved(await (user ? updateUser(tenant.code, user.id, input) : createUser(tenant.code, { ...input, username: text('username') })))
    } catch (err) {
      setProblem(problemText(err))
    }
  }
  return (
    <form className="tenancy-form" onSubmit={submit} data-testid="user-form">
      <h2>{user ? t('tenancy.users.editing', { name: user.username }) : t('tenancy.users.add')}</h2>
      {!user && (
        <label>
          {t('tenancy.users.username')} <input name="username" required autoComplete="off" />
        </label>
      )}
      {ownAccount ? (
        <>
          <label>
            {t('tenancy.users.name')} <input name="name" required defaultValue={user?.name ?? ''} />
          </label>
          <label>
            {user ? t('tenancy.users.newPassword') : t('tenancy.users.password')}{' '}
            <input name="password" type="password" required={!user} minLength={10} autoComplete="new-password" />
          </label>
        </>
      ) : (
        <p className="muted">{t('tenancy.users.elsewhere', { tenant: user?.tenant })}</p>
      )}
      <fieldset>
        <legend>{t('tenancy.users.roles')}</legend>
        <Choices name="roles" options={ROLES} selected={roles} onChange={setRoles} label={(r) => t(`tenancy.roles.${r}`)} />
      </fieldset>
      {roles.includes('agency_officer') && (
        <fieldset>
          <legend>{t('tenancy.users.agencies')}</legend>
          {agencies.length === 0 ? (
            <p className="muted">{t('tenancy.users.noAgencies')}</p>
          ) : (
            <Choices
              name="agencies"
              options={agencies.map((a) => a.id)}
              selected={memberOf}
              onChange={setMemberOf}
              label={(id) => agencies.find((a) => a.id === id)?.name ?? id}
            />
          )}
        </fieldset>
      )}
      <Problem text={problem} />
      <FormActions submit={t('tenancy.save')} onCancel={onCancel} />
    </form>
  )
}
