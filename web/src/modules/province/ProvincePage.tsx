import type { AddLayerObject } from 'maplibre-gl'
import { useEffect, useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useNavigate } from 'react-router-dom'
import { api, type PlatformConfig, type Tenant } from '../../app/api.ts'
import { problemText } from '../../app/problem.ts'
import { StaffFrame } from '../../app/StaffFrame.tsx'
import { formatTime } from '../../app/time.ts'
import { GeoJsonLayer } from '../../map/GeoJsonLayer.tsx'
import { MapView, mapStyle } from '../../map/MapView.tsx'
import { Choropleth, type ChoroplethScale } from '../kpi/Choropleth.tsx'
import { type CityPicture, DIMENSIONS, monthName, type ProvincePicture, type WarningProperties } from './api.ts'

const SCORES: ChoroplethScale = { low: 0, high: 100, better: 'higher' }
// CAP severities from the gravest; the colours the alerts module's public map uses for them.
const SEVERITY_COLOUR: [string, string][] = [
  ['Extreme', '#8e1b1b'],
  ['Severe', '#e5484d'],
  ['Moderate', '#f5a623'],
  ['Minor', '#f2d94e'],
]
const WARNING_LAYERS: AddLayerObject[] = [
  {
    id: 'province-warnings-fill',
    type: 'fill',
    source: 'province-warnings',
    paint: {
      'fill-color': ['match', ['get', 'severity'], ...SEVERITY_COLOUR.flat(), '#8a94a6'] as never,
      'fill-opacity': 0.45,
    },
  },
  { id: 'province-warnings-line', type: 'line', source: 'province-warnings', paint: { 'line-color': '#ffffff', 'line-width': 1.5 } },
]
const OUTLINE_LAYERS: AddLayerObject[] = [
  { id: 'province-outline-line', type: 'line', source: 'province-outline', paint: { 'line-color': '#9aa4b2', 'line-width': 0.7 } },
]

/** A province's people: their cities' shared live counts and scores on a map and a ranking, and the warnings of all. */
export function ProvincePage() {
  const { t } = useTranslation()
  return <StaffFrame title={t('province.title')}>{({ tenant, config }) => <ProvinceView tenant={tenant} config={config} />}</StaffFrame>
}

function ProvinceView({ tenant, config }: { tenant: Tenant; config: PlatformConfig }) {
  const { t, i18n } = useTranslation()
  const lang = i18n.language
  const navigate = useNavigate()
  const [picture, setPicture] = useState<ProvincePicture | null>(null)
  const [warnings, setWarnings] = useState<GeoJSON.FeatureCollection | null>(null)
  const [problem, setProblem] = useState<string | null>(null)

  useEffect(() => {
    const load = () => {
      api<ProvincePicture>(`/api/t/${tenant.code}/province/cities`).then(setPicture, (err: unknown) => setProblem(problemText(err)))
      api<GeoJSON.FeatureCollection>(`/api/t/${tenant.code}/province/warnings`).then(setWarnings, () => setWarnings(null))
    }
    load()
    // Live counts: asked again every minute while the page is open.
    const timer = setInterval(load, 60_000)
    return () => clearInterval(timer)
  }, [tenant.code])

  const number = (n: number | null | undefined) => (n === null || n === undefined ? '—' : new Intl.NumberFormat(lang === 'en' ? 'en-GB' : 'id-ID').format(n))
  const score = (n: number | null | undefined) =>
    n === null || n === undefined
      ? '—'
      : new Intl.NumberFormat(lang === 'en' ? 'en-GB' : 'id-ID', { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(n)
  const cities = picture?.cities ?? []
  const byCode = useMemo(() => new Map(cities.map((c) => [c.code, c])), [cities])
  const values = useMemo(() => cities.flatMap((c) => (c.scores?.overall == null ? [] : [{ key: c.code, value: c.scores.overall }])), [cities])
  const sum = (pick: (c: CityPicture) => number | null) => cities.reduce((total, c) => total + (pick(c) ?? 0), 0)
  const describe = (code: string) => {
    const city = byCode.get(code)
    if (!city) return t('province.notOnPlatform')
    return t('province.describe', {
      score: city.scores?.overall == null ? t('province.noScore') : score(city.scores.overall),
      incidents: city.openIncidents ? number(city.openIncidents.total) : t('province.notShared'),
      warnings: city.activeWarnings === null ? t('province.notShared') : number(city.activeWarnings),
    })
  }
  const open = (code: string) => {
    if (byCode.has(code)) navigate(`/t/${code}/kpi`)
  }
  const warningList = (warnings?.features ?? []).map((f) => f.properties as WarningProperties)

  const totals: { key: string; value: number }[] = [
    { key: 'p1', value: sum((c) => c.openIncidents?.P1 ?? null) },
    { key: 'openIncidents', value: sum((c) => c.openIncidents?.total ?? null) },
    { key: 'activeWarnings', value: sum((c) => c.activeWarnings) },
    { key: 'overdueReports', value: sum((c) => c.overdueReports) },
    { key: 'offlineCameras', value: sum((c) => c.offlineCameras) },
    { key: 'offlineDevices', value: sum((c) => c.offlineDevices) },
  ]

  return (
    <main className="page province-page" data-testid="province-page">
      {problem && <p className="error">{problem}</p>}
      {picture && (
        <>
          <div className="province-head">
            <p>
              <strong data-testid="province-joined">{t('province.joined', { joined: cities.length, all: cities.length + picture.notJoined.length })}</strong>
              {' · '}
              {t('province.scoresOf', { period: monthName(picture.period, lang) })}
              {' · '}
              <span className="muted">{t('province.computedAt', { at: formatTime(picture.computedAt, tenant.timezone, lang) })}</span>
              {' · '}
              <Link to={`/t/${tenant.code}/kpi/rollup`}>{t('province.rollup')}</Link>
            </p>
            <ul className="province-totals" data-testid="province-totals">
              {totals.map((item) => (
                <li key={item.key} className={item.key === 'p1' && item.value > 0 ? 'alarm' : ''}>
                  <strong>{number(item.value)}</strong>
                  <span>{t(`province.totals.${item.key}`)}</span>
                </li>
              ))}
            </ul>
          </div>
          <div className="province-maps">
            <section>
              <h2>{t('province.scoreMap')}</h2>
              <Choropleth tenant={tenant} config={config} values={values} scale={SCORES} format={(v) => score(v)} describe={describe} onOpen={open} />
              <p className="muted">{t('province.mapHint')}</p>
            </section>
            <section>
              <h2>{t('province.warningsMap')}</h2>
              <WarningsMap tenant={tenant} config={config} warnings={warnings} />
              {warningList.length === 0 ? (
                <p className="muted" data-testid="province-no-warnings">
                  {t('province.noWarnings')}
                </p>
              ) : (
                <ul className="province-warnings" data-testid="province-warnings">
                  {warningList.map((w) => (
                    <li key={`${w.city}/${w.id}`}>
                      <span className={`severity severity-${w.severity.toLowerCase()}`}>
                        {t(`alerts.severity.${w.severity}`, { defaultValue: w.severity })}
                      </span>{' '}
                      <strong>{w.cityName}</strong> — {w.headline ?? w.event}{' '}
                      <span className="muted">{t('province.until', { at: formatTime(w.expires, tenant.timezone, lang) })}</span>
                    </li>
                  ))}
                </ul>
              )}
            </section>
          </div>
          <section>
            <h2>{t('province.ranking')}</h2>
            <div className="province-table">
              <table data-testid="province-ranking">
                <thead>
                  <tr>
                    <th>#</th>
                    <th>{t('province.city')}</th>
                    <th>{t('province.overall')}</th>
                    {DIMENSIONS.map((d) => (
                      <th key={d}>{t(`kpi.dimension.${d}`)}</th>
                    ))}
                    <th>{t('province.openIncidents')}</th>
                    <th>{t('province.totals.activeWarnings')}</th>
                    <th>{t('province.totals.overdueReports')}</th>
                    <th>{t('province.totals.offlineCameras')}</th>
                    <th>{t('province.totals.offlineDevices')}</th>
                  </tr>
                </thead>
                <tbody>
                  {cities.map((c) => (
                    <tr key={c.code} data-city={c.code}>
                      <td>{c.rank}</td>
                      <td>
                        <Link to={`/t/${c.code}/kpi`} title={t('province.openDashboard', { name: c.name })}>
                          {c.name}
                        </Link>
                      </td>
                      <td className="num">{c.scores ? score(c.scores.overall) : <NotShared />}</td>
                      {DIMENSIONS.map((d) => (
                        <td key={d} className="num">
                          {c.scores ? score(c.scores.dimensions[d]) : <NotShared />}
                        </td>
                      ))}
                      <td className="num">
                        {c.openIncidents ? (
                          <>
                            <strong className={c.openIncidents.P1 > 0 ? 'p1' : ''}>{number(c.openIncidents.total)}</strong>{' '}
                            <span className="muted">
                              ({number(c.openIncidents.P1)}/{number(c.openIncidents.P2)}/{number(c.openIncidents.P3)}/{number(c.openIncidents.P4)})
                            </span>
                          </>
                        ) : (
                          <NotShared />
                        )}
                      </td>
                      <td className="num">{c.activeWarnings === null ? <NotShared /> : number(c.activeWarnings)}</td>
                      <td className="num">{c.overdueReports === null ? <NotShared /> : number(c.overdueReports)}</td>
                      <td className="num">{c.offlineCameras === null ? <NotShared /> : number(c.offlineCameras)}</td>
                      <td className="num">{c.offlineDevices === null ? <NotShared /> : number(c.offlineDevices)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
          <section data-testid="province-not-joined">
            <h2>{t('province.notJoinedTitle', { count: picture.notJoined.length })}</h2>
            <p>{picture.notJoined.length === 0 ? t('province.notJoinedNone') : picture.notJoined.map((c) => c.name).join(' · ')}</p>
          </section>
        </>
      )}
    </main>
  )
}

function NotShared() {
  const { t } = useTranslation()
  return <span className="muted not-shared">{t('province.notShared')}</span>
}

/** The province's kota and kabupaten outlined, with every city's active warning areas over them. */
function WarningsMap({ tenant, config, warnings }: { tenant: Tenant; config: PlatformConfig; warnings: GeoJSON.FeatureCollection | null }) {
  const [outline, setOutline] = useState<GeoJSON.FeatureCollection | null>(null)
  useEffect(() => {
    api<GeoJSON.FeatureCollection>(`/api/t/${tenant.code}/regions`).then(setOutline, () => setOutline(null))
  }, [tenant.code])
  const drawn = useMemo(() => (warnings ? { ...warnings, features: warnings.features.filter((f) => f.geometry !== null) } : null), [warnings])
  return (
    <div className="province-map" data-testid="province-warnings-map" data-warnings={drawn?.features.length ?? 0}>
      <MapView bbox={tenant.bbox} styleUrl={mapStyle(config, 'dark')}>
        <GeoJsonLayer id="province-outline" data={outline} layers={OUTLINE_LAYERS} />
        <GeoJsonLayer id="province-warnings" data={drawn} layers={WARNING_LAYERS} />
      </MapView>
    </div>
  )
}
