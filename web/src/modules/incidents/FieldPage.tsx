import { useCallback, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useLiveEvents } from '../../app/liveEvents.tsx'
import { problemText } from '../../app/problem.ts'
import { StaffFrame } from '../../app/StaffFrame.tsx'
import {
  type Facility,
  fetchFacilities,
  fetchIncident,
  fetchMyUnits,
  fetchTypes,
  type IncidentDetail,
  type IncidentType,
  sendPosition,
  setUnitStatus,
  UNIT_NEXT,
  UNIT_STATUS_COLORS,
  type Unit,
} from './api.ts'

// A phone sends its position at most this often.
const POSITION_EVERY_MS = 15_000

function Crew({ tenant }: { tenant: string }) {
  const { t, i18n } = useTranslation()
  const [unit, setUnit] = useState<Unit | null | undefined>(undefined)
  const [incident, setIncident] = useState<IncidentDetail | null>(null)
  const [hospitals, setHospitals] = useState<Facility[]>([])
  const [destination, setDestination] = useState('')
  const [problem, setProblem] = useState<string | null>(null)
  const [sentAt, setSentAt] = useState<string | null>(null)
  const [types, setTypes] = useState<IncidentType[]>([])

  const load = useCallback(() => {
    fetchMyUnits(tenant).then(
      (p) => setUnit(p.items[0] ?? null),
      () => setUnit(null),
    )
  }, [tenant])
  useEffect(load, [load])
  useEffect(() => {
    fetchFacilities(tenant, 'hospital,puskesmas').then(
      (p) => setHospitals(p.items.filter((f) => f.hasEmergency || f.kind === 'puskesmas')),
      () => undefined,
    )
    fetchTypes(tenant).then(
      (p) => setTypes(p.items),
      () => undefined,
    )
  }, [tenant])
  useEffect(() => {
    if (unit?.incidentId) fetchIncident(tenant, unit.incidentId).then(setIncident, () => setIncident(null))
    else setIncident(null)
  }, [tenant, unit?.incidentId])
  useLiveEvents(['units'], (e) => {
    if (unit && e.entity === unit.id && e.type === 'unit.status_changed') load()
  })

  // The phone's position, sent while the page is open.
  useEffect(() => {
    if (!unit || !('geolocation' in navigator)) return
    let last = 0
    const watch = navigator.geolocation.watchPosition(
      (p) => {
        if (Date.now() - last < POSITION_EVERY_MS) return
        last = Date.now()
        sendPosition(tenant, unit.id, [p.coords.longitude, p.coords.latitude]).then(
          () => setSentAt(new Date().toLocaleTimeString()),
          () => undefined,
        )
      },
      () => setProblem(t('incidents.noGeolocation')),
      { enableHighAccuracy: true, maximumAge: 10_000 },
    )
    return () => navigator.geolocation.clearWatch(watch)
  }, [tenant, unit, t])

  async function move(status: string) {
    if (!unit) return
    setProblem(null)
    try {
      const body: Record<string, unknown> = { status }
      if (status === 'transporting') body.destinationId = destination || choices[0]?.id
      if (status === 'returning' && unit.status !== 'at_hospital') body.outcome = 'treated_on_scene'
      if (status === 'returning' && unit.status === 'at_hospital') body.outcome = 'transported'
      setUnit(await setUnitStatus(tenant, unit.id, body))
    } catch (err) {
      setProblem(problemText(err))
    }
  }

  // Hospitals with an emergency room first, nearest to the incident first.
  const choices = [...hospitals].sort((a, b) => {
    if (a.hasEmergency !== b.hasEmergency) return a.hasEmergency ? -1 : 1
    const from = incident?.location.coordinates
    if (!from) return a.name.localeCompare(b.name)
    const d = (f: Facility) => Math.hypot(f.location.coordinates[0] - from[0], f.location.coordinates[1] - from[1])
    return d(a) - d(b)
  })

  if (unit === undefined) return <main className="loading">…</main>
  if (unit === null) return <main className="field-page">{t('incidents.noUnit')}</main>
  const destinationName = hospitals.find((h) => h.id === unit.destinationId)?.name
  return (
    <main className="field-page" data-testid="field-page">
      <h2 className="callsign">
        {unit.callsign}{' '}
        <span className="status-badge" data-testid="unit-status" data-status={unit.status} style={{ background: UNIT_STATUS_COLORS[unit.status] }}>
          {t(`incidents.unitStatus.${unit.status}`)}
        </span>
      </h2>
      <section>
        <h2>{t('incidents.assigned')}</h2>
        {incident ? (
          <div data-testid="assignment">
            <p>
              <strong>{incident.number}</strong> · {incident.priority} ·{' '}
              {types.find((x) => x.code === incident.type)?.label[i18n.language === 'en' ? 'en' : 'id'] ?? incident.type}
            </p>
            <p>
              {incident.address ?? ''} {incident.kelurahan ? `· ${incident.kelurahan.name}` : ''}
            </p>
            {incident.description && <p>{incident.description}</p>}
            <p>
              <a href={`https://www.openstreetmap.org/directions?to=${incident.location.coordinates[1]},${incident.location.coordinates[0]}`}>
                {incident.location.coordinates[1].toFixed(5)}, {incident.location.coordinates[0].toFixed(5)}
              </a>
            </p>
            {destinationName && (
              <p>
                {t('incidents.destination')}: <strong>{destinationName}</strong>
              </p>
            )}
          </div>
        ) : (
          <p className="muted">{t('incidents.noAssignment')}</p>
        )}
      </section>
      {unit.status === 'on_scene' && (
        <label className="destination">
          {t('incidents.destination')}
          <select value={destination} onChange={(e) => setDestination(e.target.value)}>
            {choices.map((h) => (
              <option key={h.id} value={h.id}>
                {h.name}
                {h.erBedsAvailable !== null ? ` (${h.erBedsAvailable})` : ''}
              </option>
            ))}
          </select>
        </label>
      )}
      <div className="big-buttons">
        {UNIT_NEXT[unit.status].map((s) => (
          <button key={s} type="button" className="button big" style={{ borderColor: UNIT_STATUS_COLORS[s] }} onClick={() => move(s)}>
            {t(`incidents.unitStatus.${s}`)}
          </button>
        ))}
      </div>
      {problem && <p className="error">{problem}</p>}
      {sentAt && <p className="muted small">{t('incidents.sendingPosition', { time: sentAt })}</p>}
    </main>
  )
}

/** The crew's phone page: big status buttons, the assignment and its destination; sends the position. */
export function FieldPage() {
  const { t } = useTranslation()
  return <StaffFrame title={t('incidents.nav.field')}>{({ tenant }) => <Crew tenant={tenant.code} />}</StaffFrame>
}
