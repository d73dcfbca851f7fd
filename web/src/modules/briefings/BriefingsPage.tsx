import { useCallback, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { api, type Page, type Tenant } from '../../app/api.ts'
import { usePermitted } from '../../app/auth.tsx'
import { problemText } from '../../app/problem.ts'
import { StaffFrame } from '../../app/StaffFrame.tsx'
import { formatTime } from '../../app/time.ts'

const KINDS = ['kpi_monthly', 'complaint_sla_weekly', 'incident_daily'] as const
const FREQUENCIES = ['daily', 'weekly', 'monthly'] as const
const ZONES: Record<string, string> = { 'Asia/Jakarta': 'WIB', 'Asia/Makassar': 'WITA', 'Asia/Jayapura': 'WIT' }

interface Briefing {
  id: string
  name: string
  kind: (typeof KINDS)[number]
  frequency: (typeof FREQUENCIES)[number]
  day: number | null
  atTime: string
  language: string
  recipients: { email: string; name?: string; agencyId?: string }[]
  isActive: boolean
  nextRunAt: string | null
}

interface Delivery {
  id: string
  period: string
  recipient: string
  isTest: boolean
  status: 'pending' | 'sent' | 'skipped' | 'failed'
  note: string | null
  attachments: string[]
  attempts: number
  createdAt: string
}

/** An admin's scheduled reports: what, to whom, when; a test now; what was sent, skipped or failed. */
export function BriefingsPage() {
  const { t } = useTranslation()
  return <StaffFrame title={t('briefings.title')}>{({ tenant }) => <BriefingsView tenant={tenant} />}</StaffFrame>
}

function BriefingsView({ tenant }: { tenant: Tenant }) {
  const { t, i18n } = useTranslation()
  const permitted = usePermitted(tenant.code)
  const mayWrite = permitted?.has('briefings.schedule.write') ?? false
  const [items, setItems] = useState<Briefing[]>([])
  const [agencies, setAgencies] = useState<{ id: string; name: string; shortName: string | null }[]>([])
  const [history, setHistory] = useState<Record<string, Delivery[]>>({})
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null)
  const zone = ZONES[tenant.timezone] ?? tenant.timezone

  const load = useCallback(() => {
    api<{ items: Briefing[] }>(`/api/t/${tenant.code}/briefings`).then(
      (r) => setItems(r.items),
      (err: unknown) => setMessage({ ok: false, text: String(err) }),
    )
  }, [tenant.code])
  useEffect(() => {
    load()
    api<Page<{ id: string; name: string; shortName: string | null }>>(`/api/t/${tenant.code}/agencies?limit=200`).then(
      (p) => setAgencies(p.items),
      () => setAgencies([]),
    )
  }, [tenant.code, load])

  const fail = (err: unknown) => setMessage({ ok: false, text: problemText(err) })
  const when = (b: Pick<Briefing, 'frequency' | 'day' | 'atTime'>) =>
    t(`briefings.when.${b.frequency}`, {
      time: `${b.atTime.replace(':', '.')} ${zone}`,
      day: b.frequency === 'weekly' ? (t('briefings.weekday', { returnObjects: true }) as string[])[(b.day ?? 1) - 1] : b.day,
    })
  const showHistory = async (id: string) => {
    try {
      const r = await api<{ items: Delivery[] }>(`/api/t/${tenant.code}/briefings/${id}/deliveries`)
      setHistory((h) => ({ ...h, [id]: r.items }))
    } catch (err) {
      fail(err)
    }
  }
  const sendTest = async (b: Briefing) => {
    try {
      const r = await api<{ items: Delivery[] }>(`/api/t/${tenant.code}/briefings/${b.id}/test`, { method: 'POST' })
      const summary = r.items.map((d) => `${d.recipient}: ${t(`briefings.status.${d.status}`)}${d.note ? ` (${d.note})` : ''}`).join('; ')
      setMessage({ ok: r.items.every((d) => d.status !== 'failed'), text: t('briefings.sentTest', { summary }) })
      await showHistory(b.id)
    } catch (err) {
      fail(err)
    }
  }
  const remove = async (b: Briefing) => {
    if (!window.confirm(t('briefings.confirmRemove', { name: b.name }))) return
    try {
      await api(`/api/t/${tenant.code}/briefings/${b.id}`, { method: 'DELETE' })
      load()
    } catch (err) {
      fail(err)
    }
  }

  return (
    <main className="page briefings-page" data-testid="briefings-page">
      <p>{t('briefings.intro', { zone })}</p>
      {message && <p className={message.ok ? 'ok' : 'error'}>{message.text}</p>}
      {items.length === 0 ? (
        <p className="muted">{t('briefings.empty')}</p>
      ) : (
        <ul className="briefings-list" data-testid="briefings-list">
          {items.map((b) => (
            <li key={b.id} className="briefing">
              <strong>{b.name}</strong> — {t(`briefings.kind.${b.kind}`)}
              <div>
                {when(b)} · {t('briefings.recipients')}: {b.recipients.map((r) => r.email).join(', ')}
              </div>
              <div className="muted">
                {b.isActive && b.nextRunAt ? `${t('briefings.next')}: ${formatTime(b.nextRunAt, tenant.timezone, i18n.language)}` : t('briefings.inactive')}
              </div>
              <div className="briefings-actions">
                {mayWrite && (
                  <button type="button" className="button" onClick={() => sendTest(b)}>
                    {t('briefings.test')}
                  </button>
                )}
                <button type="button" className="button" onClick={() => showHistory(b.id)}>
                  {t('briefings.history')}
                </button>
                {mayWrite && (
                  <button type="button" className="button" onClick={() => remove(b)}>
                    {t('briefings.remove')}
                  </button>
                )}
              </div>
              {history[b.id] && (
                <ul className="briefings-history" data-testid="briefings-history">
                  {history[b.id].length === 0 && <li className="muted">{t('briefings.noHistory')}</li>}
                  {history[b.id].map((d) => (
                    <li key={d.id}>
                      <span className={`status status-${d.status}`}>{t(`briefings.status.${d.status}`)}</span>{' '}
                      {d.isTest && <em>({t('briefings.testMark')})</em>} {formatTime(d.createdAt, tenant.timezone, i18n.language)} · {d.period} · {d.recipient}
                      {d.attachments.length > 0 && ` · ${d.attachments.join(', ')}`}
                      {d.attempts > 1 && ` · ${t('briefings.attempts', { count: d.attempts })}`}
                      {d.note && <span className="muted"> · {d.note}</span>}
                    </li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ul>
      )}
      {mayWrite ? <NewBriefing tenant={tenant} agencies={agencies} onCreated={load} onError={fail} /> : <p className="muted">{t('briefings.onlyAdmin')}</p>}
    </main>
  )
}

function NewBriefing({
  tenant,
  agencies,
  onCreated,
  onError,
}: {
  tenant: Tenant
  agencies: { id: string; name: string; shortName: string | null }[]
  onCreated: () => void
  onError: (err: unknown) => void
}) {
  const { t } = useTranslation()
  const [name, setName] = useState('')
  const [kind, setKind] = useState<(typeof KINDS)[number]>('kpi_monthly')
  const [frequency, setFrequency] = useState<(typeof FREQUENCIES)[number]>('monthly')
  const [day, setDay] = useState(1)
  const [atTime, setAtTime] = useState('07:00')
  const [language, setLanguage] = useState('id')
  const [recipients, setRecipients] = useState('')
  const [agencyId, setAgencyId] = useState('')
  const weekdays = t('briefings.weekday', { returnObjects: true }) as string[]

  const submit = async (e: React.FormEvent) => {
    e.preventDefault()
    const emails = recipients
      .split(/[\s,;]+/)
      .map((s) => s.trim())
      .filter(Boolean)
    try {
      await api(`/api/t/${tenant.code}/briefings`, {
        method: 'POST',
        body: {
          name,
          kind,
          frequency,
          ...(frequency === 'daily' ? {} : { day }),
          atTime,
          language,
          recipients: emails.map((email) => ({ email, ...(agencyId ? { agencyId } : {}) })),
        },
      })
      setName('')
      setRecipients('')
      onCreated()
    } catch (err) {
      onError(err)
    }
  }

  return (
    <form className="briefings-form" onSubmit={submit} data-testid="briefings-form">
      <h2>{t('briefings.newTitle')}</h2>
      <label>
        {t('briefings.field.name')}
        <input value={name} onChange={(e) => setName(e.target.value)} required minLength={3} maxLength={120} />
      </label>
      <label>
        {t('briefings.field.kind')}
        <select value={kind} onChange={(e) => setKind(e.target.value as (typeof KINDS)[number])}>
          {KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`briefings.kind.${k}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('briefings.field.frequency')}
        <select
          value={frequency}
          onChange={(e) => {
            setFrequency(e.target.value as (typeof FREQUENCIES)[number])
            setDay(1)
          }}
        >
          {FREQUENCIES.map((f) => (
            <option key={f} value={f}>
              {t(`briefings.frequency.${f}`)}
            </option>
          ))}
        </select>
      </label>
      {frequency === 'weekly' && (
        <label>
          {t('briefings.field.day')}
          <select value={day} onChange={(e) => setDay(Number(e.target.value))}>
            {weekdays.map((w, i) => (
              <option key={w} value={i + 1}>
                {w}
              </option>
            ))}
          </select>
        </label>
      )}
      {frequency === 'monthly' && (
        <label>
          {t('briefings.field.date')}
          <select value={day} onChange={(e) => setDay(Number(e.target.value))}>
            {Array.from({ length: 28 }, (_, i) => i + 1).map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
          </select>
        </label>
      )}
      <label>
        {t('briefings.field.time')} ({ZONES[tenant.timezone] ?? tenant.timezone})
        <input type="time" value={atTime} onChange={(e) => setAtTime(e.target.value)} required />
      </label>
      <label>
        {t('briefings.field.language')}
        <select value={language} onChange={(e) => setLanguage(e.target.value)}>
          <option value="id">{t('briefings.languages.id')}</option>
          <option value="en">{t('briefings.languages.en')}</option>
        </select>
      </label>
      <label>
        {t('briefings.field.recipients')}
        <textarea value={recipients} onChange={(e) => setRecipients(e.target.value)} rows={3} required />
      </label>
      {kind === 'complaint_sla_weekly' && (
        <label>
          {t('briefings.field.agency')}
          <select value={agencyId} onChange={(e) => setAgencyId(e.target.value)}>
            <option value="">{t('briefings.field.allAgencies')}</option>
            {agencies.map((a) => (
              <option key={a.id} value={a.id}>
                {a.shortName ?? a.name}
              </option>
            ))}
          </select>
        </label>
      )}
      <button type="submit" className="button primary">
        {t('briefings.create')}
      </button>
    </form>
  )
}
