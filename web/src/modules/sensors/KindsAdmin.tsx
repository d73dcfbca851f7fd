import { type FormEvent, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { Tenant } from '../../app/api.ts'
import { StaffFrame } from '../../app/StaffFrame.tsx'
import { type DeviceKind, type KindInput, type KindMetric, type KindRule, labelIn, metricLabel, SEVERITY_COLORS, saveKind } from './api.ts'
import { KIND_ICON_NAMES, KindIcon } from './kindIcons.tsx'
import { useKinds } from './useKinds.ts'

const LEVELS = ['waspada', 'siaga', 'awas', 'info'] as const
const COMPARISONS = ['>=', '>', '<=', '<'] as const
const ACTIONS = ['alarm', 'incident', 'alert_draft'] as const

/** Admin page of device kinds: the built-in ones and the city's own, with metrics, ranges, default rules, icon, colour. */
export function KindsAdmin() {
  const { t } = useTranslation()
  return <StaffFrame title={t('sensors.admin.kindsTitle')}>{({ tenant }) => <Kinds tenant={tenant} />}</StaffFrame>
}

const blankMetric = (): KindMetric => ({ name: '', label: { id: '', en: '' }, unit: '', min: null, max: null })
const blankRule = (metric: string): KindRule => ({
  name: '',
  metric,
  comparison: '>=',
  threshold: 0,
  durationSeconds: 0,
  hysteresis: 0,
  severity: 'waspada',
  action: 'alarm',
})
const numberOrNull = (value: string) => (value.trim() === '' ? null : Number(value))

function Kinds({ tenant }: { tenant: Tenant }) {
  const { t, i18n } = useTranslation()
  const { kinds, reload } = useKinds(tenant.code)
  const [editing, setEditing] = useState<(KindInput & { code: string; isNew: boolean }) | null>(null)
  const [problem, setProblem] = useState('')

  const startNew = () =>
    setEditing({
      code: '',
      isNew: true,
      label: { id: '', en: '' },
      metrics: [blankMetric()],
      defaultRules: [],
      icon: 'sensor',
      color: '#22c55e',
      isActive: true,
    })
  const change = (patch: Partial<KindInput & { code: string }>) => editing && setEditing({ ...editing, ...patch })
  const changeMetric = (i: number, patch: Partial<KindMetric>) =>
    editing && change({ metrics: editing.metrics.map((m, j) => (j === i ? { ...m, ...patch } : m)) })
  const changeRule = (i: number, patch: Partial<KindRule>) =>
    editing && change({ defaultRules: editing.defaultRules.map((r, j) => (j === i ? { ...r, ...patch } : r)) })

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    if (!editing) return
    const { code, isNew: _isNew, ...input } = editing
    try {
      await saveKind(tenant.code, code, input)
      setEditing(null)
      setProblem('')
      reload()
    } catch (err) {
      setProblem(String(err))
    }
  }

  return (
    <div className="sensors-admin">
      {problem && <p className="problem">{problem}</p>}
      <button type="button" onClick={startNew} data-testid="kind-new">
        {t('sensors.admin.newKind')}
      </button>
      {editing && (
        <form className="sensors-form" onSubmit={submit} data-testid="kind-form" key={editing.isNew ? 'new' : editing.code}>
          {editing.isNew && (
            <label>
              {t('sensors.admin.kindCode')}
              <input
                name="code"
                required
                pattern="[a-z][a-z0-9_]{1,39}"
                title={t('sensors.admin.codeHint')}
                value={editing.code}
                onChange={(e) => change({ code: e.target.value })}
                placeholder="kebisingan"
              />
            </label>
          )}
          <label>
            {t('sensors.admin.labelId')}
            <input name="label_id" required value={editing.label.id} onChange={(e) => change({ label: { ...editing.label, id: e.target.value } })} />
          </label>
          <label>
            {t('sensors.admin.labelEn')}
            <input name="label_en" required value={editing.label.en} onChange={(e) => change({ label: { ...editing.label, en: e.target.value } })} />
          </label>
          <label>
            {t('sensors.admin.icon')}
            <span className="kind-icon-pick">
              <KindIcon icon={editing.icon} color={editing.color} />
              <select name="icon" value={editing.icon} onChange={(e) => change({ icon: e.target.value })}>
                {KIND_ICON_NAMES.map((icon) => (
                  <option key={icon} value={icon}>
                    {t(`sensors.admin.icons.${icon}`)}
                  </option>
                ))}
              </select>
            </span>
          </label>
          <label>
            {t('sensors.admin.color')}
            <input name="color" type="color" value={editing.color} onChange={(e) => change({ color: e.target.value })} />
          </label>
          <label className="inline">
            <input type="checkbox" checked={editing.isActive} onChange={(e) => change({ isActive: e.target.checked })} /> {t('sensors.admin.kindActive')}
          </label>
          {editing.metrics.map((m, i) => (
            <fieldset className="kind-metrics" key={`m${i.toString()}`} data-testid="kind-metric">
              <legend>{t('sensors.admin.metricN', { n: i + 1 })}</legend>
              <label>
                {t('sensors.admin.metricCode')}
                <input
                  required
                  pattern="[a-z][a-z0-9_]{0,39}"
                  value={m.name}
                  onChange={(e) => changeMetric(i, { name: e.target.value })}
                  placeholder="sound_level"
                />
              </label>
              <label>
                {t('sensors.admin.labelId')}
                <input required value={m.label.id} onChange={(e) => changeMetric(i, { label: { ...m.label, id: e.target.value } })} />
              </label>
              <label>
                {t('sensors.admin.labelEn')}
                <input required value={m.label.en} onChange={(e) => changeMetric(i, { label: { ...m.label, en: e.target.value } })} />
              </label>
              <label>
                {t('sensors.admin.unit')}
                <input required maxLength={20} value={m.unit} onChange={(e) => changeMetric(i, { unit: e.target.value })} placeholder="dB" />
              </label>
              <label>
                {t('sensors.admin.min')}
                <input type="number" step="any" value={m.min ?? ''} onChange={(e) => changeMetric(i, { min: numberOrNull(e.target.value) })} />
              </label>
              <label>
                {t('sensors.admin.max')}
                <input type="number" step="any" value={m.max ?? ''} onChange={(e) => changeMetric(i, { max: numberOrNull(e.target.value) })} />
              </label>
              {editing.metrics.length > 1 && (
                <button type="button" onClick={() => change({ metrics: editing.metrics.filter((_, j) => j !== i) })}>
                  {t('sensors.admin.remove')}
                </button>
              )}
            </fieldset>
          ))}
          <div>
            <button type="button" onClick={() => change({ metrics: [...editing.metrics, blankMetric()] })}>
              {t('sensors.admin.addMetric')}
            </button>
          </div>
          {editing.defaultRules.map((r, i) => (
            <fieldset className="kind-metrics" key={`r${i.toString()}`} data-testid="kind-rule">
              <legend>{t('sensors.admin.defaultRuleN', { n: i + 1 })}</legend>
              <label>
                {t('sensors.admin.name')}
                <input required minLength={2} value={r.name} onChange={(e) => changeRule(i, { name: e.target.value })} />
              </label>
              <label>
                {t('sensors.admin.metric')}
                <select value={r.metric} onChange={(e) => changeRule(i, { metric: e.target.value })}>
                  {editing.metrics.map((m) => (
                    <option key={m.name} value={m.name}>
                      {labelIn(m.label, i18n.language) || m.name}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                {t('sensors.admin.comparison')}
                <select value={r.comparison} onChange={(e) => changeRule(i, { comparison: e.target.value })}>
                  {COMPARISONS.map((c) => (
                    <option key={c}>{c}</option>
                  ))}
                </select>
              </label>
              <label>
                {t('sensors.admin.threshold')}
                <input type="number" step="any" required value={r.threshold} onChange={(e) => changeRule(i, { threshold: Number(e.target.value) })} />
              </label>
              <label>
                {t('sensors.admin.duration')}
                <input
                  type="number"
                  min={0}
                  max={86400}
                  value={r.durationSeconds}
                  onChange={(e) => changeRule(i, { durationSeconds: Number(e.target.value) })}
                />
              </label>
              <label>
                {t('sensors.admin.hysteresis')}
                <input type="number" min={0} step="any" value={r.hysteresis} onChange={(e) => changeRule(i, { hysteresis: Number(e.target.value) })} />
              </label>
              <label>
                {t('sensors.admin.level')}
                <select value={r.severity} onChange={(e) => changeRule(i, { severity: e.target.value })}>
                  {LEVELS.map((s) => (
                    <option key={s} value={s}>
                      {t(`sensors.severity.${s}`)}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                {t('sensors.admin.action')}
                <select value={r.action} onChange={(e) => changeRule(i, { action: e.target.value })}>
                  {ACTIONS.map((a) => (
                    <option key={a} value={a}>
                      {t(`sensors.admin.actions.${a}`)}
                    </option>
                  ))}
                </select>
              </label>
              <button type="button" onClick={() => change({ defaultRules: editing.defaultRules.filter((_, j) => j !== i) })}>
                {t('sensors.admin.remove')}
              </button>
            </fieldset>
          ))}
          <div>
            <button type="button" onClick={() => change({ defaultRules: [...editing.defaultRules, blankRule(editing.metrics[0]?.name ?? '')] })}>
              {t('sensors.admin.addRule')}
            </button>
          </div>
          <p className="muted kind-note">{t('sensors.admin.defaultRulesNote')}</p>
          <div>
            <button type="submit">{t('sensors.admin.save')}</button>{' '}
            <button type="button" onClick={() => setEditing(null)}>
              {t('sensors.admin.cancel')}
            </button>
          </div>
        </form>
      )}
      <table className="sensors-admin-table" data-testid="kind-table">
        <thead>
          <tr>
            <th>{t('sensors.admin.kind')}</th>
            <th>{t('sensors.admin.metricsRanges')}</th>
            <th>{t('sensors.admin.defaultRules')}</th>
            <th>{t('sensors.admin.status')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {kinds.map((k: DeviceKind) => (
            <tr key={k.code} data-testid="kind-row">
              <td>
                <span className="kind-name">
                  <KindIcon icon={k.icon} color={k.color} />
                  {labelIn(k.label, i18n.language)}
                </span>
              </td>
              <td>
                {k.metrics.map((m) => (
                  <div key={m.name}>
                    {labelIn(m.label, i18n.language)} ({m.unit}){' '}
                    <small className="muted">
                      {m.min ?? '…'} – {m.max ?? '…'}
                    </small>
                  </div>
                ))}
              </td>
              <td>
                {k.defaultRules.map((r) => (
                  <div key={r.name}>
                    <span className="severity" style={{ background: SEVERITY_COLORS[r.severity] }}>
                      {t(`sensors.severity.${r.severity}`)}
                    </span>{' '}
                    {metricLabel(k, r.metric, i18n.language)} {r.comparison} {r.threshold}
                  </div>
                ))}
                {k.defaultRules.length === 0 && '—'}
              </td>
              <td>{k.isActive ? t('sensors.admin.inUse') : t('sensors.admin.retired')}</td>
              <td className="actions">
                <button type="button" onClick={() => setEditing({ ...k, isNew: false })}>
                  {t('sensors.admin.edit')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
