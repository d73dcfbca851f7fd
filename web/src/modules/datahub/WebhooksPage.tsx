import { type FormEvent, useCallback, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { api, type Tenant } from '../../app/api.ts'
import { StaffFrame } from '../../app/StaffFrame.tsx'
import { formatTime } from '../../app/time.ts'
import { ProblemLine, useProblem } from './Problem.tsx'

interface Webhook {
  id: string
  name: string
  url: string
  topics: string[]
  createdAt: string
}

interface Delivery {
  id: string
  eventSeq: number
  eventType: string
  status: 'pending' | 'delivered' | 'dead'
  attempts: number
  responseStatus: number | null
  error: string | null
  createdAt: string
  lastAttemptAt: string | null
}

type Filter = '' | Delivery['status']

/** Admin page of outbound webhooks: add one on chosen topics (its secret shown once), its delivery log and dead letters. */
export function WebhooksPage() {
  const { t } = useTranslation()
  return <StaffFrame title={t('datahub.webhooks.title')}>{({ tenant }) => <Webhooks tenant={tenant} />}</StaffFrame>
}

function Webhooks({ tenant }: { tenant: Tenant }) {
  const { t } = useTranslation()
  const base = `/api/t/${tenant.code}`
  const [hooks, setHooks] = useState<Webhook[]>([])
  const [topics, setTopics] = useState<string[]>([])
  const [form, setForm] = useState({ name: '', url: '', topics: [] as string[] })
  const [secret, setSecret] = useState<string | null>(null)
  const [open, setOpen] = useState<string | null>(null)
  const { problem, fail, clear } = useProblem()

  const load = useCallback(() => {
    api<{ items: Webhook[] }>(`${base}/webhooks`).then((p) => setHooks(p.items), fail)
  }, [base, fail])
  useEffect(() => {
    api<{ items: string[] }>(`${base}/webhook-topics`).then((p) => setTopics(p.items), fail)
    load()
  }, [base, fail, load])

  const submit = (e: FormEvent) => {
    e.preventDefault()
    clear()
    api<Webhook & { secret: string }>(`${base}/webhooks`, { method: 'POST', body: form }).then((created) => {
      setSecret(created.secret)
      setForm({ name: '', url: '', topics: [] })
      load()
    }, fail)
  }

  return (
    <div className="datahub-page datahub-apps">
      <ProblemLine problem={problem} />
      {secret && (
        <p className="datahub-secret" data-testid="webhook-secret">
          {t('datahub.webhooks.secret')} <code>{secret}</code>
        </p>
      )}
      <ul className="datahub-cards" data-testid="webhooks">
        {hooks.length === 0 && <li className="muted">{t('datahub.webhooks.none')}</li>}
        {hooks.map((h) => (
          <li key={h.id} data-testid="webhook">
            <strong>{h.name}</strong> <span className="muted">{h.url}</span>
            <div>
              {h.topics.map((x) => (
                <span key={x} className="badge">
                  {x}
                </span>
              ))}{' '}
              <button type="button" className="link" onClick={() => setOpen(open === h.id ? null : h.id)}>
                {t('datahub.webhooks.deliveries')}
              </button>
            </div>
            {open === h.id && <Deliveries tenant={tenant} webhook={h.id} onError={fail} />}
          </li>
        ))}
      </ul>
      <form className="datahub-form" onSubmit={submit}>
        <h2>{t('datahub.webhooks.add')}</h2>
        <label>
          {t('datahub.webhooks.name')}
          <input name="name" required minLength={2} maxLength={120} value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
        </label>
        <label>
          URL
          <input name="url" type="url" required value={form.url} onChange={(e) => setForm({ ...form, url: e.target.value })} placeholder="https://…" />
        </label>
        <fieldset>
          <legend>{t('datahub.webhooks.topics')}</legend>
          {topics.map((x) => (
            <label key={x}>
              <input
                type="checkbox"
                name={`topic-${x}`}
                checked={form.topics.includes(x)}
                onChange={(e) => setForm({ ...form, topics: e.target.checked ? [...form.topics, x] : form.topics.filter((y) => y !== x) })}
              />
              {x}
            </label>
          ))}
        </fieldset>
        <button type="submit" className="button primary" disabled={form.topics.length === 0}>
          {t('datahub.create')}
        </button>
      </form>
    </div>
  )
}

/** The delivery log of one webhook; the dead filter is the dead-letter view. */
function Deliveries({ tenant, webhook, onError }: { tenant: Tenant; webhook: string; onError: (err: unknown) => void }) {
  const { t, i18n } = useTranslation()
  const [filter, setFilter] = useState<Filter>('')
  const [items, setItems] = useState<Delivery[] | null>(null)
  useEffect(() => {
    const query = filter ? `?status=${filter}` : ''
    api<{ items: Delivery[] }>(`/api/t/${tenant.code}/webhooks/${webhook}/deliveries${query}`).then((p) => setItems(p.items), onError)
  }, [tenant.code, webhook, filter, onError])
  return (
    <div data-testid="deliveries">
      <select name="delivery-status" value={filter} onChange={(e) => setFilter(e.target.value as Filter)} aria-label={t('datahub.webhooks.status')}>
        <option value="">{t('datahub.webhooks.all')}</option>
        {(['pending', 'delivered', 'dead'] as const).map((s) => (
          <option key={s} value={s}>
            {t(`datahub.webhooks.states.${s}`)}
          </option>
        ))}
      </select>
      {items?.length === 0 && <p className="muted">{t('datahub.webhooks.noDeliveries')}</p>}
      {items && items.length > 0 && (
        <div className="datahub-table">
          <table>
            <thead>
              <tr>
                <th>{t('datahub.webhooks.event')}</th>
                <th>{t('datahub.webhooks.status')}</th>
                <th>{t('datahub.webhooks.attempts')}</th>
                <th>{t('datahub.webhooks.answer')}</th>
                <th>{t('datahub.webhooks.lastAttempt')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((d) => (
                <tr key={d.id} data-status={d.status}>
                  <td>
                    {d.eventType} <span className="muted">#{d.eventSeq}</span>
                  </td>
                  <td>{t(`datahub.webhooks.states.${d.status}`)}</td>
                  <td>{d.attempts}</td>
                  <td>{d.responseStatus ?? d.error ?? '—'}</td>
                  <td>{d.lastAttemptAt ? formatTime(d.lastAttemptAt, tenant.timezone, i18n.language) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  )
}
