import { useCallback, useEffect, useRef, useState } from 'react'
import type { KendaliEvent } from '../../app/api.ts'
import { useLiveEvents } from '../../app/liveEvents.tsx'
import { fetchOpenIncidents, fetchUnits, type Incident, type Point, type Unit } from './api.ts'

const REFRESH_AFTER_MS = 300

/**
 * Open incidents and all units of a tenant. Unit events move and recolour units in place (no request per
 * tick); incident events refresh the open list, one request per burst.
 */
export function useDispatchData(tenant: string) {
  const [incidents, setIncidents] = useState<Incident[]>([])
  const [units, setUnits] = useState<Unit[]>([])
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null)

  const loadIncidents = useCallback(() => {
    fetchOpenIncidents(tenant).then(
      (p) => setIncidents(p.items),
      () => undefined,
    )
  }, [tenant])
  const loadUnits = useCallback(() => {
    fetchUnits(tenant).then(
      (p) => setUnits(p.items),
      () => undefined,
    )
  }, [tenant])

  useEffect(() => {
    loadIncidents()
    loadUnits()
  }, [loadIncidents, loadUnits])

  useLiveEvents(['incidents', 'units'], (event: KendaliEvent) => {
    if (event.topic === 'units') {
      const d = event.data as { status?: string; location?: Point | null; incidentId?: string | null; destinationId?: string | null }
      if (event.type === 'unit.created' || event.type === 'unit.updated' || event.type === 'unit.bulk_saved') return loadUnits()
      setUnits((list) =>
        list.map((u) =>
          u.id === event.entity
            ? {
                ...u,
                status: d.status ?? u.status,
                location: d.location ?? u.location,
                incidentId: d.incidentId === undefined ? u.incidentId : d.incidentId,
                destinationId: d.destinationId === undefined ? u.destinationId : d.destinationId,
                positionAt: event.type === 'unit.moved' ? event.at : u.positionAt,
              }
            : u,
        ),
      )
      return
    }
    if (timer.current) return
    timer.current = setTimeout(() => {
      timer.current = null
      loadIncidents()
    }, REFRESH_AFTER_MS)
  })
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current)
    },
    [],
  )

  return { incidents, units, reloadIncidents: loadIncidents, reloadUnits: loadUnits }
}

/** The time now, ticking every second, for live timers. */
export function useNow(everyMs = 1000): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), everyMs)
    return () => clearInterval(id)
  }, [everyMs])
  return now
}
