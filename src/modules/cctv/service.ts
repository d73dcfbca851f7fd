import { isIP } from 'node:net'
import { Readable } from 'node:stream'
import type { Database, Queryable } from '../../core/db/database.ts'
import { Forbidden, Invalid, NotFound, UpstreamUnavailable } from '../../core/errors.ts'
import type { EventLog } from '../../core/events/log.ts'
import { cursorKey, keysetPage } from '../../core/http/paging.ts'
import { OutboundError, type OutboundPolicy } from '../../core/outbound/policy.ts'
import type { Secrets } from '../../core/secrets.ts'
import { CameraAlarms } from './alarms.ts'
import { demoCameraNumber, demoSnapshot } from './demo.ts'
import { CctvError, cctvError } from './errors.ts'
import { recordCctvEvent } from './events.ts'
import { type CameraMedia, CameraMediaRefused, mediaType } from './media.ts'
import { Remuxer, type RemuxOptions, type RemuxSource, rtspAnswers } from './remux.ts'
import type { Camera, CameraSources, CameraStreams, CreateCamera, UpdateCamera } from './schema.ts'
import * as store from './store.ts'

const CHECK_TIMEOUT_MS = 5000
/** Cameras checked at once: enough that a few hundred dead ones finish within a check interval. */
const CHECK_CONCURRENCY = 16
const SNAPSHOT_TTL_MS = 5000
const MAX_SNAPSHOT_BYTES = 5 * 1024 * 1024
const MAX_PLAYLIST_BYTES = 512 * 1024
const MAX_SEGMENT_BYTES = 64 * 1024 * 1024
// A live MJPEG stream never ends: it is cut only when it stalls (or the viewer leaves).
const MAX_STREAM_BYTES = Number.MAX_SAFE_INTEGER
const STREAM_IDLE_MS = 15_000

const MASK = '***'
const NO_SOURCE = 'A camera needs a snapshot, MJPEG, HLS or RTSP URL'

/** The URL with its password replaced by `***`: what an admin may see of a camera's login. */
export function maskedUrl(source: string | null): string | null {
  if (!source) return source
  const url = new URL(source)
  if (url.password) url.password = MASK
  return url.href
}

/**
 * An edited URL that still shows the mask gets the stored password back, only for the same user at the same
 * camera (scheme, host and port): otherwise the mask would send the stored password to wherever the URL now points.
 */
export function unmaskedUrl(edited: string, stored: string | null, field: string): string {
  const url = new URL(edited)
  if (url.password !== MASK) return edited
  const before = stored ? new URL(stored) : null
  if (!before?.password || before.username !== url.username)
    throw new Invalid('Type the camera’s password again: the masked one belongs to another user', { field })
  if (before.origin !== url.origin)
    throw new Invalid('Type the camera’s password again: the address changed, and the stored password stays with the old one', { field })
  url.password = before.password
  return url.href
}

export interface Snapshot {
  body: Buffer
  contentType: string
}

export interface CameraFetching {
  /** The guard every camera request goes through (OUTBOUND_ALLOW lists the cameras' private network). */
  outbound: OutboundPolicy
  /** The port of this server, whose demo cameras' pictures are drawn here rather than fetched. */
  ownPort: number
  timeoutMs?: number
  /** Where and how many RTSP cameras are remuxed; without it RTSP cameras have no live view (health checks still run). */
  streams?: RemuxOptions
}

export type CameraAccess = 'public-only' | 'all'
/** Who plays a stream: a player's own id (each counts once), and whether they are signed in at all. */
export interface Viewer {
  id: string
  signedIn: boolean
}

/** CCTV cameras: registry, health checks, and pictures fetched on the server so credentials stay there. */
export class CameraService {
  // A wall of operators looking at one camera makes one request to it every few seconds, not one each.
  private readonly snapshots = new Map<string, { snapshot: Snapshot; at: number }>()

  private readonly outbound: OutboundPolicy
  private readonly ownPort: number
  private readonly fetchTimeoutMs: number
  private readonly streamOptions: RemuxOptions | null
  private remuxer: Remuxer | null = null
  readonly alarms: CameraAlarms

  constructor(
    private readonly events: EventLog,
    private readonly secrets: Secrets,
    fetching: CameraFetching,
  ) {
    this.outbound = fetching.outbound
    this.ownPort = fetching.ownPort
    this.fetchTimeoutMs = fetching.timeoutMs ?? CHECK_TIMEOUT_MS
    this.streamOptions = fetching.streams ?? null
    this.alarms = new CameraAlarms(events)
  }

  /** The remuxes of RTSP cameras, made at the first one watched. */
  private streams(): Remuxer {
    if (!this.streamOptions) throw new UpstreamUnavailable('This server does not remux RTSP cameras')
    this.remuxer ??= new Remuxer(this.streamOptions)
    return this.remuxer
  }

  /** Stops every remux (the server is stopping). */
  async close(): Promise<void> {
    await this.remuxer?.close()
  }

  /** Refuses a source at a private, loopback or link-local address OUTBOUND_ALLOW does not list. */
  private checkSources(sources: Partial<Record<'snapshotUrl' | 'mjpegUrl' | 'hlsUrl' | 'rtspUrl', string | null>>): void {
    for (const [field, url] of Object.entries(sources)) {
      if (!url || demoCameraNumber(url, this.ownPort) !== null) continue
      this.outbound.checkUrl(url, field, field === 'rtspUrl' ? ['rtsp:', 'rtsps:'] : undefined)
    }
  }

  async create(db: Database, tenant: string, actor: string, input: CreateCamera): Promise<Camera> {
    if (!input.snapshotUrl && !input.mjpegUrl && !input.hlsUrl && !input.rtspUrl) throw new Invalid(NO_SOURCE, { field: 'snapshotUrl' })
    this.checkSources({ snapshotUrl: input.snapshotUrl, mjpegUrl: input.mjpegUrl, hlsUrl: input.hlsUrl, rtspUrl: input.rtspUrl })
    return db.transaction(async (tx) => {
      const id = await store.insertCamera(tx, this.secrets, tenant, input)
      await recordCctvEvent(this.events, tx, tenant, actor, { topic: 'cctv', type: 'camera.created', entity: id, data: { name: input.name } })
      return this.get(tx, tenant, id, 'all')
    })
  }

  async update(db: Database, tenant: string, actor: string, id: string, input: UpdateCamera): Promise<Camera> {
    const camera = await db.transaction(async (tx) => {
      const row = await store.cameraRow(tx, this.secrets, tenant, id)
      if (!row) throw new NotFound(`There is no camera ${id} in ${tenant}`)
      const source = (edited: string | null | undefined, stored: string | null, field: string) =>
        edited === undefined ? stored : edited === null ? null : unmaskedUrl(edited, stored, field)
      const next: store.CameraRow = {
        name: input.name ?? row.name,
        location: input.location ?? row.location,
        agency_id: input.agencyId === undefined ? row.agency_id : input.agencyId,
        is_public: input.isPublic ?? row.is_public,
        snapshot_url: source(input.snapshotUrl, row.snapshot_url, 'snapshotUrl'),
        mjpeg_url: source(input.mjpegUrl, row.mjpeg_url, 'mjpegUrl'),
        hls_url: source(input.hlsUrl, row.hls_url, 'hlsUrl'),
        rtsp_url: source(input.rtspUrl, row.rtsp_url, 'rtspUrl'),
        transcode: input.transcode ?? row.transcode,
      }
      this.checkSources({ snapshotUrl: input.snapshotUrl, mjpegUrl: input.mjpegUrl, hlsUrl: input.hlsUrl, rtspUrl: input.rtspUrl })
      if (!next.snapshot_url && !next.mjpeg_url && !next.hls_url && !next.rtsp_url) throw new Invalid(NO_SOURCE, { field: 'snapshotUrl' })
      await store.updateCamera(tx, this.secrets, tenant, id, next)
      await recordCctvEvent(this.events, tx, tenant, actor, { topic: 'cctv', type: 'camera.updated', entity: id, data: { name: next.name } })
      return this.get(tx, tenant, id, 'all')
    })
    // The next picture comes from wherever the camera now is.
    this.snapshots.delete(`${tenant}/${id}`)
    await this.remuxer?.end(tenant, id)
    return camera
  }

  async archive(db: Database, tenant: string, actor: string, id: string): Promise<void> {
    await db.transaction(async (tx) => {
      const name = await store.archiveCamera(tx, tenant, id)
      if (name === null) throw new NotFound(`There is no camera ${id} in ${tenant}`)
      await recordCctvEvent(this.events, tx, tenant, actor, { topic: 'cctv', type: 'camera.archived', entity: id, data: { name } })
      await this.alarms.clearAll(tx, tenant, actor, id)
    })
    this.snapshots.delete(`${tenant}/${id}`)
    await this.remuxer?.end(tenant, id)
  }

  /** The source URLs, passwords masked, for the admin page's edit form. */
  async maskedSources(db: Queryable, tenant: string, id: string): Promise<CameraSources> {
    const row = await store.cameraRow(db, this.secrets, tenant, id)
    if (!row) throw new NotFound(`There is no camera ${id} in ${tenant}`)
    return {
      snapshotUrl: maskedUrl(row.snapshot_url),
      mjpegUrl: maskedUrl(row.mjpeg_url),
      hlsUrl: maskedUrl(row.hls_url),
      rtspUrl: maskedUrl(row.rtsp_url),
      transcode: row.transcode,
    }
  }

  async get(db: Queryable, tenant: string, id: string, access: CameraAccess): Promise<Camera> {
    const camera = await store.findCamera(db, tenant, id)
    if (!camera || (access === 'public-only' && !camera.isPublic)) throw new NotFound(`There is no camera ${id} in ${tenant}`)
    return camera
  }

  async list(db: Queryable, tenant: string, access: CameraAccess, opts: { near: [number, number] | null; limit: number; cursor?: string }) {
    const publicOnly = access === 'public-only'
    const items = await store.listCameras(db, tenant, { near: opts.near, publicOnly, limit: opts.limit, after: opts.near ? null : cursorKey(opts.cursor) })
    const total = await store.countCameras(db, tenant, publicOnly)
    const cameras = items.map(({ distanceM, ...camera }) => (distanceM === null ? camera : { ...camera, distanceM: Math.round(distanceM) }))
    // Nearest-first lists are one page: the nearest cameras are what anyone asks for.
    return opts.near ? { items: cameras, total, next: null } : keysetPage(cameras, total, opts.limit, (c) => `${c.name}|${c.id}`)
  }

  /** The camera's current picture, fetched by the server (cached a few seconds). */
  async snapshot(db: Queryable, tenant: string, id: string, access: CameraAccess): Promise<Snapshot> {
    const sources = await this.sources(db, tenant, id, access)
    const rtsp = sources.rtsp_url
    if (!sources.snapshot_url && !rtsp) throw new NotFound(`Camera ${sources.name} has no snapshot`)
    const key = `${tenant}/${id}`
    const cached = this.snapshots.get(key)
    if (cached && Date.now() - cached.at < SNAPSHOT_TTL_MS) return cached.snapshot
    // Without a snapshot URL, a frame of the RTSP stream (of the running remux, when there is one).
    const snapshot = sources.snapshot_url
      ? await this.fetchSnapshot(sources.snapshot_url)
      : { body: await this.streams().snapshot(tenant, id, () => this.rtspSource(rtsp as string, false)), contentType: 'image/jpeg' }
    this.snapshots.set(key, { snapshot, at: Date.now() })
    return snapshot
  }

  private async fetchSnapshot(url: string): Promise<Snapshot> {
    const demo = demoCameraNumber(url, this.ownPort)
    const drawn = demo === null ? null : await demoSnapshot(demo)
    if (drawn) return { body: drawn, contentType: 'image/jpeg' }
    let res: Awaited<ReturnType<OutboundPolicy['fetch']>>
    try {
      res = await this.outbound.fetch(url, { timeoutMs: this.fetchTimeoutMs, maxBytes: MAX_SNAPSHOT_BYTES })
    } catch {
      throw new CameraUnreachable()
    }
    return { body: res.body, contentType: mediaType(res.contentType, 'snapshot') }
  }

  /** Opens the camera's MJPEG stream for the server to pass on. */
  async mjpeg(db: Queryable, tenant: string, id: string, access: CameraAccess, signal: AbortSignal): Promise<CameraMedia> {
    const sources = await this.sources(db, tenant, id, access)
    if (!sources.mjpeg_url) throw new NotFound(`Camera ${sources.name} has no MJPEG stream`)
    const stream = await this.openStream(sources.mjpeg_url, signal, MAX_STREAM_BYTES)
    try {
      return { contentType: mediaType(stream.contentType, 'mjpeg'), body: stream.body }
    } catch (err) {
      stream.body.destroy()
      throw err
    }
  }

  private async openStream(url: string, signal: AbortSignal, maxBytes: number) {
    try {
      return await this.outbound.stream(url, { firstByteMs: this.fetchTimeoutMs, idleMs: STREAM_IDLE_MS, maxBytes, signal })
    } catch (err) {
      if (err instanceof OutboundError && err.status === 404) throw new NotFound('No such file in the camera’s stream')
      throw new CameraUnreachable()
    }
  }

  /**
   * A file of the camera's HLS stream: `path` is relative to the folder of its playlist ('' is the playlist).
   * Playlists are rewritten so every URI stays relative and so passes through the server too.
   */
  async hls(db: Database, tenant: string, id: string, access: CameraAccess, path: string, viewer: Viewer, signal: AbortSignal): Promise<HlsFile> {
    const sources = await this.sources(db, tenant, id, access)
    if (!sources.hls_url && sources.rtsp_url) return this.remuxed(db, sources, access, path, viewer)
    if (!sources.hls_url) throw new NotFound(`Camera ${sources.name} has no HLS stream`)
    const playlist = new URL(sources.hls_url)
    const folder = new URL('.', playlist)
    const target = path === '' ? playlist : hlsTarget(folder, path)
    if (!target) throw new NotFound('No such file in the camera’s stream')
    if (path === '' || target.pathname.endsWith('.m3u8')) {
      let res: Awaited<ReturnType<OutboundPolicy['fetch']>>
      try {
        res = await this.outbound.fetch(target.href, { timeoutMs: this.fetchTimeoutMs, maxBytes: MAX_PLAYLIST_BYTES })
      } catch (err) {
        if (err instanceof OutboundError && err.status === 404) throw new NotFound('No such file in the camera’s stream')
        throw new CameraUnreachable()
      }
      const text = res.body.toString('utf8').replace(/^\uFEFF/, '')
      // Whatever the camera calls it, only a playlist is rewritten and passed on as one.
      if (!text.startsWith('#EXTM3U')) throw new CameraMediaRefused(res.contentType)
      return { kind: 'playlist', contentType: 'application/vnd.apple.mpegurl', text: relativePlaylist(text, target, folder) }
    }
    const stream = await this.openStream(target.href, signal, MAX_SEGMENT_BYTES)
    try {
      return { kind: 'segment', contentType: mediaType(stream.contentType, 'segment'), body: stream.body }
    } catch (err) {
      stream.body.destroy()
      throw err
    }
  }

  /** The camera's RTSP remuxed to HLS: `''` is the playlist (the viewer counted), the rest its segments. */
  private async remuxed(db: Database, camera: store.CameraSources, access: CameraAccess, path: string, viewer: Viewer): Promise<HlsFile> {
    const { tenant, id } = camera
    // A remux costs the server a process: it is for the city's own staff, not for anyone on the internet.
    if (access !== 'all') {
      if (viewer.signedIn) throw new Forbidden(`Only the staff of ${tenant} watch its cameras live`)
      throw cctvError(CctvError.LiveNeedsLogin, `Log in to watch camera ${camera.name} live`)
    }
    const name = path.split('?')[0]
    if (name === '' || name === 'index.m3u8') {
      const remux = await this.streams().watch(
        tenant,
        id,
        viewer.id,
        () => this.rtspSource(camera.rtsp_url as string, camera.transcode),
        () => void this.recordHealth(db, { tenant, id, name: camera.name }, false, null).catch(() => {}),
      )
      return { kind: 'playlist', contentType: 'application/vnd.apple.mpegurl', text: await this.streams().playlist(remux, viewer.id) }
    }
    const segment = await this.streams().segment(tenant, id, name)
    if (!segment) throw new NotFound('No such file in the camera’s stream')
    return { kind: 'segment', contentType: 'video/mp2t', body: Readable.from([segment]) }
  }

  /**
   * The RTSP URL ffmpeg is given: its host resolved and checked by the outbound guard (OUTBOUND_ALLOW lists the
   * cameras' network), and replaced by that address so that a name cannot point elsewhere when ffmpeg connects.
   */
  private async rtspSource(raw: string, transcode: boolean): Promise<RemuxSource> {
    const url = new URL(raw)
    const address = await this.outbound.resolve(url.hostname)
    url.hostname = isIP(address) === 6 ? `[${address}]` : address
    return { url: url.href, transcode }
  }

  /** The tenant's remuxed camera streams with their health, bitrate and viewers, for its admins. */
  async streamStatus(db: Queryable, tenant: string): Promise<CameraStreams> {
    const remuxer = this.remuxer
    const items = remuxer ? await remuxer.status(tenant) : []
    const named = await Promise.all(items.map(async (s) => ({ ...s, cameraName: (await store.findCamera(db, tenant, s.cameraId))?.name ?? '' })))
    return { max: this.streamOptions?.max ?? 0, running: items.filter((s) => s.health !== 'failed').length, items: named }
  }

  private async sources(db: Queryable, tenant: string, id: string, access: CameraAccess) {
    const sources = await store.cameraSources(db, this.secrets, tenant, id)
    if (!sources || (access === 'public-only' && !sources.is_public)) throw new NotFound(`There is no camera ${id} in ${tenant}`)
    return sources
  }

  /** Checks every camera once, several at a time (a dead camera costs a full timeout); a change of state is an event. */
  async checkAll(db: Database): Promise<{ online: number; offline: number }> {
    const counts = { online: 0, offline: 0 }
    const queue = await store.allCameraSources(db, this.secrets)
    const check = async (camera: (typeof queue)[number]) => {
      const url = camera.snapshot_url ?? camera.hls_url ?? camera.mjpeg_url
      if (!url && !camera.rtsp_url) return
      const started = Date.now()
      const ok = url ? await this.answers(url) : await this.rtspAnswers(camera.tenant, camera.id, camera.rtsp_url as string)
      const responseMs = ok ? Date.now() - started : null
      counts[ok ? 'online' : 'offline']++
      await this.recordHealth(db, camera, ok, responseMs)
    }
    const workers = Array.from({ length: Math.min(CHECK_CONCURRENCY, queue.length) }, async () => {
      for (let camera = queue.pop(); camera; camera = queue.pop()) await check(camera)
    })
    await Promise.all(workers)
    return counts
  }

  /** A camera found up or down (by the check, or by its stream ending): a change is an event, down is an alarm. */
  private async recordHealth(db: Database, camera: { tenant: string; id: string; name: string }, ok: boolean, responseMs: number | null): Promise<void> {
    await db.transaction(async (tx) => {
      const before = await store.recordCheck(tx, camera.tenant, camera.id, ok, responseMs)
      const now = ok ? 'online' : 'offline'
      if (before !== now && !(before === 'unknown' && ok)) {
        await recordCctvEvent(this.events, tx, camera.tenant, null, {
          topic: 'cctv',
          type: ok ? 'camera.online' : 'camera.offline',
          entity: camera.id,
          data: { name: camera.name },
        })
      }
      await this.alarms.checked(tx, camera.tenant, camera.id, ok, new Date())
    })
  }

  /** A camera being watched answers by its frames; else it must answer an RTSP OPTIONS. */
  private async rtspAnswers(tenant: string, id: string, rtsp: string): Promise<boolean> {
    if (this.remuxer?.flowing(tenant, id)) return true
    try {
      return await rtspAnswers((await this.rtspSource(rtsp, false)).url, this.fetchTimeoutMs)
    } catch {
      return false
    }
  }

  private async answers(url: string): Promise<boolean> {
    if (demoCameraNumber(url, this.ownPort) !== null) return true
    try {
      const stream = await this.outbound.stream(url, { firstByteMs: this.fetchTimeoutMs, idleMs: this.fetchTimeoutMs, maxBytes: MAX_SNAPSHOT_BYTES })
      // A stream never ends: the first bytes are answer enough.
      await new Promise<void>((resolve, reject) => {
        stream.body.once('data', () => resolve())
        stream.body.once('end', resolve)
        stream.body.once('error', reject)
      })
      stream.body.destroy()
      return true
    } catch {
      return false
    }
  }
}

export type HlsFile = { kind: 'playlist'; contentType: string; text: string } | ({ kind: 'segment' } & CameraMedia)

/** The camera's URL of a stream file, or null when the path would leave the stream's folder. */
export function hlsTarget(folder: URL, path: string): URL | null {
  if (!/^[A-Za-z0-9._~\-/]+(\?[A-Za-z0-9._~\-=&%]*)?$/.test(path) || path.split('?')[0].split('/').includes('..')) return null
  const target = new URL(path, folder)
  return target.origin === folder.origin && target.pathname.startsWith(folder.pathname) ? target : null
}

/**
 * A playlist whose URIs (lines and `URI="…"` attributes) are relative to the stream's folder, so a player asks
 * the server for them. URIs elsewhere are dropped with their segment: the browser never meets the camera.
 */
export function relativePlaylist(text: string, playlist: URL, folder: URL): string {
  const relative = (uri: string): string | null => {
    const url = new URL(uri, playlist)
    if (url.origin !== folder.origin || !url.pathname.startsWith(folder.pathname)) return null
    return url.pathname.slice(folder.pathname.length) + url.search
  }
  const out: string[] = []
  for (const line of text.split(/\r?\n/)) {
    if (line.startsWith('#')) {
      let foreign = false
      const rewritten = line.replace(/URI="([^"]*)"/g, (_, uri: string) => {
        const r = relative(uri)
        if (r === null) foreign = true
        return `URI="${r ?? ''}"`
      })
      if (!foreign) out.push(rewritten)
    } else if (line.trim() === '') {
      out.push(line)
    } else {
      const r = relative(line.trim())
      // A foreign segment goes, and so does the #EXTINF that announced it.
      if (r === null) {
        if (out.at(-1)?.startsWith('#EXTINF')) out.pop()
      } else out.push(r)
    }
  }
  return out.join('\n')
}

export class CameraUnreachable extends UpstreamUnavailable {
  constructor() {
    super('The camera does not answer')
  }
}
