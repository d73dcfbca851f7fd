import type { ServerResponse } from 'node:http'
import type { Bus } from '../../core/events/bus.ts'

// The public portal has no login, so it cannot use the staff live channel. It gets this stream instead
// (Server-Sent Events): a bare "changed" each time the tenant's public posts may have changed, carrying
// nothing else, so no internal post leaks; the portal then asks the public list again.

const MAX_STREAMS = 500
const HEARTBEAT_MS = 25_000

export class PublicPostStreams {
  private readonly open = new Set<() => void>()

  constructor(private readonly bus: Bus) {}

  /** Whether another portal may connect (each stream holds a connection for as long as the page is open). */
  hasRoom(): boolean {
    return this.open.size < MAX_STREAMS
  }

  /** Streams the tenant's post changes to a portal page until it goes away. */
  attach(res: ServerResponse, tenant: string): void {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no' })
    res.write(': posts\n\n')
    const unsubscribe = this.bus.subscribe((event) => {
      // An update may have taken a public post off the portal, so updates and archives count whatever their visibility.
      const mayConcernPublic = event.data.visibility === 'public' || event.type === 'post.updated' || event.type === 'post.archived'
      if (event.tenant === tenant && event.topic === 'posts' && mayConcernPublic) res.write('event: changed\ndata: {}\n\n')
    })
    const heartbeat = setInterval(() => res.write(': still here\n\n'), HEARTBEAT_MS)
    const end = () => {
      clearInterval(heartbeat)
      unsubscribe()
      this.open.delete(end)
      res.end()
    }
    this.open.add(end)
    res.on('close', end)
  }

  /** Ends every stream, so the server can stop. */
  closeAll(): void {
    for (const end of [...this.open]) end()
  }
}
