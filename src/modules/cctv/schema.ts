import { type Static, Type } from 'typebox'
import { Point } from '../../core/geo/geojson.ts'

export const TenantParams = Type.Object({ tenant: Type.String() })
export const CameraParams = Type.Object({ tenant: Type.String(), id: Type.String({ format: 'uuid' }) })

const SourceUrl = Type.String({ pattern: '^https?://', maxLength: 1000 })
const RtspUrl = Type.String({
  pattern: '^rtsps?://',
  maxLength: 1000,
  description: 'The camera’s RTSP stream (login included): Kendali remuxes it to HLS for signed-in viewers, and grabs snapshots from it',
})
const Transcode = Type.Boolean({
  description: 'Allow re-encoding to H.264 when the RTSP stream’s codec is one browsers cannot play (H.265); costs server CPU. Default false',
})

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
    transcode: Type.Optional(Transcode),
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
    transcode: Type.Optional(Transcode),
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
  transcode: Type.Boolean(),
})
export type CameraSources = Static<typeof CameraSources>

/** A camera as clients see it: which views exist, never where they come from. */
export const Camera = Type.Object({
  id: Type.String(),
  name: Type.String(),
  location: Point,
  agencyId: Type.Union([Type.String(), Type.Null()]),
  isPublic: Type.Boolean(),
  views: Type.Object({
    snapshot: Type.Boolean(),
    mjpeg: Type.Boolean(),
    hls: Type.Boolean(),
    rtsp: Type.Boolean({ description: 'Live through `hls/` as Kendali’s remux of the camera’s RTSP, for signed-in viewers' }),
  }),
  status: Type.Union([Type.Literal('unknown'), Type.Literal('online'), Type.Literal('offline')]),
  lastSeenAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  responseMs: Type.Union([Type.Integer(), Type.Null()]),
  uptime30d: Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()], {
    description: 'Share of the last 30 days (or of its life, when shorter) the camera answered its checks; null until first checked',
  }),
  distanceM: Type.Optional(Type.Number({ description: 'With ?near=: metres from that point' })),
})
export type Camera = Static<typeof Camera>

export const CameraQuery = Type.Object({
  near: Type.Optional(Type.String({ pattern: '^-?[0-9.]+,-?[0-9.]+$', description: 'lon,lat: nearest cameras first' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
})

export const AlarmParams = Type.Object({ tenant: Type.String(), id: Type.String({ format: 'uuid' }) })

/** An alarm of a camera, with the lifecycle of sensor alarms: active, acknowledged (by someone), cleared. */
export const CameraAlarm = Type.Object({
  id: Type.String(),
  cameraId: Type.String(),
  cameraName: Type.String(),
  kind: Type.Literal('offline'),
  severity: Type.String(),
  status: Type.Union([Type.Literal('active'), Type.Literal('acknowledged'), Type.Literal('cleared')]),
  location: Point,
  raisedAt: Type.String({ format: 'date-time' }),
  acknowledgedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  acknowledgedBy: Type.Union([Type.String(), Type.Null()]),
  clearedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
})
export type CameraAlarm = Static<typeof CameraAlarm>

export const AlarmQuery = Type.Object({
  status: Type.Optional(Type.Enum(['open', 'active', 'acknowledged', 'cleared', 'all'] as const, { description: 'open = active or acknowledged' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
})

export const StreamQuery = Type.Object(
  {
    viewer: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9-]{8,64}$', description: 'The player’s own id, so each viewer of a remuxed camera counts once' })),
  },
  { additionalProperties: true },
)

/** A camera's remux (RTSP to HLS) as its admins see it. */
export const CameraStream = Type.Object({
  cameraId: Type.String(),
  cameraName: Type.String(),
  health: Type.Union([Type.Literal('starting'), Type.Literal('live'), Type.Literal('stalled'), Type.Literal('failed')]),
  viewers: Type.Integer({ minimum: 0 }),
  bitrateKbps: Type.Union([Type.Integer(), Type.Null()], { description: 'Of the segments the playlist lists now' }),
  codec: Type.Union([Type.String(), Type.Null()]),
  transcoding: Type.Boolean(),
  startedAt: Type.String({ format: 'date-time' }),
  lastFrameAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()], { description: 'Why a failed stream ended (the camera’s login never shown)' }),
})
export type CameraStream = Static<typeof CameraStream>

export const CameraStreams = Type.Object({
  max: Type.Integer({ description: 'CAMERA_MAX_REMUXES: streams this server runs at once' }),
  running: Type.Integer({ description: 'Streams running now (failed ones are listed but do not count)' }),
  items: Type.Array(CameraStream),
})
export type CameraStreams = Static<typeof CameraStreams>
