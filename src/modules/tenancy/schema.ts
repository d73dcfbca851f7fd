import { type Static, Type } from 'typebox'
import { ROLES } from '../../core/http/access.ts'
import { PageQuery } from '../../core/http/paging.ts'
import { Double } from '../../core/http/schema.ts'

const TENANT_CODE = '^[0-9]{2}(\\.[0-9]{2})?$'
export const TenantCode = Type.String({
  pattern: TENANT_CODE,
  description: 'Kemendagri code: `33` province, `33.71` kota/kabupaten',
  examples: ['33.71'],
})
export const TenantParams = Type.Object({ tenant: TenantCode })
export const IdParams = Type.Object({ tenant: TenantCode, id: Type.String({ format: 'uuid' }) })

export const RoleSchema = Type.Enum(ROLES)
const Roles = Type.Array(RoleSchema, { minItems: 1, maxItems: ROLES.length, uniqueItems: true })

export const Tenant = Type.Object(
  {
    code: Type.String(),
    name: Type.String(),
    kind: Type.Union([Type.Literal('provinsi'), Type.Literal('kota'), Type.Literal('kabupaten')]),
    parent: Type.Union([Type.String(), Type.Null()]),
    timezone: Type.String({ description: 'IANA zone: Asia/Jakarta (WIB), Asia/Makassar (WITA), Asia/Jayapura (WIT)' }),
    bbox: Type.Union([Type.Tuple([Type.Number(), Type.Number(), Type.Number(), Type.Number()]), Type.Null()], {
      description: '[minLon, minLat, maxLon, maxLat] of its regions',
    }),
  },
  {},
)
export type Tenant = Static<typeof Tenant>

export const TIMEZONES = ['Asia/Jakarta', 'Asia/Makassar', 'Asia/Jayapura'] as const

export const CreateTenant = Type.Object(
  {
    code: TenantCode,
    name: Type.String({ minLength: 2, maxLength: 120 }),
    kind: Type.Union([Type.Literal('provinsi'), Type.Literal('kota'), Type.Literal('kabupaten')]),
    parent: Type.Optional(TenantCode),
    timeZone: Type.Optional(Type.Enum(TIMEZONES, { description: 'IANA zone: Asia/Jakarta (WIB), Asia/Makassar (WITA), Asia/Jayapura (WIT)' })),
    timezone: Type.Optional(Type.Enum(TIMEZONES, { description: 'Older spelling of timeZone, still accepted' })),
  },
  { additionalProperties: false },
)
export type CreateTenant = Static<typeof CreateTenant>

export const REGION_LEVELS = ['kabupaten', 'kota', 'kecamatan', 'kelurahan', 'desa'] as const
export const RegionLevel = Type.Enum(REGION_LEVELS)
export type RegionLevel = (typeof REGION_LEVELS)[number]

export const RegionRef = Type.Object({ code: Type.String(), name: Type.String() })
export type RegionRef = Static<typeof RegionRef>

export const RegionLookup = Type.Object({
  kelurahan: RegionRef,
  kecamatan: Type.Union([RegionRef, Type.Null()]),
  /** 0 when the point lies inside; otherwise the metres to the nearest kelurahan it was snapped to. */
  distanceM: Type.Number({ description: '0 inside a kelurahan; metres to the nearest one when the point fell in a gap at a border' }),
})

// GeoJSON files from GIS tools carry foreign members and more attributes than these (RFC 7946 §6.1): kept open on
// purpose, only the members read here are checked.
const geoJsonOpen = { additionalProperties: true }
export const RegionImport = Type.Object(
  {
    type: Type.Literal('FeatureCollection'),
    features: Type.Array(
      Type.Object(
        {
          type: Type.Literal('Feature'),
          id: Type.Optional(Type.Union([Type.String(), Double()])),
          geometry: Type.Object({ type: Type.String(), coordinates: Type.Array(Type.Unknown()) }, geoJsonOpen),
          properties: Type.Object(
            {
              // The Kemendagri format is checked per feature, so one bad code refuses that feature only.
              code: Type.String({ minLength: 1, maxLength: 20, description: 'Kemendagri code: kecamatan `33.24.01`, kelurahan/desa `33.24.01.2001`' }),
              name: Type.String({ minLength: 1, maxLength: 120 }),
              level: RegionLevel,
              parent: Type.Optional(Type.Union([Type.String(), Type.Null()])),
            },
            geoJsonOpen,
          ),
        },
        geoJsonOpen,
      ),
      { minItems: 1, maxItems: 5000 },
    ),
  },
  { description: 'GeoJSON FeatureCollection; properties code, name, level, parent (Kemendagri codes)', ...geoJsonOpen },
)
export type RegionImport = Static<typeof RegionImport>

export const RegionImportResult = Type.Object({
  accepted: Type.Integer(),
  rejected: Type.Array(
    Type.Object({
      index: Type.Integer({ description: 'Position of the feature in the file, from 0' }),
      code: Type.String({ description: 'The feature’s code as given' }),
      name: Type.String({ description: 'The feature’s name as given' }),
      field: Type.String({ description: 'What is wrong: properties.code, properties.level, properties.parent or geometry' }),
      message: Type.String(),
    }),
  ),
})
export type RegionImportResult = Static<typeof RegionImportResult>

export const Agency = Type.Object(
  {
    id: Type.String(),
    code: Type.String(),
    name: Type.String(),
    shortName: Type.Union([Type.String(), Type.Null()]),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  {},
)
export type Agency = Static<typeof Agency>

const AgencyCode = Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{1,39}$', description: 'Lower-case code, e.g. `dinkes`, `satpol_pp`' })
export const CreateAgency = Type.Object(
  {
    code: AgencyCode,
    name: Type.String({ minLength: 2, maxLength: 200 }),
    shortName: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
  },
  { additionalProperties: false },
)
export type CreateAgency = Static<typeof CreateAgency>
export const UpdateAgency = Type.Object(
  {
    code: Type.Optional(AgencyCode),
    name: Type.Optional(Type.String({ minLength: 2, maxLength: 200 })),
    shortName: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 40 }), Type.Null()])),
  },
  { additionalProperties: false, minProperties: 1 },
)
export type UpdateAgency = Static<typeof UpdateAgency>

export const Grant = Type.Object({
  tenant: Type.String(),
  roles: Type.Array(RoleSchema),
  agencies: Type.Array(Type.String(), { description: 'Ids of the OPDs the person works for in this tenant' }),
})
const AgencyIds = Type.Array(Type.String({ format: 'uuid' }), {
  maxItems: 50,
  uniqueItems: true,
  description: 'Ids of the OPDs (agencies) the person works for in this tenant; an agency officer acts for these only',
})

/** The logged-in person as the web app sees it. */
export const Me = Type.Object({
  id: Type.String(),
  username: Type.String(),
  name: Type.String(),
  tenant: Type.String(),
  isPlatformAdmin: Type.Boolean(),
  grants: Type.Array(Grant),
})
export type Me = Static<typeof Me>

export const FailedLogins = Type.Object(
  {
    count: Type.Integer({ description: 'Failed logins on this account since its last login' }),
    lastAt: Type.String({ format: 'date-time' }),
    lastFrom: Type.String({ description: 'Address of the last failed attempt' }),
  },
  { description: 'Told at login: someone may have tried to guess the password' },
)
export type FailedLogins = Static<typeof FailedLogins>

export const MeQuery = Type.Object({
  tenant: Type.Optional(
    Type.String({ pattern: TENANT_CODE, description: 'Also list the actions permitted in this tenant (a city read through a province grant)' }),
  ),
})

export const PermittedActions = Type.Record(Type.String(), Type.Array(Type.String()), {
  description: 'Per tenant code, the actions of the permission matrix the person may start there (README, "Who may do what")',
})

export const User = Type.Object(
  {
    id: Type.String(),
    username: Type.String(),
    name: Type.String(),
    tenant: Type.String({ description: 'Home tenant' }),
    roles: Type.Array(RoleSchema, { description: 'Roles in the tenant of the request' }),
    agencies: Type.Array(Type.String(), { description: 'Ids of the OPDs the person works for in the tenant of the request' }),
    disabled: Type.Boolean(),
    createdAt: Type.String({ format: 'date-time' }),
  },
  {},
)
export type User = Static<typeof User>

export const UserQuery = Type.Object({
  ...PageQuery.properties,
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Part of the username or name, any case' })),
})

const Username = Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{2,39}$', description: '3–40 lower-case letters, digits, . _ -' })
const Password = Type.String({ minLength: 10, maxLength: 200, description: 'At least 10 characters' })

export const ChangeOwnPassword = Type.Object(
  { currentPassword: Type.String({ minLength: 1, maxLength: 200 }), newPassword: Password },
  { additionalProperties: false },
)
export type ChangeOwnPassword = Static<typeof ChangeOwnPassword>

export const CreateUser = Type.Object(
  { username: Username, name: Type.String({ minLength: 2, maxLength: 120 }), password: Password, roles: Roles, agencies: Type.Optional(AgencyIds) },
  { additionalProperties: false },
)
export type CreateUser = Static<typeof CreateUser>

export const UpdateUser = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 2, maxLength: 120 })),
    password: Type.Optional(Password),
    roles: Type.Optional(Type.Array(RoleSchema, { maxItems: ROLES.length, uniqueItems: true })),
    agencies: Type.Optional(AgencyIds),
    disabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
)
export type UpdateUser = Static<typeof UpdateUser>

export const Login = Type.Object(
  { username: Type.String({ minLength: 1, maxLength: 100 }), password: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
)

export const ApiToken = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    roles: Type.Array(RoleSchema),
    prefix: Type.String(),
    createdBy: Type.Union([Type.String(), Type.Null()]),
    createdAt: Type.String({ format: 'date-time' }),
    expiresAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'After this the token is refused; null: until revoked' }),
    lastUsedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    agencies: Type.Union([Type.Array(Type.String()), Type.Null()], { description: 'The OPDs the token acts for; null: every OPD its issuer acts for' }),
    revoked: Type.Boolean(),
  },
  {},
)
export type ApiToken = Static<typeof ApiToken>

export const CreateToken = Type.Object(
  {
    name: Type.String({ minLength: 2, maxLength: 100 }),
    roles: Roles,
    agencies: Type.Optional(AgencyIds),
    expiresAt: Type.Optional(Type.String({ format: 'date-time', description: 'When the token stops working; omitted: until revoked' })),
  },
  { additionalProperties: false },
)
export type CreateToken = Static<typeof CreateToken>
export const CreatedToken = Type.Intersect([ApiToken, Type.Object({ token: Type.String({ description: 'Shown once; store it now' }) })])
