import { type FormEvent, useCallback, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router-dom'
import type { Tenant } from '../../app/api.ts'
import { useAuth } from '../../app/auth.tsx'
import { problemText } from '../../app/problem.ts'
import { AdminFrame, FormActions, Problem } from './AdminFrame.tsx'
import { copyConfig, createTenant, fetchTenants, type TenantInput, type User } from './api.ts'
import { BoundaryImport } from './RegionsPage.tsx'
import { UserForm } from './UsersPage.tsx'

const ZONES = ['Asia/Jakarta', 'Asia/Makassar', 'Asia/Jayapura']

/** Platform administrator: every tenant of the install, and onboarding a new kota or kabupaten in three steps. */
export function TenantsPage() {
  const { t } = useTranslation()
  const { me } = useAuth()
  return (
    <AdminFrame title={t('tenancy.tenants.title')}>
      {() => (me?.isPlatformAdmin ? <Tenants /> : <p className="error">{t('tenancy.tenants.platformOnly')}</p>)}
    </AdminFrame>
  )
}

function Tenants() {
  const { t } = useTranslation()
  const [tenants, setTenants] = useState<Tenant[]>([])
  const [problem, setProblem] = useState<string | null>(null)
  const load = useCallback(() => {
    fetchTenants().then(
      (r) => setTenants(r.items),
      (err: unknown) => setProblem(problemText(err)),
    )
  }, [])
  useEffect(load, [load])
  return (
    <section className="tenancy-section">
      <Problem text={problem} />
      <table className="tenancy-table" data-testid="tenant-table">
        <thead>
          <tr>
            <th>{t('tenancy.tenants.code')}</th>
            <th>{t('tenancy.tenants.name')}</th>
            <th>{t('tenancy.tenants.kind')}</th>
            <th>{t('tenancy.tenants.parent')}</th>
            <th>{t('tenancy.tenants.timezone')}</th>
            <th>{t('tenancy.tenants.boundaries')}</th>
          </tr>
        </thead>
        <tbody>
          {tenants.map((tn) => (
            <tr key={tn.code} data-testid="tenant-row">
              <td>
                <code>{tn.code}</code>
              </td>
              <td>
                <Link to={`/t/${tn.code}/admin/users`}>{tn.name}</Link>
              </td>
              <td>{t(`tenancy.kinds.${tn.kind}`)}</td>
              <td>{tn.parent ?? '—'}</td>
              <td>{tn.timezone}</td>
              <td>{tn.bbox ? t('tenancy.tenants.hasBoundaries') : t('tenancy.tenants.noBoundaries')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Onboarding tenants={tenants} onCreated={load} />
    </section>
  )
}

/** One page, three steps with their results: the tenant, its boundaries and configuration, its first administrator. */
function Onboarding({ tenants, onCreated }: { tenants: Tenant[]; onCreated: () => void }) {
  const { t } = useTranslation()
  const [created, setCreated] = useState<Tenant | null>(null)
  const [problem, setProblem] = useState<string | null>(null)
  const provinces = tenants.filter((tn) => tn.kind === 'provinsi')
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const form = new FormData(event.currentTarget)
    const text = (name: string) => String(form.get(name) ?? '').trim()
    const kind = text('kind') as Tenant['kind']
    const input: TenantInput = { code: text('code'), name: text('name'), kind, timeZone: text('timezone') }
    if (kind !== 'provinsi') input.parent = text('parent')
    try {
      setCreated(await createTenant(input))
      setProblem(null)
      onCreated()
    } catch (err) {
      setProblem(problemText(err))
    }
  }
  return (
    <div className="tenancy-onboarding" data-testid="onboarding">
      <h2>{t('tenancy.onboard.title')}</h2>
      <ol className="tenancy-steps">
        <li>
          <h3>{t('tenancy.onboard.step1')}</h3>
          {created ? (
            <p className="tenancy-ok" data-testid="onboard-created">
              {t('tenancy.onboard.created', { name: created.name, code: created.code })}
            </p>
          ) : (
            <form className="tenancy-form" onSubmit={submit} data-testid="tenant-form">
              <label>
                {t('tenancy.tenants.code')} <input name="code" required placeholder="33.24" />
              </label>
              <label>
                {t('tenancy.tenants.name')} <input name="name" required placeholder="Kabupaten Kendal" />
              </label>
              <label>
                {t('tenancy.tenants.kind')}{' '}
                <select name="kind" defaultValue="kabupaten">
                  {(['kabupaten', 'kota', 'provinsi'] as const).map((k) => (
                    <option key={k} value={k}>
                      {t(`tenancy.kinds.${k}`)}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                {t('tenancy.tenants.parent')}{' '}
                <select name="parent" defaultValue={provinces[0]?.code}>
                  {provinces.map((p) => (
                    <option key={p.code} value={p.code}>
                      {p.code} {p.name}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                {t('tenancy.tenants.timezone')}{' '}
                <select name="timezone" defaultValue="Asia/Jakarta">
                  {ZONES.map((z) => (
                    <option key={z}>{z}</option>
                  ))}
                </select>
              </label>
              <Problem text={problem} />
              <FormActions submit={t('tenancy.onboard.create')} />
            </form>
          )}
        </li>
        <li className={created ? undefined : 'pending'}>
          <h3>{t('tenancy.onboard.step2')}</h3>
          {created && (
            <>
              <BoundaryImport tenant={created.code} onImported={onCreated} />
              <CopyConfig tenant={created} templates={tenants.filter((tn) => tn.kind !== 'provinsi' && tn.code !== created.code)} />
            </>
          )}
        </li>
        <li className={created ? undefined : 'pending'}>
          <h3>{t('tenancy.onboard.step3')}</h3>
          {created && <FirstAdmin tenant={created} />}
        </li>
      </ol>
    </div>
  )
}

function CopyConfig({ tenant, templates }: { tenant: Tenant; templates: Tenant[] }) {
  const { t } = useTranslation()
  const [from, setFrom] = useState('')
  const [copied, setCopied] = useState<Record<string, number> | null>(null)
  const [problem, setProblem] = useState<string | null>(null)
  const template = from || templates[0]?.code || ''
  const copy = () =>
    copyConfig(tenant.code, template).then(
      (r) => {
        setCopied(r.copied)
        setProblem(null)
      },
      (err: unknown) => setProblem(problemText(err)),
    )
  return (
    <div className="tenancy-copy" data-testid="config-copy">
      <label>
        {t('tenancy.onboard.template')}{' '}
        <select value={template} onChange={(e) => setFrom(e.target.value)} data-testid="template">
          {templates.map((tn) => (
            <option key={tn.code} value={tn.code}>
              {tn.code} {tn.name}
            </option>
          ))}
        </select>
      </label>{' '}
      <button type="button" className="button" onClick={copy} disabled={!template}>
        {t('tenancy.onboard.copy')}
      </button>
      <p className="muted">{t('tenancy.onboard.copyHint')}</p>
      {copied && (
        <p className="tenancy-ok" data-testid="config-copied">
          {t('tenancy.onboard.copied')}{' '}
          {Object.entries(copied)
            .map(([module, n]) => `${module}: ${n}`)
            .join(' · ')}
        </p>
      )}
      <Problem text={problem} />
    </div>
  )
}

function FirstAdmin({ tenant }: { tenant: Tenant }) {
  const { t } = useTranslation()
  const [user, setUser] = useState<User | null>(null)
  if (!user) return <UserForm tenant={tenant} user={null} agencies={[]} initialRoles={['admin']} onSaved={setUser} />
  return (
    <p className="tenancy-ok" data-testid="onboard-admin">
      {t('tenancy.onboard.adminCreated', { username: user.username, name: tenant.name })}{' '}
      <Link to={`/t/${tenant.code}/admin/users`}>{t('tenancy.onboard.open', { name: tenant.name })}</Link>
    </p>
  )
}
