import { type Static, Type } from 'typebox'
import { Point } from '../../core/geo/geojson.ts'
import { Double, Int4 } from '../../core/http/schema.ts'

export const TenantParams = Type.Object({ tenant: Type.String() })
export const NamedParams = Type.Object({ tenant: Type.String(), id: Type.String({ format: 'uuid' }) })

const Lon = Double({ minimum: -180, maximum: 180 })
const Lat = Double({ minimum: -90, maximum: 90 })
const Kind = Type.String({ pattern: '^[a-z_]{2,40}$', description: 'street, hospital, marketplace, kelurahan, landmark…' })

export const SearchQuery = Type.Object({
  q: Type.String({ minLength: 1, maxLength: 120, description: 'What was typed: "jl ahmad yani", "alun alun", "ps rejowinangun"' }),
  lon: Type.Optional(Lon),
  lat: Type.Optional(Lat),
  kind: Type.Optional(Type.String({ pattern: '^[a-z_]{2,40}(,[a-z_]{2,40})*$', description: 'Only these kinds, comma-separated' })),
  limit: Type.Optional(Int4({ minimum: 1, maximum: 50, default: 10 })),
})

export const PointQuery = Type.Object({ lon: Lon, lat: Lat })

export const Place = Type.Object({
  id: Type.String(),
  source: Type.String({ description: 'basemap, named, region, facility or market' }),
  kind: Type.String(),
  name: Type.String(),
  aliases: Type.Array(Type.String()),
  context: Type.Union([Type.String(), Type.Null()], { description: 'Where it lies: "Kel. Cacaban, Kec. Magelang Tengah"' }),
  location: Point,
  score: Type.Number({ description: 'How well the name matches, 0–1' }),
  distanceM: Type.Union([Type.Number(), Type.Null()], { description: 'Metres from the given map centre' }),
})

export const SearchAnswer = Type.Object({ items: Type.Array(Place) })

export const ReverseAnswer = Type.Object({
  address: Type.Union([Type.String(), Type.Null()], { description: 'Street, landmark and region in words' }),
  street: Type.Union([Type.Object({ name: Type.String(), distanceM: Type.Number() }), Type.Null()]),
  landmark: Type.Union([Type.Object({ name: Type.String(), kind: Type.String(), distanceM: Type.Number() }), Type.Null()]),
  kelurahan: Type.Union([Type.String(), Type.Null()]),
  kecamatan: Type.Union([Type.String(), Type.Null()]),
})

export const NamedPlace = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  name: Type.String(),
  aliases: Type.Array(Type.String()),
  location: Point,
  updatedBy: Type.Union([Type.String(), Type.Null()]),
  updatedAt: Type.String({ format: 'date-time' }),
})

export const SaveNamedPlace = Type.Object(
  {
    name: Type.String({ minLength: 2, maxLength: 200 }),
    kind: Type.Optional(Kind),
    aliases: Type.Optional(Type.Array(Type.String({ minLength: 2, maxLength: 200 }), { maxItems: 20 })),
    location: Point,
  },
  { additionalProperties: false },
)
export type SaveNamedPlace = Static<typeof SaveNamedPlace>

export const ListQuery = Type.Object({
  limit: Type.Optional(Int4({ minimum: 1, maximum: 200, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 500 })),
})

export const SourceSummary = Type.Object({ source: Type.String(), places: Type.Integer(), refreshedAt: Type.String({ format: 'date-time' }) })
export const RefreshAnswer = Type.Object({ places: Type.Record(Type.String(), Type.Integer()) })
