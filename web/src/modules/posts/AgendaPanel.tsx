import { useCallback, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router-dom'
import { useLiveEvents } from '../../app/liveEvents.tsx'
import type { PanelProps } from '../../app/modules.ts'
import { problemText } from '../../app/problem.ts'
import { formatHours, formatWhen, listPosts, type Post, todayIn } from './api.ts'

// The newest posts of any kind shown under the agenda.
const NEWEST = 5

/**
 * The console's "Agenda hari ini": today's agenda of every OPD in the tenant's zone, and the newest posts, both
 * updated as posts change.
 */
export function AgendaPanel({ tenant }: PanelProps) {
  const { t, i18n } = useTranslation()
  const [items, setItems] = useState<Post[] | null>(null)
  const [newest, setNewest] = useState<Post[]>([])
  const [problem, setProblem] = useState<string | null>(null)

  const load = useCallback(() => {
    listPosts(tenant.code, { kind: 'agenda', status: 'published', order: 'upcoming', limit: 50, ...todayIn(tenant.timezone) }).then(
      (page) => {
        setItems(page.items)
        setProblem(null)
      },
      (err: unknown) => setProblem(problemText(err)),
    )
    listPosts(tenant.code, { status: 'published', order: 'newest', limit: NEWEST }).then(
      (page) => setNewest(page.items),
      () => undefined,
    )
  }, [tenant.code, tenant.timezone])

  useEffect(load, [load])
  // Hours are enough for what starts and ends today; items spanning days say their dates.
  const when = (startsAt: string, endsAt: string | null) => {
    const { from, to } = todayIn(tenant.timezone)
    const isToday = (iso: string) => Date.parse(iso) >= Date.parse(from) && Date.parse(iso) < Date.parse(to)
    return isToday(startsAt) && (!endsAt || isToday(endsAt))
      ? formatHours(startsAt, endsAt, tenant.timezone, i18n.language)
      : formatWhen(startsAt, endsAt, tenant.timezone, i18n.language)
  }
  useLiveEvents(['posts'], load)

  return (
    <section className="posts-agenda" data-testid="agenda-panel">
      <h2>
        {t('posts.agendaToday')} <span className="count">{items?.length ?? ''}</span>
      </h2>
      {problem && <p className="error">{problem}</p>}
      {items?.length === 0 && <p className="muted">{t('posts.noAgendaToday')}</p>}
      <ol>
        {items?.map((p) => (
          <li key={p.id} data-testid="agenda-item">
            <span className="when">{p.startsAt ? when(p.startsAt, p.endsAt) : ''}</span>
            <Link to={`/t/${tenant.code}/posts?id=${p.id}`} className="title">
              {p.title}
            </Link>
            <span className="muted">
              {p.agency.shortName ?? p.agency.name} · {p.place}
              {p.visibility === 'internal' && ` · ${t('posts.visibility.internal')}`}
            </span>
          </li>
        ))}
      </ol>
      {newest.length > 0 && (
        <>
          <h3>{t('posts.newest')}</h3>
          <ol data-testid="newest-posts">
            {newest.map((p) => (
              <li key={p.id}>
                <span className={`kind kind-${p.kind}`}>{t(`posts.kind.${p.kind}`)}</span>
                <Link to={`/t/${tenant.code}/posts?id=${p.id}`} className="title">
                  {p.title}
                </Link>
                <span className="muted">{p.agency.shortName ?? p.agency.name}</span>
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  )
}
