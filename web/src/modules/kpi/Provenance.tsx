import { useTranslation } from 'react-i18next'
import { type AssessedIndicator, formatPeriod, labelOf } from './api.ts'

const ZONES: Record<string, string> = { 'Asia/Jakarta': 'WIB', 'Asia/Makassar': 'WITA', 'Asia/Jayapura': 'WIT' }

/** A moment as the tenant reads it: `7 Des 2026 21.40 WIB`. */
export function formatMoment(iso: string, timeZone: string, language: string): string {
  const text = new Intl.DateTimeFormat(language === 'en' ? 'en-GB' : 'id-ID', {
    timeZone,
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  }).format(new Date(iso))
  return `${text} ${ZONES[timeZone] ?? timeZone}`
}

/**
 * Where a figure comes from, in one line under it: its period (provisional while it runs, stale when an entered
 * value is of an earlier period), when and from how many records it was computed, or who entered it with what evidence.
 */
export function ProvenanceLine({ indicator, timeZone }: { indicator: AssessedIndicator; timeZone: string }) {
  const { t, i18n } = useTranslation()
  const p = indicator.provenance
  if (!p) return null
  const lang = i18n.language
  const when = formatMoment(p.computedAt, timeZone, lang)
  return (
    <span className="kpi-provenance" data-testid={`provenance-${indicator.code}`}>
      <span className="kpi-provenance-period">{formatPeriod(p.period, lang)}</span>
      {p.provisional && <span className="kpi-badge provisional">{t('kpi.provenance.provisional')}</span>}
      {p.stale && <span className="kpi-badge stale">{t('kpi.provenance.stale')}</span>}{' '}
      {indicator.source === 'computed' ? (
        <span>
          {t('kpi.provenance.computed', { when, count: p.records ?? 0, records: p.recordsLabel ? labelOf(p.recordsLabel, lang) : '' })}
          {p.samples ? ` ${t('kpi.provenance.samples', { count: p.samples })}` : ''}
        </span>
      ) : (
        <span>
          {t('kpi.provenance.entered', {
            when,
            who: p.enteredBy?.startsWith('system:') ? t(`actors.${p.enteredBy.slice(7)}`, { defaultValue: p.enteredBy }) : (p.enteredBy ?? '—'),
          })}{' '}
          {p.evidenceUrl ? (
            <a href={p.evidenceUrl} target="_blank" rel="noreferrer noopener">
              {t('kpi.provenance.evidence')}
            </a>
          ) : (
            t('kpi.provenance.noEvidence')
          )}
        </span>
      )}
    </span>
  )
}
