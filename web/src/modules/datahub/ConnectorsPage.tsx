import { type FormEvent, useCallback, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useSearchParams } from 'react-router-dom'
import { api, type Role, type Tenant } from '../../app/api.ts'
import { useLiveEvents } from '../../app/liveEvents.tsx'
import { StaffFrame } from '../../app/StaffFrame.tsx'
import { formatTime } from '../../app/time.ts'
import type { Connector, ConnectorAlarm, ConnectorFormat, Dataset, Run } from './api.ts'
import { ProblemLine, useProblem } from './Problem.tsx'
import { SaveButtons } from './SaveButtons.tsx'

const FORMATS: ConnectorFormat[] = ['json', 'csv', 'geojson']
const WRITERS: Role[] = ['admin', 'operator', 'agency_officer']
const RUNS_PAGE = 20

/** One row of a key → value list; `stored` is a header whose value the server keeps and never sends back. */
interface Pair {
  key: string
  value: string
  stored: boolean
}

interface Draft {
  name: string
  dataset: string
  url: string
  format: ConnectorFormat
  rowsPath: string
  headers: Pair[]
  mapping: Pair[]
  manual: boolean
  cron: string
}

const EMPTY: Draft = { name: '', dataset: '', url: '', format: 'json', rowsPath: '', headers: [], mapping: [], manual: true, cron: '0 * * * *' }

const draftOf = (c: Connector): Draft => ({
  name: c.name,
  dataset: c.dataset,
  url: c.url,
  format: c.format,
  rowsPath: c.rowsPath ?? '',
  headers: c.headerNames.map((key) => ({ key, value: '', stored: true })),
  mapping: Object.entries(c.mapping ?? {}).map(([key, value]) => ({ key, value, stored: false })),
  manual: c.schedule === 'manual',
  cron: c.schedule === 'manual' ? EMPTY.cron : c.schedule,
})

/** The request body of a draft: a stored header left blank is sent as null, so the server keeps its value. */
function bodyOf(draft: Draft, editing: boolean) {
  const filled = (pairs: Pair[]) => pairs.filter((p) => p.key.trim())
  const mapping = Object.fromEntries(filled(draft.mapping).map((p) => [p.key.trim(), p.value.trim()]))
  const hasMapping = Object.keys(mapping).length > 0
  return {
    name: draft.name,
    ...(editing ? {} : { dataset: draft.dataset }),
    url: draft.url,
    format: draft.format,
    rowsPath: draft.rowsPath.trim() || (editing ? null : undefined),
    headers: Object.fromEntries(filled(draft.headers).map((p) => [p.key.trim(), p.stored && !p.value ? null : p.value])),
    mapping: hasMapping ? mapping : editing ? null : undefined,
    schedule: draft.manual ? 'manual' : draft.cron.trim(),
  }
}

const decimal = (value: number, language: string) => value.toLocaleString(language === 'en' ? 'en-GB' : 'id-ID', { maximumFractionDigits: 1 })

/** Staff page of the pull connectors: add and edit one, run it now, its run history live, its open alarm. */
export function ConnectorsPage() {
  const { t } = useTranslation()
  return (
    <StaffFrame title={t('datahub.connectorsPage.title')}>
      {({ tenant, roles }) => <Connectors tenant={tenant} canWrite={WRITERS.some((r) => roles.has(r))} />}
    </StaffFrame>
  )
}

function Connectors({ tenant, canWrite }: { tenant: Tenant; canWrite: boolean }) {
  const { t, i18n } = useTranslation()
  const base = `/api/t/${tenant.code}`
  const [params, setParams] = useSearchParams()
  const selected = params.get('connector')
  const [connectors, setConnectors] = useState<Connector[]>([])
  const [datasets, setDatasets] = useState<Dataset[]>([])
  const { problem, fail, clear } = useProblem()

  const load = useCallback(() => {
    api<{ items: Connector[] }>(`${base}/connectors`).then((p) => setConnectors(p.items), fail)
  }, [base, fail])
  useEffect(() => {
    api<{ items: Dataset[] }>(`${base}/datasets?limit=200`).then((p) => setDatasets(p.items), fail)
    load()
  }, [base, fail, load])

  const current = connectors.find((c) => c.id === selected) ?? null
  const select = (id: string | null) => {
    clear()
    setParams(id ? { connector: id } : {})
  }

  return (
    <div className="datahub-page">
      <ProblemLine problem={problem} />
      <div className="datahub-columns">
        <section className="datahub-list">
          <h2>{t('datahub.connectors')}</h2>
          {connectors.length === 0 && <p className="muted">{t('datahub.connectorsPage.none')}</p>}
          <ul data-testid="connectors">
            {connectors.map((c) => (
              <li key={c.id}>
                <button type="button" className={c.id === selected ? 'link active' : 'link'} onClick={() => select(c.id)}>
                  {c.name}
                </button>
                <div className="muted small">
                  {c.dataset} · {c.format.toUpperCase()} · {c.schedule === 'manual' ? t('datahub.connectorsPage.manual') : c.schedule}
                  {c.lastRunAt && ` · ${formatTime(c.lastRunAt, tenant.timezone, i18n.language)}`}
                </div>
              </li>
            ))}
          </ul>
          {canWrite && current && (
            <button type="button" className="button" onClick={() => select(null)}>
              {t('datahub.connectorsPage.add')}
            </button>
          )}
        </section>
        <section className="datahub-detail">
          {canWrite && (current || !selected) && (
            <ConnectorForm
              // A fresh form for each connector.
              key={current?.id ?? 'new'}
              base={base}
              zone={tenant.timezone}
              connector={current}
              datasets={datasets}
              initialDataset={params.get('dataset') ?? ''}
              onSaved={(saved) => {
                load()
                select(saved.id)
              }}
              onCancel={() => select(null)}
              onError={fail}
              onSubmit={clear}
            />
          )}
          {current && <RunHistory key={current.id} tenant={tenant} connector={current} canWrite={canWrite} onError={fail} onRan={load} />}
        </section>
      </div>
    </div>
  )
}

/** Adds a connector, or edits one; the server names the field of a refused value. */
function ConnectorForm({
  base,
  zone,
  connector,
  datasets,
  initialDataset,
  onSaved,
  onCancel,
  onError,
  onSubmit,
}: {
  base: string
  zone: string
  connector: Connector | null
  datasets: Dataset[]
  initialDataset: string
  onSaved: (saved: Connector) => void
  onCancel: () => void
  onError: (err: unknown) => void
  onSubmit: () => void
}) {
  const { t } = useTranslation()
  const [draft, setDraft] = useState<Draft>(() => (connector ? draftOf(connector) : { ...EMPTY, dataset: initialDataset }))
  const set = (patch: Partial<Draft>) => setDraft({ ...draft, ...patch })
  const submit = (e: FormEvent) => {
    e.preventDefault()
    onSubmit()
    const request = connector
      ? api<Connector>(`${base}/connectors/${connector.id}`, { method: 'PATCH', body: bodyOf(draft, true) })
      : api<Connector>(`${base}/connectors`, { method: 'POST', body: bodyOf(draft, false) })
    request.then((saved) => {
      setDraft(draftOf(saved))
      onSaved(saved)
    }, onError)
  }
  return (
    <form className="datahub-form" onSubmit={submit} data-testid="connector-form">
      <h2>{connector ? t('datahub.connectorsPage.editTitle', { name: connector.name }) : t('datahub.connectorsPage.add')}</h2>
      <label>
        {t('datahub.fields.name')}
        <input name="name" required minLength={2} maxLength={120} value={draft.name} onChange={(e) => set({ name: e.target.value })} />
      </label>
      <label>
        {t('datahub.fields.dataset')}
        <select name="dataset" required disabled={connector !== null} value={draft.dataset} onChange={(e) => set({ dataset: e.target.value })}>
          <option value="">—</option>
          {datasets.map((d) => (
            <option key={d.id} value={d.name}>
              {d.title}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('datahub.fields.url')}
        <input name="url" type="url" required value={draft.url} onChange={(e) => set({ url: e.target.value })} placeholder="https://…" />
      </label>
      <div className="datahub-pair">
        <label>
          {t('datahub.fields.format')}
          <select name="format" value={draft.format} onChange={(e) => set({ format: e.target.value as ConnectorFormat })}>
            {FORMATS.map((f) => (
              <option key={f} value={f}>
                {f.toUpperCase()}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('datahub.fields.rowsPath')}
          <input name="rowsPath" maxLength={200} value={draft.rowsPath} onChange={(e) => set({ rowsPath: e.target.value })} placeholder="data.items" />
        </label>
      </div>
      <Pairs
        name="headers"
        legend={t('datahub.fields.headers')}
        keyLabel={t('datahub.connectorsPage.headerName')}
        valueLabel={t('datahub.connectorsPage.headerValue')}
        pairs={draft.headers}
        onChange={(headers) => set({ headers })}
      />
      <Pairs
        name="mapping"
        legend={t('datahub.fields.mapping')}
        keyLabel={t('datahub.connectorsPage.column')}
        valueLabel={t('datahub.connectorsPage.path')}
        pairs={draft.mapping}
        onChange={(mapping) => set({ mapping })}
      />
      <fieldset>
        <legend>{t('datahub.fields.schedule')}</legend>
        <label className="inline">
          <input type="radio" name="schedule-kind" checked={draft.manual} onChange={() => set({ manual: true })} />
          {t('datahub.connectorsPage.manual')}
        </label>
        <label className="inline">
          <input type="radio" name="schedule-kind" checked={!draft.manual} onChange={() => set({ manual: false })} />
          {t('datahub.connectorsPage.cron')}
        </label>
        {!draft.manual && (
          <input name="cron" required value={draft.cron} onChange={(e) => set({ cron: e.target.value })} aria-label={t('datahub.connectorsPage.cron')} />
        )}
        <small className="muted">{t('datahub.connectorsPage.cronHint', { zone: zone })}</small>
      </fieldset>
      <SaveButtons editing={connector !== null} onCancel={onCancel} />
    </form>
  )
}

/** Rows of key → value, one added at a time; a stored header shows only that a value is kept, never the value. */
function Pairs({
  name,
  legend,
  keyLabel,
  valueLabel,
  pairs,
  onChange,
}: {
  name: string
  legend: string
  keyLabel: string
  valueLabel: string
  pairs: Pair[]
  onChange: (pairs: Pair[]) => void
}) {
  const { t } = useTranslation()
  const change = (i: number, patch: Partial<Pair>) => onChange(pairs.map((p, j) => (j === i ? { ...p, ...patch } : p)))
  return (
    <fieldset data-testid={name}>
      <legend>{legend}</legend>
      {pairs.map((p, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows being typed have no id; their key may be blank or change
        <div className="datahub-kv" key={i}>
          <input name={`${name}-key-${i}`} aria-label={keyLabel} value={p.key} onChange={(e) => change(i, { key: e.target.value })} />
          <input
            name={`${name}-value-${i}`}
            aria-label={valueLabel}
            value={p.value}
            onChange={(e) => change(i, { value: e.target.value })}
            placeholder={p.stored ? t('datahub.connectorsPage.storedValue') : ''}
          />
          <button type="button" className="link" onClick={() => onChange(pairs.filter((_, j) => j !== i))}>
            {t('datahub.connectorsPage.remove')}
          </button>
        </div>
      ))}
      <button type="button" className="link" onClick={() => onChange([...pairs, { key: '', value: '', stored: false }])}>
        {t('datahub.connectorsPage.addRow')}
      </button>
    </fieldset>
  )
}

/** Run now, the open alarm, and the runs newest first; a running one's bytes move as the server announces them. */
function RunHistory({
  tenant,
  connector,
  canWrite,
  onError,
  onRan,
}: {
  tenant: Tenant
  connector: Connector
  canWrite: boolean
  onError: (err: unknown) => void
  onRan: () => void
}) {
  const { t, i18n } = useTranslation()
  const base = `/api/t/${tenant.code}`
  const [limit, setLimit] = useState(RUNS_PAGE)
  const [runs, setRuns] = useState<Run[]>([])
  const [alarm, setAlarm] = useState<ConnectorAlarm | null>(null)

  const loadRuns = useCallback(() => {
    api<{ items: Run[] }>(`${base}/connectors/${connector.id}/runs?limit=${limit}`).then((p) => setRuns(p.items), onError)
  }, [base, connector.id, limit, onError])
  const loadAlarm = useCallback(() => {
    api<{ items: ConnectorAlarm[] }>(`${base}/connector-alarms?limit=200`).then(
      (p) => setAlarm(p.items.find((a) => a.connectorId === connector.id) ?? null),
      onError,
    )
  }, [base, connector.id, onError])
  useEffect(loadRuns, [loadRuns])
  useEffect(loadAlarm, [loadAlarm])
  useLiveEvents(['datahub'], (event) => {
    if (event.entity !== connector.id) return
    if (event.type === 'connector.run') {
      const { runId, status, bytes } = event.data as { runId: string; status: Run['status']; bytes: number }
      if (status === 'running' && runs.some((r) => r.id === runId)) setRuns(runs.map((r) => (r.id === runId ? { ...r, bytes } : r)))
      else loadRuns()
    } else if (event.type.startsWith('connector.')) loadAlarm()
  })

  const run = () =>
    api(`${base}/connectors/${connector.id}/run`, { method: 'POST' }).then(() => {
      loadRuns()
      onRan()
    }, onError)

  return (
    <div data-testid="connector-runs">
      <h3>{t('datahub.runs')}</h3>
      {canWrite && (
        <button type="button" className="button primary" onClick={run}>
          {t('datahub.connectorsPage.runNow')}
        </button>
      )}
      {alarm && (
        <p className="error" data-testid="connector-open-alarm" data-status={alarm.status}>
          {t('datahub.alarms.failures', { count: alarm.failures })} · {formatTime(alarm.raisedAt, tenant.timezone, i18n.language)} · {alarm.error}
          {alarm.acknowledgedBy && ` · ${t('datahub.alarms.acknowledgedBy', { who: alarm.acknowledgedBy })}`}
        </p>
      )}
      {runs.length === 0 ? (
        <p className="muted">{t('datahub.connectorsPage.noRuns')}</p>
      ) : (
        <div className="datahub-table">
          <table>
            <thead>
              <tr>
                <th>{t('datahub.connectorsPage.started')}</th>
                <th>{t('datahub.webhooks.status')}</th>
                <th>{t('datahub.connectorsPage.rows')}</th>
                <th>{t('datahub.connectorsPage.size')}</th>
                <th>{t('datahub.connectorsPage.duration')}</th>
                <th>{t('datahub.connectorsPage.error')}</th>
              </tr>
            </thead>
            <tbody>
              {runs.map((r) => (
                <tr key={r.id} data-testid="run" data-status={r.status}>
                  <td>{formatTime(r.startedAt, tenant.timezone, i18n.language)}</td>
                  <td>
                    <span className={`badge run-${r.status}`}>{t(`datahub.status.${r.status}`)}</span>
                  </td>
                  <td>{r.status === 'running' ? '…' : r.rows}</td>
                  <td>{decimal(r.bytes / 1024, i18n.language)} KB</td>
                  <td>{r.durationMs === null ? '—' : `${decimal(r.durationMs / 1000, i18n.language)} s`}</td>
                  <td>{r.error ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {runs.length === limit && limit < 200 && (
        <button type="button" className="link" onClick={() => setLimit(Math.min(limit + RUNS_PAGE, 200))}>
          {t('datahub.connectorsPage.moreRuns')}
        </button>
      )}
    </div>
  )
}
