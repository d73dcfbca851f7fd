import { ApiError, api } from '../../app/api.ts'
import { problemText } from '../../app/problem.ts'
import type { Finding, Point } from './api.ts'

// The field phone's memory: plans and catalogues cached for when the network is gone, and an outbox of
// check-ins and findings (with their photos) sent in order once it returns. Every item carries the
// clientId made here, so a send that reached the server but lost its answer is stored once.

const DB_NAME = 'kendali-patrols'
const CACHE = 'cache'
const OUTBOX = 'outbox'

export type OutboxItem =
  | { clientId: string; tenant: string; kind: 'checkin'; patrolId: string; body: { clientId: string; location: Point; at: string; accuracy?: number } }
  | {
      clientId: string
      tenant: string
      kind: 'finding'
      body: { clientId: string; patrolId: string; type: string; location: Point; at: string; description: string; nip?: string; name?: string; agency?: string }
      photos: Blob[]
      /** Kept once the finding is stored, so only its photos remain to send. */
      findingId?: string
      error?: string
    }

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 1)
    req.onupgradeneeded = () => {
      req.result.createObjectStore(CACHE)
      req.result.createObjectStore(OUTBOX, { keyPath: 'clientId' })
    }
    req.onsuccess = () => resolve(req.result)
    req.onerror = () => reject(req.error)
  })
}

async function run<T>(store: string, mode: IDBTransactionMode, act: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open()
  return new Promise<T>((resolve, reject) => {
    const tx = db.transaction(store, mode)
    const req = act(tx.objectStore(store))
    tx.oncomplete = () => {
      db.close()
      resolve(req.result)
    }
    tx.onerror = () => reject(tx.error)
  })
}

/** Fetches fresh data and keeps it; without a network, answers what was kept last time. */
export async function cached<T>(key: string, load: () => Promise<T>): Promise<{ value: T; isStale: boolean }> {
  try {
    const value = await load()
    await run(CACHE, 'readwrite', (s) => s.put(value, key))
    return { value, isStale: false }
  } catch (err) {
    if (err instanceof ApiError && err.status !== 503) throw err
    const value = (await run(CACHE, 'readonly', (s) => s.get(key))) as T | undefined
    if (value === undefined) throw err
    return { value, isStale: true }
  }
}

export const enqueue = (item: OutboxItem) => run(OUTBOX, 'readwrite', (s) => s.put(item))
export const pending = (): Promise<OutboxItem[]> => run(OUTBOX, 'readonly', (s) => s.getAll() as IDBRequest<OutboxItem[]>)
const remove = (clientId: string) => run(OUTBOX, 'readwrite', (s) => s.delete(clientId))

async function upload(tenant: string, findingId: string, photo: Blob, clientId: string): Promise<void> {
  const form = new FormData()
  form.append('photo', photo, 'temuan.jpg')
  const res = await fetch(`/api/t/${tenant}/findings/${findingId}/photos?clientId=${clientId}`, { method: 'POST', body: form, credentials: 'same-origin' })
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string } }
    throw new ApiError(res.status, body.error?.code ?? 'unknown', body.error?.message ?? res.statusText)
  }
}

/** Whether a failed send should wait for a better moment (network, server busy) rather than be given up. */
const isTransient = (err: unknown) => !(err instanceof ApiError) || err.status >= 500 || err.status === 408 || err.status === 429

let running: Promise<number> | null = null

/** Sends what waits in the outbox, oldest first; answers how many items are left. One run at a time. */
export function sync(onFinding?: (f: Finding) => void): Promise<number> {
  running ??= (async () => {
    try {
      const items = (await pending()).sort((a, b) => a.body.at.localeCompare(b.body.at))
      for (const item of items) {
        if (item.kind === 'finding' && item.error) continue
        try {
          if (item.kind === 'checkin') {
            await api(`/api/t/${item.tenant}/patrols/${item.patrolId}/checkins`, { method: 'POST', body: item.body })
          } else {
            const finding = item.findingId ? null : await api<Finding>(`/api/t/${item.tenant}/findings`, { method: 'POST', body: item.body })
            const findingId = item.findingId ?? finding?.id ?? ''
            if (!item.findingId) await enqueue({ ...item, findingId })
            for (const [i, photo] of item.photos.entries()) await upload(item.tenant, findingId, photo, `${item.clientId}-p${i}`)
            if (finding) onFinding?.(finding)
          }
          await remove(item.clientId)
        } catch (err) {
          if (isTransient(err)) break
          // The server refused it for good (e.g. the patrol was never started): keep it visible, stop retrying it.
          if (item.kind === 'finding') await enqueue({ ...item, error: problemText(err) })
          else await remove(item.clientId)
        }
      }
      return (await pending()).length
    } finally {
      running = null
    }
  })()
  return running
}
