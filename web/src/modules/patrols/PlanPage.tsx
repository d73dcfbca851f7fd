import { useCallback, useEffect, useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { api, type PlatformConfig, type Tenant } from '../../app/api.ts'
import { problemText } from '../../app/problem.ts'
import { StaffFrame } from '../../app/StaffFrame.tsx'
import { formatTime } from '../../app/time.ts'
import { GeoJsonLayer } from '../../map/GeoJsonLayer.tsx'
import { MapView, mapStyle } from '../../map/MapView.tsx'
import { MapPicker } from '../../map/Pick.tsx'
import { AreaLayer, AreaList, useAreaRegions } from './AreaPicker.tsx'
import { fetchOfficers, fetchPatrol, fetchPatrols, type Patrol, type PatrolDetail, planPatrol } from './api.ts'

type Draft = { key: string; name: string; location: [number, number]; radiusM: number }

/** The instant of a wall-clock time in the tenant's zone (`2026-11-23`, `08:00`, `Asia/Jakarta`). */
function zoned(date: string, time: string, timeZone: string): string {
  const guess = new Date(`${date}T${time}:00Z`)
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  })
    .formatToParts(guess)
    .reduce<Record<string, string>>((acc, p) => Object.assign(acc, { [p.type]: p.value }), {})
  const shown = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute))
  return new Date(guess.getTime() - (shown - guess.getTime())).toISOString()
}

function todayIn(timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date())
}

/** Checkpoints as circles (radius in metres at the city's latitude) and the track as a line through the check-ins. */
function Overlay({ checkpoints, track }: { checkpoints: Draft[]; track: PatrolDetail['checkins'] }) {
  const data = useMemo<GeoJSON.FeatureCollection>(
    () => ({
      type: 'FeatureCollection',
      features: [
        ...checkpoints.map((c) => ({
          type: 'Feature' as const,
          geometry: { type: 'Point' as const, coordinates: c.location },
          properties: { kind: 'checkpoint', name: c.name, radius: c.radiusM },
        })),
        ...(track.length > 1
          ? [
              {
                type: 'Feature' as const,
                geometry: { type: 'LineString' as const, coordinates: track.map((k) => k.location.coordinates) },
                properties: { kind: 'track' },
              },
            ]
          : []),
        ...track.map((k, i) => ({
          type: 'Feature' as const,
          geometry: k.location,
          properties: { kind: 'checkin', n: String(i + 1), isWithin: k.withinCheckpoint },
        })),
      ],
    }),
    [checkpoints, track],
  )
  return (
    <GeoJsonLayer
      id="patrol-plan"
      data={data}
      layers={[
        {
          id: 'patrol-plan-radius',
          type: 'circle',
          source: 'patrol-plan',
          filter: ['==', ['get', 'kind'], 'checkpoint'],
          // Metres to pixels near 7°S: about 155,300 / 2^zoom metres per pixel.
          paint: {
            'circle-radius': ['interpolate', ['exponential', 2], ['zoom'], 10, ['/', ['get', 'radius'], 152], 20, ['/', ['get', 'radius'], 0.148]],
            'circle-color': '#2563eb',
            'circle-opacity': 0.15,
            'circle-stroke-color': '#2563eb',
            'circle-stroke-width': 2,
          },
        },
        {
          id: 'patrol-plan-track',
          type: 'line',
          source: 'patrol-plan',
          filter: ['==', ['get', 'kind'], 'track'],
          paint: { 'line-color': '#e5484d', 'line-width': 3 },
        },
        {
          id: 'patrol-plan-checkins',
          type: 'circle',
          source: 'patrol-plan',
          filter: ['==', ['get', 'kind'], 'checkin'],
          paint: {
            'circle-radius': 7,
            'circle-color': ['case', ['get', 'isWithin'], '#16a34a', '#f59e0b'],
            'circle-stroke-color': '#fff',
            'circle-stroke-width': 2,
          },
        },
        {
          id: 'patrol-plan-order',
          type: 'symbol',
          source: 'patrol-plan',
          filter: ['==', ['get', 'kind'], 'checkin'],
          layout: { 'text-field': ['get', 'n'], 'text-size': 10, 'text-allow-overlap': true },
          paint: { 'text-color': '#fff' },
        },
      ]}
    />
  )
}

function Plan({ tenant }: { tenant: Tenant }) {
  const { t, i18n } = useTranslation()
  const [config, setConfig] = useState<PlatformConfig | null>(null)
  const [officers, setOfficers] = useState<string[]>([])
  const [patrols, setPatrols] = useState<Patrol[]>([])
  const [shown, setShown] = useState<PatrolDetail | null>(null)
  const [name, setName] = useState('')
  const [date, setDate] = useState(() => todayIn(tenant.timezone))
  const [from, setFrom] = useState('08:00')
  const [to, setTo] = useState('11:00')
  const [team, setTeam] = useState<string[]>([])
  const [area, setArea] = useState<string[]>([])
  // What a click on the map does: add a checkpoint, or toggle the kelurahan under it in the area.
  const [mapPicks, setMapPicks] = useState<'checkpoints' | 'area'>('checkpoints')
  const { kelurahan, regions } = useAreaRegions(tenant.code)
  const toggleArea = useCallback((code: string) => setArea((a) => (a.includes(code) ? a.filter((c) => c !== code) : [...a, code])), [])
  const [checkpoints, setCheckpoints] = useState<Draft[]>([])
  const [radius, setRadius] = useState(100)
  const [problem, setProblem] = useState<string | null>(null)

  const load = useCallback(() => {
    fetchPatrols(tenant.code, zoned(todayIn(tenant.timezone), '00:00', tenant.timezone)).then(
      (r) => setPatrols([...r.items].sort((a, b) => a.startsAt.localeCompare(b.startsAt))),
      () => setPatrols([]),
    )
  }, [tenant.code, tenant.timezone])
  useEffect(load, [load])
  useEffect(() => {
    api<PlatformConfig>('/api/config').then(setConfig, () => setConfig({ defaultTenant: tenant.code, mapStyleUrl: null, basemap: null, languages: [] }))
    fetchOfficers(tenant.code).then(
      (r) => setOfficers(r.items),
      () => setOfficers([]),
    )
  }, [tenant.code])

  const onPick = useCallback(
    (location: [number, number]) =>
      setCheckpoints((cs) => [...cs, { key: crypto.randomUUID(), name: `${t('patrols.plan.checkpoint')} ${cs.length + 1}`, location, radiusM: radius }]),
    [radius, t],
  )

  async function submit(e: React.FormEvent) {
    e.preventDefault()
    setProblem(null)
    try {
      await planPatrol(tenant.code, {
        name,
        startsAt: zoned(date, from, tenant.timezone),
        endsAt: zoned(date, to, tenant.timezone),
        team,
        area,
        checkpoints: checkpoints.map(({ name, location, radiusM }) => ({ name, location: { type: 'Point', coordinates: location }, radiusM })),
      })
      setName('')
      setArea([])
      setCheckpoints([])
      setTeam([])
      load()
    } catch (err) {
      setProblem(problemText(err))
    }
  }

  async function show(p: Patrol) {
    setShown(await fetchPatrol(tenant.code, p.id))
  }

  const time = (iso: string) => formatTime(iso, tenant.timezone, i18n.language)
  return (
    <main className="patrol-plan" data-testid="plan-page">
      <form className="plan-form" onSubmit={submit} data-testid="plan-form">
        <h2>{t('patrols.plan.new')}</h2>
        <label>
          {t('patrols.plan.name')}
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} />
        </label>
        <div className="plan-row">
          <label>
            {t('patrols.plan.date')}
            <input type="date" value={date} onChange={(e) => setDate(e.target.value)} required />
          </label>
          <label>
            {t('patrols.plan.from')}
            <input type="time" value={from} onChange={(e) => setFrom(e.target.value)} required />
          </label>
          <label>
            {t('patrols.plan.to')}
            <input type="time" value={to} onChange={(e) => setTo(e.target.value)} required />
          </label>
        </div>
        <fieldset>
          <legend>{t('patrols.plan.team')}</legend>
          {officers.length === 0 && <p>{t('patrols.plan.noOfficers')}</p>}
          {officers.map((u) => (
            <label key={u} className="check">
              <input
                type="checkbox"
                checked={team.includes(u)}
                onChange={(e) => setTeam((tm) => (e.target.checked ? [...tm, u] : tm.filter((x) => x !== u)))}
              />
              {u}
            </label>
          ))}
        </fieldset>
        <fieldset className="filters">
          <legend>{t('patrols.plan.mapPicks')}</legend>
          {(['checkpoints', 'area'] as const).map((m) => (
            <button key={m} type="button" className={`chip ${mapPicks === m ? 'active' : ''}`} aria-pressed={mapPicks === m} onClick={() => setMapPicks(m)}>
              {t(`patrols.plan.picks.${m}`)}
            </button>
          ))}
        </fieldset>
        <fieldset>
          <legend>{t('patrols.plan.area')}</legend>
          <p className="hint">{t('patrols.plan.areaHint')}</p>
          <AreaList regions={regions} area={area} onToggle={toggleArea} />
        </fieldset>
        <fieldset>
          <legend>{t('patrols.plan.checkpoints')}</legend>
          <label>
            {t('patrols.plan.radius')}
            <input type="number" min={10} max={5000} value={radius} onChange={(e) => setRadius(Number(e.target.value))} />
          </label>
          <p className="hint">{t('patrols.plan.tapMap')}</p>
          <ol data-testid="plan-checkpoints">
            {checkpoints.map((c, i) => (
              <li key={c.key}>
                <input
                  value={c.name}
                  aria-label={t('patrols.plan.checkpoint')}
                  onChange={(e) => setCheckpoints((cs) => cs.map((x, j) => (j === i ? { ...x, name: e.target.value } : x)))}
                />{' '}
                {c.radiusM} m{' '}
                <button type="button" onClick={() => setCheckpoints((cs) => cs.filter((_, j) => j !== i))}>
                  ✕
                </button>
              </li>
            ))}
          </ol>
        </fieldset>
        {problem && <p className="error">{problem}</p>}
        <button type="submit" disabled={team.length === 0 || !name}>
          {t('patrols.plan.save')}
        </button>
      </form>
      <div className="plan-map">
        {config && (
          <MapView bbox={tenant.bbox} styleUrl={mapStyle(config, 'dark')}>
            <AreaLayer kelurahan={kelurahan} area={area} isPicking={mapPicks === 'area'} onToggle={toggleArea} />
            {mapPicks === 'checkpoints' && <MapPicker onPick={onPick} />}
            <Overlay
              checkpoints={
                shown ? shown.checkpoints.map((c) => ({ key: c.id, name: c.name, location: c.location.coordinates, radiusM: c.radiusM })) : checkpoints
              }
              track={shown?.checkins ?? []}
            />
          </MapView>
        )}
      </div>
      <section className="plan-list">
        <h2>{t('patrols.plan.upcoming')}</h2>
        <table className="followups" data-testid="plan-list">
          <thead>
            <tr>
              <th>{t('patrols.plan.name')}</th>
              <th>{t('patrols.plan.when')}</th>
              <th>{t('patrols.plan.team')}</th>
              <th>{t('patrols.plan.status')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {patrols.map((p) => (
              <tr key={p.id} className={shown?.id === p.id ? 'selected' : ''}>
                <td>{p.name}</td>
                <td>
                  {time(p.startsAt)} – {time(p.endsAt)}
                </td>
                <td>{p.team.join(', ')}</td>
                <td>{t(`patrols.status.${p.status}`)}</td>
                <td>
                  <button type="button" onClick={() => show(p)}>
                    {t('patrols.plan.track')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {shown && (
          <div data-testid="plan-track">
            <h3>
              {shown.name}{' '}
              <button type="button" onClick={() => setShown(null)}>
                ✕
              </button>
            </h3>
            <ol>
              {shown.checkins.map((k) => (
                <li key={k.id}>
                  {time(k.at)} · {k.actor} · {k.kelurahan?.name ?? '–'} · {k.withinCheckpoint ? (k.checkpoint?.name ?? '') : t('patrols.plan.outside')}
                </li>
              ))}
            </ol>
            {shown.checkins.length === 0 && <p>{t('patrols.plan.noCheckins')}</p>}
          </div>
        )}
      </section>
    </main>
  )
}

/** Leaders plan Rojak patrols (team, window, area, checkpoints on the map) and follow each patrol's track. */
export function PlanPage() {
  const { t } = useTranslation()
  return <StaffFrame title={t('patrols.plan.title')}>{({ tenant }) => <Plan tenant={tenant} />}</StaffFrame>
}
