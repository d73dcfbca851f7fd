import { type FormEvent, useCallback, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { Tenant } from '../../app/api.ts'
import { StaffFrame } from '../../app/StaffFrame.tsx'
import { type Camera, fetchCameras } from '../cctv/api.ts'
import { fetchTypes, type IncidentType } from '../incidents/api.ts'
import {
  type CameraMapping,
  createRule,
  createSource,
  deleteRule,
  fetchMappings,
  fetchRules,
  fetchSources,
  type Rule,
  type RuleInput,
  type Severity,
  type Source,
  saveMappings,
  updateSource,
} from './api.ts'

const LABELS = ['person', 'car', 'motorcycle', 'bicycle', 'truck', 'bus', 'boat', 'dog', 'cat', 'goat', 'cow', 'fire', 'smoke']
const SEVERITIES: Severity[] = ['info', 'waspada', 'siaga', 'awas']

/** Admin page: analytics sources, each one's camera and zone mapping, and the detection rules. */
export function AnalyticsAdmin() {
  const { t } = useTranslation()
  return <StaffFrame title={t('analytics.admin.title')}>{({ tenant }) => <Analytics tenant={tenant} />}</StaffFrame>
}

function Analytics({ tenant }: { tenant: Tenant }) {
  const { t, i18n } = useTranslation()
  const [sources, setSources] = useState<Source[]>([])
  const [cameras, setCameras] = useState<Camera[]>([])
  const [types, setTypes] = useState<IncidentType[]>([])
  const [rules, setRules] = useState<Rule[]>([])
  const [mapping, setMapping] = useState<Source | null>(null)
  const [secret, setSecret] = useState<string | null>(null)
  const [problem, setProblem] = useState('')
  const load = useCallback(() => {
    const fail = (err: unknown) => setProblem(String(err))
    fetchSources(tenant.code).then((p) => setSources(p.items), fail)
    fetchRules(tenant.code).then((p) => setRules(p.items), fail)
  }, [tenant.code])
  useEffect(load, [load])
  useEffect(() => {
    fetchCameras(tenant.code).then(
      (p) => setCameras(p.items),
      () => setCameras([]),
    )
    fetchTypes(tenant.code).then(
      (p) => setTypes(p.items.filter((x) => x.isActive)),
      () => setTypes([]),
    )
  }, [tenant.code])
  const en = i18n.language.startsWith('en')
  const cameraName = (id: string | null) => (id ? (cameras.find((c) => c.id === id)?.name ?? '—') : t('analytics.admin.anyCamera'))
  const labelWord = (label: string) => t(`analytics.labels.${label}`, { defaultValue: label })

  const addSource = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const form = new FormData(event.currentTarget)
    const text = (name: string) => String(form.get(name) ?? '').trim()
    const kind = text('kind') === 'webhook' ? 'webhook' : 'frigate'
    try {
      const created = await createSource(tenant.code, {
        kind,
        name: text('name'),
        ...(kind === 'frigate'
          ? { brokerUrl: text('brokerUrl'), topicPrefix: text('topicPrefix') || 'frigate', ...(text('apiUrl') ? { apiUrl: text('apiUrl') } : {}) }
          : {}),
      })
      setSecret(created.secret)
      event.currentTarget?.reset()
      load()
    } catch (err) {
      setProblem(String(err))
    }
  }
  const toggle = async (s: Source) => {
    try {
      await updateSource(tenant.code, s.id, { isActive: !s.isActive })
      load()
    } catch (err) {
      setProblem(String(err))
    }
  }
  const addRule = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const form = new FormData(event.currentTarget)
    const text = (name: string) => String(form.get(name) ?? '').trim()
    const action = text('action') === 'incident' ? 'incident' : 'alarm'
    const input: RuleInput = {
      name: text('name'),
      label: text('label'),
      zone: text('zone') || null,
      cameraId: text('cameraId') || null,
      minScore: Number(text('minScore') || '0') / 100,
      from: text('from') || null,
      to: text('to') || null,
      action,
      severity: (text('severity') || 'waspada') as Severity,
      incidentType: action === 'incident' ? text('incidentType') || null : null,
      isActive: true,
    }
    try {
      await createRule(tenant.code, input)
      event.currentTarget?.reset()
      load()
    } catch (err) {
      setProblem(String(err))
    }
  }
  const removeRule = async (rule: Rule) => {
    if (!window.confirm(t('analytics.admin.confirmDelete', { name: rule.name }))) return
    try {
      await deleteRule(tenant.code, rule.id)
      load()
    } catch (err) {
      setProblem(String(err))
    }
  }

  return (
    <div className="analytics-admin" data-testid="analytics-admin">
      <p className="muted">{t('analytics.admin.intro')}</p>
      {problem && <p className="problem">{problem}</p>}

      <section>
        <h2>{t('analytics.admin.sources')}</h2>
        {sources.length === 0 && <p className="muted">{t('analytics.admin.noSources')}</p>}
        {sources.length > 0 && (
          <div className="table-scroll">
            <table data-testid="source-table">
              <thead>
                <tr>
                  <th>{t('analytics.admin.name')}</th>
                  <th>{t('analytics.admin.kind')}</th>
                  <th>{t('analytics.admin.connection')}</th>
                  <th>{t('analytics.admin.status')}</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {sources.map((s) => (
                  <tr key={s.id} data-testid="source-row">
                    <td>{s.name}</td>
                    <td>{t(`analytics.admin.kinds.${s.kind}`)}</td>
                    <td className="analytics-secret">{s.kind === 'frigate' ? `${s.brokerUrl ?? ''} · ${s.topicPrefix}/events` : s.webhookPath}</td>
                    <td>{s.isActive ? t('analytics.admin.active') : t('analytics.admin.inactive')}</td>
                    <td>
                      <button type="button" onClick={() => setMapping(s)}>
                        {t('analytics.admin.map')}
                      </button>{' '}
                      <button type="button" onClick={() => toggle(s)}>
                        {s.isActive ? t('analytics.admin.deactivate') : t('analytics.admin.activate')}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {secret && (
          <p className="analytics-secret" data-testid="source-secret">
            {t('analytics.admin.secretOnce', { secret })}
          </p>
        )}
        <form className="analytics-form" onSubmit={addSource} data-testid="source-form">
          <label>
            {t('analytics.admin.kind')}
            <select name="kind" defaultValue="frigate">
              <option value="frigate">{t('analytics.admin.kinds.frigate')}</option>
              <option value="webhook">{t('analytics.admin.kinds.webhook')}</option>
            </select>
          </label>
          <label>
            {t('analytics.admin.name')} <input name="name" required minLength={2} />
          </label>
          <label>
            {t('analytics.admin.brokerUrl')} <input name="brokerUrl" placeholder="mqtt://…:1883" />
          </label>
          <label>
            {t('analytics.admin.topicPrefix')} <input name="topicPrefix" placeholder="frigate" />
          </label>
          <label>
            {t('analytics.admin.apiUrl')} <input name="apiUrl" placeholder="http://…:5000" />
          </label>
          <button type="submit">{t('analytics.admin.addSource')}</button>
        </form>
      </section>

      {mapping && <MappingEditor key={mapping.id} tenant={tenant} source={mapping} cameras={cameras} onClose={() => setMapping(null)} />}

      <section>
        <h2>{t('analytics.admin.rules')}</h2>
        {rules.length === 0 && <p className="muted">{t('analytics.admin.noRules')}</p>}
        {rules.length > 0 && (
          <div className="table-scroll">
            <table data-testid="rule-table">
              <thead>
                <tr>
                  <th>{t('analytics.admin.name')}</th>
                  <th>{t('analytics.admin.label')}</th>
                  <th>{t('analytics.admin.zone')}</th>
                  <th>{t('analytics.admin.kendaliCamera')}</th>
                  <th>{t('analytics.admin.minScore')}</th>
                  <th>{t('analytics.admin.hours')}</th>
                  <th>{t('analytics.admin.action')}</th>
                  <th>{t('analytics.admin.severity')}</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {rules.map((r) => {
                  const type = types.find((x) => x.code === r.incidentType)
                  return (
                    <tr key={r.id} data-testid="rule-row">
                      <td>{r.name}</td>
                      <td>{labelWord(r.label)}</td>
                      <td>{r.zone ?? t('analytics.admin.anyZone')}</td>
                      <td>{cameraName(r.cameraId)}</td>
                      <td>{Math.round(r.minScore * 100)}%</td>
                      <td>{r.from && r.to ? `${r.from}–${r.to}` : t('analytics.admin.allDay')}</td>
                      <td>
                        {t(`analytics.admin.actions.${r.action}`)}
                        {type && `: ${en ? type.label.en : type.label.id}`}
                      </td>
                      <td>{t(`sensors.severity.${r.severity}`)}</td>
                      <td>
                        <button type="button" onClick={() => removeRule(r)}>
                          {t('analytics.admin.deleteRule')}
                        </button>
                      </td>
                    </tr>
                  )
                })}
              </tbody>
            </table>
          </div>
        )}
        <form className="analytics-form" onSubmit={addRule} data-testid="rule-form">
          <label>
            {t('analytics.admin.name')} <input name="name" required minLength={2} />
          </label>
          <label>
            {t('analytics.admin.label')}
            <select name="label" defaultValue="person">
              {LABELS.map((l) => (
                <option key={l} value={l}>
                  {labelWord(l)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('analytics.admin.zone')} <input name="zone" placeholder={t('analytics.admin.anyZone')} />
          </label>
          <label>
            {t('analytics.admin.kendaliCamera')}
            <select name="cameraId" defaultValue="">
              <option value="">{t('analytics.admin.anyCamera')}</option>
              {cameras.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('analytics.admin.minScore')} (%) <input name="minScore" type="number" min={0} max={100} defaultValue={60} />
          </label>
          <label>
            {t('analytics.admin.from')} <input name="from" type="time" />
          </label>
          <label>
            {t('analytics.admin.to')} <input name="to" type="time" />
          </label>
          <label>
            {t('analytics.admin.action')}
            <select name="action" defaultValue="alarm">
              <option value="alarm">{t('analytics.admin.actions.alarm')}</option>
              <option value="incident">{t('analytics.admin.actions.incident')}</option>
            </select>
          </label>
          <label>
            {t('analytics.admin.severity')}
            <select name="severity" defaultValue="waspada">
              {SEVERITIES.map((s) => (
                <option key={s} value={s}>
                  {t(`sensors.severity.${s}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('analytics.admin.incidentType')}
            <select name="incidentType" defaultValue="">
              <option value="">—</option>
              {types.map((x) => (
                <option key={x.code} value={x.code}>
                  {en ? x.label.en : x.label.id}
                </option>
              ))}
            </select>
          </label>
          <p className="muted wide">{t('analytics.admin.hoursHint')}</p>
          <button type="submit">{t('analytics.admin.addRule')}</button>
        </form>
      </section>
    </div>
  )
}

function MappingEditor({ tenant, source, cameras, onClose }: { tenant: Tenant; source: Source; cameras: Camera[]; onClose: () => void }) {
  const { t } = useTranslation()
  const [rows, setRows] = useState<CameraMapping[]>([])
  const [note, setNote] = useState('')
  useEffect(() => {
    fetchMappings(tenant.code, source.id).then(
      (p) => setRows(p.items),
      (err: unknown) => setNote(String(err)),
    )
  }, [tenant.code, source.id])
  const change = (i: number, patch: Partial<CameraMapping>) => setRows((all) => all.map((r, j) => (j === i ? { ...r, ...patch } : r)))
  const save = async () => {
    try {
      setRows((await saveMappings(tenant.code, source.id, rows)).items)
      setNote(t('analytics.admin.saved'))
    } catch (err) {
      setNote(String(err))
    }
  }
  return (
    <section data-testid="mapping-editor">
      <h2>{t('analytics.admin.mappingTitle', { name: source.name })}</h2>
      {rows.map((r, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place and have no id of their own
        <div className="mapping-row" key={i} data-testid="mapping-row">
          <label>
            {t('analytics.admin.externalCamera')} <input value={r.camera} onChange={(e) => change(i, { camera: e.target.value })} required />
          </label>
          <label>
            {t('analytics.admin.zone')}
            <input value={r.zone ?? ''} placeholder={t('analytics.admin.wholeCamera')} onChange={(e) => change(i, { zone: e.target.value || null })} />
          </label>
          <label>
            {t('analytics.admin.kendaliCamera')}
            <select value={r.cameraId} onChange={(e) => change(i, { cameraId: e.target.value })}>
              {cameras.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('analytics.admin.zoneLabel')} <input value={r.zoneLabel ?? ''} onChange={(e) => change(i, { zoneLabel: e.target.value || null })} />
          </label>
          <button type="button" onClick={() => setRows((all) => all.filter((_, j) => j !== i))}>
            {t('analytics.admin.remove')}
          </button>
        </div>
      ))}
      <button
        type="button"
        disabled={cameras.length === 0}
        onClick={() => setRows((all) => [...all, { camera: '', zone: null, cameraId: cameras[0]?.id ?? '', zoneLabel: null }])}
      >
        {t('analytics.admin.addRow')}
      </button>{' '}
      <button type="button" onClick={save}>
        {t('analytics.admin.save')}
      </button>{' '}
      <button type="button" onClick={onClose}>
        {t('analytics.admin.cancel')}
      </button>
      {note && <p className="muted">{note}</p>}
    </section>
  )
}
