import { useTranslation } from 'react-i18next'
import type { KendaliEvent } from './api.ts'
import { formatTime } from './time.ts'

/** A short human line for an event: its name, and the name or code its data carries. */
function subject(event: KendaliEvent): string {
  const d = event.data
  for (const key of ['name', 'title', 'number', 'username', 'code']) {
    const value = d[key]
    if (typeof value === 'string' && value) return value
  }
  return ''
}

export function EventFeed({ events, timezone }: { events: KendaliEvent[]; timezone: string }) {
  const { t, i18n } = useTranslation()
  return (
    <section className="feed">
      <h2>{t('console.feed')}</h2>
      {events.length === 0 && <p className="muted">{t('console.feedEmpty')}</p>}
      <ol data-testid="event-feed">
        {events.map((e) => (
          <li key={e.seq} data-testid="event-item" data-type={e.type}>
            <span className="when">{formatTime(e.at, timezone, i18n.language)}</span>
            <span className="what">{t(`events.${e.type}`, { defaultValue: e.type })}</span>
            <span className="subject">{subject(e)}</span>
            {e.actor && <span className="actor">{e.actor}</span>}
          </li>
        ))}
      </ol>
    </section>
  )
}
