import { useTranslation } from 'react-i18next'
import type { KendaliEvent } from './api.ts'
import type { FeedItem } from './feed.ts'
import { formatTime } from './time.ts'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** A short human line for an event: the name, number or call sign its data carries, else its entity (never a bare id). */
function subject(event: KendaliEvent, language: string): string {
  const d = event.data
  for (const key of ['name', 'title', 'number', 'callsign', 'username', 'code', 'dataset']) {
    const value = d[key]
    if (typeof value === 'string' && value) return value
    // A name kept in both languages (a KPI indicator's) is read in the page's.
    if (value && typeof value === 'object' && 'id' in value && 'en' in value) {
      const named = value as { id: string; en: string }
      return language.startsWith('en') ? named.en : named.id
    }
  }
  return event.entity && !UUID.test(event.entity) ? event.entity : ''
}

const SYSTEM = 'system:'

export function EventFeed({ items, timezone }: { items: FeedItem[]; timezone: string }) {
  const { t, i18n } = useTranslation()
  return (
    <section className="feed">
      <h2>{t('console.feed')}</h2>
      {items.length === 0 && <p className="muted">{t('console.feedEmpty')}</p>}
      <ol data-testid="event-feed">
        {items.map(({ event: e, repeats }) => (
          <li key={e.seq} data-testid="event-item" data-type={e.type}>
            <span className="when">{formatTime(e.at, timezone, i18n.language)}</span>
            <span className="what">
              {t([`events.${e.topic}/${e.type}`, `events.${e.type}`], { defaultValue: e.type })}
              {repeats > 1 && <span className="repeats">{t('console.repeats', { count: repeats })}</span>}
            </span>
            <span className="subject">{subject(e, i18n.language)}</span>
            {e.actor && (
              <span className="actor">{e.actor.startsWith(SYSTEM) ? t(`actors.${e.actor.slice(SYSTEM.length)}`, { defaultValue: e.actor }) : e.actor}</span>
            )}
          </li>
        ))}
      </ol>
    </section>
  )
}
