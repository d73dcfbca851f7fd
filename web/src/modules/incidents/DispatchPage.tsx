import { type FormEvent, useCallback, useEffect, useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useParams } from 'react-router-dom'
import { api, type PlatformConfig, type Tenant } from '../../app/api.ts'
import { webModules } from '../../app/modules.ts'
import { problemText } from '../../app/problem.ts'
import { StaffHeader } from '../../app/StaffHeader.tsx'
import { TenantLive } from '../../app/TenantLive.tsx'
import { MapView, mapStyle } from '../../map/MapView.tsx'
import { MapPicker, PickedSpot } from '../../map/Pick.tsx'
import { PlaceSearch, usePointInWords } from '../places/PlaceSearch.tsx'
import {
  attachCall,
  clock,
  createIncident,
  dispatchUnit,
  fetchDuplicates,
  fetchRecommendations,
  fetchTypes,
  type Incident,
  type IncidentType,
  PRIORITY_COLORS,
  PRIORITY_RANK,
  type Recommendation,
} from './api.ts'
import { IncidentMarkers, UnitMarkers } from './Markers.tsx'
import { useDispatchData, useNow } from './useDispatchData.ts'

// The boundaries come from the tenancy module's layer, through the registry.
const baseLayers = webModules.flatMap((m) => m.layers ?? []).filter((l) => l.id === 'regions')

const SOURCES = ['call_119', 'call_112', 'operator', 'report', 'patrol', 'cctv', 'sensor', 'bmkg']

function Intake({
  tenant,
  location,
  setLocation,
  onSaved,
}: {
  tenant: Tenant
  location: [number, number] | null
  setLocation: (c: [number, number] | null) => void
  onSaved: (i: Incident) => void
}) {
  const { t, i18n } = useTranslation()
  const [types, setTypes] = useState<IncidentType[]>([])
  const [type, setType] = useState('medical')
  const [priority, setPriority] = useState('')
  const [source, setSource] = useState('call_119')
  const [coords, setCoords] = useState('')
  const [address, setAddress] = useState('')
  const [callerName, setCallerName] = useState('')
  const [callerPhone, setCallerPhone] = useState('')
  const [description, setDescription] = useState('')
  const [duplicates, setDuplicates] = useState<(Incident & { distanceM: number })[]>([])
  const [message, setMessage] = useState<string | null>(null)
  // The address follows the pin in words until the call-taker writes or picks one themselves.
  const [addressOwn, setAddressOwn] = useState(false)
  const inWords = usePointInWords(tenant.code, location)
  useEffect(() => {
    if (inWords && !addressOwn) setAddress(inWords)
  }, [inWords, addressOwn])

  useEffect(() => {
    fetchTypes(tenant.code).then(
      (p) => setTypes(p.items.filter((x) => x.isActive)),
      () => undefined,
    )
  }, [tenant.code])
  useEffect(() => {
    if (location) setCoords(`${location[0]}, ${location[1]}`)
  }, [location])
  useEffect(() => {
    if (!location) return setDuplicates([])
    fetchDuplicates(tenant.code, type, location).then(
      (p) => setDuplicates(p.items),
      () => setDuplicates([]),
    )
  }, [tenant.code, type, location])

  const caller = { ...(callerName ? { name: callerName } : {}), ...(callerPhone ? { phone: callerPhone } : {}) }

  function reset() {
    setAddress('')
    setAddressOwn(false)
    setCallerName('')
    setCallerPhone('')
    setDescription('')
    setPriority('')
    setLocation(null)
    setCoords('')
    setDuplicates([])
  }

  async function save(e: FormEvent) {
    e.preventDefault()
    if (!location) return setMessage(t('incidents.locationHint'))
    try {
      const incident = await createIncident(tenant.code, {
        type,
        source,
        location: { type: 'Point', coordinates: location },
        ...(priority ? { priority } : {}),
        ...(address ? { address } : {}),
        ...(description ? { description } : {}),
        ...(Object.keys(caller).length ? { caller } : {}),
      })
      setMessage(t('incidents.saved', { number: incident.number }))
      reset()
      onSaved(incident)
    } catch (err) {
      setMessage(problemText(err))
    }
  }

  async function attach(incident: Incident) {
    await attachCall(tenant.code, incident.id, { source, ...(Object.keys(caller).length ? { caller } : {}), ...(description ? { description } : {}) })
    setMessage(t('incidents.attached', { number: incident.number }))
    reset()
    onSaved(incident)
  }

  return (
    <form className="intake" onSubmit={save} data-testid="intake">
      <h2>{t('incidents.intake')}</h2>
      <label>
        {t('incidents.type')}
        {/* biome-ignore lint/a11y/noAutofocus: the call-taker starts typing the moment the page opens */}
        <select name="type" value={type} onChange={(e) => setType(e.target.value)} autoFocus>
          {types.map((x) => (
            <option key={x.code} value={x.code}>
              {i18n.language === 'en' ? x.label.en : x.label.id}
            </option>
          ))}
        </select>
      </label>
      <div className="row">
        <label>
          {t('incidents.priority')}
          <select name="priority" value={priority} onChange={(e) => setPriority(e.target.value)}>
            <option value="">{t('incidents.priorityDefault', { priority: types.find((x) => x.code === type)?.defaultPriority ?? '' })}</option>
            {['P1', 'P2', 'P3', 'P4'].map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('incidents.source')}
          <select name="source" value={source} onChange={(e) => setSource(e.target.value)}>
            {SOURCES.map((s) => (
              <option key={s} value={s}>
                {t(`incidents.sourceName.${s}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <label>
        {t('incidents.location')}
        <input
          name="coordinates"
          placeholder="110.2176, -7.4773"
          value={coords}
          onChange={(e) => {
            setCoords(e.target.value)
            const [lon, lat] = e.target.value.split(',').map((v) => Number(v.trim()))
            if (Number.isFinite(lon) && Number.isFinite(lat) && Math.abs(lon) <= 180 && Math.abs(lat) <= 90 && e.target.value.includes(','))
              setLocation([lon, lat])
          }}
        />
      </label>
      <PlaceSearch
        tenant={tenant.code}
        near={location}
        onPick={(p) => {
          setLocation(p.location.coordinates)
          setAddress([p.name, p.context].filter(Boolean).join(', '))
          setAddressOwn(true)
        }}
      />
      <p className="muted small">{t('incidents.locationHint')}</p>
      <label>
        {t('incidents.address')}
        <input
          name="address"
          value={address}
          onChange={(e) => {
            setAddress(e.target.value)
            setAddressOwn(e.target.value !== '')
          }}
        />
      </label>

      <div className="row">
        <label>
          {t('incidents.callerName')}
          <input name="callerName" value={callerName} onChange={(e) => setCallerName(e.target.value)} />
        </label>
        <label>
          {t('incidents.callerPhone')}
          <input name="callerPhone" value={callerPhone} onChange={(e) => setCallerPhone(e.target.value)} inputMode="tel" />
        </label>
      </div>
      <label>
        {t('incidents.description')}
        <textarea name="description" rows={2} value={description} onChange={(e) => setDescription(e.target.value)} />
      </label>
      {duplicates.length > 0 && (
        <div className="duplicates" data-testid="duplicates">
          <p>{t('incidents.duplicates')}</p>
          {duplicates.map((d) => (
            <div key={d.id}>
              {d.number} · {d.distanceM} m{' '}
              <button type="button" className="button small" onClick={() => attach(d)}>
                {t('incidents.attach')}
              </button>
            </div>
          ))}
        </div>
      )}
      <button type="submit" className="button primary">
        {t('incidents.save')}
      </button>
      {message && (
        <p className="message" data-testid="intake-message">
          {message}
        </p>
      )}
    </form>
  )
}

function Recommendations({ tenant, incident }: { tenant: string; incident: Incident }) {
  const { t } = useTranslation()
  const [items, setItems] = useState<Recommendation[] | null>(null)
  const [problem, setProblem] = useState<string | null>(null)
  const load = useCallback(() => {
    fetchRecommendations(tenant, incident.id).then(
      (p) => setItems(p.items),
      (err: unknown) => setProblem(String(err)),
    )
  }, [tenant, incident.id])
  useEffect(load, [load])

  async function assign(unitId: string) {
    setProblem(null)
    try {
      await dispatchUnit(tenant, incident.id, unitId)
    } catch (err) {
      setProblem(problemText(err))
    }
    load()
  }

  return (
    <section className="recommendations" data-testid="recommendations">
      <h2>{t('incidents.recommendations', { number: incident.number })}</h2>
      {items?.length === 0 && <p className="muted">{t('incidents.noUnits')}</p>}
      {problem && <p className="error">{problem}</p>}
      <ol>
        {(items ?? []).map((r) => (
          <li key={r.unitId} data-testid="recommendation" data-callsign={r.callsign}>
            <strong>{r.callsign}</strong> <span className="muted">{t(`incidents.kind.${r.kind}`)}</span>{' '}
            <span>{t('incidents.eta', { minutes: Math.max(1, Math.round(r.etaSeconds / 60)), km: (r.distanceM / 1000).toFixed(1) })}</span>
            <button type="button" className="button small" onClick={() => assign(r.unitId)}>
              {t('incidents.assign')}
            </button>
          </li>
        ))}
      </ol>
      <Link to={`/t/${tenant}/incidents/${incident.id}`}>{t('incidents.detail')}</Link>
    </section>
  )
}

function Console({ tenant, config }: { tenant: Tenant; config: PlatformConfig }) {
  const { t } = useTranslation()
  const { incidents, units, reloadIncidents } = useDispatchData(tenant.code)
  const now = useNow()
  const [location, setLocation] = useState<[number, number] | null>(null)
  const [selectedId, setSelectedId] = useState<string | null>(null)
  const queue = useMemo(
    () => [...incidents].sort((a, b) => PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] || a.createdAt.localeCompare(b.createdAt)),
    [incidents],
  )
  const selected = incidents.find((i) => i.id === selectedId) ?? null
  const pick = useCallback((c: [number, number]) => setLocation(c), [])

  return (
    <div className="dispatch">
      <StaffHeader tenant={tenant} title={t('incidents.dispatchTitle')} />
      <aside className="dispatch-left">
        <Intake
          tenant={tenant}
          location={location}
          setLocation={setLocation}
          onSaved={(i) => {
            reloadIncidents()
            setSelectedId(i.id)
          }}
        />
      </aside>
      <MapView bbox={tenant.bbox} styleUrl={mapStyle(config, 'dark')}>
        {baseLayers.map(({ id, Component }) => (
          <Component key={id} tenant={tenant} visible />
        ))}
        <MapPicker onPick={pick} />
        <PickedSpot at={location} />
        <IncidentMarkers incidents={incidents} visible onSelect={setSelectedId} now={now} />
        <UnitMarkers units={units} visible />
      </MapView>
      <aside className="dispatch-right">
        {selected && <Recommendations key={selected.id + selected.status} tenant={tenant.code} incident={selected} />}
        <section>
          <h2>
            {t('incidents.queue')} <span className="count">{queue.length}</span>
          </h2>
          <ol className="incident-queue">
            {queue.map((i) => (
              <li
                key={i.id}
                data-testid="queue-item"
                data-number={i.number}
                className={`${i.id === selectedId ? 'selected' : ''} ${i.timers.dueAt && Date.parse(i.timers.dueAt) < now ? 'overdue' : ''}`}
              >
                <button type="button" onClick={() => setSelectedId(i.id)}>
                  <span className="priority" style={{ background: PRIORITY_COLORS[i.priority] }}>
                    {i.priority}
                  </span>{' '}
                  {i.number} · {i.kelurahan?.name ?? '—'} · {t(`incidents.status.${i.status}`)}
                </button>
                <span className="timer">{clock((now - Date.parse(i.createdAt)) / 1000)}</span>
              </li>
            ))}
          </ol>
        </section>
      </aside>
    </div>
  )
}

/** The dispatch console of a call-taker (112 / PSC 119): intake, queue, map and one-click assignment. */
export function DispatchPage() {
  const { tenant: code = '' } = useParams()
  const [tenant, setTenant] = useState<Tenant | null>(null)
  const [config, setConfig] = useState<PlatformConfig | null>(null)
  useEffect(() => {
    Promise.all([api<Tenant>(`/api/t/${code}`), api<PlatformConfig>('/api/config')]).then(
      ([tn, cf]) => {
        setTenant(tn)
        setConfig(cf)
      },
      () => undefined,
    )
  }, [code])
  if (!tenant || !config) return <main className="loading">…</main>
  return (
    <TenantLive tenant={code}>
      <Console tenant={tenant} config={config} />
    </TenantLive>
  )
}
