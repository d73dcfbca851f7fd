import { type FormEvent, useCallback, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router-dom'
import type { Tenant } from '../../app/api.ts'
import { useLiveEvents } from '../../app/liveEvents.tsx'
import { StaffFrame } from '../../app/StaffFrame.tsx'
import { formatTime } from '../../app/time.ts'
import {
  archiveDevice,
  type Device,
  deleteRule,
  fetchDevices,
  fetchRules,
  labelIn,
  metricLabel,
  type Rule,
  type RuleInput,
  registerDevice,
  rotateToken,
  SEVERITY_COLORS,
  saveRule,
  updateDevice,
} from './api.ts'
import { KindIcon } from './kindIcons.tsx'
import { useKinds } from './useKinds.ts'

const LEVELS = ['waspada', 'siaga', 'awas', 'info'] as const
const COMPARISONS = ['>=', '>', '<=', '<'] as const
const ACTIONS = ['alarm', 'incident', 'alert_draft'] as const

/** Admin page of devices: status and last reading, register (token shown once), rotate token, edit, archive. */
export function DevicesAdmin() {
  const { t } = useTranslation()
  return <StaffFrame title={t('sensors.admin.devices')}>{({ tenant }) => <Devices tenant={tenant} />}</StaffFrame>
}

/** Admin page of threshold rules per device kind or device, at the Waspada / Siaga / Awas levels. */
export function RulesAdmin() {
  const { t } = useTranslation()
  return <StaffFrame title={t('sensors.admin.rules')}>{({ tenant }) => <Rules tenant={tenant} />}</StaffFrame>
}

function useDevices(tenant: string) {
  const [devices, setDevices] = useState<Device[]>([])
  const load = useCallback(() => {
    fetchDevices(tenant).then(
      (page) => setDevices(page.items),
      () => undefined,
    )
  }, [tenant])
  useEffect(load, [load])
  useLiveEvents(['sensors'], load)
  return { devices, load }
}

function Devices({ tenant }: { tenant: Tenant }) {
  const { t, i18n } = useTranslation()
  const { devices, load } = useDevices(tenant.code)
  const { kinds, byCode } = useKinds(tenant.code)
  const [token, setToken] = useState<{ name: string; id: string; token: string } | null>(null)
  const [editing, setEditing] = useState<Device | 'new' | null>(null)
  const [problem, setProblem] = useState('')
  const run = (work: Promise<unknown>) => work.then(load, (err: unknown) => setProblem(String(err)))

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const form = new FormData(event.currentTarget)
    const text = (name: string) => String(form.get(name) ?? '').trim()
    const location = { type: 'Point' as const, coordinates: [Number(text('lon')), Number(text('lat'))] as [number, number] }
    const common = { name: text('name'), location, intervalSeconds: Number(text('interval')) }
    try {
      if (editing === 'new') {
        // Empty: the kind's metrics.
        const metrics = text('metrics')
          ? text('metrics')
              .split(',')
              .map((m) => m.trim().split(':'))
              .map(([name, unit]) => ({ name: name.trim(), unit: (unit ?? '').trim() }))
          : undefined
        const created = await registerDevice(tenant.code, { ...common, kind: text('kind'), metrics })
        setToken({ name: created.name, id: created.id, token: created.token })
      } else if (editing) await updateDevice(tenant.code, editing.id, common)
      setEditing(null)
      setProblem('')
      load()
    } catch (err) {
      setProblem(String(err))
    }
  }
  const rotate = async (device: Device) => {
    if (!window.confirm(t('sensors.admin.confirmRotate', { name: device.name }))) return
    await rotateToken(tenant.code, device.id).then(
      (d) => setToken({ name: d.name, id: d.id, token: d.token }),
      (err: unknown) => setProblem(String(err)),
    )
  }
  const b = tenant.bbox
  const place = editing && editing !== 'new' ? editing.location.coordinates : b ? [(b[0] + b[2]) / 2, (b[1] + b[3]) / 2] : ['', '']

  return (
    <div className="sensors-admin">
      {problem && <p className="problem">{problem}</p>}
      {token && (
        <div className="token-once" data-testid="device-token">
          <p>{t('sensors.admin.tokenOnce', { name: token.name, id: token.id })}</p>
          <code>{token.token}</code>
          <button type="button" onClick={() => setToken(null)}>
            {t('sensors.admin.tokenSaved')}
          </button>
        </div>
      )}
      <button type="button" onClick={() => setEditing('new')} data-testid="device-new">
        {t('sensors.admin.register')}
      </button>
      {editing && (
        <form className="sensors-form" onSubmit={submit} data-testid="device-form" key={editing === 'new' ? 'new' : editing.id}>
          <label>
            {t('sensors.admin.name')} <input name="name" required minLength={2} defaultValue={editing === 'new' ? '' : editing.name} />
          </label>
          {editing === 'new' && (
            <>
              <label>
                {t('sensors.admin.kind')}
                <select name="kind">
                  {kinds
                    .filter((k) => k.isActive)
                    .map((k) => (
                      <option key={k.code} value={k.code}>
                        {labelIn(k.label, i18n.language)}
                      </option>
                    ))}
                </select>
              </label>
              <label>
                {t('sensors.admin.metrics')} <input name="metrics" placeholder={t('sensors.admin.metricsDefault')} />
              </label>
            </>
          )}
          <label>
            {t('sensors.admin.lon')} <input name="lon" required inputMode="decimal" defaultValue={place[0]} />
          </label>
          <label>
            {t('sensors.admin.lat')} <input name="lat" required inputMode="decimal" defaultValue={place[1]} />
          </label>
          <label>
            {t('sensors.admin.interval')}{' '}
            <input name="interval" type="number" min={10} max={86400} required defaultValue={editing === 'new' ? 300 : editing.intervalSeconds} />
          </label>
          <div>
            <button type="submit">{t('sensors.admin.save')}</button>{' '}
            <button type="button" onClick={() => setEditing(null)}>
              {t('sensors.admin.cancel')}
            </button>
          </div>
        </form>
      )}
      <table className="sensors-admin-table" data-testid="device-table">
        <thead>
          <tr>
            <th>{t('sensors.admin.name')}</th>
            <th>{t('sensors.admin.kind')}</th>
            <th>{t('sensors.admin.status')}</th>
            <th>{t('sensors.admin.latest')}</th>
            <th>{t('sensors.admin.lastSeen')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {devices.map((d) => (
            <tr key={d.id} data-testid="device-row">
              <td>
                <Link to={`/t/${tenant.code}/devices/${encodeURIComponent(d.id)}`}>{d.name}</Link>
                <br />
                <small className="muted">{d.id}</small>
              </td>
              <td>
                {byCode.get(d.kind) && (
                  <span className="kind-name">
                    <KindIcon icon={byCode.get(d.kind)?.icon ?? 'sensor'} color={byCode.get(d.kind)?.color ?? '#6b7280'} size={18} />
                    {labelIn(byCode.get(d.kind)?.label ?? { id: d.kind, en: d.kind }, i18n.language)}
                  </span>
                )}
              </td>
              <td>
                <span className={`device-status ${d.status}`}>{t(`sensors.admin.statuses.${d.status}`)}</span>
              </td>
              <td>
                {d.metrics
                  .filter((m) => d.latest[m.name])
                  .map((m) => `${d.latest[m.name].value} ${m.unit}`)
                  .join(' · ') || '—'}
              </td>
              <td>{d.lastSeenAt ? formatTime(d.lastSeenAt, tenant.timezone, i18n.language) : '—'}</td>
              <td className="actions">
                <button type="button" onClick={() => setEditing(d)}>
                  {t('sensors.admin.edit')}
                </button>
                <button type="button" onClick={() => rotate(d)}>
                  {t('sensors.admin.rotate')}
                </button>
                <button
                  type="button"
                  onClick={() => window.confirm(t('sensors.admin.confirmArchive', { name: d.name })) && run(archiveDevice(tenant.code, d.id))}
                >
                  {t('sensors.admin.archive')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

function Rules({ tenant }: { tenant: Tenant }) {
  const { t, i18n } = useTranslation()
  const { devices } = useDevices(tenant.code)
  const { kinds, byCode } = useKinds(tenant.code)
  const kindName = (code: string) => labelIn(byCode.get(code)?.label ?? { id: code, en: code }, i18n.language)
  const [rules, setRules] = useState<Rule[]>([])
  const [editing, setEditing] = useState<Rule | 'new' | null>(null)
  const [problem, setProblem] = useState('')
  const load = useCallback(() => {
    fetchRules(tenant.code).then(
      (page) => setRules(page.items),
      (err: unknown) => setProblem(String(err)),
    )
  }, [tenant.code])
  useEffect(load, [load])
  const names = new Map(devices.map((d) => [d.id, d.name]))

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const form = new FormData(event.currentTarget)
    const text = (name: string) => String(form.get(name) ?? '').trim()
    const input: RuleInput = {
      name: text('name'),
      comparison: text('comparison'),
      threshold: Number(text('threshold')),
      durationSeconds: Number(text('duration')),
      hysteresis: Number(text('hysteresis')),
      severity: text('severity'),
      action: text('action'),
    }
    if (editing === 'new') {
      const target = text('target')
      input.metric = text('metric')
      if (target.startsWith('kind:')) input.deviceKind = target.slice(5)
      else input.deviceId = target.slice(7)
    }
    try {
      await saveRule(tenant.code, editing === 'new' || !editing ? null : editing.id, input)
      setEditing(null)
      setProblem('')
      load()
    } catch (err) {
      setProblem(String(err))
    }
  }
  const rule = editing === 'new' ? null : editing

  return (
    <div className="sensors-admin">
      {problem && <p className="problem">{problem}</p>}
      <button type="button" onClick={() => setEditing('new')} data-testid="rule-new">
        {t('sensors.admin.newRule')}
      </button>
      {editing && (
        <form className="sensors-form" onSubmit={submit} data-testid="rule-form" key={rule?.id ?? 'new'}>
          <label>
            {t('sensors.admin.name')} <input name="name" required minLength={2} defaultValue={rule?.name ?? ''} />
          </label>
          {editing === 'new' && (
            <>
              <label>
                {t('sensors.admin.watches')}
                <select name="target">
                  {kinds
                    .filter((k) => k.isActive)
                    .map((k) => (
                      <option key={k.code} value={`kind:${k.code}`}>
                        {t('sensors.admin.everyKind', { kind: labelIn(k.label, i18n.language) })}
                      </option>
                    ))}
                  {devices.map((d) => (
                    <option key={d.id} value={`device:${d.id}`}>
                      {d.name}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                {t('sensors.admin.metric')} <input name="metric" required placeholder="water_level" />
              </label>
            </>
          )}
          <label>
            {t('sensors.admin.comparison')}
            <select name="comparison" defaultValue={rule?.comparison ?? '>='}>
              {COMPARISONS.map((c) => (
                <option key={c}>{c}</option>
              ))}
            </select>
          </label>
          <label>
            {t('sensors.admin.threshold')} <input name="threshold" type="number" step="any" required defaultValue={rule?.threshold ?? ''} />
          </label>
          <label>
            {t('sensors.admin.duration')} <input name="duration" type="number" min={0} max={86400} defaultValue={rule?.durationSeconds ?? 0} />
          </label>
          <label>
            {t('sensors.admin.hysteresis')} <input name="hysteresis" type="number" min={0} step="any" defaultValue={rule?.hysteresis ?? 0} />
          </label>
          <label>
            {t('sensors.admin.level')}
            <select name="severity" defaultValue={rule?.severity ?? 'waspada'}>
              {LEVELS.map((s) => (
                <option key={s} value={s}>
                  {t(`sensors.severity.${s}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('sensors.admin.action')}
            <select name="action" defaultValue={rule?.action ?? 'alarm'}>
              {ACTIONS.map((a) => (
                <option key={a} value={a}>
                  {t(`sensors.admin.actions.${a}`)}
                </option>
              ))}
            </select>
          </label>
          <div>
            <button type="submit">{t('sensors.admin.save')}</button>{' '}
            <button type="button" onClick={() => setEditing(null)}>
              {t('sensors.admin.cancel')}
            </button>
          </div>
        </form>
      )}
      <table className="sensors-admin-table" data-testid="rule-table">
        <thead>
          <tr>
            <th>{t('sensors.admin.name')}</th>
            <th>{t('sensors.admin.watches')}</th>
            <th>{t('sensors.admin.condition')}</th>
            <th>{t('sensors.admin.level')}</th>
            <th>{t('sensors.admin.action')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {rules.map((r) => (
            <tr key={r.id} data-testid="rule-row">
              <td>{r.name}</td>
              <td>{r.deviceKind ? t('sensors.admin.everyKind', { kind: kindName(r.deviceKind) }) : (names.get(r.deviceId ?? '') ?? r.deviceId)}</td>
              <td>
                {metricLabel(byCode.get(r.deviceKind ?? devices.find((d) => d.id === r.deviceId)?.kind ?? ''), r.metric, i18n.language)} {r.comparison}{' '}
                {r.threshold}
                {r.durationSeconds > 0 && ` · ${t('sensors.admin.forSeconds', { n: r.durationSeconds })}`}
              </td>
              <td>
                <span className="severity" style={{ background: SEVERITY_COLORS[r.severity] }}>
                  {t(`sensors.severity.${r.severity}`)}
                </span>
              </td>
              <td>{t(`sensors.admin.actions.${r.action}`)}</td>
              <td className="actions">
                <button type="button" onClick={() => setEditing(r)}>
                  {t('sensors.admin.edit')}
                </button>
                <button
                  type="button"
                  onClick={() =>
                    window.confirm(t('sensors.admin.confirmDelete', { name: r.name })) &&
                    deleteRule(tenant.code, r.id).then(load, (err: unknown) => setProblem(String(err)))
                  }
                >
                  {t('sensors.admin.delete')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
