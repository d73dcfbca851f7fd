import { type FormEvent, useCallback, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { api, type Tenant } from '../../app/api.ts'
import { useLiveEvents } from '../../app/liveEvents.tsx'
import { StaffFrame } from '../../app/StaffFrame.tsx'
import { formatTime } from '../../app/time.ts'
import { ASSET_KINDS, type AssetFeature, type AssetKind } from './api.ts'
import { ProblemLine, useProblem } from './Problem.tsx'
import { SaveButtons } from './SaveButtons.tsx'

type Status = AssetFeature['properties']['status']
const STATUSES: Status[] = ['unknown', 'up', 'down']

interface Draft {
  kind: AssetKind
  name: string
  category: string
  provider: string
  address: string
  lat: string
  lon: string
  status: Status
  probeUrl: string
}

const EMPTY: Draft = { kind: 'wifi', name: '', category: '', provider: '', address: '', lat: '', lon: '', status: 'unknown', probeUrl: '' }

const draftOf = (f: AssetFeature): Draft => ({
  kind: f.properties.kind,
  name: f.properties.name,
  category: f.properties.category ?? '',
  provider: f.properties.provider ?? '',
  address: f.properties.address ?? '',
  lon: String(f.geometry.coordinates[0]),
  lat: String(f.geometry.coordinates[1]),
  status: f.properties.status,
  probeUrl: f.properties.probeUrl ?? '',
})

/** Staff page of the public assets: add, edit, archive; a hotspot's status by hand or from its probe URL. */
export function AssetsAdmin() {
  const { t } = useTranslation()
  return <StaffFrame title={t('datahub.assets.adminTitle')}>{({ tenant }) => <Assets tenant={tenant} />}</StaffFrame>
}

function Assets({ tenant }: { tenant: Tenant }) {
  const { t, i18n } = useTranslation()
  const [kind, setKind] = useState<AssetKind>('wifi')
  const [features, setFeatures] = useState<AssetFeature[]>([])
  const [editing, setEditing] = useState<string | null>(null)
  const [draft, setDraft] = useState<Draft>(EMPTY)
  const base = `/api/t/${tenant.code}/assets`

  const { problem, fail, clear } = useProblem()
  const load = useCallback(() => {
    api<{ features: AssetFeature[] }>(`${base}?kind=${kind}`).then((c) => setFeatures(c.features), fail)
  }, [base, kind, fail])
  useEffect(load, [load])
  useLiveEvents(['datahub'], (event) => {
    if (event.type.startsWith('asset.')) load()
  })

  const edit = (id: string) =>
    api<AssetFeature>(`${base}/${id}`).then((f) => {
      setEditing(id)
      setDraft(draftOf(f))
    }, fail)
  const reset = () => {
    setEditing(null)
    setDraft({ ...EMPTY, kind })
  }
  const submit = (e: FormEvent) => {
    e.preventDefault()
    clear()
    const body = {
      kind: draft.kind,
      name: draft.name,
      category: draft.category || null,
      provider: draft.provider || null,
      address: draft.address || null,
      status: draft.status,
      probeUrl: draft.probeUrl || null,
      location: { type: 'Point', coordinates: [Number(draft.lon), Number(draft.lat)] },
    }
    api(editing ? `${base}/${editing}` : base, { method: editing ? 'PATCH' : 'POST', body }).then(() => {
      reset()
      load()
    }, fail)
  }
  const archive = (f: AssetFeature) => {
    if (!window.confirm(t('datahub.assets.archiveConfirm', { name: f.properties.name }))) return
    api(`${base}/${f.id}`, { method: 'DELETE' }).then(() => {
      if (editing === f.id) reset()
      load()
    }, fail)
  }
  const field = (name: keyof Draft) => ({
    name,
    value: draft[name],
    onChange: (e: { target: { value: string } }) => setDraft({ ...draft, [name]: e.target.value }),
  })

  return (
    <div className="datahub-page datahub-apps">
      <ProblemLine problem={problem} />
      <div className="datahub-filters">
        <select name="kind-filter" value={kind} onChange={(e) => setKind(e.target.value as AssetKind)} aria-label={t('datahub.assets.kind')}>
          {ASSET_KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`datahub.assets.${k}`)}
            </option>
          ))}
        </select>
        <span className="muted">{t('datahub.assets.count', { count: features.length })}</span>
      </div>
      <div className="datahub-table">
        <table data-testid="assets-table">
          <thead>
            <tr>
              <th>{t('datahub.assets.name')}</th>
              <th>{t('datahub.assets.category')}</th>
              <th>{t('datahub.assets.provider')}</th>
              <th>{t('datahub.apps.health')}</th>
              <th>{t('datahub.assets.updatedAt')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {features.map((f) => (
              <tr key={f.id} data-testid="asset-row">
                <td>{f.properties.name}</td>
                <td>{f.properties.category ?? '—'}</td>
                <td>{f.properties.provider ?? '—'}</td>
                <td>
                  <span className={`badge app-${f.properties.status}`}>{t(`datahub.apps.status.${f.properties.status}`)}</span>
                </td>
                <td>{formatTime(f.properties.updatedAt, tenant.timezone, i18n.language)}</td>
                <td>
                  <button type="button" onClick={() => edit(f.id)}>
                    {t('datahub.assets.edit')}
                  </button>
                  <button type="button" onClick={() => archive(f)}>
                    {t('datahub.apps.archive')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <form className="datahub-form" onSubmit={submit} data-testid="asset-form">
        <h2>{editing ? t('datahub.assets.editTitle', { name: draft.name }) : t('datahub.assets.add')}</h2>
        <label>
          {t('datahub.assets.kind')}
          <select {...field('kind')}>
            {ASSET_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`datahub.assets.${k}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('datahub.assets.name')}
          <input {...field('name')} required minLength={2} maxLength={200} />
        </label>
        <label>
          {t('datahub.assets.category')}
          <input {...field('category')} maxLength={100} />
        </label>
        <label>
          {t('datahub.assets.provider')}
          <input {...field('provider')} maxLength={100} />
        </label>
        <label>
          {t('datahub.assets.address')}
          <input {...field('address')} maxLength={300} />
        </label>
        <div className="datahub-pair">
          <label>
            {t('datahub.assets.lat')}
            <input {...field('lat')} type="number" step="any" min={-90} max={90} required />
          </label>
          <label>
            {t('datahub.assets.lon')}
            <input {...field('lon')} type="number" step="any" min={-180} max={180} required />
          </label>
        </div>
        <label>
          {t('datahub.apps.health')}
          <select {...field('status')}>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`datahub.apps.status.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('datahub.assets.probeUrl')}
          <input {...field('probeUrl')} type="url" placeholder="https://…" />
          <small className="muted">{t('datahub.assets.probeHint')}</small>
        </label>
        <SaveButtons editing={editing !== null} onCancel={reset} />
      </form>
    </div>
  )
}
