import { type Static, type TSchema, Type } from 'typebox'
import { Point } from '../../core/geo/geojson.ts'

const Kind = Type.Union([Type.Literal('agenda'), Type.Literal('activity'), Type.Literal('policy'), Type.Literal('announcement')], {
  description: '`agenda` (with time and place), `activity`, `policy` or `announcement`',
})
const Visibility = Type.Union([Type.Literal('public'), Type.Literal('internal')], {
  description: '`public` posts reach the public portal once published; `internal` (default) only staff',
})
const Status = Type.Union([Type.Literal('draft'), Type.Literal('published'), Type.Literal('archived')])
const Time = Type.String({ format: 'date-time', description: 'ISO 8601 with offset, e.g. 2026-11-23T09:00:00+07:00' })
const Title = Type.String({ minLength: 3, maxLength: 200 })
const Body = Type.String({ minLength: 1, maxLength: 20_000 })
const Place = Type.String({ minLength: 2, maxLength: 200 })

export const TenantParams = Type.Object({ tenant: Type.String() })
export const PostParams = Type.Object({ tenant: Type.String(), id: Type.String({ format: 'uuid' }) })
export const AttachmentParams = Type.Object({ tenant: Type.String(), id: Type.String({ format: 'uuid' }), attachmentId: Type.String({ format: 'uuid' }) })

export const CreatePost = Type.Object(
  {
    kind: Kind,
    agencyId: Type.String({ format: 'uuid', description: 'The OPD that publishes it' }),
    title: Title,
    body: Body,
    visibility: Type.Optional(Visibility),
    status: Type.Optional(Type.Union([Type.Literal('draft'), Type.Literal('published')], { description: 'Publish at once, or keep a draft (default)' })),
    startsAt: Type.Optional(Time),
    endsAt: Type.Optional(Time),
    place: Type.Optional(Place),
    location: Type.Optional(Point),
  },
  { additionalProperties: false },
)
export type CreatePost = Static<typeof CreatePost>

export const UpdatePost = Type.Object(
  {
    kind: Type.Optional(Kind),
    agencyId: Type.Optional(Type.String({ format: 'uuid' })),
    title: Type.Optional(Title),
    body: Type.Optional(Body),
    visibility: Type.Optional(Visibility),
    startsAt: Type.Optional(Type.Union([Time, Type.Null()])),
    endsAt: Type.Optional(Type.Union([Time, Type.Null()])),
    place: Type.Optional(Type.Union([Place, Type.Null()])),
    location: Type.Optional(Type.Union([Point, Type.Null()])),
  },
  { additionalProperties: false, minProperties: 1 },
)
export type UpdatePost = Static<typeof UpdatePost>

export const PostQuery = Type.Object({
  kind: Type.Optional(Kind),
  agency: Type.Optional(Type.String({ format: 'uuid', description: 'Posts of this OPD' })),
  status: Type.Optional(Status),
  visibility: Type.Optional(Visibility),
  from: Type.Optional(Type.String({ format: 'date-time', description: 'Posts happening (or published) at or after this time' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'Posts happening (or published) before this time' })),
  order: Type.Optional(
    Type.Union([Type.Literal('newest'), Type.Literal('upcoming')], {
      default: 'newest',
      description: '`newest` published first, or `upcoming`: by start time (agenda), earliest first',
    }),
  ),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 500 })),
})
export type PostQuery = Static<typeof PostQuery>
export type PostKind = Static<typeof Kind>
export const PublicPostQuery = Type.Omit(PostQuery, ['status', 'visibility'])

export const Attachment = Type.Object({
  id: Type.String(),
  name: Type.String(),
  mime: Type.String(),
  size: Type.Integer(),
  url: Type.String({ description: 'Where to download it' }),
})
export type Attachment = Static<typeof Attachment>

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()])

/** A post as the public portal shows it. */
export const PublicPost = Type.Object({
  id: Type.String(),
  kind: Kind,
  agency: Type.Object({ id: Type.String(), name: Nullable(Type.String()), shortName: Nullable(Type.String()) }),
  title: Type.String(),
  body: Type.String(),
  startsAt: Nullable(Type.String()),
  endsAt: Nullable(Type.String()),
  place: Nullable(Type.String()),
  location: Nullable(Point),
  publishedAt: Nullable(Type.String()),
  attachments: Type.Array(Attachment),
})
export type PublicPost = Static<typeof PublicPost>

/** A post as staff see it. */
export const Post = Type.Intersect([
  PublicPost,
  Type.Object({
    visibility: Visibility,
    status: Status,
    createdBy: Nullable(Type.String()),
    updatedBy: Nullable(Type.String()),
    createdAt: Type.String(),
    updatedAt: Type.String(),
  }),
])
export type Post = Static<typeof Post>
