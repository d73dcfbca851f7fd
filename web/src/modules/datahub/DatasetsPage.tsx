import { type FormEvent, useCallback, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router-dom'
import { api, type Tenant } from '../../app/api.ts'
import { usePermitted } from '../../app/auth.tsx'
import { StaffFrame } from '../../app/StaffFrame.tsx'
import { formatTime } from '../../app/time.ts'
import { type Agency, type Connector, type Dataset, datasetBase, type Preview, sendFile, type Version } from './api.ts'
import { AgencyField, DatasetMetadata } from './DatasetMetadata.tsx'
import { PreviewTable } from './PreviewTable.tsx'
import { ProblemLine, useProblem } from './Problem.tsx'

/** Staff page of the data hub: datasets of the OPDs, uploads with a preview, versions, publishing, connectors. */
export function DatasetsPage() {
  const { t } = useTranslation()
  return <StaffFrame title={t('datahub.title')}>{({ tenant, roles }) => <Datasets tenant={tenant} isAdmin={roles.has('admin')} />}</StaffFrame>
}

function Datasets({ tenant, isAdmin }: { tenant: Tenant; isAdmin: boolean }) {
  const { t } = useTranslation()
  const [datasets, setDatasets] = useState<Dataset[]>([])
  const [agencies, setAgencies] = useState<Agency[]>([])
  const [selected, setSelected] = useState<string | null>(null)

  const { problem, fail } = useProblem()
  const load = useCallback(() => {
    api<{ items: Dataset[] }>(`/api/t/${tenant.code}/datasets?limit=200`).then((page) => setDatasets(page.items), fail)
  }, [tenant.code, fail])

  useEffect(() => {
    api<{ items: Agency[] }>(`/api/t/${tenant.code}/agencies?limit=200`).then((page) => setAgencies(page.items), fail)
    load()
  }, [tenant.code, fail, load])

  const current = datasets.find((d) => d.name === selected) ?? null
  return (
    <div className="datahub-page">
      <ProblemLine problem={problem} />
      <div className="datahub-columns">
        <section className="datahub-list">
          <h2>{t('datahub.datasets')}</h2>
          {datasets.length === 0 && <p className="muted">{t('datahub.empty')}</p>}
          <ul>
            {datasets.map((d) => (
              <li key={d.id}>
                <button type="button" className={d.name === selected ? 'link active' : 'link'} onClick={() => setSelected(d.name)}>
                  {d.title}
                </button>{' '}
                <span className={d.public ? 'badge public' : 'badge'}>{d.public ? t('datahub.public') : t('datahub.internal')}</span>
              </li>
            ))}
          </ul>
          <NewDataset
            tenant={tenant.code}
            agencies={agencies}
            onCreated={(d) => {
              load()
              setSelected(d.name)
            }}
            onError={fail}
          />
        </section>
        {current && (
          <DatasetDetail
            key={current.name}
            tenant={tenant}
            dataset={current}
            agencies={agencies}
            isAdmin={isAdmin}
            onChanged={load}
            onDeleted={() => {
              setSelected(null)
              load()
            }}
            onError={fail}
          />
        )}
      </div>
    </div>
  )
}

function NewDataset({
  tenant,
  agencies,
  onCreated,
  onError,
}: {
  tenant: string
  agencies: Agency[]
  onCreated: (d: Dataset) => void
  onError: (e: unknown) => void
}) {
  const { t } = useTranslation()
  const [name, setName] = useState('')
  const [title, setTitle] = useState('')
  const [organization, setOrganization] = useState('')
  const [tags, setTags] = useState('')
  const submit = (e: FormEvent) => {
    e.preventDefault()
    const body = {
      name,
      title,
      ...(organization ? { organization } : {}),
      tags: tags
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    }
    api<Dataset>(`/api/t/${tenant}/datasets`, { method: 'POST', body }).then((d) => {
      setName('')
      setTitle('')
      onCreated(d)
    }, onError)
  }
  return (
    <form className="datahub-form" onSubmit={submit}>
      <h3>{t('datahub.newDataset')}</h3>
      <label>
        {t('datahub.name')}
        <input name="name" value={name} onChange={(e) => setName(e.target.value.toLowerCase())} pattern="[a-z0-9][a-z0-9_\-]+" required />
      </label>
      <label>
        {t('datahub.datasetTitle')}
        <input name="title" value={title} onChange={(e) => setTitle(e.target.value)} required minLength={2} />
      </label>
      <AgencyField agencies={agencies} value={organization} onChange={setOrganization} />
      <label>
        {t('datahub.tags')}
        <input name="tags" value={tags} onChange={(e) => setTags(e.target.value)} />
      </label>
      <button type="submit" className="button primary">
        {t('datahub.create')}
      </button>
    </form>
  )
}

function DatasetDetail({
  tenant,
  dataset,
  agencies,
  isAdmin,
  onChanged,
  onDeleted,
  onError,
}: {
  tenant: Tenant
  dataset: Dataset
  agencies: Agency[]
  isAdmin: boolean
  onChanged: () => void
  onDeleted: () => void
  onError: (e: unknown) => void
}) {
  const { t, i18n } = useTranslation()
  const base = datasetBase(tenant.code, dataset.name)
  const [file, setFile] = useState<File | null>(null)
  const [preview, setPreview] = useState<Preview | null>(null)
  const [versions, setVersions] = useState<Record<string, Version[]>>({})
  const [connectors, setConnectors] = useState<Connector[]>([])
  const target = dataset.resources.find((r) => r.kind === 'file')
  // Connector configurations are for their owners: someone who may not read them is not asked to (no refused call).
  const mayReadConnectors = usePermitted(tenant.code)?.has('datahub.connector.read') ?? false

  useEffect(() => {
    if (!mayReadConnectors) return setConnectors([])
    api<{ items: Connector[] }>(`/api/t/${tenant.code}/connectors`).then(
      (page) => setConnectors(page.items.filter((c) => c.dataset === dataset.name)),
      () => setConnectors([]),
    )
  }, [tenant.code, dataset.name, mayReadConnectors])

  const choose = (f: File | null) => {
    setFile(f)
    setPreview(null)
    if (f) sendFile<Preview>(`${base}/resources/preview`, f).then(setPreview, onError)
  }
  const accept = () => {
    if (!file) return
    const url = target ? `${base}/resources/${target.id}/versions` : `${base}/resources`
    sendFile(url, file).then(() => {
      setFile(null)
      setPreview(null)
      onChanged()
    }, onError)
  }
  const togglePublic = () => api(base, { method: 'PATCH', body: { public: !dataset.public } }).then(onChanged, onError)
  const showVersions = (id: string) =>
    api<{ items: Version[] }>(`${base}/resources/${id}/versions`).then((p) => setVersions({ ...versions, [id]: p.items }), onError)

  return (
    <section className="datahub-detail" data-testid="dataset-detail">
      <h2>{dataset.title}</h2>
      <p className="muted">
        {dataset.name} · {dataset.organization?.name ?? '—'} · {dataset.tags.join(', ')}
      </p>
      <p>
        <button type="button" className="button" onClick={togglePublic}>
          {dataset.public ? t('datahub.unpublish') : t('datahub.publish')}
        </button>
      </p>

      <h3>{t('datahub.resources')}</h3>
      <ul className="datahub-resources">
        {dataset.resources.map((r) => (
          <li key={r.id}>
            <strong>{r.name}</strong> · {r.format.toUpperCase()} · {r.version ? t('datahub.version', { version: r.version }) : '—'} ·{' '}
            {t('datahub.rows', { count: r.rowCount })} {r.version && <a href={`${base}/resources/${r.id}/download`}>{t('datahub.download')}</a>}{' '}
            {r.kind !== 'link' && (
              <button type="button" className="link" onClick={() => showVersions(r.id)}>
                {t('datahub.versions')}
              </button>
            )}
            {versions[r.id] && (
              <ul>
                {versions[r.id].map((v) => (
                  <li key={v.version}>
                    <a href={`${base}/resources/${r.id}/versions/${v.version}/download`}>{t('datahub.version', { version: v.version })}</a> ·{' '}
                    {v.filename ?? '—'} · {t('datahub.rows', { count: v.rowCount })} · {formatTime(v.createdAt, tenant.timezone, i18n.language)}
                  </li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ul>

      <label className="datahub-upload">
        {t('datahub.upload')}
        <input type="file" name="file" accept=".csv,.xlsx,.json,.geojson" onChange={(e) => choose(e.target.files?.[0] ?? null)} />
      </label>
      {preview && (
        <div className="datahub-preview" data-testid="upload-preview">
          <h3>{t('datahub.preview')}</h3>
          <p>{t('datahub.previewLead', { total: preview.total, points: preview.points })}</p>
          <PreviewTable columns={preview.columns.map((c) => ({ name: c.name, note: t(`datahub.types.${c.type}`) }))} rows={preview.rows} />
          <button type="button" className="button primary" onClick={accept}>
            {t('datahub.accept')}
          </button>{' '}
          <button type="button" className="button" onClick={() => choose(null)}>
            {t('datahub.cancel')}
          </button>
        </div>
      )}

      {mayReadConnectors && (
        <>
          <h3>{t('datahub.connectors')}</h3>
          <ul data-testid="dataset-connectors">
            {connectors.map((c) => (
              <li key={c.id}>
                <Link to={`/t/${tenant.code}/connectors?connector=${c.id}`}>{c.name}</Link> · {c.format.toUpperCase()} · {c.schedule}
              </li>
            ))}
          </ul>
          <Link to={`/t/${tenant.code}/connectors?dataset=${encodeURIComponent(dataset.name)}`}>{t('datahub.connectorsPage.add')}</Link>
        </>
      )}

      <DatasetMetadata
        key={dataset.updatedAt}
        base={base}
        dataset={dataset}
        agencies={agencies}
        canDelete={isAdmin}
        onSaved={onChanged}
        onDeleted={onDeleted}
        onError={onError}
      />
    </section>
  )
}
