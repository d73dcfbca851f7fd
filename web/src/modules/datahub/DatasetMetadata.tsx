import { type FormEvent, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { api } from '../../app/api.ts'
import type { Agency, Dataset } from './api.ts'

// CKAN's licence ids (what package_show reports as license_id); Satu Data portals use the same.
const LICENSES = ['cc-by', 'cc-by-sa', 'cc-zero', 'cc-nc', 'odc-by', 'odc-odbl', 'odc-pddl', 'other-open', 'other-closed']
/** The free-text fields and their longest length, as the API takes them. */
const MAX_LENGTHS = { frequency: 60, temporalCoverage: 120, spatialCoverage: 120, contact: 200, producer: 200, steward: 200 }
type Text = keyof typeof MAX_LENGTHS
const TEXTS = Object.keys(MAX_LENGTHS) as Text[]

type Draft = Record<Text | 'title' | 'description' | 'organization' | 'tags' | 'license', string> & { public: boolean }

const draftOf = (d: Dataset): Draft => ({
  title: d.title,
  description: d.description,
  organization: d.organization?.code ?? '',
  tags: d.tags.join(', '),
  license: d.license,
  public: d.public,
  ...(Object.fromEntries(TEXTS.map((k) => [k, d[k] ?? ''])) as Record<Text, string>),
})

/** The OPD that owns a dataset, by code; blank for none. */
export function AgencyField({ agencies, value, onChange }: { agencies: Agency[]; value: string; onChange: (code: string) => void }) {
  const { t } = useTranslation()
  return (
    <label>
      {t('datahub.organization')}
      <select name="organization" value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">—</option>
        {agencies.map((a) => (
          <option key={a.id} value={a.code}>
            {a.name}
          </option>
        ))}
      </select>
    </label>
  )
}

/** Edits a dataset's metadata (the CKAN package fields); an admin may delete the dataset after confirming. */
export function DatasetMetadata({
  base,
  dataset,
  agencies,
  canDelete,
  onSaved,
  onDeleted,
  onError,
}: {
  base: string
  dataset: Dataset
  agencies: Agency[]
  canDelete: boolean
  onSaved: () => void
  onDeleted: () => void
  onError: (err: unknown) => void
}) {
  const { t } = useTranslation()
  const [draft, setDraft] = useState<Draft>(() => draftOf(dataset))
  const field = (name: Exclude<keyof Draft, 'public'>) => ({
    name,
    value: draft[name],
    onChange: (e: { target: { value: string } }) => setDraft({ ...draft, [name]: e.target.value }),
  })
  const submit = (e: FormEvent) => {
    e.preventDefault()
    const body = {
      title: draft.title,
      description: draft.description,
      organization: draft.organization || null,
      tags: draft.tags
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      license: draft.license,
      public: draft.public,
      ...Object.fromEntries(TEXTS.map((k) => [k, draft[k].trim() || null])),
    }
    api<Dataset>(base, { method: 'PATCH', body }).then(onSaved, onError)
  }
  const remove = () => {
    if (!window.confirm(t('datahub.meta.deleteConfirm', { title: dataset.title }))) return
    api(base, { method: 'DELETE' }).then(onDeleted, onError)
  }
  const licenses = LICENSES.includes(dataset.license) ? LICENSES : [dataset.license, ...LICENSES]

  return (
    <form className="datahub-form" onSubmit={submit} data-testid="dataset-metadata">
      <h3>{t('datahub.meta.title')}</h3>
      <label>
        {t('datahub.datasetTitle')}
        <input {...field('title')} required minLength={2} maxLength={200} />
      </label>
      <label>
        {t('datahub.meta.description')}
        <textarea {...field('description')} rows={4} maxLength={10000} />
      </label>
      <div className="datahub-pair">
        <AgencyField agencies={agencies} value={draft.organization} onChange={(organization) => setDraft({ ...draft, organization })} />
        <label>
          {t('datahub.meta.license')}
          <select {...field('license')}>
            {licenses.map((l) => (
              <option key={l} value={l}>
                {l}
              </option>
            ))}
          </select>
        </label>
      </div>
      <label>
        {t('datahub.tags')}
        <input {...field('tags')} />
      </label>
      <div className="datahub-pair">
        {TEXTS.map((k) => (
          <label key={k}>
            {t(`datahub.meta.${k}`)}
            <input {...field(k)} maxLength={MAX_LENGTHS[k]} />
          </label>
        ))}
      </div>
      <fieldset>
        <legend>{t('datahub.meta.visibility')}</legend>
        <label className="inline">
          <input type="radio" name="visibility" checked={draft.public} onChange={() => setDraft({ ...draft, public: true })} />
          {t('datahub.public')}
        </label>
        <label className="inline">
          <input type="radio" name="visibility" checked={!draft.public} onChange={() => setDraft({ ...draft, public: false })} />
          {t('datahub.internal')}
        </label>
      </fieldset>
      <div>
        <button type="submit" className="button primary">
          {t('datahub.assets.save')}
        </button>
      </div>
      {canDelete && (
        <div className="datahub-danger">
          <button type="button" className="button danger" onClick={remove}>
            {t('datahub.meta.delete')}
          </button>
        </div>
      )}
    </form>
  )
}
