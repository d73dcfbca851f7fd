import { Type } from 'typebox'

/** A point in the API, in and out: GeoJSON (RFC 7946) longitude first, WGS84. */
export const Point = Type.Object(
  {
    type: Type.Literal('Point'),
    coordinates: Type.Tuple([Type.Number({ minimum: -180, maximum: 180 }), Type.Number({ minimum: -90, maximum: 90 })]),
  },
  { additionalProperties: false, description: 'GeoJSON Point [lon, lat] in WGS84' },
)

export interface GeoPoint {
  type: 'Point'
  coordinates: [number, number]
}

export const Geometry = Type.Object({ type: Type.String(), coordinates: Type.Array(Type.Unknown()) }, { description: 'GeoJSON geometry (RFC 7946)' })

export function FeatureCollection<P extends ReturnType<typeof Type.Object>>(properties: P) {
  return Type.Object({
    type: Type.Literal('FeatureCollection'),
    features: Type.Array(
      Type.Object({
        type: Type.Literal('Feature'),
        id: Type.Union([Type.String(), Type.Number()]),
        geometry: Type.Union([Geometry, Type.Null()]),
        properties,
      }),
    ),
  })
}

/** SQL for a geometry parameter given as GeoJSON text, in SRID 4326. */
export const GEOM_FROM_GEOJSON = (param: string) => `ST_SetSRID(ST_GeomFromGeoJSON(${param}), 4326)`

/** SQL turning a geometry column into GeoJSON (7 decimals ≈ 1 cm). */
export const GEOM_TO_GEOJSON = (column: string) => `ST_AsGeoJSON(${column}, 7)::json`
