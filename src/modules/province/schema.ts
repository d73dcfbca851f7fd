import { Type } from 'typebox'
import { DIMENSIONS } from '../../core/indicators.ts'
import { SHARED_MODULES } from './picture.ts'

const TenantCode = Type.String({ pattern: '^[0-9]{2}(\\.[0-9]{2})?$', description: 'Kemendagri code, e.g. `33` or `33.71`' })
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()])
const Count = Type.Integer({ minimum: 0 })
const Score = Nullable(Type.Number({ minimum: 0, maximum: 100 }))

export const TenantParams = Type.Object({ tenant: TenantCode })
export const PictureQuery = Type.Object({
  period: Type.Optional(Type.String({ pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$', description: 'The month of the scores, YYYY-MM; default the last closed month' })),
})

const Shares = Type.Object(
  Object.fromEntries(SHARED_MODULES.map((m) => [m, Type.Boolean()])) as Record<(typeof SHARED_MODULES)[number], ReturnType<typeof Type.Boolean>>,
)

export const CityPicture = Type.Object({
  rank: Type.Integer({ minimum: 1, description: 'By the mean of the six dimension scores; cities without one come last' }),
  code: Type.String(),
  name: Type.String(),
  shares: Shares,
  openIncidents: Nullable(Type.Object({ P1: Count, P2: Count, P3: Count, P4: Count, total: Count })),
  activeWarnings: Nullable(Count),
  offlineDevices: Nullable(Count),
  offlineCameras: Nullable(Count),
  overdueReports: Nullable(Count),
  scores: Nullable(
    Type.Object({
      period: Type.String(),
      overall: Score,
      dimensions: Type.Object(Object.fromEntries(DIMENSIONS.map((d) => [d, Score])) as Record<(typeof DIMENSIONS)[number], typeof Score>),
    }),
  ),
})

export const ProvincePicture = Type.Object({
  province: Type.String(),
  period: Type.String({ description: 'The month of the scores' }),
  computedAt: Type.String({ format: 'date-time' }),
  cities: Type.Array(CityPicture, { description: 'Ranked; a count is null when the city does not share that module' }),
  notJoined: Type.Array(Type.Object({ code: Type.String(), name: Type.String() }), { description: 'Kota and kabupaten of the province not on the platform' }),
})

export const Warnings = Type.Object({
  type: Type.Literal('FeatureCollection'),
  features: Type.Array(
    Type.Object({
      type: Type.Literal('Feature'),
      id: Type.String(),
      geometry: Nullable(Type.Object({ type: Type.String(), coordinates: Type.Array(Type.Unknown()) })),
      properties: Type.Object({
        id: Type.String(),
        identifier: Type.String(),
        event: Type.String(),
        headline: Nullable(Type.String()),
        severity: Type.String(),
        urgency: Type.String(),
        expires: Type.String({ format: 'date-time' }),
        areaDesc: Type.String(),
        city: Type.String(),
        cityName: Type.String(),
      }),
    }),
  ),
})

export const Sharing = Type.Object({
  modules: Type.Array(
    Type.Object({
      module: Type.Enum(SHARED_MODULES),
      isShared: Type.Boolean(),
      updatedBy: Nullable(Type.String()),
      updatedAt: Nullable(Type.String({ format: 'date-time' })),
    }),
  ),
})

export const PutSharing = Type.Partial(Shares, { additionalProperties: false, minProperties: 1, description: 'The modules to share (true) or not (false)' })
