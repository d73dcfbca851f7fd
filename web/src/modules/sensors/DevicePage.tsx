import { LineChart } from 'echarts/charts'
import { GridComponent, TooltipComponent } from 'echarts/components'
import * as echarts from 'echarts/core'
import { CanvasRenderer } from 'echarts/renderers'
import { useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useParams } from 'react-router-dom'
import { api, type Tenant } from '../../app/api.ts'
import { problemText } from '../../app/problem.ts'
import { StaffFrame } from '../../app/StaffFrame.tsx'
import { formatTime } from '../../app/time.ts'
import { type Device, metricLabel } from './api.ts'
import { KindIcon } from './kindIcons.tsx'
import { useKinds } from './useKinds.ts'

echarts.use([LineChart, GridComponent, TooltipComponent, CanvasRenderer])

interface History {
  metric: string
  unit: string
  resolution: 'raw' | '5m' | '1h'
  points: { t: string; value: number }[]
  buckets: { t: string; count: number; min: number; max: number; avg: number }[]
}

const RANGES = { '6h': 6 * 3600_000, '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000 } as const
type Range = keyof typeof RANGES

/** One device: latest values and the history of a metric over a chosen range, in the tenant's time zone. */
function DeviceView() {
  const { t, i18n } = useTranslation()
  const { tenant: code = '', id = '' } = useParams()
  const [tenant, setTenant] = useState<Tenant | null>(null)
  const [device, setDevice] = useState<Device | null>(null)
  const [metric, setMetric] = useState<string | null>(null)
  const [range, setRange] = useState<Range>('24h')
  const [history, setHistory] = useState<(History & { from: Date; to: Date }) | null>(null)
  const [problem, setProblem] = useState<string | null>(null)
  const chartBox = useRef<HTMLDivElement>(null)
  const { byCode } = useKinds(code)
  const kind = device ? byCode.get(device.kind) : undefined
  const labelOf = (name: string) => metricLabel(kind, name, i18n.language)

  useEffect(() => {
    Promise.all([api<Tenant>(`/api/t/${code}`), api<Device>(`/api/t/${code}/devices/${encodeURIComponent(id)}`)]).then(
      ([tn, d]) => {
        setTenant(tn)
        setDevice(d)
        setMetric(d.metrics[0]?.name ?? null)
      },
      (err: unknown) => setProblem(problemText(err)),
    )
  }, [code, id])

  useEffect(() => {
    if (!metric) return
    const to = new Date()
    const from = new Date(to.getTime() - RANGES[range])
    const query = `metric=${metric}&from=${from.toISOString()}&to=${to.toISOString()}`
    api<History>(`/api/t/${code}/devices/${encodeURIComponent(id)}/readings?${query}`).then(
      (h) => setHistory({ ...h, from, to }),
      (err: unknown) => setProblem(String(err)),
    )
  }, [code, id, metric, range])

  // biome-ignore lint/correctness/useExhaustiveDependencies: labelOf follows the kind, which is in the list
  useEffect(() => {
    if (!chartBox.current || !history || !tenant) return
    const chart = echarts.init(chartBox.current, 'dark')
    const raw = history.resolution === 'raw'
    // Few points are drawn as dots too, so a single reading is visible.
    const showSymbol = (raw ? history.points.length : history.buckets.length) < 60
    const line = (name: string, data: [string, number][], faint = false) => ({
      name,
      type: 'line' as const,
      showSymbol,
      data,
      ...(faint ? { lineStyle: { opacity: 0.35 } } : {}),
    })
    const series = raw
      ? [
          line(
            labelOf(history.metric),
            history.points.map((p) => [p.t, p.value]),
          ),
        ]
      : [
          line(
            t('sensors.chart.max'),
            history.buckets.map((b) => [b.t, b.max]),
            true,
          ),
          line(
            t('sensors.chart.avg'),
            history.buckets.map((b) => [b.t, b.avg]),
          ),
          line(
            t('sensors.chart.min'),
            history.buckets.map((b) => [b.t, b.min]),
            true,
          ),
        ]
    const long = history.to.getTime() - history.from.getTime() > RANGES['24h']
    const axisTime = new Intl.DateTimeFormat(i18n.language === 'en' ? 'en-GB' : 'id-ID', {
      timeZone: tenant.timezone,
      ...(long ? { day: 'numeric', month: 'short' } : { hour: '2-digit', minute: '2-digit' }),
    })
    chart.setOption({
      backgroundColor: 'transparent',
      animation: false,
      tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => `${v} ${history.unit}` },
      grid: { left: 56, right: 24, top: 24, bottom: 40 },
      xAxis: {
        type: 'time',
        min: history.from.getTime(),
        max: history.to.getTime(),
        axisLabel: { formatter: (value: number) => axisTime.format(new Date(value)) },
      },
      yAxis: { type: 'value', name: history.unit, scale: true },
      series,
    })
    const resize = () => chart.resize()
    window.addEventListener('resize', resize)
    return () => {
      window.removeEventListener('resize', resize)
      chart.dispose()
    }
  }, [history, tenant, t, i18n.language, kind])

  if (problem) return <main className="console-problem">{problem}</main>
  if (!device || !tenant) return <main className="loading">…</main>
  return (
    <main className="page">
      <header className="page-top">
        <Link to={`/t/${code}/console`}>← {t('console.title')}</Link>
        {kind && <KindIcon icon={kind.icon} color={kind.color} size={28} />}
        <h1>{device.name}</h1>
        {kind && <span className="muted">{kind.label[i18n.language === 'en' ? 'en' : 'id']}</span>}
        <span className={`pill status-${device.status}`}>{t(`sensors.status.${device.status}`)}</span>
      </header>
      <section className="latest" data-testid="device-latest">
        {device.metrics.map((m) => (
          <div key={m.name} className="metric">
            <span className="muted">{labelOf(m.name)}</span>
            <strong>{device.latest[m.name] ? `${device.latest[m.name].value} ${m.unit}` : '—'}</strong>
            {device.latest[m.name] && <span className="muted">{formatTime(device.latest[m.name].at, tenant.timezone, i18n.language)}</span>}
          </div>
        ))}
      </section>
      <section className="chart-controls">
        <select value={metric ?? ''} onChange={(e) => setMetric(e.target.value)} aria-label={t('sensors.chart.metric')}>
          {device.metrics.map((m) => (
            <option key={m.name} value={m.name}>
              {labelOf(m.name)} ({m.unit})
            </option>
          ))}
        </select>
        {(Object.keys(RANGES) as Range[]).map((r) => (
          <button key={r} type="button" className={`button small${r === range ? ' primary' : ''}`} onClick={() => setRange(r)}>
            {t(`sensors.chart.ranges.${r}`)}
          </button>
        ))}
        {history && <span className="muted">{t(`sensors.chart.resolution.${history.resolution}`)}</span>}
      </section>
      <div ref={chartBox} className="chart" data-testid="device-chart" />
    </main>
  )
}

/** One sensor's page, opened from the console's map: its latest values and their history. */
export function DevicePage() {
  const { t } = useTranslation()
  return <StaffFrame title={t('layers.sensors')}>{() => <DeviceView />}</StaffFrame>
}
