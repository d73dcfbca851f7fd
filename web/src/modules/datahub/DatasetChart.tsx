import { BarChart, LineChart } from 'echarts/charts'
import { GridComponent, TooltipComponent } from 'echarts/components'
import * as echarts from 'echarts/core'
import { CanvasRenderer } from 'echarts/renderers'
import { useEffect, useMemo, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { Column } from './api.ts'

echarts.use([BarChart, LineChart, GridComponent, TooltipComponent, CanvasRenderer])

// Bars beyond this many would be unreadable on a phone; the largest are kept.
const MAX_BARS = 20
const NUMERIC = new Set<Column['type']>(['integer', 'number'])
// Coordinates are numbers, but adding them up means nothing: they are never the default value.
const COORDINATE = /^(lat|lon|lng|long|latitude|longitude|lintang|bujur|x|y)$/i

const COUNT = ''

interface ChartSeries {
  labels: string[]
  values: number[]
  /** Labels left out because only the largest fit. */
  omitted: number
}

/** Rows summed (or counted, when `value` is empty) per label of the `label` column; dates in order, others largest first. */
function seriesOf(rows: Record<string, unknown>[], label: Column, value: string): ChartSeries {
  const sums = new Map<string, number>()
  for (const row of rows) {
    const key = row[label.name] === null || row[label.name] === undefined ? '—' : String(row[label.name])
    const n = value === COUNT ? 1 : Number(row[value])
    if (Number.isFinite(n)) sums.set(key, (sums.get(key) ?? 0) + n)
  }
  const entries = [...sums.entries()]
  if (label.type === 'date' || NUMERIC.has(label.type)) entries.sort(([a], [b]) => a.localeCompare(b, undefined, { numeric: true }))
  else entries.sort(([, a], [, b]) => b - a)
  const kept = entries.slice(0, MAX_BARS)
  return { labels: kept.map(([k]) => k), values: kept.map(([, v]) => Math.round(v * 100) / 100), omitted: entries.length - kept.length }
}

/** The columns a chart starts with: the first text column against the first numeric column that is not a coordinate. */
function defaultAxes(columns: Column[]): { label: string; value: string } {
  const label = columns.find((c) => c.type === 'text') ?? columns.find((c) => !NUMERIC.has(c.type)) ?? columns[0]
  const value = columns.find((c) => NUMERIC.has(c.type) && !COORDINATE.test(c.name))
  return { label: label?.name ?? '', value: value?.name ?? COUNT }
}

/** A chart of a table's rows; the reader picks which column labels the bars and which is summed. */
export function DatasetChart({ columns, rows, total }: { columns: Column[]; rows: Record<string, unknown>[]; total: number }) {
  const { t } = useTranslation()
  const box = useRef<HTMLDivElement>(null)
  const initial = defaultAxes(columns)
  const [labelName, setLabelName] = useState(initial.label)
  const [value, setValue] = useState(initial.value)
  const label = columns.find((c) => c.name === labelName) ?? columns[0]
  const series = useMemo(() => (label ? seriesOf(rows, label, value) : { labels: [], values: [], omitted: 0 }), [rows, label, value])
  // Dates read as a line over time; anything else as horizontal bars, whose long names fit a phone's width.
  const overTime = label?.type === 'date'

  useEffect(() => {
    if (!box.current) return
    const chart = echarts.init(box.current)
    const categories = {
      type: 'category' as const,
      data: overTime ? series.labels : [...series.labels].reverse(),
      axisLabel: { width: 110, overflow: 'truncate' as const },
    }
    const values = { type: 'value' as const }
    chart.setOption({
      animation: false,
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      tooltip: { trigger: 'axis' },
      xAxis: overTime ? categories : values,
      yAxis: overTime ? values : categories,
      series: [
        {
          type: overTime ? 'line' : 'bar',
          name: value || t('datahub.chart.count'),
          data: overTime ? series.values : [...series.values].reverse(),
          itemStyle: { color: '#0d9488' },
        },
      ],
    })
    const resize = () => chart.resize()
    window.addEventListener('resize', resize)
    return () => {
      window.removeEventListener('resize', resize)
      chart.dispose()
    }
  }, [series, overTime, value, t])

  const height = overTime ? 260 : Math.max(160, 26 * series.labels.length + 40)
  return (
    <div className="datahub-chart" data-testid="dataset-chart" data-bars={series.labels.length}>
      <div className="datahub-filters">
        <label>
          {t('datahub.chart.label')}
          <select name="chart-label" value={labelName} onChange={(e) => setLabelName(e.target.value)}>
            {columns.map((c) => (
              <option key={c.name} value={c.name}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('datahub.chart.value')}
          <select name="chart-value" value={value} onChange={(e) => setValue(e.target.value)}>
            <option value={COUNT}>{t('datahub.chart.count')}</option>
            {columns
              .filter((c) => NUMERIC.has(c.type))
              .map((c) => (
                <option key={c.name} value={c.name}>
                  {t('datahub.chart.sum', { column: c.name })}
                </option>
              ))}
          </select>
        </label>
      </div>
      <div ref={box} className="datahub-chart-box" style={{ height }} />
      {total > rows.length && <p className="muted">{t('datahub.chart.partial', { count: rows.length, total })}</p>}
      {series.omitted > 0 && <p className="muted">{t('datahub.chart.largest', { count: MAX_BARS })}</p>}
    </div>
  )
}
