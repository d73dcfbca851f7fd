import { useCallback, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { Tenant } from '../../app/api.ts'
import { problemText } from '../../app/problem.ts'
import { StaffFrame } from '../../app/StaffFrame.tsx'
import { type Agency, addType, changeType, type FindingType, type FollowUpSettings, fetchAgencies, fetchAllTypes, fetchSettings, putSettings } from './api.ts'

const KINDS = ['asn', 'city', 'other'] as const
type Kind = (typeof KINDS)[number]
/** Where a city finding goes: a report of a category or an incident of a type. */
type Target = 'report' | 'incident'

function TypeRow({ tenant, type, onSaved }: { tenant: Tenant; type: FindingType; onSaved: (problem: string | null) => void }) {
  const { t } = useTranslation()
  const [labelId, setLabelId] = useState(type.label.id)
  const [labelEn, setLabelEn] = useState(type.label.en)
  const [kind, setKind] = useState<Kind>(type.kind)
  const [target, setTarget] = useState<Target>(type.incidentType ? 'incident' : 'report')
  const [to, setTo] = useState(type.incidentType ?? type.reportCategory ?? '')
  async function save(body: Record<string, unknown>) {
    try {
      await changeType(tenant.code, type.code, body)
      onSaved(null)
    } catch (err) {
      onSaved(problemText(err))
    }
  }
  const handOff = kind === 'city' ? (target === 'report' ? { reportCategory: to, incidentType: null } : { incidentType: to, reportCategory: null }) : {}
  return (
    <tr className={type.retired ? 'retired' : ''} data-testid={`type-${type.code}`}>
      <td>
        <code>{type.code}</code>
      </td>
      <td>
        <input value={labelId} onChange={(e) => setLabelId(e.target.value)} aria-label={t('patrols.catalogue.labelId')} />
        <input value={labelEn} onChange={(e) => setLabelEn(e.target.value)} aria-label={t('patrols.catalogue.labelEn')} />
      </td>
      <td>
        <select value={kind} onChange={(e) => setKind(e.target.value as Kind)} aria-label={t('patrols.catalogue.kind')}>
          {KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`patrols.catalogue.kinds.${k}`)}
            </option>
          ))}
        </select>
      </td>
      <td>
        {kind === 'city' && (
          <>
            <select value={target} onChange={(e) => setTarget(e.target.value as Target)} aria-label={t('patrols.catalogue.target')}>
              <option value="report">{t('patrols.catalogue.report')}</option>
              <option value="incident">{t('patrols.catalogue.incident')}</option>
            </select>
            <input value={to} onChange={(e) => setTo(e.target.value)} aria-label={t('patrols.catalogue.to')} />
          </>
        )}
      </td>
      <td>
        <button type="button" onClick={() => save({ label: { id: labelId, en: labelEn }, kind, ...handOff })}>
          {t('patrols.catalogue.save')}
        </button>{' '}
        <button type="button" onClick={() => save({ retired: !type.retired })}>
          {type.retired ? t('patrols.catalogue.restore') : t('patrols.catalogue.retire')}
        </button>
      </td>
    </tr>
  )
}

function Catalogue({ tenant }: { tenant: Tenant }) {
  const { t } = useTranslation()
  const [types, setTypes] = useState<FindingType[]>([])
  const [settings, setSettings] = useState<FollowUpSettings | null>(null)
  const [agencies, setAgencies] = useState<Agency[]>([])
  const [steps, setSteps] = useState('')
  const [problem, setProblem] = useState<string | null>(null)
  const [saved, setSaved] = useState(false)
  const [draft, setDraft] = useState({ code: '', labelId: '', labelEn: '', kind: 'other' as Kind, target: 'report' as Target, to: '' })
  const load = useCallback(() => {
    fetchAllTypes(tenant.code).then(
      (r) => setTypes(r.items),
      () => setTypes([]),
    )
    fetchSettings(tenant.code).then(
      (r) => {
        setSettings(r)
        setSteps(r.escalationDays.join(', '))
      },
      () => setSettings(null),
    )
    fetchAgencies(tenant.code).then(
      (r) => setAgencies(r.items),
      () => setAgencies([]),
    )
  }, [tenant.code])
  useEffect(load, [load])
  const after = (message: string | null) => {
    setProblem(message)
    setSaved(message === null)
    load()
  }
  async function add(e: React.FormEvent) {
    e.preventDefault()
    const handOff = draft.kind === 'city' ? (draft.target === 'report' ? { reportCategory: draft.to } : { incidentType: draft.to }) : {}
    try {
      await addType(tenant.code, { code: draft.code, label: { id: draft.labelId, en: draft.labelEn }, kind: draft.kind, ...handOff })
      setDraft({ code: '', labelId: '', labelEn: '', kind: 'other', target: 'report', to: '' })
      after(null)
    } catch (err) {
      after(problemText(err))
    }
  }
  async function saveSettings(e: React.FormEvent) {
    e.preventDefault()
    if (!settings) return
    try {
      const escalationDays = steps
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean)
        .map(Number)
      await putSettings(tenant.code, { followUpDays: settings.followUpDays, escalationDays, inspectorateAgencyId: settings.inspectorateAgencyId })
      after(null)
    } catch (err) {
      after(problemText(err))
    }
  }
  return (
    <main className="patrol-findings" data-testid="catalogue-page">
      {problem && (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
      {saved && !problem && <p className="saved">{t('patrols.catalogue.saved')}</p>}
      <section>
        <h2>{t('patrols.catalogue.types')}</h2>
        <table className="followups" data-testid="types">
          <thead>
            <tr>
              <th>{t('patrols.catalogue.code')}</th>
              <th>{t('patrols.catalogue.label')}</th>
              <th>{t('patrols.catalogue.kind')}</th>
              <th>{t('patrols.catalogue.handOff')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {types.map((type) => (
              <TypeRow key={`${type.code}-${type.label.id}-${type.kind}-${type.retired}`} tenant={tenant} type={type} onSaved={after} />
            ))}
          </tbody>
        </table>
        <form className="plan-form" onSubmit={add} data-testid="add-type">
          <h3>{t('patrols.catalogue.add')}</h3>
          <input placeholder={t('patrols.catalogue.code')} value={draft.code} onChange={(e) => setDraft({ ...draft, code: e.target.value })} required />
          <input
            placeholder={t('patrols.catalogue.labelId')}
            value={draft.labelId}
            onChange={(e) => setDraft({ ...draft, labelId: e.target.value })}
            required
          />
          <input
            placeholder={t('patrols.catalogue.labelEn')}
            value={draft.labelEn}
            onChange={(e) => setDraft({ ...draft, labelEn: e.target.value })}
            required
          />
          <select value={draft.kind} onChange={(e) => setDraft({ ...draft, kind: e.target.value as Kind })} aria-label={t('patrols.catalogue.kind')}>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`patrols.catalogue.kinds.${k}`)}
              </option>
            ))}
          </select>
          {draft.kind === 'city' && (
            <>
              <select
                value={draft.target}
                onChange={(e) => setDraft({ ...draft, target: e.target.value as Target })}
                aria-label={t('patrols.catalogue.target')}
              >
                <option value="report">{t('patrols.catalogue.report')}</option>
                <option value="incident">{t('patrols.catalogue.incident')}</option>
              </select>
              <input placeholder={t('patrols.catalogue.to')} value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} required />
            </>
          )}
          <button type="submit">{t('patrols.catalogue.add')}</button>
        </form>
      </section>
      {settings && (
        <section>
          <h2>{t('patrols.catalogue.followUp')}</h2>
          <form className="plan-form" onSubmit={saveSettings} data-testid="settings">
            <label>
              {t('patrols.catalogue.followUpDays')}
              <input
                type="number"
                min={1}
                max={60}
                value={settings.followUpDays}
                onChange={(e) => setSettings({ ...settings, followUpDays: Number(e.target.value) })}
              />
            </label>
            <label>
              {t('patrols.catalogue.escalationDays')}
              <input value={steps} onChange={(e) => setSteps(e.target.value)} />
            </label>
            <p className="hint">{t('patrols.catalogue.escalationHint')}</p>
            <label>
              {t('patrols.catalogue.inspectorate')}
              <select value={settings.inspectorateAgencyId ?? ''} onChange={(e) => setSettings({ ...settings, inspectorateAgencyId: e.target.value || null })}>
                <option value="">{t('patrols.catalogue.noInspectorate')}</option>
                {agencies.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.name}
                  </option>
                ))}
              </select>
            </label>
            <p className="hint">{t('patrols.catalogue.inspectorateHint')}</p>
            <button type="submit">{t('patrols.catalogue.save')}</button>
          </form>
        </section>
      )}
    </main>
  )
}

/** Admins keep the tenant's finding types (where each goes) and the follow-up deadlines and escalation steps. */
export function CataloguePage() {
  const { t } = useTranslation()
  return <StaffFrame title={t('patrols.catalogue.title')}>{({ tenant }) => <Catalogue tenant={tenant} />}</StaffFrame>
}
