import { type FormEvent, useCallback, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiError } from '../../app/api.ts'
import { useLiveEvents } from '../../app/liveEvents.tsx'
import { formatTime } from '../../app/time.ts'
import { StaffFrame } from '../reports/StaffFrame.tsx'
import { type Alert, approveAlert, cancelAlert, createDraft, fetchAlerts, fetchKelurahan, type Region, SEVERITY_COLORS } from './api.ts'

const CATEGORIES = ['Met', 'Geo', 'Safety', 'Security', 'Rescue', 'Fire', 'Health', 'Env', 'Transport', 'Infra', 'Other']
const URGENCIES = ['Immediate', 'Expected', 'Future', 'Past', 'Unknown']
const SEVERITIES = ['Extreme', 'Severe', 'Moderate', 'Minor', 'Unknown']
const CERTAINTIES = ['Observed', 'Likely', 'Possible', 'Unlikely', 'Unknown']

function Select({ name, label, options, value, onChange }: { name: string; label: string; options: string[]; value: string; onChange: (v: string) => void }) {
  return (
    <label>
      {label}
      <select name={name} value={value} onChange={(e) => onChange(e.target.value)}>
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </label>
  )
}

/** The operator's form for a new draft: CAP fields, the kelurahan it covers, how long it is valid. */
function DraftForm({ tenant, onSaved }: { tenant: string; onSaved: () => void }) {
  const { t } = useTranslation()
  const [regions, setRegions] = useState<Region[]>([])
  const [form, setForm] = useState({
    event: '',
    category: 'Met',
    urgency: 'Immediate',
    severity: 'Severe',
    certainty: 'Observed',
    headline: '',
    description: '',
    instruction: '',
    hours: '6',
  })
  const [chosen, setChosen] = useState<string[]>([])
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    fetchKelurahan(tenant).then(setRegions, () => undefined)
  }, [tenant])
  const set = (key: keyof typeof form) => (v: string) => setForm((f) => ({ ...f, [key]: v }))
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setError(null)
    try {
      await createDraft(tenant, {
        event: form.event,
        category: [form.category],
        urgency: form.urgency,
        severity: form.severity,
        certainty: form.certainty,
        ...(form.headline ? { headline: form.headline } : {}),
        ...(form.description ? { description: form.description } : {}),
        ...(form.instruction ? { instruction: form.instruction } : {}),
        expires: new Date(Date.now() + Number(form.hours) * 3_600_000).toISOString(),
        regions: chosen,
      })
      setForm((f) => ({ ...f, event: '', headline: '', description: '', instruction: '' }))
      setChosen([])
      onSaved()
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err))
    }
  }
  return (
    <form className="alert-form" onSubmit={submit} data-testid="alert-form">
      <h2>{t('alerts.draftTitle')}</h2>
      <label>
        {t('alerts.field.event')}
        <input name="event" required value={form.event} onChange={(e) => set('event')(e.target.value)} />
      </label>
      <Select name="category" label={t('alerts.field.category')} options={CATEGORIES} value={form.category} onChange={set('category')} />
      <Select name="urgency" label={t('alerts.field.urgency')} options={URGENCIES} value={form.urgency} onChange={set('urgency')} />
      <Select name="severity" label={t('alerts.field.severity')} options={SEVERITIES} value={form.severity} onChange={set('severity')} />
      <Select name="certainty" label={t('alerts.field.certainty')} options={CERTAINTIES} value={form.certainty} onChange={set('certainty')} />
      <label>
        {t('alerts.field.headline')}
        <input name="headline" maxLength={160} value={form.headline} onChange={(e) => set('headline')(e.target.value)} />
      </label>
      <label>
        {t('alerts.field.description')}
        <textarea name="description" value={form.description} onChange={(e) => set('description')(e.target.value)} />
      </label>
      <label>
        {t('alerts.field.instruction')}
        <textarea name="instruction" value={form.instruction} onChange={(e) => set('instruction')(e.target.value)} />
      </label>
      <label>
        {t('alerts.field.hours')}
        <input name="hours" type="number" min="1" max="168" value={form.hours} onChange={(e) => set('hours')(e.target.value)} />
      </label>
      <label>
        {t('alerts.field.regions')}
        <select name="regions" multiple size={6} value={chosen} onChange={(e) => setChosen([...e.target.selectedOptions].map((o) => o.value))}>
          {regions.map((r) => (
            <option key={r.code} value={r.code}>
              {r.name}
            </option>
          ))}
        </select>
      </label>
      {error && <p className="error">{error}</p>}
      <button type="submit" className="button primary">
        {t('alerts.saveDraft')}
      </button>
    </form>
  )
}

function AlertList({ tenant, timezone }: { tenant: string; timezone: string }) {
  const { t, i18n } = useTranslation()
  const [items, setItems] = useState<Alert[]>([])
  const [error, setError] = useState<string | null>(null)
  const load = useCallback(() => {
    fetchAlerts(tenant).then(
      (p) => setItems(p.items),
      () => undefined,
    )
  }, [tenant])
  useEffect(load, [load])
  useLiveEvents(['alerts'], load)
  const act = async (fn: () => Promise<unknown>) => {
    setError(null)
    try {
      await fn()
      load()
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err))
    }
  }
  return (
    <section className="alert-staff-list">
      <h2>{t('alerts.listTitle')}</h2>
      <p className="muted">{t('alerts.twoPerson')}</p>
      {error && <p className="error">{error}</p>}
      {items.length === 0 && <p className="muted">{t('alerts.empty')}</p>}
      <ul className="alert-list">
        {items.map((a) => (
          <li key={a.id} className="alert-card" style={{ borderLeftColor: SEVERITY_COLORS[a.severity] ?? '#6b7280' }} data-testid="staff-alert">
            <div>
              <strong>{a.headline ?? a.event}</strong> <span className="muted">{a.identifier}</span> · {a.msgType} ·{' '}
              <span data-testid="alert-status">{t(`alerts.status.${a.status}`)}</span>
            </div>
            <div className="muted">
              {a.areaDesc} · {t('alerts.portal.until')} {formatTime(a.expires, timezone, i18n.language)} · {t('alerts.by')} {a.author}
              {a.approver ? ` / ${a.approver}` : ''}
            </div>
            {a.status === 'draft' && (
              <button type="button" className="button primary" onClick={() => act(() => approveAlert(tenant, a.id))}>
                {t('alerts.approve')}
              </button>
            )}{' '}
            {(a.status === 'draft' || a.status === 'published') && (
              <button type="button" className="button" onClick={() => act(() => cancelAlert(tenant, a.id))}>
                {t('alerts.cancel')}
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  )
}

/** Staff page: draft a warning, approve someone else's draft, cancel; live on alert events. */
export function AlertsPage() {
  const { t } = useTranslation()
  const [version, setVersion] = useState(0)
  return (
    <StaffFrame title={t('alerts.pageTitle')}>
      {({ tenant }) => (
        <div className="alerts-staff">
          <DraftForm tenant={tenant.code} onSaved={() => setVersion((v) => v + 1)} />
          <AlertList key={version} tenant={tenant.code} timezone={tenant.timezone} />
        </div>
      )}
    </StaffFrame>
  )
}
