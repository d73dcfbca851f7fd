import { useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { Camera } from './api.ts'

const SNAPSHOT_REFRESH_MS = 5000

/**
 * One camera's live picture, always through the server: HLS with hls.js (loaded only when a camera has it; an
 * RTSP camera is remuxed to HLS by the server for signed-in viewers), else the MJPEG stream, else a snapshot
 * refreshed every few seconds.
 */
export function CameraView({ tenant, camera, anonymous = false }: { tenant: string; camera: Camera; anonymous?: boolean }) {
  const base = `/api/t/${encodeURIComponent(tenant)}/cameras/${encodeURIComponent(camera.id)}`
  if (camera.views.hls || (camera.views.rtsp && !anonymous)) return <HlsView src={`${base}/hls/`} title={camera.name} />
  if (camera.views.mjpeg) return <img className="camera-picture" alt={camera.name} src={`${base}/mjpeg`} />
  if (camera.views.snapshot) return <SnapshotView src={`${base}/snapshot`} title={camera.name} />
  return null
}

export function SnapshotView({ src, title }: { src: string; title: string }) {
  const [at, setAt] = useState(() => Date.now())
  useEffect(() => {
    const timer = setInterval(() => setAt(Date.now()), SNAPSHOT_REFRESH_MS)
    return () => clearInterval(timer)
  }, [])
  return <img className="camera-picture" alt={title} src={`${src}?t=${at}`} />
}

// The first playlist of an RTSP camera waits for the server's remux to write a segment: seconds, not milliseconds.
const PLAYLIST_POLICY = {
  default: {
    maxTimeToFirstByteMs: 40_000,
    maxLoadTimeMs: 45_000,
    timeoutRetry: { maxNumRetry: 1, retryDelayMs: 0, maxRetryDelayMs: 0 },
    errorRetry: { maxNumRetry: 2, retryDelayMs: 1000, maxRetryDelayMs: 4000 },
  },
}

function HlsView({ src, title }: { src: string; title: string }) {
  const { t } = useTranslation()
  const video = useRef<HTMLVideoElement>(null)
  const [failed, setFailed] = useState<'busy' | 'failed' | null>(null)
  // Each player is one viewer of the camera, however often it asks for the playlist.
  const [viewer] = useState(() => crypto.randomUUID())
  useEffect(() => {
    const element = video.current
    if (!element) return
    let stop = () => {}
    const url = `${src}?viewer=${viewer}`
    // hls.js wherever Media Source Extensions exist (Chromium's own HLS player cannot parse every camera's
    // stream); the browser's own player only where they do not (Safari on iPhone). Fetched only for a wall that
    // shows HLS cameras.
    let cancelled = false
    import('hls.js').then(({ default: Hls }) => {
      if (cancelled) return
      if (!Hls.isSupported()) {
        if (element.canPlayType('application/vnd.apple.mpegurl')) element.src = url
        else setFailed('failed')
        return
      }
      const hls = new Hls({ liveDurationInfinity: true, manifestLoadPolicy: PLAYLIST_POLICY, playlistLoadPolicy: PLAYLIST_POLICY })
      hls.on(Hls.Events.ERROR, (_event, data) => {
        // 503: the server streams as many cameras as it may at once.
        if (data.fatal) setFailed(data.response?.code === 503 ? 'busy' : 'failed')
      })
      hls.loadSource(url)
      hls.attachMedia(element)
      stop = () => hls.destroy()
    })
    stop = () => {
      cancelled = true
    }
    return () => stop()
  }, [src, viewer])
  if (failed) return <div className="camera-failed">{t(failed === 'busy' ? 'cctv.wall.busy' : 'cctv.wall.failed')}</div>
  return <video ref={video} className="camera-picture" title={title} muted autoPlay playsInline data-testid="camera-video" />
}
