import type { AddLayerObject, ExpressionSpecification } from 'maplibre-gl'
import { SEVERITY_COLORS } from './api.ts'

export const AREAS_SOURCE = 'alert-areas'
const COLOR: ExpressionSpecification = [
  'match',
  ['get', 'severity'],
  'Extreme',
  SEVERITY_COLORS.Extreme,
  'Severe',
  SEVERITY_COLORS.Severe,
  'Moderate',
  SEVERITY_COLORS.Moderate,
  'Minor',
  SEVERITY_COLORS.Minor,
  SEVERITY_COLORS.Unknown,
]

/** Warning areas: a translucent fill and an outline, in the severity's colour. */
export const AREA_LAYERS: AddLayerObject[] = [
  { id: `${AREAS_SOURCE}-fill`, type: 'fill', source: AREAS_SOURCE, paint: { 'fill-color': COLOR, 'fill-opacity': 0.25 } },
  { id: `${AREAS_SOURCE}-line`, type: 'line', source: AREAS_SOURCE, paint: { 'line-color': COLOR, 'line-width': 2 } },
]
