import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestKendali, type TestServer } from '../support/server.ts'

// A body over the limit gets its 413 even when the client is still sending: the server must not reset the
// connection under the client before it has read the answer.

const LIMIT = 64 * 1024
let server: TestServer

beforeAll(async () => {
  server = await startTestKendali({ listen: true, env: { BODY_LIMIT_BYTES: String(LIMIT) } })
})
afterAll(async () => {
  await server?.close()
})

/** The answer holds its headers and the whole body its Content-Length announces. */
function isWholeAnswer(answer: string): boolean {
  const at = answer.indexOf('\r\n\r\n')
  const length = /\r\ncontent-length: (\d+)/i.exec(answer.slice(0, at))
  return at >= 0 && length !== null && answer.length - at - 4 >= Number(length[1])
}

/**
 * Sends a request whose body is `size` bytes and reads the answer only once the whole body is written, as many
 * HTTP clients do; a connection reset meanwhile loses the answer.
 */
function sendWholeBody(path: string, size: number, chunked: boolean): Promise<{ answer: string; error: string | null }> {
  const { port } = new URL(server.url)
  return new Promise((resolve) => {
    const socket = connect(Number(port), '127.0.0.1')
    socket.pause()
    let answer = ''
    let error: string | null = null
    let sent = 0
    const chunk = Buffer.alloc(4096, 'a')
    const data = chunked ? Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]) : chunk
    const writeMore = () => {
      while (sent < size && !socket.destroyed) {
        sent += chunk.length
        if (!socket.write(data)) {
          socket.once('drain', writeMore)
          return
        }
      }
      if (chunked && !socket.destroyed) socket.write('0\r\n\r\n')
      socket.resume()
    }
    socket.on('connect', () => {
      socket.write(
        `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n${chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${size}`}\r\n\r\n`,
      )
      writeMore()
    })
    socket.on('data', (d) => {
      answer += d.toString('latin1')
      if (isWholeAnswer(answer)) socket.end()
    })
    socket.on('error', (err) => {
      error = err.message
    })
    socket.on('close', () => resolve({ answer, error }))
  })
}

describe('a body over the size limit', () => {
  for (const chunked of [false, true]) {
    it(`gets its 413 while the client is still sending (${chunked ? 'chunked' : 'with Content-Length'})`, async () => {
      for (let attempt = 0; attempt < 5; attempt++) {
        const { answer, error } = await sendWholeBody('/api/auth/login', 8 * 1024 * 1024, chunked)
        expect(answer.split('\r\n')[0], error ?? '').toBe('HTTP/1.1 413 Payload Too Large')
        expect(answer).toContain('"code":"payload_too_large"')
      }
    })
  }
})
