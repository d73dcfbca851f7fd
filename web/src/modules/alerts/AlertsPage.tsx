import { type FormEvent, lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { Tenant } from '../../app/api.ts'
import { useLiveEvents } from '../../app/liveEvents.tsx'
import { problemText } from '../../app/problem.ts'
import { StaffFrame } from '../../app/StaffFrame.tsx'
import { formatTime } from '../../app/time.ts'
import {
  type Alert,
  type AlertTemplate,
  approveAlert,
  cancelAlert,
  capXmlUrl,
  createDraft,
  type DrawnArea,
  fetchAlerts,
  fetchRegions,
  fetchTemplates,
  type RegionFeature,
  SEVERITY_COLORS,
  updateAlert,
} from './api.ts'
import { CATEGORIES, CERTAINTIES, SEVERITIES, URGENCIES } from './cap.ts'
import type { Drawing } from './DrawMap.tsx'
import { EnglishFieldset, englishFields, englishOf, MessageFields, Select, templateFields } from './fields.tsx'
import { TemplatesPanel } from './TemplatesPanel.tsx'

// MapLibre loads with the map, after the form is usable.
const DrawMap = lazy(() => import('./DrawMap.tsx').then((m) => ({ default: m.DrawMap })))
const AreaPreview = lazy(() => import('./AreaPreview.tsx').then((m) => ({ default: m.AreaPreview })))

/** The drawing as the API's area, once it is complete. */
function areaOf(drawing: Drawing): DrawnArea | undefined {
  if (drawing.mode === 'polygon' && drawing.done) return { type: 'Polygon', coordinates: [[...drawing.points, drawing.points[0]]] }
  if (drawing.mode === 'circle' && drawing.centre && drawing.radius > 0)
    return { type: 'Feature', geometry: { type: 'Point', coordinates: drawing.centre }, properties: { radius: drawing.radius } }
  return undefined
}

const hoursFromNow = (hours: string) => new Date(Date.now() + Number(hours) * 3_600_000).toISOString()

/** A `datetime-local` value (`2026-11-23T14:30`), read as a wall time in `timeZone`, as an ISO instant. */
function zonedIso(local: string, timeZone: string): string {
  const asUtc = new Date(`${local}:00Z`)
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' })
      .formatToParts(asUtc)
      .map((p) => [p.type, Number(p.value)]),
  )
  const shown = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute)
  return new Date(2 * asUtc.getTime() - shown).toISOString()
}

/** When the warning takes effect and when the event begins: optional CAP times, typed in the tenant's zone. */
const TIMES = ['effective', 'onset'] as const

/**
 * The operator's form for a new draft: CAP fields (or a template's), the kecamatan/kelurahan or drawn area it covers,
 * how long it is valid.
 */
function DraftForm({ tenant, regions, templates, onSaved }: { tenant: Tenant; regions: RegionFeature[]; templates: AlertTemplate[]; onSaved: () => void }) {
  const { t } = useTranslation()
  const [template, setTemplate] = useState('')
  const [form, setForm] = useState({
    event: '',
    category: 'Met',
    urgency: 'Immediate',
    severity: 'Severe',
    certainty: 'Observed',
    headline: '',
    description: '',
    instruction: '',
    contact: '',
    ...englishFields(null),
    hours: '6',
    effective: '',
    onset: '',
  })
  const [chosen, setChosen] = useState<string[]>([])
  const [drawing, setDrawing] = useState<Drawing>({ mode: 'regions' })
  const [error, setError] = useState<string | null>(null)
  const chosenFeatures = useMemo(() => regions.filter((r) => chosen.includes(r.properties.code)), [regions, chosen])
  const kecamatan = regions.filter((r) => r.properties.level === 'kecamatan')
  const kelurahan = regions.filter((r) => r.properties.level !== 'kecamatan')
  const area = areaOf(drawing)
  const setMode = (mode: Drawing['mode']) =>
    setDrawing(mode === 'polygon' ? { mode, points: [], done: false } : mode === 'circle' ? { mode, centre: null, radius: 500 } : { mode })
  const set = (key: keyof typeof form) => (v: string) => setForm((f) => ({ ...f, [key]: v }))
  const applyTemplate = (id: string) => {
    setTemplate(id)
    const tp = templates.find((x) => x.id === id)
    if (!tp) return
    setForm((f) => ({ ...f, ...templateFields(tp) }))
  }
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setError(null)
    const expires = hoursFromNow(form.hours)
    const times = Object.fromEntries(TIMES.filter((key) => form[key]).map((key) => [key, zonedIso(form[key], tenant.timezone)]))
    const late = TIMES.find((key) => times[key] && times[key] >= expires)
    if (late) {
      setError(t('alerts.beforeExpires', { field: t(`alerts.field.${late}`) }))
      return
    }
    try {
      await createDraft(tenant.code, {
        event: form.event,
        category: [form.category],
        urgency: form.urgency,
        severity: form.severity,
        certainty: form.certainty,
        ...(form.headline ? { headline: form.headline } : {}),
        ...(form.description ? { description: form.description } : {}),
        ...(form.instruction ? { instruction: form.instruction } : {}),
        ...(form.contact ? { contact: form.contact } : {}),
        ...times,
        expires,
        regions: chosen,
        ...(area ? { area } : {}),
        english: englishOf(form),
      })
      setForm((f) => ({ ...f, event: '', headline: '', description: '', instruction: '', effective: '', onset: '', ...englishFields(null) }))
      setTemplate('')
      setChosen([])
      setMode('regions')
      onSaved()
    } catch (err) {
      setError(problemText(err))
    }
  }
  return (
    <form className="alert-form" onSubmit={submit} data-testid="alert-form">
      <h2>{t('alerts.draftTitle')}</h2>
      {templates.length > 0 && (
        <label>
          {t('alerts.templates.start')}
          <select name="template" value={template} onChange={(e) => applyTemplate(e.target.value)}>
            <option value="">{t('alerts.templates.none')}</option>
            {templates.map((tp) => (
              <option key={tp.id} value={tp.id}>
                {tp.name}
              </option>
            ))}
          </select>
        </label>
      )}
      <label>
        {t('alerts.field.event')}
        <input name="event" required value={form.event} onChange={(e) => set('event')(e.target.value)} />
      </label>
      <Select name="category" label={t('alerts.field.category')} options={CATEGORIES} value={form.category} onChange={set('category')} />
      <Select name="urgency" label={t('alerts.field.urgency')} options={URGENCIES} value={form.urgency} onChange={set('urgency')} />
      <Select name="severity" label={t('alerts.field.severity')} options={SEVERITIES} value={form.severity} onChange={set('severity')} />
      <Select name="certainty" label={t('alerts.field.certainty')} options={CERTAINTIES} value={form.certainty} onChange={set('certainty')} />
      <MessageFields value={form} onChange={set} />
      <label>
        {t('alerts.field.contact')}
        <input name="contact" maxLength={300} value={form.contact} onChange={(e) => set('contact')(e.target.value)} />
      </label>
      <EnglishFieldset value={form} onChange={(key, v) => set(key)(v)} />
      <label>
        {t('alerts.field.hours')}
        <input name="hours" type="number" min="1" max="168" value={form.hours} onChange={(e) => set('hours')(e.target.value)} />
      </label>
      {TIMES.map((key) => (
        <label key={key}>
          {t(`alerts.field.${key}`)} ({tenant.timezone})
          <input name={key} type="datetime-local" value={form[key]} onChange={(e) => set(key)(e.target.value)} />
        </label>
      ))}
      <fieldset className="alert-area">
        <legend>{t('alerts.areaTitle')}</legend>
        <label>
          {t('alerts.areaMode.regions')}
          <select name="regions" multiple size={8} value={chosen} onChange={(e) => setChosen([...e.target.selectedOptions].map((o) => o.value))}>
            <optgroup label={t('alerts.kecamatan')}>
              {kecamatan.map((r) => (
                <option key={r.properties.code} value={r.properties.code}>
                  {r.properties.name}
                </option>
              ))}
            </optgroup>
            <optgroup label={t('alerts.field.regions')}>
              {kelurahan.map((r) => (
                <option key={r.properties.code} value={r.properties.code}>
                  {r.properties.name}
                </option>
              ))}
            </optgroup>
          </select>
        </label>
        <div className="alert-area-modes">
          {(['regions', 'polygon', 'circle'] as const).map((mode) => (
            <label key={mode}>
              <input type="radio" name="areaMode" value={mode} checked={drawing.mode === mode} onChange={() => setMode(mode)} /> {t(`alerts.areaMode.${mode}`)}
            </label>
          ))}
        </div>
        {drawing.mode === 'polygon' && <p className="muted">{t('alerts.drawPolygon')}</p>}
        {drawing.mode === 'circle' && (
          <>
            <p className="muted">{t('alerts.drawCircle')}</p>
            <label>
              {t('alerts.radius')}
              <input
                name="radius"
                type="number"
                min="10"
                max="500000"
                value={drawing.radius}
                onChange={(e) => setDrawing({ ...drawing, radius: Number(e.target.value) })}
              />
            </label>
          </>
        )}
        {drawing.mode !== 'regions' && (
          <button type="button" className="button" onClick={() => setMode(drawing.mode)}>
            {t('alerts.clearDrawing')}
          </button>
        )}
        <Suspense fallback={<div className="alert-draw-map loading">…</div>}>
          <DrawMap tenant={tenant} regions={chosenFeatures} drawing={drawing} severity={form.severity} onChange={setDrawing} />
        </Suspense>
      </fieldset>
      {error && <p className="error">{error}</p>}
      <button type="submit" className="button primary">
        {t('alerts.saveDraft')}
      </button>
    </form>
  )
}

/** A CAP Update of a published alert: the fields that change, a new expiry; a second person approves it. */
function UpdateForm({ tenant, alert, onDone }: { tenant: string; alert: Alert; onDone: (err?: unknown) => void }) {
  const { t } = useTranslation()
  const [form, setForm] = useState({
    severity: alert.severity,
    headline: alert.headline ?? '',
    description: alert.description ?? '',
    instruction: alert.instruction ?? '',
    hours: '6',
  })
  const set = (key: keyof typeof form) => (v: string) => setForm((f) => ({ ...f, [key]: v }))
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    try {
      await updateAlert(tenant, alert.id, {
        severity: form.severity,
        ...(form.headline ? { headline: form.headline } : {}),
        ...(form.description ? { description: form.description } : {}),
        ...(form.instruction ? { instruction: form.instruction } : {}),
        expires: hoursFromNow(form.hours),
      })
      onDone()
    } catch (err) {
      onDone(err)
    }
  }
  return (
    <form className="alert-form alert-followup" onSubmit={submit} data-testid="update-form">
      <h3>{t('alerts.updateTitle', { identifier: alert.identifier })}</h3>
      <Select name="severity" label={t('alerts.field.severity')} options={SEVERITIES} value={form.severity} onChange={set('severity')} />
      <MessageFields value={form} onChange={set} />
      <label>
        {t('alerts.field.hours')}
        <input name="hours" type="number" min="1" max="168" value={form.hours} onChange={(e) => set('hours')(e.target.value)} />
      </label>
      <button type="submit" className="button primary">
        {t('alerts.saveUpdate')}
      </button>{' '}
      <button type="button" className="button" onClick={() => onDone()}>
        {t('alerts.close')}
      </button>
    </form>
  )
}

/** The reason for cancelling a published alert; it becomes the description of the CAP Cancel message. */
function CancelForm({ tenant, alert, onDone }: { tenant: string; alert: Alert; onDone: (err?: unknown) => void }) {
  const { t } = useTranslation()
  const [note, setNote] = useState('')
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    try {
      await cancelAlert(tenant, alert.id, note)
      onDone()
    } catch (err) {
      onDone(err)
    }
  }
  return (
    <form className="alert-form alert-followup" onSubmit={submit} data-testid="cancel-form">
      <label>
        {t('alerts.cancelReason')}
        <textarea name="note" required maxLength={1000} value={note} onChange={(e) => setNote(e.target.value)} />
      </label>
      <button type="submit" className="button primary">
        {t('alerts.confirmCancel')}
      </button>{' '}
      <button type="button" className="button" onClick={() => onDone()}>
        {t('alerts.close')}
      </button>
    </form>
  )
}

function AlertList({ tenant, regions }: { tenant: Tenant; regions: RegionFeature[] }) {
  const { t, i18n } = useTranslation()
  const [items, setItems] = useState<Alert[]>([])
  const [error, setError] = useState<string | null>(null)
  const [open, setOpen] = useState<{ id: string; form: 'update' | 'cancel' } | null>(null)
  // One draft's map at a time: each map holds a WebGL context, and browsers allow only a few.
  const [previewed, setPreviewed] = useState<string | null>(null)
  const load = useCallback(() => {
    fetchAlerts(tenant.code).then(
      (p) => setItems(p.items),
      () => undefined,
    )
  }, [tenant.code])
  useEffect(load, [load])
  useLiveEvents(['alerts'], load)
  const done = (err?: unknown) => {
    if (err) {
      setError(problemText(err))
      return
    }
    setError(null)
    setOpen(null)
    load()
  }
  const act = async (fn: () => Promise<unknown>) => {
    try {
      await fn()
      done()
    } catch (err) {
      done(err)
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
              <strong>{a.headline ?? a.event}</strong> <span className="muted">{a.identifier}</span> ·{' '}
              <span data-testid="alert-msg-type">{t(`alerts.msgType.${a.msgType}`)}</span> ·{' '}
              <span data-testid="alert-status">{t(`alerts.status.${a.status}`)}</span>
            </div>
            <div className="muted">
              {a.areaDesc} · {t('alerts.portal.until')} {formatTime(a.expires, tenant.timezone, i18n.language)} · {t('alerts.by')} {a.author}
              {a.approver ? ` / ${a.approver}` : ''}
            </div>
            {TIMES.some((key) => a[key]) && (
              <div className="muted" data-testid="alert-times">
                {TIMES.filter((key) => a[key])
                  .map((key) => `${t(`alerts.field.${key}`)} ${formatTime(a[key] ?? '', tenant.timezone, i18n.language)}`)
                  .join(' · ')}
              </div>
            )}
            {a.references.length > 0 && (
              <div className="muted" data-testid="alert-references">
                {t('alerts.references')}: {a.references.map((r) => r.split(',')[1]).join(', ')}
              </div>
            )}
            {a.sent && (
              <a href={capXmlUrl(tenant.code, a.identifier)} target="_blank" rel="noreferrer" data-testid="cap-link">
                {t('alerts.capXml')}
              </a>
            )}
            {a.status === 'draft' && (
              <>
                {previewed === a.id ? (
                  <Suspense fallback={<div className="alert-preview-map loading">…</div>}>
                    <AreaPreview tenant={tenant} alert={a} regions={regions} />
                  </Suspense>
                ) : (
                  <button type="button" className="button" onClick={() => setPreviewed(a.id)}>
                    {t('alerts.showArea')}
                  </button>
                )}{' '}
                <button type="button" className="button primary" onClick={() => act(() => approveAlert(tenant.code, a.id))}>
                  {t('alerts.approve')}
                </button>{' '}
                <button type="button" className="button" onClick={() => act(() => cancelAlert(tenant.code, a.id))}>
                  {t('alerts.discard')}
                </button>
              </>
            )}
            {a.status === 'published' && a.msgType !== 'Cancel' && (
              <>
                <button type="button" className="button" onClick={() => setOpen({ id: a.id, form: 'update' })}>
                  {t('alerts.update')}
                </button>{' '}
                <button type="button" className="button" onClick={() => setOpen({ id: a.id, form: 'cancel' })}>
                  {t('alerts.cancel')}
                </button>
              </>
            )}
            {open?.id === a.id && open.form === 'update' && <UpdateForm tenant={tenant.code} alert={a} onDone={done} />}
            {open?.id === a.id && open.form === 'cancel' && <CancelForm tenant={tenant.code} alert={a} onDone={done} />}
          </li>
        ))}
      </ul>
    </section>
  )
}

function StaffAlerts({ tenant, isAdmin }: { tenant: Tenant; isAdmin: boolean }) {
  const [version, setVersion] = useState(0)
  const [regions, setRegions] = useState<RegionFeature[]>([])
  const [templates, setTemplates] = useState<AlertTemplate[]>([])
  const loadTemplates = useCallback(() => {
    fetchTemplates(tenant.code).then(
      (p) => setTemplates(p.items),
      () => undefined,
    )
  }, [tenant.code])
  useEffect(loadTemplates, [loadTemplates])
  useEffect(() => {
    fetchRegions(tenant.code).then(
      (all) => setRegions(all.sort((a, b) => a.properties.name.localeCompare(b.properties.name))),
      () => undefined,
    )
  }, [tenant.code])
  return (
    <div className="alerts-staff">
      <DraftForm tenant={tenant} regions={regions} templates={templates} onSaved={() => setVersion((v) => v + 1)} />
      <AlertList key={version} tenant={tenant} regions={regions} />
      {isAdmin && <TemplatesPanel tenant={tenant.code} templates={templates} onChanged={loadTemplates} />}
    </div>
  )
}

/** Staff page: draft a warning on the map, approve someone else's draft, update or cancel what is published; live on alert events. */
export function AlertsPage() {
  const { t } = useTranslation()
  return <StaffFrame title={t('alerts.pageTitle')}>{({ tenant, roles }) => <StaffAlerts tenant={tenant} isAdmin={roles.has('admin')} />}</StaffFrame>
}
