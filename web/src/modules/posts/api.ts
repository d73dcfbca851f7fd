import { ApiError, api, type Me, type Page, type Role } from '../../app/api.ts'

export type PostKind = 'agenda' | 'activity' | 'policy' | 'announcement'
export const POST_KINDS: PostKind[] = ['agenda', 'activity', 'policy', 'announcement']

export interface Attachment {
  id: string
  name: string
  mime: string
  size: number
  url: string
}

export interface PublicPost {
  id: string
  kind: PostKind
  agency: { id: string; name: string | null; shortName: string | null }
  title: string
  body: string
  startsAt: string | null
  endsAt: string | null
  place: string | null
  location: { type: 'Point'; coordinates: [number, number] } | null
  publishedAt: string | null
  attachments: Attachment[]
}

export interface Post extends PublicPost {
  visibility: 'public' | 'internal'
  status: 'draft' | 'published' | 'archived'
  createdBy: string | null
  updatedBy: string | null
  createdAt: string
  updatedAt: string
}

export interface PostInput {
  kind: PostKind
  agencyId: string
  title: string
  body: string
  visibility: 'public' | 'internal'
  startsAt: string | null
  endsAt: string | null
  place: string | null
  location: PublicPost['location']
}

export interface Agency {
  id: string
  code: string
  name: string
  shortName: string | null
}

/**
 * The OPDs a person may write for in a tenant, as the server decides (AGENCY contract): every one for platform admins
 * and the tenant's own admins and operators, else those their grant links them to.
 */
export function writableAgencies(me: Me, tenant: string): 'all' | string[] {
  if (me.isPlatformAdmin) return 'all'
  const grant = (me.grants as { tenant: string; roles: Role[]; agencies?: string[] }[]).find((g) => g.tenant === tenant)
  if (!grant) return []
  return grant.roles.includes('admin') || grant.roles.includes('operator') ? 'all' : (grant.agencies ?? [])
}

const base = (tenant: string) => `/api/t/${encodeURIComponent(tenant)}`
const query = (params: Record<string, string | number | undefined>) =>
  new URLSearchParams(Object.entries(params).flatMap(([k, v]) => (v === undefined || v === '' ? [] : [[k, String(v)]]))).toString()

export type PostQuery = { kind?: PostKind; status?: string; from?: string; to?: string; order?: 'newest' | 'upcoming'; limit?: number; cursor?: string }

export const listPosts = (tenant: string, q: PostQuery) => api<Page<Post>>(`${base(tenant)}/posts?${query(q)}`)
export const listPublicPosts = (tenant: string, q: Omit<PostQuery, 'status'>) => api<Page<PublicPost>>(`${base(tenant)}/posts/public?${query(q)}`)
export const publicPost = (tenant: string, id: string) => api<PublicPost>(`${base(tenant)}/posts/public/${encodeURIComponent(id)}`)
export const agencies = (tenant: string) => api<Page<Agency>>(`${base(tenant)}/agencies?limit=1000`)

export const createPost = (tenant: string, input: PostInput, publish: boolean) => {
  const { startsAt, endsAt, place, location, ...rest } = input
  const optional = Object.fromEntries(Object.entries({ startsAt, endsAt, place, location }).filter(([, v]) => v !== null))
  return api<Post>(`${base(tenant)}/posts`, { method: 'POST', body: { ...rest, ...optional, status: publish ? 'published' : 'draft' } })
}
export const updatePost = (tenant: string, id: string, input: PostInput) => api<Post>(`${base(tenant)}/posts/${id}`, { method: 'PATCH', body: input })
export const publishPost = (tenant: string, id: string) => api<Post>(`${base(tenant)}/posts/${id}/publish`, { method: 'POST' })
export const archivePost = (tenant: string, id: string) => api<Post>(`${base(tenant)}/posts/${id}/archive`, { method: 'POST' })
export const restorePost = (tenant: string, id: string) => api<Post>(`${base(tenant)}/posts/${id}/restore`, { method: 'POST' })
export const removeAttachment = (url: string) => api<void>(url, { method: 'DELETE' })

export async function uploadAttachment(tenant: string, id: string, file: File): Promise<Attachment> {
  const form = new FormData()
  form.append('file', file)
  const res = await fetch(`${base(tenant)}/posts/${id}/attachments`, { method: 'POST', body: form, credentials: 'same-origin' })
  const body = (await res.json()) as Attachment & { error?: { code: string; message: string } }
  if (!res.ok) throw new ApiError(res.status, body.error?.code ?? 'unknown', body.error?.message ?? res.statusText)
  return body
}

/** The zone's UTC offset at an instant, as ISO 8601 writes it (+07:00). */
export function zoneOffset(timeZone: string, at: Date = new Date()): string {
  const name =
    new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' }).formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT'
  return name === 'GMT' ? '+00:00' : name.slice(3)
}

/** Today in the tenant's zone, as the instants it starts and ends (Indonesia keeps no summer time). */
export function todayIn(timeZone: string, now: Date = new Date()): { from: string; to: string } {
  const ymd = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now)
  const next = new Date(`${ymd}T12:00:00Z`)
  next.setUTCDate(next.getUTCDate() + 1)
  const offset = zoneOffset(timeZone, now)
  return { from: `${ymd}T00:00:00${offset}`, to: `${next.toISOString().slice(0, 10)}T00:00:00${offset}` }
}

const ZONES: Record<string, string> = { 'Asia/Jakarta': 'WIB', 'Asia/Makassar': 'WITA', 'Asia/Jayapura': 'WIT' }

/** When an agenda item happens, as people of the tenant read it: "Sen, 23 Nov 09.00–11.00 WIB". */
export function formatWhen(startsAt: string, endsAt: string | null, timeZone: string, language: string): string {
  const locale = language === 'en' ? 'en-GB' : 'id-ID'
  const day = new Intl.DateTimeFormat(locale, { timeZone, weekday: 'short', day: 'numeric', month: 'short' })
  const time = new Intl.DateTimeFormat(locale, { timeZone, hour: '2-digit', minute: '2-digit' })
  const start = new Date(startsAt)
  const end = endsAt ? new Date(endsAt) : null
  const sameDay = end && day.format(end) === day.format(start)
  const until = end ? `–${sameDay ? time.format(end) : `${day.format(end)} ${time.format(end)}`}` : ''
  return `${day.format(start)} ${time.format(start)}${until} ${ZONES[timeZone] ?? timeZone}`
}

/** Only the hours, for a list of one day: "09.00–11.00 WIB". */
export function formatHours(startsAt: string, endsAt: string | null, timeZone: string, language: string): string {
  const time = new Intl.DateTimeFormat(language === 'en' ? 'en-GB' : 'id-ID', { timeZone, hour: '2-digit', minute: '2-digit' })
  return `${time.format(new Date(startsAt))}${endsAt ? `–${time.format(new Date(endsAt))}` : ''} ${ZONES[timeZone] ?? timeZone}`
}

/** A date without time, for publication dates. */
export function formatDate(iso: string, timeZone: string, language: string): string {
  return new Intl.DateTimeFormat(language === 'en' ? 'en-GB' : 'id-ID', { timeZone, day: 'numeric', month: 'long', year: 'numeric' }).format(new Date(iso))
}
