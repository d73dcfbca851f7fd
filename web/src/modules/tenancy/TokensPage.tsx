import { type FormEvent, useCallback, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { Role, Tenant } from '../../app/api.ts'
import { problemText } from '../../app/problem.ts'
import { formatTime } from '../../app/time.ts'
import { adminPage, Choices, FormActions, Problem } from './AdminFrame.tsx'
import { type Agency, type ApiToken, createToken, fetchAgencies, fetchTokens, ROLES, revokeToken } from './api.ts'

/** Admin page: bearer tokens for other systems; a new token is shown once, with a copy button. */
export const TokensPage = adminPage('tenancy.tokens.title', Tokens)

function Tokens({ tenant }: { tenant: Tenant }) {
  const { t, i18n } = useTranslation()
  const [items, setItems] = useState<ApiToken[]>([])
  const [roles, setRoles] = useState<Role[]>([])
  const [agencies, setAgencies] = useState<Agency[]>([])
  const [actsFor, setActsFor] = useState<string[]>([])
  const [created, setCreated] = useState<string | null>(null)
  const [copied, setCopied] = useState(false)
  const [problem, setProblem] = useState<string | null>(null)
  const fail = useCallback((err: unknown) => setProblem(problemText(err)), [])
  const load = useCallback(() => {
    fetchTokens(tenant.code).then((r) => setItems(r.items), fail)
  }, [tenant.code, fail])
  useEffect(load, [load])
  useEffect(() => {
    fetchAgencies(tenant.code).then((r) => setAgencies(r.items), fail)
  }, [tenant.code, fail])
  const agencyName = (id: string) => agencies.find((a) => a.id === id)?.shortName ?? agencies.find((a) => a.id === id)?.name ?? id
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const form = event.currentTarget
    try {
      const data = new FormData(form)
      const expiresOn = String(data.get('expiresOn') ?? '')
      const token = await createToken(tenant.code, {
        name: String(data.get('name') ?? '').trim(),
        roles,
        // An OPD system's token acts for the OPDs chosen; none chosen: for every OPD.
        ...(roles.includes('agency_officer') && actsFor.length > 0 ? { agencies: actsFor } : {}),
        // The end of the chosen day, in the browser's time.
        ...(expiresOn ? { expiresAt: new Date(`${expiresOn}T23:59:59`).toISOString() } : {}),
      })
      setCreated(token.token)
      setCopied(false)
      setProblem(null)
      form.reset()
      setRoles([])
      setActsFor([])
      load()
    } catch (err) {
      fail(err)
    }
  }
  const revoke = (token: ApiToken) => {
    if (window.confirm(t('tenancy.tokens.confirmRevoke', { name: token.name }))) revokeToken(tenant.code, token.id).then(load, fail)
  }
  return (
    <section className="tenancy-section">
      <form className="tenancy-form" onSubmit={submit} data-testid="token-form">
        <h2>{t('tenancy.tokens.add')}</h2>
        <label>
          {t('tenancy.tokens.name')} <input name="name" required placeholder={t('tenancy.tokens.namePlaceholder')} />
        </label>
        <label>
          {t('tenancy.tokens.expiresOn')} <input name="expiresOn" type="date" />
        </label>
        <fieldset>
          <legend>{t('tenancy.users.roles')}</legend>
          <Choices name="token-roles" options={ROLES} selected={roles} onChange={setRoles} label={(r) => t(`tenancy.roles.${r}`)} />
        </fieldset>
        {roles.includes('agency_officer') && agencies.length > 0 && (
          <fieldset>
            <legend>{t('tenancy.tokens.agencies')}</legend>
            <Choices
              name="token-agencies"
              options={agencies.map((a) => a.id)}
              selected={actsFor}
              onChange={setActsFor}
              label={(id) => agencies.find((a) => a.id === id)?.name ?? id}
            />
          </fieldset>
        )}
        <FormActions submit={t('tenancy.tokens.create')} />
      </form>
      {created && (
        <div className="tenancy-secret" data-testid="token-created">
          <p>{t('tenancy.tokens.once')}</p>
          <code data-testid="token-value">{created}</code>{' '}
          <button type="button" className="button" onClick={() => navigator.clipboard.writeText(created).then(() => setCopied(true), fail)}>
            {copied ? t('tenancy.tokens.copied') : t('tenancy.tokens.copy')}
          </button>
        </div>
      )}
      <Problem text={problem} />
      <table className="tenancy-table" data-testid="token-table">
        <thead>
          <tr>
            <th>{t('tenancy.tokens.name')}</th>
            <th>{t('tenancy.tokens.prefix')}</th>
            <th>{t('tenancy.users.roles')}</th>
            <th>{t('tenancy.users.agencies')}</th>
            <th>{t('tenancy.tokens.createdBy')}</th>
            <th>{t('tenancy.tokens.expires')}</th>
            <th>{t('tenancy.tokens.lastUsed')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {items.map((tk) => (
            <tr key={tk.id} data-testid="token-row" className={tk.revoked ? 'disabled' : undefined}>
              <td>{tk.name}</td>
              <td>
                <code>{tk.prefix}…</code>
              </td>
              <td>{tk.roles.map((r) => t(`tenancy.roles.${r}`)).join(', ')}</td>
              <td data-testid="token-agencies">
                {tk.agencies ? tk.agencies.map(agencyName).join(', ') : tk.roles.includes('agency_officer') ? t('tenancy.tokens.everyAgency') : '—'}
              </td>
              <td>
                {tk.createdBy ?? '—'} · {formatTime(tk.createdAt, tenant.timezone, i18n.language)}
              </td>
              <td>{tk.expiresAt ? formatTime(tk.expiresAt, tenant.timezone, i18n.language) : t('tenancy.tokens.noExpiry')}</td>
              <td>{tk.lastUsedAt ? formatTime(tk.lastUsedAt, tenant.timezone, i18n.language) : t('tenancy.tokens.never')}</td>
              <td className="tenancy-actions">
                {tk.revoked ? (
                  <em>{t('tenancy.tokens.revoked')}</em>
                ) : (
                  <button type="button" className="button small" onClick={() => revoke(tk)}>
                    {t('tenancy.tokens.revoke')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  )
}
