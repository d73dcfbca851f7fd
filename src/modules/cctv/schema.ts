import { type Static, Type } from 'typebox'
import { Point } from '../../core/geo/geojson.ts'

export const TenantParams = Type.Object({ tenant: Type.String() })
export const CameraParams = Type.Object({ tenant: Type.String(), id: Type.String({ format: 'uuid' }) })

const SourceUrl = Type.String({ pattern: '^https?://', maxLength: 1000 })
const RtspUrl = Type.String({ pattern: '^rtsps?://', maxLength: 1000, description: 'Kept for reference; browsers cannot play RTSP' })

export const CreateCamera = Type.Object(
  {
    name: Type.String({ minLength: 2, maxLength: 120 }),
    location: Point,
    agencyId: Type.Optional(Type.String({ format: 'uuid' })),
    isPublic: Type.Optional(Type.Boolean()),
    snapshotUrl: Type.Optional(SourceUrl),
    mjpegUrl: Type.Optional(SourceUrl),
    hlsUrl: Type.Optional(SourceUrl),
    rtspUrl: Type.Optional(RtspUrl),
  },
  { additionalProperties: false },
)
export type CreateCamera = Static<typeof CreateCamera>

const Removable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Optional(Type.Union([t, Type.Null()]))

/** Changes to a camera; a source URL of null removes it. A password shown masked (`***`) keeps the stored one. */
export const UpdateCamera = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 2, maxLength: 120 })),
    location: Type.Optional(Point),
    agencyId: Type.Optional(Type.Union([Type.String({ format: 'uuid' }), Type.Null()])),
    isPublic: Type.Optional(Type.Boolean()),
    snapshotUrl: Removable(SourceUrl),
    mjpegUrl: Removable(SourceUrl),
    hlsUrl: Removable(SourceUrl),
    rtspUrl: Removable(RtspUrl),
  },
  { additionalProperties: false, minProperties: 1 },
)
export type UpdateCamera = Static<typeof UpdateCamera>

/** A camera's source URLs for its admins, passwords masked: what they edit, never what the camera is logged in with. */
export const CameraSources = Type.Object({
  snapshotUrl: Type.Union([Type.String(), Type.Null()]),
  mjpegUrl: Type.Union([Type.String(), Type.Null()]),
  hlsUrl: Type.Union([Type.String(), Type.Null()]),
  rtspUrl: Type.Union([Type.String(), Type.Null()]),
})
export type CameraSources = Static<typeof CameraSources>

/** A camera as clients see it: which views exist, never where they come from. */
export const Camera = Type.Object({
  id: Type.String(),
  name: Type.String(),
  location: Point,
  agencyId: Type.Union([Type.String(), Type.Null()]),
  isPublic: Type.Boolean(),
  views: Type.Object({ snapshot: Type.Boolean(), mjpeg: Type.Boolean(), hls: Type.Boolean() }),
  status: Type.Union([Type.Literal('unknown'), Type.Literal('online'), Type.Literal('offline')]),
  lastSeenAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  responseMs: Type.Union([Type.Integer(), Type.Null()]),
  distanceM: Type.Optional(Type.Number({ description: 'With ?near=: metres from that point' })),
})
export type Camera = Static<typeof Camera>

export const CameraQuery = Type.Object({
  near: Type.Optional(Type.String({ pattern: '^-?[0-9.]+,-?[0-9.]+$', description: 'lon,lat: nearest cameras first' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
})
