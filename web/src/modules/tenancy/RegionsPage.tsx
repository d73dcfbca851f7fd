import { type ChangeEvent, useCallback, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { Tenant } from '../../app/api.ts'
import { problemText } from '../../app/problem.ts'
import { adminPage, Problem } from './AdminFrame.tsx'
import { fetchRegions, type ImportResult, importRegions, type RegionFeature } from './api.ts'

/** Admin page: the city's kecamatan with their kelurahan/desa, and a boundary import from a GeoJSON file. */
export const RegionsPage = adminPage('tenancy.regions.title', Regions)

function Regions({ tenant }: { tenant: Tenant }) {
  const { t } = useTranslation()
  const [regions, setRegions] = useState<RegionFeature[]>([])
  const [problem, setProblem] = useState<string | null>(null)
  const load = useCallback(() => {
    fetchRegions(tenant.code).then(
      (r) => setRegions(r.features),
      (err: unknown) => setProblem(problemText(err)),
    )
  }, [tenant.code])
  useEffect(load, [load])
  const kecamatan = regions.filter((r) => r.properties.level === 'kecamatan')
  const villagesOf = (code: string) => regions.filter((r) => r.properties.parent === code)
  return (
    <section className="tenancy-section">
      <BoundaryImport tenant={tenant.code} onImported={load} />
      <Problem text={problem} />
      <h2>{t('tenancy.regions.list', { kecamatan: kecamatan.length, villages: regions.length - kecamatan.length })}</h2>
      <table className="tenancy-table" data-testid="region-table">
        <thead>
          <tr>
            <th>{t('tenancy.regions.code')}</th>
            <th>{t('tenancy.regions.kecamatan')}</th>
            <th>{t('tenancy.regions.villages')}</th>
          </tr>
        </thead>
        <tbody>
          {kecamatan.map((k) => (
            <tr key={k.id} data-testid="region-row">
              <td>
                <code>{k.properties.code}</code>
              </td>
              <td>{k.properties.name}</td>
              <td>
                {villagesOf(k.properties.code)
                  .map((v) => `${v.properties.name}${v.properties.level === 'desa' ? ` (${t('tenancy.regions.desa')})` : ''}`)
                  .join(', ')}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  )
}

/** Reads a GeoJSON file and imports it; shows how many features were stored and each refused one with its reason. */
export function BoundaryImport({ tenant, onImported }: { tenant: string; onImported?: (result: ImportResult) => void }) {
  const { t } = useTranslation()
  const [busy, setBusy] = useState(false)
  const [result, setResult] = useState<ImportResult | null>(null)
  const [problem, setProblem] = useState<string | null>(null)
  const upload = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0]
    if (!file) return
    setBusy(true)
    setResult(null)
    setProblem(null)
    try {
      let collection: unknown
      try {
        collection = JSON.parse(await file.text())
      } catch {
        throw new Error(t('tenancy.regions.notJson', { file: file.name }))
      }
      const imported = await importRegions(tenant, collection)
      setResult(imported)
      onImported?.(imported)
    } catch (err) {
      setProblem(problemText(err))
    } finally {
      setBusy(false)
      event.target.value = ''
    }
  }
  return (
    <div className="tenancy-import" data-testid="boundary-import">
      <label className="button">
        {busy ? t('tenancy.regions.importing') : t('tenancy.regions.import')}
        <input type="file" accept=".geojson,.json,application/geo+json,application/json" onChange={upload} disabled={busy} data-testid="boundary-file" hidden />
      </label>{' '}
      <span className="muted">{t('tenancy.regions.importHint', { code: tenant })}</span>
      <Problem text={problem} />
      {result && (
        <div data-testid="import-result">
          <p className={result.rejected.length > 0 ? 'tenancy-warn' : 'tenancy-ok'}>
            {t('tenancy.regions.result', { accepted: result.accepted, rejected: result.rejected.length })}
          </p>
          {result.rejected.length > 0 && (
            <table className="tenancy-table" data-testid="import-rejected">
              <thead>
                <tr>
                  <th>{t('tenancy.regions.index')}</th>
                  <th>{t('tenancy.regions.code')}</th>
                  <th>{t('tenancy.regions.name')}</th>
                  <th>{t('tenancy.regions.field')}</th>
                  <th>{t('tenancy.regions.reason')}</th>
                </tr>
              </thead>
              <tbody>
                {result.rejected.map((r) => (
                  <tr key={r.index} data-testid="rejected-row">
                    <td>{r.index}</td>
                    <td>
                      <code>{r.code}</code>
                    </td>
                    <td>{r.name}</td>
                    <td>
                      <code>{r.field}</code>
                    </td>
                    <td>{r.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
    </div>
  )
}
