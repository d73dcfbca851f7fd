import type { Database, Queryable } from '../../core/db/database.ts'
import { Invalid, NotFound, UpstreamUnavailable } from '../../core/errors.ts'
import type { EventLog } from '../../core/events/log.ts'
import { cursorKey, keysetPage } from '../../core/http/paging.ts'
import type { Camera, CreateCamera } from './schema.ts'
import * as store from './store.ts'

const CHECK_TIMEOUT_MS = 5000
/** Cameras checked at once: enough that a few hundred dead ones finish within a check interval. */
const CHECK_CONCURRENCY = 16
const SNAPSHOT_TTL_MS = 5000
const MAX_SNAPSHOT_BYTES = 5 * 1024 * 1024

/** fetch() refuses URLs with credentials: move `user:pass@` into a Basic Authorization header. */
export function cameraRequest(source: string, signal: AbortSignal): [string, RequestInit] {
  const url = new URL(source)
  const headers: Record<string, string> = {}
  if (url.username) {
    headers.authorization = `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`
    url.username = ''
    url.password = ''
  }
  return [url.toString(), { headers, signal }]
}

export interface Snapshot {
  body: Buffer
  contentType: string
}

export type CameraAccess = 'public-only' | 'all'

/** CCTV cameras: registry, health checks, and pictures fetched on the server so credentials stay there. */
export class CameraService {
  // A wall of operators looking at one camera makes one request to it every few seconds, not one each.
  private readonly snapshots = new Map<string, { snapshot: Snapshot; at: number }>()

  constructor(
    private readonly events: EventLog,
    private readonly fetchTimeoutMs = CHECK_TIMEOUT_MS,
  ) {}

  async create(db: Database, tenant: string, actor: string, input: CreateCamera): Promise<Camera> {
    if (!input.snapshotUrl && !input.mjpegUrl && !input.hlsUrl) throw new Invalid('A camera needs a snapshot, MJPEG or HLS URL', { field: 'snapshotUrl' })
    return db.transaction(async (tx) => {
      const id = await store.insertCamera(tx, tenant, input)
      await this.events.record(tx, tenant, actor, { topic: 'cctv', type: 'camera.created', entity: id, data: { name: input.name } })
      return this.get(tx, tenant, id, 'all')
    })
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
    const sources = await store.cameraSources(db, tenant, id)
    if (!sources || (access === 'public-only' && !sources.is_public)) throw new NotFound(`There is no camera ${id} in ${tenant}`)
    if (!sources.snapshot_url) throw new NotFound(`Camera ${sources.name} has no snapshot`)
    const key = `${tenant}/${id}`
    const cached = this.snapshots.get(key)
    if (cached && Date.now() - cached.at < SNAPSHOT_TTL_MS) return cached.snapshot
    const snapshot = await this.fetchSnapshot(sources.snapshot_url)
    this.snapshots.set(key, { snapshot, at: Date.now() })
    return snapshot
  }

  private async fetchSnapshot(url: string): Promise<Snapshot> {
    let res: Response
    try {
      res = await fetch(...cameraRequest(url, AbortSignal.timeout(this.fetchTimeoutMs)))
    } catch {
      throw new CameraUnreachable()
    }
    const contentType = res.headers.get('content-type') ?? ''
    if (!res.ok || !contentType.startsWith('image/')) throw new CameraUnreachable()
    const body = Buffer.from(await res.arrayBuffer())
    if (body.length > MAX_SNAPSHOT_BYTES) throw new CameraUnreachable()
    return { body, contentType }
  }

  /** Opens the camera's MJPEG stream for the server to pass on. */
  async mjpeg(db: Queryable, tenant: string, id: string, access: CameraAccess, signal: AbortSignal): Promise<Response> {
    const sources = await store.cameraSources(db, tenant, id)
    if (!sources || (access === 'public-only' && !sources.is_public)) throw new NotFound(`There is no camera ${id} in ${tenant}`)
    if (!sources.mjpeg_url) throw new NotFound(`Camera ${sources.name} has no MJPEG stream`)
    try {
      const res = await fetch(...cameraRequest(sources.mjpeg_url, signal))
      if (!res.ok || !res.body) throw new CameraUnreachable()
      return res
    } catch {
      throw new CameraUnreachable()
    }
  }

  /** Checks every camera once, several at a time (a dead camera costs a full timeout); a change of state is an event. */
  async checkAll(db: Database): Promise<{ online: number; offline: number }> {
    const counts = { online: 0, offline: 0 }
    const queue = await store.allCameraSources(db)
    const check = async (camera: (typeof queue)[number]) => {
      const url = camera.snapshot_url ?? camera.hls_url ?? camera.mjpeg_url
      if (!url) return
      const started = Date.now()
      const ok = await this.answers(url)
      const responseMs = ok ? Date.now() - started : null
      counts[ok ? 'online' : 'offline']++
      await db.transaction(async (tx) => {
        const before = await store.recordCheck(tx, camera.tenant, camera.id, ok, responseMs)
        const now = ok ? 'online' : 'offline'
        if (before !== now && !(before === 'unknown' && ok)) {
          await this.events.record(tx, camera.tenant, null, {
            topic: 'cctv',
            type: ok ? 'camera.online' : 'camera.offline',
            entity: camera.id,
            data: { name: camera.name },
          })
        }
      })
    }
    const workers = Array.from({ length: Math.min(CHECK_CONCURRENCY, queue.length) }, async () => {
      for (let camera = queue.pop(); camera; camera = queue.pop()) await check(camera)
    })
    await Promise.all(workers)
    return counts
  }

  private async answers(url: string): Promise<boolean> {
    try {
      const controller = new AbortController()
      const timer = setTimeout(() => controller.abort(), this.fetchTimeoutMs)
      const res = await fetch(...cameraRequest(url, controller.signal))
      // A stream never ends: the first bytes are answer enough.
      await res.body?.getReader().read()
      clearTimeout(timer)
      controller.abort()
      return res.ok
    } catch {
      return false
    }
  }
}

export class CameraUnreachable extends UpstreamUnavailable {
  constructor() {
    super('The camera does not answer')
  }
}
