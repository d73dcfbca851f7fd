import { lazy, Suspense, useCallback, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useParams } from 'react-router-dom'
import { ApiError } from '../../app/api.ts'
import type { PanelProps } from '../../app/modules.ts'
import { formatDate, formatWhen, listPublicPosts, POST_KINDS, type PostKind, type PublicPost, publicPost } from './api.ts'
import { PostLine, usePublicPostChanges } from './PortalSection.tsx'

// MapLibre loads only for a post that has a place on the map.
const PlaceMap = lazy(() => import('./PostMap.tsx').then((m) => ({ default: m.PlaceMap })))

/** Every public post of the city, newest first, by kind, a page at a time. */
export function PublicPostsPage({ tenant }: PanelProps) {
  const { t } = useTranslation()
  const [kind, setKind] = useState<PostKind | undefined>(undefined)
  const [items, setItems] = useState<PublicPost[]>([])
  const [next, setNext] = useState<string | null>(null)
  const load = useCallback(() => {
    listPublicPosts(tenant.code, { kind, limit: 20 }).then(
      (p) => {
        setItems(p.items)
        setNext(p.next)
      },
      () => undefined,
    )
  }, [tenant.code, kind])
  useEffect(load, [load])
  usePublicPostChanges(tenant.code, load)
  const more = () => {
    if (!next) return
    listPublicPosts(tenant.code, { kind, limit: 20, cursor: next }).then(
      (p) => {
        setItems((old) => [...old, ...p.items])
        setNext(p.next)
      },
      () => undefined,
    )
  }
  return (
    <section className="posts-section" data-testid="posts-page">
      <h1>{t('posts.portal.title')}</h1>
      <p className="posts-kinds">
        <button type="button" className={kind === undefined ? 'pill active' : 'pill'} onClick={() => setKind(undefined)}>
          {t('posts.all')}
        </button>
        {POST_KINDS.map((k) => (
          <button key={k} type="button" className={kind === k ? 'pill active' : 'pill'} onClick={() => setKind(k)}>
            {t(`posts.kind.${k}`)}
          </button>
        ))}
      </p>
      {items.length === 0 && <p className="muted">{t('posts.portal.noPosts')}</p>}
      <ul>
        {items.map((p) => (
          <PostLine key={p.id} post={p} tenant={tenant} />
        ))}
      </ul>
      {next && (
        <button type="button" className="button" onClick={more}>
          {t('posts.more')}
        </button>
      )}
    </section>
  )
}

/** One public post: what, who, when and where, its text and attachments. */
export function PublicPostPage({ tenant }: PanelProps) {
  const { t, i18n } = useTranslation()
  const { id = '' } = useParams()
  const [post, setPost] = useState<PublicPost | null>(null)
  const [problem, setProblem] = useState<string | null>(null)
  useEffect(() => {
    publicPost(tenant.code, id).then(setPost, (err: unknown) =>
      setProblem(err instanceof ApiError && err.status === 404 ? t('posts.portal.notFound') : String(err)),
    )
  }, [tenant.code, id, t])
  if (problem) return <section className="posts-section">{problem}</section>
  if (!post) return <section className="posts-section">…</section>
  return (
    <article className="posts-section post-page" data-testid="post-page">
      <p className="meta">
        <span className={`kind kind-${post.kind}`}>{t(`posts.kind.${post.kind}`)}</span> {post.agency.name}
      </p>
      <h1>{post.title}</h1>
      {post.startsAt && (
        <p className="when">
          <strong>{t('posts.when')}:</strong> {formatWhen(post.startsAt, post.endsAt, tenant.timezone, i18n.language)}
        </p>
      )}
      {post.place && (
        <p>
          <strong>{t('posts.place')}:</strong> {post.place}
        </p>
      )}
      {post.location && (
        <Suspense fallback={<div className="post-place-map loading">…</div>}>
          <PlaceMap tenant={tenant} at={post.location.coordinates} />
        </Suspense>
      )}
      {post.body.split(/\n{2,}/).map((paragraph) => (
        <p key={paragraph}>{paragraph}</p>
      ))}
      {post.attachments.length > 0 && (
        <>
          <h2>{t('posts.attachments')}</h2>
          <ul className="attachments">
            {post.attachments.map((a) =>
              a.mime.startsWith('image/') ? (
                <li key={a.id}>
                  <img src={a.url} alt={a.name} loading="lazy" />
                </li>
              ) : (
                <li key={a.id}>
                  <a href={a.url} download={a.name}>
                    {a.name}
                  </a>{' '}
                  <span className="muted">({Math.ceil(a.size / 1024)} KB)</span>
                </li>
              ),
            )}
          </ul>
        </>
      )}
      {post.publishedAt && <p className="muted">{t('posts.publishedOn', { date: formatDate(post.publishedAt, tenant.timezone, i18n.language) })}</p>}
      <p>
        <Link to={`/p/${tenant.code}/posts`}>{t('posts.portal.all')}</Link>
      </p>
    </article>
  )
}
