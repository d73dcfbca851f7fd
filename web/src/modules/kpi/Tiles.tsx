import { useTranslation } from 'react-i18next'
import { type Dimension, formatPeriod, type Summary } from './api.ts'

/** A score's trend over the months as a small line (missing months leave gaps). */
function Sparkline({ trend }: { trend: { score: number | null }[] }) {
  const step = 100 / Math.max(1, trend.length - 1)
  const segments: string[][] = [[]]
  trend.forEach((p, i) => {
    if (p.score === null) segments.push([])
    else segments[segments.length - 1].push(`${(i * step).toFixed(1)},${(30 - (p.score / 100) * 28).toFixed(1)}`)
  })
  return (
    <svg className="kpi-spark" viewBox="0 0 100 30" preserveAspectRatio="none" aria-hidden="true">
      {segments
        .filter((s) => s.length > 0)
        .map((s) => (
          <polyline key={s[0]} points={s.join(' ')} />
        ))}
    </svg>
  )
}

/** The six dimension tiles: score, arrow against last month, the 12-month trend. */
export function DimensionTiles({ summary, selected, onSelect }: { summary: Summary; selected?: Dimension | null; onSelect?: (d: Dimension) => void }) {
  const { t, i18n } = useTranslation()
  return (
    <div className="kpi-tiles">
      <p className="kpi-tiles-period" data-testid="kpi-tiles-period">
        {t('kpi.provenance.periodOf', { period: formatPeriod(summary.period, i18n.language) })}
        {summary.provisional && <span className="kpi-badge provisional">{t('kpi.provenance.provisional')}</span>}
      </p>
      {summary.dimensions.map((d) => {
        const delta = d.score !== null && d.previousScore !== null ? d.score - d.previousScore : null
        const previous = d.trend.at(-2)?.period
        const arrow = delta === null ? '' : delta > 0.05 ? '▲' : delta < -0.05 ? '▼' : '▶'
        return (
          <button
            type="button"
            key={d.dimension}
            className={`kpi-tile${selected === d.dimension ? ' selected' : ''}`}
            data-testid={`tile-${d.dimension}`}
            onClick={() => onSelect?.(d.dimension)}
          >
            <span className="kpi-tile-name">{t(`kpi.dimension.${d.dimension}`)}</span>
            <span className="kpi-tile-score">{d.score === null ? '—' : `${d.score.toFixed(1)}`}</span>
            <span className={`kpi-tile-delta${delta === null ? '' : delta < 0 ? ' down' : ' up'}`}>
              {arrow} {delta === null ? t('kpi.noPrevious') : `${delta > 0 ? '+' : ''}${delta.toFixed(1)}`}
              {/* Against which month the change is, so "▼ -53,3" never stands without its period. */}
              {previous && delta !== null && ` · ${t('kpi.exec.vs', { period: formatPeriod(previous, i18n.language) })}`}
            </span>
            <Sparkline trend={d.trend} />
          </button>
        )
      })}
    </div>
  )
}
