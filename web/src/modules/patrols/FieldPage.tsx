import { type FormEvent, useCallback, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { Tenant } from '../../app/api.ts'
import { ApiError } from '../../app/api.ts'
import { problemText } from '../../app/problem.ts'
import { StaffFrame } from '../../app/StaffFrame.tsx'
import { formatTime } from '../../app/time.ts'
import { type Agency, type FindingType, fetchAgencies, fetchMyPatrols, fetchTypes, movePatrol, type Patrol, type Point } from './api.ts'
import { cached, enqueue, type OutboxItem, pending, sync } from './outbox.ts'

// Queued items are retried this often while the page is open (and at once when the browser is back online).
const RETRY_MS = 15_000

function here(): Promise<{ location: Point; accuracy?: number }> {
  return new Promise((resolve, reject) => {
    if (!('geolocation' in navigator)) return reject(new Error('no geolocation'))
    navigator.geolocation.getCurrentPosition(
      (p) => resolve({ location: { type: 'Point', coordinates: [p.coords.longitude, p.coords.latitude] }, accuracy: p.coords.accuracy }),
      (err) => reject(new Error(err.message)),
      { enableHighAccuracy: true, maximumAge: 10_000, timeout: 15_000 },
    )
  })
}

function Field({ tenant }: { tenant: Tenant }) {
  const { t, i18n } = useTranslation()
  const lang = i18n.language === 'en' ? 'en' : 'id'
  const [patrols, setPatrols] = useState<Patrol[]>([])
  const [types, setTypes] = useState<FindingType[]>([])
  const [agencies, setAgencies] = useState<Agency[]>([])
  const [patrolId, setPatrolId] = useState('')
  const [isOnline, setOnline] = useState(navigator.onLine)
  const [queue, setQueue] = useState<OutboxItem[]>([])
  const [notice, setNotice] = useState<string | null>(null)
  const [problem, setProblem] = useState<string | null>(null)
  const [type, setType] = useState('')
  const [photos, setPhotos] = useState<File[]>([])
  const [formKey, setFormKey] = useState(0)

  const refreshQueue = useCallback(() => pending().then(setQueue), [])
  const flush = useCallback(() => {
    sync().then(refreshQueue, refreshQueue)
  }, [refreshQueue])

  const load = useCallback(() => {
    cached(`plans:${tenant.code}`, () => fetchMyPatrols(tenant.code)).then(
      (r) => {
        const open = r.value.items.filter((p) => p.status !== 'finished')
        setPatrols(open)
        setPatrolId((current) => current || (open.find((p) => p.status === 'active') ?? open[0])?.id || '')
      },
      () => undefined,
    )
  }, [tenant.code])

  useEffect(() => {
    load()
    cached(`types:${tenant.code}`, () => fetchTypes(tenant.code)).then(
      (r) => setTypes(r.value.items),
      () => undefined,
    )
    cached(`agencies:${tenant.code}`, () => fetchAgencies(tenant.code)).then(
      (r) => setAgencies(r.value.items),
      () => undefined,
    )
    refreshQueue()
  }, [tenant.code, load, refreshQueue])

  useEffect(() => {
    const online = () => {
      setOnline(true)
      flush()
      load()
    }
    const offline = () => setOnline(false)
    window.addEventListener('online', online)
    window.addEventListener('offline', offline)
    const timer = setInterval(flush, RETRY_MS)
    flush()
    return () => {
      window.removeEventListener('online', online)
      window.removeEventListener('offline', offline)
      clearInterval(timer)
    }
  }, [flush, load])

  const patrol = patrols.find((p) => p.id === patrolId)
  const kind = types.find((x) => x.code === type)?.kind

  async function step(which: 'start' | 'finish') {
    if (!patrol) return
    setProblem(null)
    try {
      await movePatrol(tenant.code, patrol.id, which)
      load()
    } catch (err) {
      setProblem(err instanceof ApiError ? problemText(err) : t('patrols.field.needsNetwork'))
    }
  }

  async function checkIn() {
    if (!patrol) return
    setProblem(null)
    try {
      const { location, accuracy } = await here()
      const clientId = crypto.randomUUID()
      await enqueue({
        clientId,
        tenant: tenant.code,
        kind: 'checkin',
        patrolId: patrol.id,
        body: { clientId, location, accuracy, at: new Date().toISOString() },
      })
      setNotice(t('patrols.field.checkedIn'))
      await refreshQueue()
      flush()
    } catch (err) {
      setProblem(problemText(err))
    }
  }

  async function record(e: FormEvent<HTMLFormElement>) {
    e.preventDefault()
    if (!patrol) return
    setProblem(null)
    const form = new FormData(e.currentTarget)
    const text = (name: string) => String(form.get(name) ?? '').trim() || undefined
    try {
      const { location } = await here()
      const clientId = crypto.randomUUID()
      await enqueue({
        clientId,
        tenant: tenant.code,
        kind: 'finding',
        body: {
          clientId,
          patrolId: patrol.id,
          type,
          location,
          at: new Date().toISOString(),
          description: text('description') ?? '',
          ...(kind === 'asn' ? { nip: text('nip'), name: text('name'), agency: text('agency') } : {}),
        },
        photos,
      })
      setNotice(t('patrols.field.recorded'))
      setPhotos([])
      setType('')
      setFormKey((k) => k + 1)
      await refreshQueue()
      flush()
    } catch (err) {
      setProblem(problemText(err))
    }
  }

  return (
    <main className="patrol-field" data-testid="patrol-field">
      <p className={`network ${isOnline ? 'online' : 'offline'}`} data-testid="network" data-online={isOnline}>
        {isOnline ? t('patrols.field.online') : t('patrols.field.offline')} ·{' '}
        <span data-testid="outbox-count" data-count={queue.length}>
          {t('patrols.field.waiting', { count: queue.length })}
        </span>
      </p>
      {patrols.length === 0 ? (
        <p className="muted">{t('patrols.field.noPatrol')}</p>
      ) : (
        <section>
          <label>
            {t('patrols.field.patrol')}
            <select name="patrol" value={patrolId} onChange={(e) => setPatrolId(e.target.value)}>
              {patrols.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name} ({t(`patrols.status.${p.status}`)})
                </option>
              ))}
            </select>
          </label>
          {patrol && (
            <p className="muted small">
              {formatTime(patrol.startsAt, tenant.timezone, i18n.language)} – {formatTime(patrol.endsAt, tenant.timezone, i18n.language)} ·{' '}
              {patrol.checkpoints.map((c) => c.name).join(', ')}
            </p>
          )}
          <div className="big-buttons">
            {patrol?.status === 'planned' && (
              <button type="button" className="button big" onClick={() => step('start')}>
                {t('patrols.field.start')}
              </button>
            )}
            {patrol?.status === 'active' && (
              <>
                <button type="button" className="button big" data-testid="check-in" onClick={checkIn}>
                  {t('patrols.field.checkIn')}
                </button>
                <button type="button" className="button" onClick={() => step('finish')}>
                  {t('patrols.field.finish')}
                </button>
              </>
            )}
          </div>
        </section>
      )}
      {patrol?.status === 'active' && (
        <form key={formKey} className="finding-form" onSubmit={record} data-testid="finding-form">
          <h2>{t('patrols.field.newFinding')}</h2>
          <label>
            {t('patrols.field.type')}
            <select name="type" required value={type} onChange={(e) => setType(e.target.value)}>
              <option value="" />
              {types.map((x) => (
                <option key={x.code} value={x.code}>
                  {x.label[lang]}
                </option>
              ))}
            </select>
          </label>
          {kind === 'asn' && (
            <>
              <label>
                NIP
                <input name="nip" inputMode="numeric" pattern="[0-9]{18}" required maxLength={18} />
              </label>
              <label>
                {t('patrols.field.asnName')}
                <input name="name" required maxLength={200} />
              </label>
              <label>
                {t('patrols.field.agency')}
                <select name="agency" required>
                  <option value="" />
                  {agencies.map((a) => (
                    <option key={a.id} value={a.id}>
                      {a.name}
                    </option>
                  ))}
                </select>
              </label>
            </>
          )}
          <label>
            {t('patrols.field.description')}
            <textarea name="description" required minLength={3} maxLength={4000} rows={3} />
          </label>
          <label>
            {t('patrols.field.photo')}
            <input
              name="photo"
              type="file"
              accept="image/jpeg,image/png,image/webp"
              capture="environment"
              multiple
              onChange={(e) => setPhotos([...(e.target.files ?? [])].slice(0, 3))}
            />
          </label>
          <button type="submit" className="button big">
            {t('patrols.field.save')}
          </button>
        </form>
      )}
      {notice && <p className="notice">{notice}</p>}
      {problem && <p className="error">{problem}</p>}
      {queue.length > 0 && (
        <ul className="outbox" data-testid="outbox">
          {queue.map((item) => (
            <li key={item.clientId}>
              {item.kind === 'checkin' ? t('patrols.field.checkIn') : (types.find((x) => x.code === item.body.type)?.label[lang] ?? item.body.type)} ·{' '}
              {formatTime(item.body.at, tenant.timezone, i18n.language)}
              {item.kind === 'finding' && item.error && <span className="error"> · {item.error}</span>}
            </li>
          ))}
        </ul>
      )}
    </main>
  )
}

/** The Rojak team's phone page: works offline, queues check-ins and findings with photos, syncs when back online. */
export function FieldPage() {
  const { t } = useTranslation()
  return (
    <StaffFrame title={t('patrols.field.title')} offline={cached}>
      {({ tenant }) => <Field tenant={tenant} />}
    </StaffFrame>
  )
}
