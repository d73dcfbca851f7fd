import { useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { Camera } from './api.ts'

const SNAPSHOT_REFRESH_MS = 5000

/**
 * One camera's live picture, always through the server: HLS with hls.js (loaded only when a camera has it),
 * else the MJPEG stream, else a snapshot refreshed every few seconds.
 */
export function CameraView({ tenant, camera }: { tenant: string; camera: Camera }) {
  const base = `/api/t/${encodeURIComponent(tenant)}/cameras/${encodeURIComponent(camera.id)}`
  if (camera.views.hls) return <HlsView src={`${base}/hls/`} title={camera.name} />
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

function HlsView({ src, title }: { src: string; title: string }) {
  const { t } = useTranslation()
  const video = useRef<HTMLVideoElement>(null)
  const [failed, setFailed] = useState(false)
  useEffect(() => {
    const element = video.current
    if (!element) return
    let stop = () => {}
    // Safari plays HLS itself; everyone else gets hls.js, fetched only for a wall that shows HLS cameras.
    if (element.canPlayType('application/vnd.apple.mpegurl')) {
      element.src = src
    } else {
      let cancelled = false
      import('hls.js').then(({ default: Hls }) => {
        if (cancelled || !Hls.isSupported()) return setFailed(!cancelled)
        const hls = new Hls({ liveDurationInfinity: true })
        hls.on(Hls.Events.ERROR, (_event, data) => {
          if (data.fatal) setFailed(true)
        })
        hls.loadSource(src)
        hls.attachMedia(element)
        stop = () => hls.destroy()
      })
      stop = () => {
        cancelled = true
      }
    }
    return () => stop()
  }, [src])
  if (failed) return <div className="camera-failed">{t('cctv.wall.failed')}</div>
  return <video ref={video} className="camera-picture" title={title} muted autoPlay playsInline data-testid="camera-video" />
}
