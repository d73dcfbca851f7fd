import { useCallback, useEffect, useState } from 'react'
import { useLiveEvents } from '../../app/liveEvents.tsx'
import { type DeviceKind, fetchKinds } from './api.ts'

/** The tenant's device kinds by code, refreshed when an admin changes one. */
export function useKinds(tenant: string) {
  const [kinds, setKinds] = useState<DeviceKind[]>([])
  const load = useCallback(() => {
    fetchKinds(tenant).then(
      (page) => setKinds(page.items),
      () => undefined,
    )
  }, [tenant])
  useEffect(load, [load])
  useLiveEvents(['sensors'], (event) => {
    if (event.type === 'device_kind.changed') load()
  })
  return { kinds, byCode: new Map(kinds.map((k) => [k.code, k])), reload: load }
}
