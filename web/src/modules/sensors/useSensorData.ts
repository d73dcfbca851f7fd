import { useCallback, useEffect, useRef, useState } from 'react'
import { useLiveEvents } from '../../app/liveEvents.tsx'
import { type Alarm, type Device, fetchDevices, fetchOpenAlarms } from './api.ts'

// Many readings can trip many events at once; one refresh covers a burst.
const REFRESH_AFTER_MS = 500

/** Devices and open alarms of a tenant, refreshed when sensor events arrive. */
export function useSensorData(tenant: string) {
  const [devices, setDevices] = useState<Device[]>([])
  const [alarms, setAlarms] = useState<Alarm[]>([])
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null)

  const load = useCallback(() => {
    Promise.all([fetchDevices(tenant), fetchOpenAlarms(tenant)]).then(
      ([d, a]) => {
        setDevices(d.items)
        setAlarms(a.items)
      },
      () => undefined,
    )
  }, [tenant])

  useEffect(load, [load])
  useLiveEvents(['sensors'], () => {
    if (timer.current) return
    timer.current = setTimeout(() => {
      timer.current = null
      load()
    }, REFRESH_AFTER_MS)
  })
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current)
    },
    [],
  )

  return { devices, alarms, reload: load }
}
