import { useCallback, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router-dom'
import type { PanelProps } from '../../app/modules.ts'
import { formatDate, formatWhen, listPublicPosts, type PublicPost, todayIn } from './api.ts'

/** Calls `onChange` whenever the tenant's public posts may have changed (the server's stream for the portal). */
export function usePublicPostChanges(tenant: string, onChange: () => void): void {
  useEffect(() => {
    const source = new EventSource(`/api/t/${encodeURIComponent(tenant)}/posts/public/live`)
    source.addEventListener('changed', onChange)
    return () => source.close()
  }, [tenant, onChange])
}

export function PostLine({ post, tenant }: { post: PublicPost } & PanelProps) {
  const { t, i18n } = useTranslation()
  return (
    <li data-testid="portal-post" className="post-line">
      <span className={`kind kind-${post.kind}`}>{t(`posts.kind.${post.kind}`)}</span>
      <Link to={`/p/${tenant.code}/posts/${post.id}`}>{post.title}</Link>
      <span className="meta">
        {post.agency.shortName ?? post.agency.name}
        {' · '}
        {post.startsAt
          ? formatWhen(post.startsAt, post.endsAt, tenant.timezone, i18n.language)
          : post.publishedAt && formatDate(post.publishedAt, tenant.timezone, i18n.language)}
        {post.place && ` · ${post.place}`}
      </span>
    </li>
  )
}

/** The portal's front-page block: today's and upcoming agenda, and the latest news of the OPDs, live. */
export function PostsSection({ tenant }: PanelProps) {
  const { t } = useTranslation()
  const [agenda, setAgenda] = useState<PublicPost[]>([])
  const [latest, setLatest] = useState<PublicPost[]>([])
  const load = useCallback(() => {
    const { from } = todayIn(tenant.timezone)
    listPublicPosts(tenant.code, { kind: 'agenda', order: 'upcoming', from, limit: 5 }).then(
      (p) => setAgenda(p.items),
      () => undefined,
    )
    listPublicPosts(tenant.code, { order: 'newest', limit: 5 }).then(
      (p) => setLatest(p.items),
      () => undefined,
    )
  }, [tenant.code, tenant.timezone])
  useEffect(load, [load])
  usePublicPostChanges(tenant.code, load)
  return (
    <section className="posts-section" data-testid="posts-section">
      <h2>{t('posts.portal.agenda')}</h2>
      {agenda.length === 0 ? (
        <p className="muted">{t('posts.portal.noAgenda')}</p>
      ) : (
        <ul data-testid="portal-agenda">
          {agenda.map((p) => (
            <PostLine key={p.id} post={p} tenant={tenant} />
          ))}
        </ul>
      )}
      <h2>{t('posts.portal.latest')}</h2>
      {latest.length === 0 ? (
        <p className="muted">{t('posts.portal.noPosts')}</p>
      ) : (
        <ul data-testid="portal-latest">
          {latest.map((p) => (
            <PostLine key={p.id} post={p} tenant={tenant} />
          ))}
        </ul>
      )}
      <p>
        <Link to={`/p/${tenant.code}/posts`}>{t('posts.portal.all')}</Link>
      </p>
    </section>
  )
}
