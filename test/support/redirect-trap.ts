import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

async function listen(server: Server, host: string): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, host, resolve))
  return `http://${host}:${(server.address() as AddressInfo).port}`
}

/**
 * A server on 127.0.0.1 (which tests list in OUTBOUND_ALLOW) that redirects every request to a trap on
 * 127.0.0.2 (which they do not): a camera, webhook or connector "out there" answering with a redirect into the
 * server's own network. The outbound guard must refuse to follow; the trap counts what reached it.
 */
export async function startRedirectTrap(): Promise<{ url: string; trapped: () => number; close: () => Promise<void> }> {
  let trapped = 0
  const trap = createServer((req, res) => {
    trapped++
    req.resume()
    res.writeHead(200, { 'content-type': 'image/jpeg' }).end('internal answer')
  })
  const trapUrl = await listen(trap, '127.0.0.2')
  const redirector = createServer((req, res) => {
    req.resume()
    res.writeHead(307, { location: `${trapUrl}${req.url ?? '/'}` }).end()
  })
  const url = await listen(redirector, '127.0.0.1')
  const close = (server: Server) =>
    new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    })
  return { url, trapped: () => trapped, close: async () => void (await Promise.all([close(trap), close(redirector)])) }
}
