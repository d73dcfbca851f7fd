import { type ReactNode, useCallback, useEffect, useMemo, useState } from 'react'
import { api, type KendaliEvent, type Page } from './api.ts'
import { useLive } from './live.ts'
import { LiveEvents, LiveEventsProvider, LiveStateProvider } from './liveEvents.tsx'

/** The live channel for a page of its own (outside the console), from the log's head onward. */
export function TenantLive({ tenant, children }: { tenant: string; children: ReactNode }) {
  const [after, setAfter] = useState<number | null>(null)
  const live = useMemo(() => new LiveEvents(), [])
  useEffect(() => {
    api<Page<KendaliEvent>>(`/api/t/${tenant}/events?order=desc&limit=1`).then(
      (p) => setAfter(p.items[0]?.seq ?? 0),
      () => setAfter(0),
    )
  }, [tenant])
  const onEvent = useCallback((event: KendaliEvent) => live.emit(event), [live])
  const state = useLive(tenant, after, onEvent)
  return (
    <LiveEventsProvider value={live}>
      {/* The staff header shows the state. */}
      <LiveStateProvider value={state}>{children}</LiveStateProvider>
    </LiveEventsProvider>
  )
}
