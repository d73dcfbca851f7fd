// The province picture as the API answers it (src/modules/province/schema.ts).

export const SHARED_MODULES = ['incidents', 'alerts', 'sensors', 'cctv', 'reports', 'kpi'] as const
export type SharedModule = (typeof SHARED_MODULES)[number]
export const DIMENSIONS = ['governance', 'branding', 'economy', 'living', 'society', 'environment'] as const

export interface CityPicture {
  rank: number
  code: string
  name: string
  shares: Record<SharedModule, boolean>
  openIncidents: { P1: number; P2: number; P3: number; P4: number; total: number } | null
  activeWarnings: number | null
  offlineDevices: number | null
  offlineCameras: number | null
  overdueReports: number | null
  scores: { period: string; overall: number | null; dimensions: Record<(typeof DIMENSIONS)[number], number | null> } | null
}

export interface ProvincePicture {
  province: string
  period: string
  computedAt: string
  cities: CityPicture[]
  notJoined: { code: string; name: string }[]
}

export interface WarningProperties {
  id: string
  identifier: string
  event: string
  headline: string | null
  severity: string
  urgency: string
  expires: string
  areaDesc: string
  city: string
  cityName: string
}

export interface Sharing {
  modules: { module: SharedModule; isShared: boolean; updatedBy: string | null; updatedAt: string | null }[]
}

/** `2026-11` as people read it: "November 2026". */
export function monthName(period: string, language: string): string {
  const [y, m] = period.split('-').map(Number)
  return new Intl.DateTimeFormat(language === 'en' ? 'en-GB' : 'id-ID', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(
    new Date(Date.UTC(y, m - 1, 15)),
  )
}
