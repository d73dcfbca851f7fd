import { useCallback } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useNavigate } from 'react-router-dom'
import { usePermitted } from '../../app/auth.tsx'
import type { MapLayerProps, PanelProps } from '../../app/modules.ts'
import { clock, PRIORITY_COLORS, PRIORITY_RANK, UNIT_STATUS_COLORS } from './api.ts'
import { IncidentMarkers, UnitMarkers } from './Markers.tsx'
import { useDispatchData, useNow } from './useDispatchData.ts'

export function IncidentsLayer({ tenant, visible }: MapLayerProps) {
  const { incidents } = useDispatchData(tenant.code)
  const navigate = useNavigate()
  const now = useNow(5000)
  const open = useCallback((id: string) => navigate(`/t/${tenant.code}/incidents/${id}`), [navigate, tenant.code])
  return <IncidentMarkers incidents={incidents} visible={visible} onSelect={open} now={now} />
}

export function UnitsLayer({ tenant, visible }: MapLayerProps) {
  const { units } = useDispatchData(tenant.code)
  return <UnitMarkers units={units} visible={visible} />
}

/** The console's side panel: open incidents by priority and age with live timers, and the units' status. */
export function DispatchPanel({ tenant }: PanelProps) {
  const { t } = useTranslation()
  const { incidents, units } = useDispatchData(tenant.code)
  const mayDispatch = usePermitted(tenant.code)?.has('incidents.dispatch') ?? false
  const now = useNow()
  const queue = [...incidents].sort((a, b) => PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] || a.createdAt.localeCompare(b.createdAt))
  return (
    <section className="incidents-panel" data-testid="incidents-panel">
      <h2>
        {t('incidents.queue')} <span className="count">{queue.length}</span>{' '}
        {mayDispatch && <Link to={`/t/${tenant.code}/dispatch`}>{t('incidents.openDispatch')}</Link>}
      </h2>
      {queue.length === 0 && <p className="muted">{t('incidents.noOpen')}</p>}
      <ol className="incident-queue">
        {queue.slice(0, 12).map((i) => (
          <li key={i.id} data-testid="queue-item" className={i.timers.dueAt && Date.parse(i.timers.dueAt) < now ? 'overdue' : ''}>
            <span className="priority" style={{ background: PRIORITY_COLORS[i.priority] }}>
              {i.priority}
            </span>
            <Link to={`/t/${tenant.code}/incidents/${i.id}`}>{i.number}</Link>
            <span>{i.kelurahan?.name ?? ''}</span>
            <span className="muted">{t(`incidents.status.${i.status}`)}</span>
            <span className="timer">{clock((now - Date.parse(i.createdAt)) / 1000)}</span>
          </li>
        ))}
      </ol>
      <h2>{t('incidents.units')}</h2>
      <ul className="unit-list">
        {units.map((u) => (
          <li key={u.id} data-testid="unit-item" data-callsign={u.callsign} data-status={u.status}>
            <span className="swatch" style={{ background: UNIT_STATUS_COLORS[u.status] }} data-color={UNIT_STATUS_COLORS[u.status]} />
            <strong>{u.callsign}</strong> <span className="muted">{t(`incidents.unitStatus.${u.status}`)}</span>
          </li>
        ))}
      </ul>
    </section>
  )
}
