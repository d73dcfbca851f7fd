import { createContext, type ReactNode, useContext, useEffect, useRef } from 'react'
import type { KendaliEvent } from './api.ts'
import type { LiveState } from './live.ts'

type Listener = (event: KendaliEvent) => void

/** Hands each live event of the console to the layers and panels that listen for their topics. */
export class LiveEvents {
  private readonly listeners = new Set<Listener>()
  emit(event: KendaliEvent): void {
    for (const listener of this.listeners) listener(event)
  }
  listen(listener: Listener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
}

const LiveEventsContext = createContext<LiveEvents | null>(null)

export function LiveEventsProvider({ value, children }: { value: LiveEvents; children: ReactNode }) {
  return <LiveEventsContext.Provider value={value}>{children}</LiveEventsContext.Provider>
}

/** Calls `onEvent` for every live event of these topics while the component is mounted. */
export function useLiveEvents(topics: readonly string[], onEvent: Listener): void {
  const live = useContext(LiveEventsContext)
  const handler = useRef(onEvent)
  handler.current = onEvent
  const key = topics.join(',')
  useEffect(() => {
    if (!live) return
    const wanted = new Set(key.split(','))
    return live.listen((event) => {
      if (wanted.has(event.topic)) handler.current(event)
    })
  }, [live, key])
}

const LiveStateContext = createContext<LiveState | null>(null)

/** The state of the page's live channel, for the staff header to show. */
export function LiveStateProvider({ value, children }: { value: LiveState; children: ReactNode }) {
  return <LiveStateContext.Provider value={value}>{children}</LiveStateContext.Provider>
}

/** Whether the page's live channel is connected, or null on a page without one. */
export function useLiveState(): LiveState | null {
  return useContext(LiveStateContext)
}
