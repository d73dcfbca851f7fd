import { chmodSync, existsSync, mkdirSync, rmSync } from 'node:fs'
import { connect, createServer, type Server } from 'node:net'
import { join } from 'node:path'

// The embedded database can be open in one process only. A running server listens on this socket in its data
// folder (mode 0600: its own user only), so `npm run backup` asks it for the copy instead of opening the folder.
export const CONTROL_SOCKET = 'kendali.sock'
// Longer socket paths do not fit in sockaddr_un on Linux and macOS.
const MAX_SOCKET_PATH = 103

export type ControlHandlers = Record<string, (args: Record<string, unknown>) => Promise<unknown>>
export type ControlReply = { ok: true; result: unknown } | { ok: false; error: string }

export const controlSocketPath = (dataDir: string) => join(dataDir, CONTROL_SOCKET)

/** Sends a command to the server running on dataDir; null when none runs there (no socket, or a stale one). */
export function askServer(dataDir: string, command: string, args: Record<string, unknown> = {}): Promise<ControlReply | null> {
  const path = controlSocketPath(dataDir)
  if (path.length > MAX_SOCKET_PATH) {
    return Promise.resolve({ ok: false, error: `DATA_DIR is too long a path for the control socket (${path}); use a shorter DATA_DIR` })
  }
  return new Promise((resolve, reject) => {
    const socket = connect(path)
    let answer = ''
    socket.on('connect', () => socket.end(`${JSON.stringify({ command, args })}\n`))
    socket.on('data', (chunk) => {
      answer += chunk
    })
    socket.on('end', () => {
      try {
        resolve(JSON.parse(answer) as ControlReply)
      } catch {
        reject(new Error(`The server on ${dataDir} gave no readable answer`))
      }
    })
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT' || err.code === 'ECONNREFUSED') resolve(null)
      else reject(err)
    })
  })
}

/** Another Kendali already runs on this data folder (opening it twice would damage it). */
export class FolderInUseError extends Error {}

/**
 * Listens on DATA_DIR/kendali.sock for commands (one JSON line in, one out). Refuses when another server
 * answers there; a socket left by a killed server is replaced. Null when the path is too long for a socket.
 */
export async function serveControl(dataDir: string, handlers: ControlHandlers): Promise<Server | null> {
  const path = controlSocketPath(dataDir)
  if (path.length > MAX_SOCKET_PATH) return null
  mkdirSync(dataDir, { recursive: true })
  if ((await askServer(dataDir, 'ping')) !== null) {
    throw new FolderInUseError(`Another Kendali is running on ${dataDir}: stop it first, or give this one its own DATA_DIR`)
  }
  if (existsSync(path)) rmSync(path)
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    let request = ''
    socket.on('data', (chunk) => {
      request += chunk
    })
    socket.on('end', async () => {
      let reply: ControlReply
      try {
        const { command, args } = JSON.parse(request) as { command: string; args?: Record<string, unknown> }
        const handler = command === 'ping' ? async () => 'pong' : handlers[command]
        reply = handler ? { ok: true, result: await handler(args ?? {}) } : { ok: false, error: `Unknown command "${command}"` }
      } catch (err) {
        reply = { ok: false, error: err instanceof Error ? err.message : String(err) }
      }
      socket.end(JSON.stringify(reply))
    })
    socket.on('error', () => undefined)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(path, () => resolve())
  })
  chmodSync(path, 0o600)
  return server
}
