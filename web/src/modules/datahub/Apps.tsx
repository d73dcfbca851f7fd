import { type FormEvent, useCallback, useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { api, type Tenant } from '../../app/api.ts'
import type { PanelProps } from '../../app/modules.ts'
import { StaffFrame } from '../../app/StaffFrame.tsx'
import { formatTime } from '../../app/time.ts'
import type { Agency } from './api.ts'
import { ProblemLine, useProblem } from './Problem.tsx'
import { SaveButtons } from './SaveButtons.tsx'

type Audience = 'citizen' | 'asn' | 'business'

export interface CityApp {
  id: string
  name: string
  organization: { id: string; code: string; name: string } | null
  description: string
  url: string
  audience: Audience[]
  category: string
  status: 'unknown' | 'up' | 'down'
  responseMs: number | null
  error: string | null
  checkedAt: string | null
  uptime30d: number | null
  archived: boolean
}

const AUDIENCES: Audience[] = ['citizen', 'asn', 'business']

function Health({ app }: { app: CityApp }) {
  const { t } = useTranslation()
  return (
    <span className={`badge app-${app.status}`} title={app.error ?? undefined}>
      {t(`datahub.apps.status.${app.status}`)}
      {app.responseMs !== null && ` · ${app.responseMs} ms`}
    </span>
  )
}

const uptime = (app: CityApp) => (app.uptime30d === null ? '—' : `${(app.uptime30d * 100).toFixed(1)}%`)

/** The portal's app store: the city's applications by category, with their health and uptime. */
export function AppStorePage({ tenant }: PanelProps) {
  const { t } = useTranslation()
  const [apps, setApps] = useState<CityApp[] | null>(null)
  const [audience, setAudience] = useState<Audience | ''>('')
  useEffect(() => {
    api<{ items: CityApp[] }>(`/api/t/${tenant.code}/apps`).then(
      (page) => setApps(page.items),
      () => setApps([]),
    )
  }, [tenant.code])
  if (!apps) return <main className="portal-page loading">…</main>
  const shown = apps.filter((a) => !audience || a.audience.includes(audience))
  const categories = [...new Set(shown.map((a) => a.category))]
  return (
    <main className="portal-page datahub-portal" data-testid="app-store">
      <h1>{t('datahub.apps.storeTitle')}</h1>
      <p>{t('datahub.apps.storeLead')}</p>
      <div className="datahub-filters">
        <select name="audience" value={audience} onChange={(e) => setAudience(e.target.value as Audience | '')} aria-label={t('datahub.apps.audience')}>
          <option value="">{t('datahub.apps.everyone')}</option>
          {AUDIENCES.map((a) => (
            <option key={a} value={a}>
              {t(`datahub.apps.audiences.${a}`)}
            </option>
          ))}
        </select>
      </div>
      {shown.length === 0 && <p>{t('datahub.apps.none')}</p>}
      {categories.map((category) => (
        <section key={category}>
          <h2 className="app-category">{category}</h2>
          <ul className="datahub-cards">
            {shown
              .filter((a) => a.category === category)
              .map((a) => (
                <li key={a.id} data-testid="app-card">
                  <a href={a.url} target="_blank" rel="noopener noreferrer">
                    <strong>{a.name}</strong>
                  </a>
                  <div className="muted">{a.organization?.name ?? '—'}</div>
                  {a.description && <p>{a.description}</p>}
                  <div>
                    <Health app={a} /> <span className="muted">{t('datahub.apps.uptime', { value: uptime(a) })}</span>
                  </div>
                  <div>
                    {a.audience.map((x) => (
                      <span key={x} className="badge">
                        {t(`datahub.apps.audiences.${x}`)}
                      </span>
                    ))}
                  </div>
                </li>
              ))}
          </ul>
        </section>
      ))}
    </main>
  )
}

const EMPTY = { name: '', url: '', organization: '', category: '', description: '', audience: ['citizen'] as Audience[] }

const formOf = (app: CityApp) => ({
  name: app.name,
  url: app.url,
  organization: app.organization?.code ?? '',
  category: app.category,
  description: app.description,
  audience: app.audience,
})

/** Staff page of the app directory: list, add, edit, check now, archive. */
export function AppsPage() {
  const { t } = useTranslation()
  return <StaffFrame title={t('datahub.apps.title')}>{({ tenant, roles }) => <AppDirectory tenant={tenant} isAdmin={roles.has('admin')} />}</StaffFrame>
}

function AppDirectory({ tenant, isAdmin }: { tenant: Tenant; isAdmin: boolean }) {
  const { t, i18n } = useTranslation()
  const code = tenant.code
  const [apps, setApps] = useState<CityApp[]>([])
  const [agencies, setAgencies] = useState<Agency[]>([])
  const [form, setForm] = useState(EMPTY)
  const [editing, setEditing] = useState<CityApp | null>(null)
  const formRef = useRef<HTMLFormElement>(null)

  const { problem, fail, clear } = useProblem()
  const load = useCallback(() => {
    api<{ items: CityApp[] }>(`/api/t/${code}/apps`).then((page) => setApps(page.items), fail)
  }, [code, fail])
  useEffect(() => {
    api<{ items: Agency[] }>(`/api/t/${code}/agencies?limit=200`).then((page) => setAgencies(page.items), fail)
    load()
  }, [code, fail, load])

  const reset = () => {
    setEditing(null)
    setForm(EMPTY)
  }
  const edit = (app: CityApp) => {
    clear()
    setEditing(app)
    setForm(formOf(app))
    formRef.current?.scrollIntoView({ block: 'nearest' })
  }
  const submit = (e: FormEvent) => {
    e.preventDefault()
    clear()
    const body = { ...form, organization: form.organization || null, category: form.category || undefined }
    const request = editing
      ? api<CityApp>(`/api/t/${code}/apps/${editing.id}`, { method: 'PATCH', body })
      : api<CityApp>(`/api/t/${code}/apps`, { method: 'POST', body })
    request.then(() => {
      reset()
      load()
    }, fail)
  }
  const act = (app: CityApp, action: 'probe' | 'archive') => api<CityApp>(`/api/t/${code}/apps/${app.id}/${action}`, { method: 'POST' }).then(load, fail)
  const archive = (app: CityApp) => {
    if (!window.confirm(t('datahub.apps.archiveConfirm', { name: app.name }))) return
    if (editing?.id === app.id) reset()
    act(app, 'archive')
  }

  return (
    <div className="datahub-page">
      <ProblemLine problem={problem} />
      <section className="datahub-apps">
        <div className="datahub-table">
          <table data-testid="apps-table">
            <thead>
              <tr>
                <th>{t('datahub.apps.name')}</th>
                <th>{t('datahub.organization')}</th>
                <th>{t('datahub.apps.category')}</th>
                <th>{t('datahub.apps.audience')}</th>
                <th>{t('datahub.apps.health')}</th>
                <th>{t('datahub.apps.uptimeHeader')}</th>
                <th>{t('datahub.apps.checkedAt')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {apps.map((a) => (
                <tr key={a.id}>
                  <td>
                    <a href={a.url} target="_blank" rel="noopener noreferrer">
                      {a.name}
                    </a>
                  </td>
                  <td>{a.organization?.name ?? '—'}</td>
                  <td>{a.category}</td>
                  <td>{a.audience.map((x) => t(`datahub.apps.audiences.${x}`)).join(', ')}</td>
                  <td>
                    <Health app={a} />
                    {a.error && <div className="muted small">{a.error}</div>}
                  </td>
                  <td>{uptime(a)}</td>
                  <td>{a.checkedAt ? formatTime(a.checkedAt, tenant.timezone, i18n.language) : '—'}</td>
                  <td>
                    <button type="button" className="button small" onClick={() => act(a, 'probe')}>
                      {t('datahub.apps.probe')}
                    </button>
                    <button type="button" className="button small" onClick={() => edit(a)}>
                      {t('datahub.assets.edit')}
                    </button>
                    {isAdmin && (
                      <button type="button" className="button small" onClick={() => archive(a)}>
                        {t('datahub.apps.archive')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <form className="datahub-form" onSubmit={submit} data-testid="app-form" ref={formRef}>
          <h2>{editing ? t('datahub.assets.editTitle', { name: editing.name }) : t('datahub.apps.add')}</h2>
          <input
            name="name"
            required
            minLength={2}
            value={form.name}
            onChange={(e) => setForm({ ...form, name: e.target.value })}
            placeholder={t('datahub.apps.name')}
          />
          <input name="url" type="url" required value={form.url} onChange={(e) => setForm({ ...form, url: e.target.value })} placeholder="https://…" />
          <select
            name="organization"
            value={form.organization}
            onChange={(e) => setForm({ ...form, organization: e.target.value })}
            aria-label={t('datahub.organization')}
          >
            <option value="">—</option>
            {agencies.map((a) => (
              <option key={a.code} value={a.code}>
                {a.name}
              </option>
            ))}
          </select>
          <input
            name="category"
            value={form.category}
            onChange={(e) => setForm({ ...form, category: e.target.value })}
            placeholder={t('datahub.apps.category')}
          />
          <input
            name="description"
            value={form.description}
            onChange={(e) => setForm({ ...form, description: e.target.value })}
            placeholder={t('datahub.apps.description')}
          />
          <fieldset>
            <legend>{t('datahub.apps.audience')}</legend>
            {AUDIENCES.map((x) => (
              <label key={x}>
                <input
                  type="checkbox"
                  checked={form.audience.includes(x)}
                  onChange={(e) => setForm({ ...form, audience: e.target.checked ? [...form.audience, x] : form.audience.filter((y) => y !== x) })}
                />
                {t(`datahub.apps.audiences.${x}`)}
              </label>
            ))}
          </fieldset>
          <SaveButtons editing={editing !== null} onCancel={reset} />
        </form>
      </section>
    </div>
  )
}
