import { type FormEvent, useCallback, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { Tenant } from '../../app/api.ts'
import { problemText } from '../../app/problem.ts'
import { formatTime } from '../../app/time.ts'
import { adminPage, FormActions, Problem } from './AdminFrame.tsx'
import { type Agency, archiveAgency, createAgency, fetchAgencies, updateAgency } from './api.ts'

/** Admin page: the city's OPDs (agencies), to add, rename or archive. */
export const AgenciesPage = adminPage('tenancy.agencies.title', Agencies)

function Agencies({ tenant }: { tenant: Tenant }) {
  const { t, i18n } = useTranslation()
  const [items, setItems] = useState<Agency[]>([])
  const [editing, setEditing] = useState<Agency | 'new' | null>(null)
  const [problem, setProblem] = useState<string | null>(null)
  const fail = useCallback((err: unknown) => setProblem(problemText(err)), [])
  const load = useCallback(() => {
    fetchAgencies(tenant.code).then((r) => setItems(r.items), fail)
  }, [tenant.code, fail])
  useEffect(load, [load])
  const archive = (agency: Agency) => {
    if (window.confirm(t('tenancy.agencies.confirmArchive', { name: agency.name }))) archiveAgency(tenant.code, agency.id).then(load, fail)
  }
  return (
    <section className="tenancy-section">
      <div className="tenancy-tools">
        <button type="button" className="button primary" onClick={() => setEditing('new')} data-testid="agency-new">
          {t('tenancy.agencies.add')}
        </button>
        <span className="muted">{t('tenancy.total', { count: items.length })}</span>
      </div>
      <Problem text={problem} />
      {editing && (
        <AgencyForm
          tenant={tenant.code}
          agency={editing === 'new' ? null : editing}
          onDone={() => {
            setEditing(null)
            load()
          }}
        />
      )}
      <table className="tenancy-table" data-testid="agency-table">
        <thead>
          <tr>
            <th>{t('tenancy.agencies.code')}</th>
            <th>{t('tenancy.agencies.name')}</th>
            <th>{t('tenancy.agencies.shortName')}</th>
            <th>{t('tenancy.agencies.updated')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {items.map((a) => (
            <tr key={a.id} data-testid="agency-row">
              <td>
                <code>{a.code}</code>
              </td>
              <td>{a.name}</td>
              <td>{a.shortName ?? '—'}</td>
              <td>{formatTime(a.updatedAt, tenant.timezone, i18n.language)}</td>
              <td className="tenancy-actions">
                <button type="button" className="button small" onClick={() => setEditing(a)}>
                  {t('tenancy.edit')}
                </button>
                <button type="button" className="button small" onClick={() => archive(a)}>
                  {t('tenancy.agencies.archive')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  )
}

function AgencyForm({ tenant, agency, onDone }: { tenant: string; agency: Agency | null; onDone: () => void }) {
  const { t } = useTranslation()
  const [problem, setProblem] = useState<string | null>(null)
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const form = new FormData(event.currentTarget)
    const text = (name: string) => String(form.get(name) ?? '').trim()
    const shortName = text('shortName')
    try {
      if (agency) await updateAgency(tenant, agency.id, { code: text('code'), name: text('name'), shortName: shortName || null })
      else await createAgency(tenant, { code: text('code'), name: text('name'), ...(shortName ? { shortName } : {}) })
      onDone()
    } catch (err) {
      setProblem(problemText(err))
    }
  }
  return (
    <form className="tenancy-form" onSubmit={submit} data-testid="agency-form">
      <h2>{agency ? t('tenancy.agencies.editing', { name: agency.name }) : t('tenancy.agencies.add')}</h2>
      <label>
        {t('tenancy.agencies.code')} <input name="code" required defaultValue={agency?.code ?? ''} placeholder="dinkes" />
      </label>
      <label>
        {t('tenancy.agencies.name')} <input name="name" required defaultValue={agency?.name ?? ''} />
      </label>
      <label>
        {t('tenancy.agencies.shortName')} <input name="shortName" defaultValue={agency?.shortName ?? ''} />
      </label>
      <p className="muted">{t('tenancy.agencies.codeHint')}</p>
      <Problem text={problem} />
      <FormActions submit={t('tenancy.save')} onCancel={onDone} />
    </form>
  )
}
