import { type FormEvent, useCallback, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { Tenant } from '../../app/api.ts'
import { useLiveEvents } from '../../app/liveEvents.tsx'
import { StaffFrame } from '../../app/StaffFrame.tsx'
import { formatTime } from '../../app/time.ts'
import {
  archiveCamera,
  type Camera,
  type CameraAlarm,
  type CameraInput,
  type CameraSources,
  type CameraStream,
  fetchCameraHistory,
  fetchCameras,
  fetchSources,
  fetchStreams,
  registerCamera,
  updateCamera,
} from './api.ts'

const SOURCES = ['snapshotUrl', 'mjpegUrl', 'hlsUrl', 'rtspUrl'] as const
const EMPTY: CameraSources = { snapshotUrl: null, mjpegUrl: null, hlsUrl: null, rtspUrl: null, transcode: false }
const STREAMS_REFRESH_MS = 5000

/** Admin page: every camera with its health, and a form to register or edit one (passwords of sources shown masked). */
export function CamerasAdmin() {
  const { t } = useTranslation()
  return <StaffFrame title={t('cctv.admin.title')}>{({ tenant }) => <Cameras tenant={tenant} />}</StaffFrame>
}

function Cameras({ tenant }: { tenant: Tenant }) {
  const { t, i18n } = useTranslation()
  const percent = new Intl.NumberFormat(i18n.language, { style: 'percent', maximumFractionDigits: 2 })
  const [cameras, setCameras] = useState<Camera[]>([])
  const [editing, setEditing] = useState<{ camera: Camera | null; sources: CameraSources } | null>(null)
  const [problem, setProblem] = useState('')
  const [history, setHistory] = useState<{ camera: Camera; alarms: CameraAlarm[] } | null>(null)
  const load = useCallback(() => {
    fetchCameras(tenant.code).then(
      (page) => setCameras(page.items),
      (err: unknown) => setProblem(String(err)),
    )
  }, [tenant.code])
  useEffect(load, [load])
  useLiveEvents(['cctv'], load)

  const edit = async (camera: Camera) => {
    try {
      setEditing({ camera, sources: await fetchSources(tenant.code, camera.id) })
    } catch (err) {
      setProblem(String(err))
    }
  }
  const showHistory = async (camera: Camera) => {
    try {
      setHistory({ camera, alarms: (await fetchCameraHistory(tenant.code, camera.id)).items })
    } catch (err) {
      setProblem(String(err))
    }
  }
  const archive = async (camera: Camera) => {
    if (!window.confirm(t('cctv.admin.confirmArchive', { name: camera.name }))) return
    await archiveCamera(tenant.code, camera.id).then(load, (err: unknown) => setProblem(String(err)))
  }

  return (
    <div className="cctv-admin">
      {problem && <p className="problem">{problem}</p>}
      <button type="button" onClick={() => setEditing({ camera: null, sources: EMPTY })} data-testid="camera-new">
        {t('cctv.admin.register')}
      </button>
      {editing && (
        <CameraForm
          tenant={tenant}
          camera={editing.camera}
          sources={editing.sources}
          onDone={() => {
            setEditing(null)
            load()
          }}
        />
      )}
      {history && <OutageHistory tenant={tenant} camera={history.camera} alarms={history.alarms} onClose={() => setHistory(null)} />}
      <Streams tenant={tenant} />
      <table className="cctv-admin-table" data-testid="camera-table">
        <thead>
          <tr>
            <th>{t('cctv.admin.name')}</th>
            <th>{t('cctv.admin.status')}</th>
            <th>{t('cctv.admin.lastSeen')}</th>
            <th>{t('cctv.admin.responseMs')}</th>
            <th>{t('cctv.admin.uptime')}</th>
            <th>{t('cctv.admin.public')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {cameras.map((c) => (
            <tr key={c.id} data-testid="camera-row">
              <td>{c.name}</td>
              <td>
                <span className={`camera-status ${c.status}`}>{t(`cctv.status.${c.status}`)}</span>
              </td>
              <td>{c.lastSeenAt ? formatTime(c.lastSeenAt, tenant.timezone, i18n.language) : '—'}</td>
              <td>{c.responseMs ?? '—'}</td>
              <td data-testid="camera-uptime">{c.uptime30d === null ? '—' : percent.format(c.uptime30d)}</td>
              <td>{c.isPublic ? t('cctv.admin.yes') : t('cctv.admin.no')}</td>
              <td>
                <button type="button" onClick={() => showHistory(c)}>
                  {t('cctv.history.show')}
                </button>{' '}
                <button type="button" onClick={() => edit(c)}>
                  {t('cctv.admin.edit')}
                </button>{' '}
                <button type="button" onClick={() => archive(c)}>
                  {t('cctv.admin.archive')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

function CameraForm({ tenant, camera, sources, onDone }: { tenant: Tenant; camera: Camera | null; sources: CameraSources; onDone: () => void }) {
  const { t } = useTranslation()
  const [problem, setProblem] = useState('')
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const form = new FormData(event.currentTarget)
    const text = (name: string) => String(form.get(name) ?? '').trim()
    const input: CameraInput = {
      name: text('name'),
      isPublic: form.get('isPublic') === 'on',
      transcode: form.get('transcode') === 'on',
      location: { type: 'Point', coordinates: [Number(text('lon')), Number(text('lat'))] },
    }
    for (const key of SOURCES) {
      const value = text(key)
      // An emptied field removes that source from a camera; a new camera simply leaves it out.
      if (value) input[key] = value
      else if (camera && sources[key]) input[key] = null
    }
    try {
      await (camera ? updateCamera(tenant.code, camera.id, input) : registerCamera(tenant.code, input))
      onDone()
    } catch (err) {
      setProblem(String(err))
    }
  }
  // A new camera starts at the middle of the city.
  const b = tenant.bbox
  const [lon, lat] = camera?.location.coordinates ?? (b ? [(b[0] + b[2]) / 2, (b[1] + b[3]) / 2] : ['', ''])
  return (
    <form className="cctv-form" onSubmit={submit} data-testid="camera-form">
      <h2>{camera ? t('cctv.admin.editing', { name: camera.name }) : t('cctv.admin.register')}</h2>
      <label>
        {t('cctv.admin.name')} <input name="name" required minLength={2} defaultValue={camera?.name ?? ''} />
      </label>
      <label>
        {t('cctv.admin.lon')} <input name="lon" required inputMode="decimal" defaultValue={lon} />
      </label>
      <label>
        {t('cctv.admin.lat')} <input name="lat" required inputMode="decimal" defaultValue={lat} />
      </label>
      <label>
        <input type="checkbox" name="isPublic" defaultChecked={camera?.isPublic ?? false} /> {t('cctv.admin.public')}
      </label>
      {SOURCES.map((key) => (
        <label key={key}>
          {t(`cctv.admin.${key}`)} <input name={key} type="text" defaultValue={sources[key] ?? ''} placeholder={key === 'rtspUrl' ? 'rtsp://…' : 'http://…'} />
        </label>
      ))}
      <label>
        <input type="checkbox" name="transcode" defaultChecked={sources.transcode} /> {t('cctv.admin.transcode')}
      </label>
      <p className="muted">{t('cctv.admin.maskHint')}</p>
      {problem && <p className="problem">{problem}</p>}
      <button type="submit">{t('cctv.admin.save')}</button>{' '}
      <button type="button" onClick={onDone}>
        {t('cctv.admin.cancel')}
      </button>
    </form>
  )
}

/** The RTSP cameras the server remuxes now: one process each, whatever the number of viewers. */
function Streams({ tenant }: { tenant: Tenant }) {
  const { t, i18n } = useTranslation()
  const [status, setStatus] = useState<{ max: number; running: number; items: CameraStream[] } | null>(null)
  useEffect(() => {
    let stopped = false
    const load = () =>
      fetchStreams(tenant.code).then(
        (s) => !stopped && setStatus(s),
        () => {},
      )
    load()
    const timer = setInterval(load, STREAMS_REFRESH_MS)
    return () => {
      stopped = true
      clearInterval(timer)
    }
  }, [tenant.code])
  if (!status) return null
  const number = new Intl.NumberFormat(i18n.language)
  return (
    <section className="cctv-streams" data-testid="camera-streams">
      <h2>{t('cctv.streams.title', { running: status.running, max: status.max })}</h2>
      {status.items.length === 0 ? (
        <p className="muted">{t('cctv.streams.none')}</p>
      ) : (
        <table className="cctv-admin-table">
          <thead>
            <tr>
              <th>{t('cctv.streams.camera')}</th>
              <th>{t('cctv.streams.health')}</th>
              <th>{t('cctv.streams.viewers')}</th>
              <th>{t('cctv.streams.bitrate')}</th>
              <th>{t('cctv.streams.codec')}</th>
              <th>{t('cctv.streams.since')}</th>
            </tr>
          </thead>
          <tbody>
            {status.items.map((s) => (
              <tr key={s.cameraId} data-testid="camera-stream" data-health={s.health}>
                <td>{s.cameraName}</td>
                <td title={s.error ?? undefined}>
                  <span className={`camera-status ${s.health === 'failed' ? 'offline' : s.health === 'live' ? 'online' : 'unknown'}`}>
                    {t(`cctv.streams.healthOf.${s.health}`)}
                  </span>
                </td>
                <td data-testid="stream-viewers">{number.format(s.viewers)}</td>
                <td>{s.bitrateKbps === null ? '—' : t('cctv.streams.kbps', { value: number.format(s.bitrateKbps) })}</td>
                <td>
                  {s.codec ? s.codec.toUpperCase().replace('HEVC', 'H.265').replace('H264', 'H.264') : '—'}
                  {s.transcoding && <span className="muted"> · {t('cctv.streams.transcoding')}</span>}
                </td>
                <td>{formatTime(s.startedAt, tenant.timezone, i18n.language)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}

/** A camera's outages, newest first: when it went down, when it came back, who acknowledged it. */
function OutageHistory({ tenant, camera, alarms, onClose }: { tenant: Tenant; camera: Camera; alarms: CameraAlarm[]; onClose: () => void }) {
  const { t, i18n } = useTranslation()
  const time = (at: string) => formatTime(at, tenant.timezone, i18n.language)
  return (
    <section className="cctv-history" data-testid="camera-history">
      <h2>{t('cctv.history.title', { name: camera.name })}</h2>
      {alarms.length === 0 && <p className="muted">{t('cctv.history.none')}</p>}
      <ol>
        {alarms.map((a) => (
          <li key={a.id} data-status={a.status}>
            {t('cctv.history.down', { from: time(a.raisedAt), to: a.clearedAt ? time(a.clearedAt) : t('cctv.history.ongoing') })}
            {a.acknowledgedBy && <span className="muted"> · {t('cctv.history.ack', { who: a.acknowledgedBy })}</span>}
          </li>
        ))}
      </ol>
      <button type="button" onClick={onClose}>
        {t('cctv.portal.close')}
      </button>
    </section>
  )
}
