import { type ChildProcess, spawn } from 'node:child_process'
import { createSocket } from 'node:dgram'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * An RTSP camera on loopback for tests, as an IP camera serves it: ffmpeg encodes a test pattern (H.264, tiny,
 * or H.265 as some cameras send) and sends it as RTP to a UDP port here; this server answers RTSP (OPTIONS, DESCRIBE, SETUP over TCP, PLAY,
 * TEARDOWN) and relays the packets, interleaved, to every client playing. Unlike `ffmpeg -rtsp_flags listen`
 * (an input option that takes one publisher) it serves several clients, one after another or at once, and can die
 * mid-stream (`kill`: every connection cut, the port closed) as a camera losing power does.
 */
export async function startFakeRtsp(opts: { size?: string; rate?: number; codec?: 'h264' | 'h265' } = {}): Promise<{
  url: string
  /** RTSP sessions that reached PLAY so far. */
  plays: () => number
  /** Clients connected now. */
  clients: () => number
  kill: () => Promise<void>
  close: () => Promise<void>
}> {
  const dir = mkdtempSync(join(tmpdir(), 'kendali-rtsp-'))
  const udp = createSocket('udp4')
  await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve))
  const rtpPort = udp.address().port
  const rate = opts.rate ?? 5
  const encoder: ChildProcess = spawn(
    'ffmpeg',
    [
      ...['-hide_banner', '-nostdin', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', `testsrc=size=${opts.size ?? '160x120'}:rate=${rate}`],
      // A keyframe every second: a client that joins late has a picture within a second.
      ...(opts.codec === 'h265'
        ? ['-c:v', 'libx265', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', String(rate), '-x265-params', 'log-level=error']
        : ['-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', String(rate)]),
      '-pix_fmt',
      'yuv420p',
      ...['-f', 'rtp', '-sdp_file', join(dir, 'stream.sdp'), `rtp://127.0.0.1:${rtpPort}?rtcpport=${rtpPort}&pkt_size=1200`],
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  )
  let encoderLog = ''
  encoder.stderr?.on('data', (chunk: Buffer) => {
    encoderLog = (encoderLog + chunk.toString()).slice(-2000)
  })

  const playing = new Set<Socket>()
  const sockets = new Set<Socket>()
  let plays = 0
  udp.on('message', (packet) => {
    // RTCP (sender reports, payload types 200–204) comes to the same port; clients only need the RTP.
    const type = packet[1] & 0x7f
    if (type >= 72 && type <= 76) return
    const frame = Buffer.alloc(4 + packet.length)
    frame[0] = 0x24
    frame[1] = 0
    frame.writeUInt16BE(packet.length, 2)
    packet.copy(frame, 4)
    for (const socket of playing) socket.write(frame)
  })

  // The SDP appears once ffmpeg has its first packet ready.
  let sdp = ''
  for (let i = 0; i < 200 && !sdp; i++) {
    try {
      sdp = readFileSync(join(dir, 'stream.sdp'), 'utf8')
    } catch {
      if (encoder.exitCode !== null) throw new Error(`the test pattern encoder stopped: ${encoderLog}`)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }
  if (!sdp) throw new Error(`the test pattern encoder wrote no SDP: ${encoderLog}`)
  const description = `${sdp
    .replace(/\r?\n/g, '\r\n')
    .trim()
    .replace(/^m=video \d+/m, 'm=video 0')
    .replace(/^c=IN IP4 .*$/m, 'c=IN IP4 0.0.0.0')}\r\na=control:track0\r\n`

  const server = createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => {
      sockets.delete(socket)
      playing.delete(socket)
    })
    socket.on('error', () => socket.destroy())
    let buffered = ''
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1')
      for (let end = buffered.indexOf('\r\n\r\n'); end !== -1; end = buffered.indexOf('\r\n\r\n')) {
        const head = buffered.slice(0, end)
        buffered = buffered.slice(end + 4)
        const [requestLine, ...lines] = head.split('\r\n')
        const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]))
        const [method, uri] = requestLine.split(' ')
        const answer = (extra: Record<string, string>, body = '') => {
          const all = { CSeq: headers.cseq ?? '0', ...extra, ...(body ? { 'Content-Length': String(Buffer.byteLength(body)) } : {}) }
          socket.write(
            `RTSP/1.0 200 OK\r\n${Object.entries(all)
              .map(([k, v]) => `${k}: ${v}\r\n`)
              .join('')}\r\n${body}`,
          )
        }
        if (method === 'OPTIONS') answer({ Public: 'OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN, GET_PARAMETER' })
        else if (method === 'DESCRIBE') answer({ 'Content-Type': 'application/sdp', 'Content-Base': `${uri.replace(/\/$/, '')}/` }, description)
        else if (method === 'SETUP') answer({ Transport: 'RTP/AVP/TCP;unicast;interleaved=0-1', Session: '4b454e44;timeout=60' })
        else if (method === 'PLAY') {
          answer({ Session: '4b454e44', Range: 'npt=0.000-' })
          plays++
          playing.add(socket)
        } else if (method === 'GET_PARAMETER') answer({ Session: '4b454e44' })
        else if (method === 'TEARDOWN') {
          answer({})
          socket.end()
        } else socket.write(`RTSP/1.0 405 Method Not Allowed\r\nCSeq: ${headers.cseq ?? '0'}\r\n\r\n`)
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (!address || typeof address === 'string') throw new Error('fake RTSP camera has no port')

  let stopped = false
  const kill = async () => {
    if (stopped) return
    stopped = true
    for (const socket of sockets) socket.destroy()
    await new Promise((resolve) => server.close(resolve))
    encoder.kill('SIGKILL')
    udp.close()
  }
  return {
    url: `rtsp://127.0.0.1:${address.port}/cam`,
    plays: () => plays,
    clients: () => sockets.size,
    kill,
    close: async () => {
      await kill()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
