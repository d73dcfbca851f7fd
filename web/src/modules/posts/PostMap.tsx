import type { Tenant } from '../../app/api.ts'
import { PublicMap } from '../reports/PickMap.tsx'

// The small maps of an agenda item's place; loaded (with MapLibre) only where they are shown.

type Point = [number, number]

/** Tap the map to set where the agenda item takes place. */
export function PickPlace({ tenant, at, onPick }: { tenant: Tenant; at: Point | null; onPick: (at: Point) => void }) {
  return (
    <div className="post-place-map" data-testid="post-place-picker">
      <PublicMap tenant={tenant} picked={at} onPick={onPick} />
    </div>
  )
}

/** Where the agenda item takes place, on the city's map (taps change nothing). */
export function PlaceMap({ tenant, at }: { tenant: Tenant; at: Point }) {
  return (
    <div className="post-place-map" data-testid="post-place-map">
      <PublicMap tenant={tenant} picked={at} onPick={ignore} />
    </div>
  )
}

const ignore = () => undefined
