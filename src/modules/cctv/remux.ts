import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, readdirSync, rmSync } from 'node:fs'
import { readFile, stat } from 'node:fs/promises'
import { connect as tcpConnect } from 'node:net'
import { join } from 'node:path'
import { connect as tlsConnect } from 'node:tls'
import { UpstreamUnavailable } from '../../core/errors.ts'
import { OutboundError } from '../../core/outbound/policy.ts'
import { CctvError, cctvError } from './errors.ts'

// An RTSP camera plays in a browser only as HLS: Kendali runs Debian's ffmpeg, one per camera watched, copying the
// camera's H.264 into one-second MPEG-TS segments in a folder of its own under DATA_DIR (re-encoding only a codec
// browsers cannot play, and only when an admin allowed it for that camera). Every viewer of the camera reads the
// same files; the process stops a few seconds after the last viewer stopped asking for the playlist.

export type StreamHealth = 'starting' | 'live' | 'stalled' | 'failed'

export interface StreamStatus {
  cameraId: string
  health: StreamHealth
  viewers: number
  /** Of the segments in the playlist now; null until the first one. */
  bitrateKbps: number | null
  codec: string | null
  transcoding: boolean
  startedAt: string
  lastFrameAt: string | null
  error: string | null
}

export interface RemuxSource {
  /** The RTSP URL with the camera's login and the address the outbound guard checked (never its name). */
  url: string
  /** An admin allowed re-encoding this camera (costs a CPU core's share per camera). */
  transcode: boolean
}

export interface RemuxOptions {
  /** Parent of the streams' folders (DATA_DIR/streams): each server keeps its own folder in it, by process id. */
  dir: string
  max: number
  idleMs: number
  ffmpeg?: string
}

/** A viewer who has not asked for the playlist this long has left (players ask every segment, here a second). */
const VIEWER_MS = 10_000
/** No new frame this long: the stream is stalled (shown to admins; ffmpeg's own timeout ends it at 10 s). */
const STALL_MS = 4000
/** From start to the first segment, at most. */
const START_MS = 30_000
/** A failed stream is not started again for this long: a dead camera is not dialled at every playlist request. */
const RETRY_MS = 10_000
/** How long a failure stays in the admins' status. */
const FAILED_KEPT_MS = 120_000
const SEGMENT_SECONDS = 1
const PLAYLIST_SEGMENTS = 6
const SNAPSHOT_MS = 10_000
const MAX_SNAPSHOT_BYTES = 5 * 1024 * 1024
const SEGMENT_NAME = /^seg[0-9]{1,9}\.ts$/
/** Codecs browsers decode from MPEG-TS through Media Source Extensions. */
const PLAYABLE = new Set(['h264'])

interface Remux {
  tenant: string
  cameraId: string
  dir: string
  child: ChildProcess | null
  health: StreamHealth
  viewers: Map<string, number>
  idleSince: number | null
  startedAt: number
  lastFrameAt: number | null
  codec: string | null
  transcoding: boolean
  error: string | null
  /** The failure is the camera's (it stopped answering), not the codec's: it is an outage. */
  outage: boolean
  endedAt: number | null
  ready: Promise<void>
  settle: (err?: Error) => void
  settled: boolean
  stopping: boolean
}

/** Removes a login from whatever ffmpeg says about a URL: its messages go to admins and logs. */
export function withoutLogin(text: string): string {
  return text.replace(/(rtsps?:\/\/)[^/@\s]*@/gi, '$1')
}

/** ffmpeg's arguments for one camera: RTSP over TCP (cameras' UDP rarely crosses a city network) into HLS. */
export function remuxArgs(url: string, dir: string, transcode: boolean): string[] {
  return [
    ...['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'info', '-progress', 'pipe:1'],
    // -timeout: socket I/O timeout in microseconds; a camera that stops sending ends the process after it.
    ...['-rtsp_transport', 'tcp', '-timeout', '10000000', '-i', url],
    // Video only: cameras' G.711 audio does not play in browsers, and the command centre watches.
    ...['-map', '0:v:0', '-an'],
    // A camera that gives its SPS/PPS only in the SDP (sprop-parameter-sets) has keyframes a browser cannot
    // start from: dump_extra puts those parameter sets in front of every keyframe, so each segment stands alone.
    ...(transcode
      ? ['-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-g', '25', '-sc_threshold', '0']
      : ['-c:v', 'copy', '-bsf:v', 'dump_extra']),
    ...['-f', 'hls', '-hls_time', String(SEGMENT_SECONDS), '-hls_list_size', String(PLAYLIST_SEGMENTS)],
    ...['-hls_flags', 'delete_segments+temp_file+omit_endlist+independent_segments', '-hls_segment_filename', join(dir, 'seg%d.ts'), join(dir, 'index.m3u8')],
  ]
}

/** The camera streams being remuxed, keyed by tenant and camera. */
export class Remuxer {
  private readonly streams = new Map<string, Remux>()
  private readonly sweeper: NodeJS.Timeout
  private readonly ffmpeg: string
  private readonly root: string
  /** ffmpeg processes started since this server started (a benchmark and tests count them). */
  started = 0

  constructor(private readonly opts: RemuxOptions) {
    this.ffmpeg = opts.ffmpeg ?? 'ffmpeg'
    this.root = join(opts.dir, `${process.pid}-${randomBytes(4).toString('hex')}`)
    removeDeadFolders(opts.dir)
    this.sweeper = setInterval(() => this.sweep(), 1000)
    this.sweeper.unref()
  }

  /**
   * The camera's stream for this viewer, started when nobody watched it: `source` is asked only then.
   * `onOutage` hears of a stream that ends because the camera stopped answering.
   */
  async watch(tenant: string, cameraId: string, viewer: string, source: () => Promise<RemuxSource>, onOutage: (message: string) => void): Promise<Remux> {
    const key = `${tenant}/${cameraId}`
    let remux = this.streams.get(key)
    if (remux?.health === 'failed') {
      if (Date.now() - (remux.endedAt ?? 0) < RETRY_MS) throw this.failure(remux)
      this.streams.delete(key)
      remux = undefined
    }
    if (!remux) {
      const running = [...this.streams.values()].filter((r) => r.health !== 'failed').length
      if (running >= this.opts.max) {
        throw cctvError(CctvError.RemuxLimit, `${this.opts.max} cameras are being streamed already, the most this server runs at once (CAMERA_MAX_REMUXES)`, {
          max: this.opts.max,
        })
      }
      remux = this.begin(tenant, cameraId, source, onOutage)
      this.streams.set(key, remux)
    }
    remux.viewers.set(viewer, Date.now())
    remux.idleSince = null
    return remux
  }

  /** The playlist, once it lists a segment. */
  async playlist(remux: Remux, viewer: string): Promise<string> {
    await remux.ready
    // A stream takes seconds to start: its first viewers count from when they got it.
    remux.viewers.set(viewer, Date.now())
    try {
      return await readFile(join(remux.dir, 'index.m3u8'), 'utf8')
    } catch {
      throw this.failure(remux)
    }
  }

  /** A segment of the stream; null when it is not (or no longer) there. */
  async segment(tenant: string, cameraId: string, name: string): Promise<Buffer | null> {
    const remux = this.streams.get(`${tenant}/${cameraId}`)
    if (!remux || !SEGMENT_NAME.test(name)) return null
    return readFile(join(remux.dir, name)).catch(() => null)
  }

  /** The streams of a tenant, for its admins. */
  async status(tenant: string): Promise<StreamStatus[]> {
    const mine = [...this.streams.values()].filter((r) => r.tenant === tenant)
    return Promise.all(
      mine.map(async (r) => ({
        cameraId: r.cameraId,
        health: r.health,
        viewers: r.viewers.size,
        bitrateKbps: r.health === 'failed' ? null : await bitrate(r.dir),
        codec: r.codec,
        transcoding: r.transcoding,
        startedAt: new Date(r.startedAt).toISOString(),
        lastFrameAt: r.lastFrameAt === null ? null : new Date(r.lastFrameAt).toISOString(),
        error: r.error,
      })),
    )
  }

  /** Whether the camera's stream is running and sending frames now (then it is online without another check). */
  flowing(tenant: string, cameraId: string): boolean {
    return this.streams.get(`${tenant}/${cameraId}`)?.health === 'live'
  }

  /** A JPEG of the camera now: from the newest segment when it is being watched, else read once from its RTSP. */
  async snapshot(tenant: string, cameraId: string, source: () => Promise<RemuxSource>): Promise<Buffer> {
    const remux = this.streams.get(`${tenant}/${cameraId}`)
    if (remux && (remux.health === 'live' || remux.health === 'stalled')) {
      const playlist = await readFile(join(remux.dir, 'index.m3u8'), 'utf8').catch(() => '')
      const newest = playlist
        .split('\n')
        .filter((l) => SEGMENT_NAME.test(l.trim()))
        .at(-1)
      if (newest) return this.frame(['-i', join(remux.dir, newest.trim())])
    }
    const { url } = await source()
    return this.frame(['-rtsp_transport', 'tcp', '-timeout', '5000000', '-i', url])
  }

  private frame(input: string[]): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const child = spawn(
        this.ffmpeg,
        ['-hide_banner', '-nostdin', '-loglevel', 'error', ...input, '-frames:v', '1', '-f', 'image2', '-c:v', 'mjpeg', 'pipe:1'],
        {
          stdio: ['ignore', 'pipe', 'ignore'],
        },
      )
      const chunks: Buffer[] = []
      let size = 0
      const timer = setTimeout(() => child.kill('SIGKILL'), SNAPSHOT_MS)
      child.stdout.on('data', (chunk: Buffer) => {
        size += chunk.length
        if (size > MAX_SNAPSHOT_BYTES) child.kill('SIGKILL')
        else chunks.push(chunk)
      })
      child.on('error', () => reject(new UpstreamUnavailable('ffmpeg could not be started')))
      child.on('close', (code) => {
        clearTimeout(timer)
        const jpeg = Buffer.concat(chunks)
        if (code === 0 && jpeg.length > 2 && jpeg[0] === 0xff && jpeg[1] === 0xd8) resolve(jpeg)
        else reject(new UpstreamUnavailable('The camera does not answer'))
      })
    })
  }

  /** Stops the camera's stream (it was changed or archived): the next viewer starts it from its new source. */
  async end(tenant: string, cameraId: string): Promise<void> {
    const key = `${tenant}/${cameraId}`
    const remux = this.streams.get(key)
    if (!remux) return
    this.streams.delete(key)
    await this.stop(remux)
  }

  /** Stops every stream (the server is stopping). */
  async close(): Promise<void> {
    clearInterval(this.sweeper)
    await Promise.all([...this.streams.values()].map((r) => this.stop(r)))
    this.streams.clear()
    rmSync(this.root, { recursive: true, force: true })
  }

  private begin(tenant: string, cameraId: string, source: () => Promise<RemuxSource>, onOutage: (message: string) => void): Remux {
    const dir = join(this.root, randomBytes(12).toString('hex'))
    let settle: (err?: Error) => void = () => {}
    const ready = new Promise<void>((resolve, reject) => {
      settle = (err) => (err ? reject(err) : resolve())
    })
    // Nobody may be waiting yet when a start fails; the failure is kept and given to whoever asks.
    ready.catch(() => {})
    const remux: Remux = {
      tenant,
      cameraId,
      dir,
      child: null,
      health: 'starting',
      viewers: new Map(),
      idleSince: null,
      startedAt: Date.now(),
      lastFrameAt: null,
      codec: null,
      transcoding: false,
      error: null,
      outage: false,
      endedAt: null,
      ready,
      settled: false,
      stopping: false,
      settle: (err) => {
        if (remux.settled) return
        remux.settled = true
        settle(err)
      },
    }
    const fail = (message: string, outage: boolean) => {
      if (remux.health === 'failed' || remux.stopping) return
      remux.health = 'failed'
      remux.error = withoutLogin(message)
      remux.outage = outage
      remux.endedAt = Date.now()
      remux.viewers.clear()
      remux.child?.kill('SIGKILL')
      remux.settle(this.failure(remux))
      rmSync(dir, { recursive: true, force: true })
      if (outage) onOutage(remux.error)
    }
    source().then(
      (src) => this.run(remux, src, fail),
      // A refused address is the camera's settings, not an outage.
      (err: Error) => fail(err.message, !(err instanceof OutboundError && err.reason === 'forbidden_address')),
    )
    setTimeout(() => {
      if (remux.health === 'starting') fail(`No picture within ${START_MS / 1000} s`, true)
    }, START_MS).unref()
    return remux
  }

  private run(remux: Remux, src: RemuxSource, fail: (message: string, outage: boolean) => void): void {
    if (remux.stopping || remux.health === 'failed') return
    mkdirSync(remux.dir, { recursive: true })
    remux.transcoding = src.transcode && remux.codec !== null
    const child = spawn(this.ffmpeg, remuxArgs(src.url, remux.dir, remux.transcoding), { stdio: ['ignore', 'pipe', 'pipe'] })
    this.started++
    remux.child = child
    let log = ''
    let restarting = false
    child.stderr.on('data', (chunk: Buffer) => {
      log = (log + chunk.toString('utf8')).slice(-4000)
      const codec = remux.codec === null ? /Stream #0:\d+[^:]*: Video: ([a-z0-9_]+)/.exec(log)?.[1] : undefined
      if (!codec) return
      remux.codec = codec
      if (PLAYABLE.has(codec) || remux.transcoding) return
      if (!src.transcode) {
        fail(`The camera sends ${codec}, which browsers cannot play; an admin may allow transcoding it for this camera`, false)
        return
      }
      // Read once more, this time re-encoding to H.264.
      restarting = true
      child.kill('SIGKILL')
    })
    // -progress reports the frame count twice a second while frames come; a stalled camera stops it growing.
    let frames = 0
    child.stdout.on('data', (chunk: Buffer) => {
      for (const m of chunk.toString('utf8').matchAll(/^frame=\s*(\d+)/gm)) {
        if (Number(m[1]) > frames) {
          frames = Number(m[1])
          remux.lastFrameAt = Date.now()
        }
      }
    })
    child.on('error', (err) => fail(`ffmpeg could not be started: ${err.message}`, false))
    child.on('close', (code) => {
      if (remux.child !== child) return
      remux.child = null
      if (remux.stopping) return
      if (restarting) return this.run(remux, src, fail)
      const last =
        log
          .trim()
          .split('\n')
          .filter((l) => !/^\s/.test(l))
          .at(-1) ?? ''
      fail(code === 0 ? 'The camera ended its stream' : `The camera stopped sending (${last.trim().slice(0, 200) || `ffmpeg exited ${code}`})`, true)
    })
    const poll = setInterval(async () => {
      if (remux.child !== child || remux.health !== 'starting') return clearInterval(poll)
      const text = await readFile(join(remux.dir, 'index.m3u8'), 'utf8').catch(() => '')
      if (text.includes('#EXTINF') && remux.health === 'starting') {
        clearInterval(poll)
        remux.health = 'live'
        remux.settle()
      }
    }, 200)
  }

  private failure(remux: Remux): Error {
    if (!remux.outage && remux.error?.includes('browsers cannot play')) return cctvError(CctvError.CodecUnsupported, remux.error)
    return new UpstreamUnavailable(`The camera does not answer${remux.error ? `: ${remux.error}` : ''}`)
  }

  private async stop(remux: Remux): Promise<void> {
    remux.stopping = true
    remux.settle(new UpstreamUnavailable('The stream stopped'))
    const child = remux.child
    if (child && child.exitCode === null) {
      await new Promise<void>((resolve) => {
        const kill = setTimeout(() => child.kill('SIGKILL'), 3000)
        child.once('close', () => {
          clearTimeout(kill)
          resolve()
        })
        // ffmpeg finishes the segment it writes on SIGTERM.
        child.kill('SIGTERM')
      })
    }
    rmSync(remux.dir, { recursive: true, force: true })
  }

  private sweep(): void {
    const now = Date.now()
    for (const [key, remux] of this.streams) {
      if (remux.health === 'failed') {
        if (now - (remux.endedAt ?? now) > FAILED_KEPT_MS) this.streams.delete(key)
        continue
      }
      for (const [viewer, seen] of remux.viewers) if (now - seen > VIEWER_MS) remux.viewers.delete(viewer)
      if (remux.viewers.size === 0) {
        remux.idleSince ??= now
        if (now - remux.idleSince >= this.opts.idleMs) {
          this.streams.delete(key)
          void this.stop(remux)
          continue
        }
      }
      if (remux.health === 'live' && remux.lastFrameAt !== null && now - remux.lastFrameAt > STALL_MS) remux.health = 'stalled'
      else if (remux.health === 'stalled' && remux.lastFrameAt !== null && now - remux.lastFrameAt <= STALL_MS) remux.health = 'live'
    }
  }
}

/**
 * Whether an RTSP server answers an OPTIONS request (any status: a 401 is a camera that is up) within the time:
 * the health check of a camera that only has RTSP, far cheaper than reading a frame. `url` has its address resolved.
 */
export function rtspAnswers(url: string, timeoutMs: number): Promise<boolean> {
  const target = new URL(url)
  const host = target.hostname.replace(/^\[|\]$/g, '')
  const secure = target.protocol === 'rtsps:'
  const port = Number(target.port) || (secure ? 322 : 554)
  return new Promise((resolve) => {
    // Cameras' TLS certificates are self-signed: the check asks only whether something answers RTSP there.
    const socket = secure ? tlsConnect({ host, port, rejectUnauthorized: false }) : tcpConnect({ host, port })
    let answer = ''
    const done = (ok: boolean) => {
      clearTimeout(timer)
      socket.destroy()
      resolve(ok)
    }
    const timer = setTimeout(() => done(false), timeoutMs)
    socket.once(secure ? 'secureConnect' : 'connect', () => {
      target.username = ''
      target.password = ''
      socket.write(`OPTIONS ${target.href} RTSP/1.0\r\nCSeq: 1\r\nUser-Agent: Kendali\r\n\r\n`)
    })
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString('latin1')
      if (answer.length >= 9) done(answer.startsWith('RTSP/1.0 '))
    })
    socket.on('error', () => done(false))
    socket.on('close', () => done(false))
  })
}

/** Folders of servers no longer running (a crash leaves its segments behind); those of running ones stay. */
function removeDeadFolders(dir: string): void {
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch {
    return
  }
  for (const name of names) {
    const pid = Number(name.split('-')[0])
    if (Number.isInteger(pid) && pid > 0 && processRuns(pid)) continue
    rmSync(join(dir, name), { recursive: true, force: true })
  }
}

function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    // EPERM: it runs, as another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Kilobits per second of the segments the playlist lists now. */
async function bitrate(dir: string): Promise<number | null> {
  const playlist = await readFile(join(dir, 'index.m3u8'), 'utf8').catch(() => '')
  let seconds = 0
  let bytes = 0
  let duration = 0
  for (const line of playlist.split('\n')) {
    const extinf = /^#EXTINF:([0-9.]+)/.exec(line)
    if (extinf) duration = Number(extinf[1])
    else if (SEGMENT_NAME.test(line.trim())) {
      const size = await stat(join(dir, line.trim())).then(
        (s) => s.size,
        () => null,
      )
      if (size === null) continue
      bytes += size
      seconds += duration
    }
  }
  return seconds > 0 ? Math.round((bytes * 8) / seconds / 1000) : null
}
