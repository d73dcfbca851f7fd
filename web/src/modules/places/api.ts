import { api } from '../../app/api.ts'

/** A place the city named itself ("Alun-alun Kota Magelang"), with the other names people use for it. */
export interface NamedPlace {
  id: string
  kind: string
  name: string
  aliases: string[]
  location: { type: 'Point'; coordinates: [number, number] }
  updatedBy: string | null
  updatedAt: string
}

export interface NamedPlaceInput {
  name: string
  kind: string
  aliases: string[]
  location: { type: 'Point'; coordinates: [number, number] }
}

export interface PlaceSource {
  source: string
  places: number
  refreshedAt: string
}

const base = (tenant: string) => `/api/t/${tenant}/places`

export const fetchNamedPlaces = (tenant: string, cursor: string | undefined, limit: number) =>
  api<{ items: NamedPlace[]; total: number; next: string | null }>(
    `${base(tenant)}/named?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
  )
export const addNamedPlace = (tenant: string, input: NamedPlaceInput) => api<NamedPlace>(`${base(tenant)}/named`, { method: 'POST', body: input })
export const changeNamedPlace = (tenant: string, id: string, input: NamedPlaceInput) =>
  api<NamedPlace>(`${base(tenant)}/named/${id}`, { method: 'PUT', body: input })
export const removeNamedPlace = (tenant: string, id: string) => api<void>(`${base(tenant)}/named/${id}`, { method: 'DELETE' })
export const fetchPlaceSources = (tenant: string) => api<{ items: PlaceSource[] }>(`${base(tenant)}/sources`)
export const refreshPlaces = (tenant: string) => api<{ places: Record<string, number> }>(`${base(tenant)}/refresh`, { method: 'POST' })
