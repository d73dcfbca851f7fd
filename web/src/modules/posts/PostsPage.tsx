import { type FormEvent, lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useSearchParams } from 'react-router-dom'
import { api, type Role, type Tenant } from '../../app/api.ts'
import { useAuth } from '../../app/auth.tsx'
import { useLiveEvents } from '../../app/liveEvents.tsx'
import { problemText } from '../../app/problem.ts'
import { StaffFrame } from '../../app/StaffFrame.tsx'
import { formatTime } from '../../app/time.ts'
import {
  type Agency,
  archivePost,
  createPost,
  formatWhen,
  agencies as listAgencies,
  listPosts,
  POST_KINDS,
  type Post,
  type PostInput,
  type PostKind,
  publishPost,
  removeAttachment,
  restorePost,
  updatePost,
  uploadAttachment,
  writableAgencies,
  zoneOffset,
} from './api.ts'

// MapLibre loads with the place picker, after the form is usable.
const PickPlace = lazy(() => import('./PostMap.tsx').then((m) => ({ default: m.PickPlace })))

const WRITERS: Role[] = ['admin', 'operator', 'agency_officer']
const STATUSES = ['draft', 'published', 'archived'] as const

/** Staff write and manage the posts of their OPDs: agenda, activities, policies, announcements. */
export function PostsPage() {
  const { t } = useTranslation()
  return (
    <StaffFrame title={t('posts.pageTitle')}>
      {({ tenant, roles }) => (
        <div className="posts-page">
          <PostsBoard tenant={tenant} mayWrite={WRITERS.some((r) => roles.has(r))} />
        </div>
      )}
    </StaffFrame>
  )
}

function PostsBoard({ tenant, mayWrite }: { tenant: Tenant; mayWrite: boolean }) {
  const { t, i18n } = useTranslation()
  const { me } = useAuth()
  const writable = useMemo(() => (me ? writableAgencies(me, tenant.code) : []), [me, tenant.code])
  const [search, setSearch] = useSearchParams()
  const selected = search.get('id')
  const [kind, setKind] = useState<PostKind | ''>('')
  const [status, setStatus] = useState<(typeof STATUSES)[number] | ''>('')
  const [items, setItems] = useState<Post[]>([])
  const [next, setNext] = useState<string | null>(null)
  const [agencyList, setAgencyList] = useState<Agency[]>([])
  const [problem, setProblem] = useState<string | null>(null)

  const load = useCallback(() => {
    listPosts(tenant.code, { kind: kind || undefined, status: status || undefined, limit: 30 }).then(
      (page) => {
        setItems(page.items)
        setNext(page.next)
      },
      (err: unknown) => setProblem(problemText(err)),
    )
  }, [tenant.code, kind, status])
  useEffect(load, [load])
  useLiveEvents(['posts'], load)
  useEffect(() => {
    listAgencies(tenant.code).then(
      // An officer writes for their own OPDs: those come first, and the form starts with the first.
      (p) => setAgencyList(writable === 'all' ? p.items : [...p.items].sort((a, b) => Number(writable.includes(b.id)) - Number(writable.includes(a.id)))),
      (err: unknown) => setProblem(problemText(err)),
    )
  }, [tenant.code, writable])

  const more = () => {
    if (!next) return
    listPosts(tenant.code, { kind: kind || undefined, status: status || undefined, limit: 30, cursor: next }).then(
      (page) => {
        setItems((old) => [...old, ...page.items])
        setNext(page.next)
      },
      (err: unknown) => setProblem(problemText(err)),
    )
  }
  const select = (id: string | null) => setSearch(id ? { id } : {})

  return (
    <div className="posts-board">
      <aside className="posts-list">
        <div className="posts-filters">
          <select aria-label={t('posts.kindLabel')} value={kind} onChange={(e) => setKind(e.target.value as PostKind | '')}>
            <option value="">{t('posts.allKinds')}</option>
            {POST_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`posts.kind.${k}`)}
              </option>
            ))}
          </select>
          <select aria-label={t('posts.statusLabel')} value={status} onChange={(e) => setStatus(e.target.value as typeof status)}>
            <option value="">{t('posts.current')}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`posts.status.${s}`)}
              </option>
            ))}
          </select>
          {mayWrite && (
            <button type="button" className="button primary" onClick={() => select('new')} data-testid="new-post">
              {t('posts.new')}
            </button>
          )}
        </div>
        {problem && <p className="error">{problem}</p>}
        {items.length === 0 && <p className="muted">{t('posts.empty')}</p>}
        <ol>
          {items.map((p) => (
            <li key={p.id} className={p.id === selected ? 'selected' : ''} data-testid="post-item">
              <button type="button" onClick={() => select(p.id)}>
                <span className={`kind kind-${p.kind}`}>{t(`posts.kind.${p.kind}`)}</span>
                <span className="title">{p.title}</span>
                <span className="muted">
                  {p.agency.shortName ?? p.agency.name} · {t(`posts.status.${p.status}`)} · {t(`posts.visibility.${p.visibility}`)}
                  {p.startsAt && ` · ${formatWhen(p.startsAt, p.endsAt, tenant.timezone, i18n.language)}`}
                </span>
              </button>
            </li>
          ))}
        </ol>
        {next && (
          <button type="button" className="button" onClick={more}>
            {t('posts.more')}
          </button>
        )}
      </aside>
      <section className="posts-editor">
        {selected ? (
          <Editor
            key={selected}
            tenant={tenant}
            post={items.find((p) => p.id === selected) ?? null}
            id={selected === 'new' ? null : selected}
            agencies={agencyList}
            mayWrite={mayWrite}
            writable={writable}
            onSaved={(post) => {
              select(post.id)
              load()
            }}
          />
        ) : (
          <p className="muted">{t('posts.pick')}</p>
        )}
      </section>
    </div>
  )
}

/** `datetime-local` works in the browser's zone-less wall time; agenda times are the tenant's wall time. */
const toInput = (iso: string | null) => (iso ? iso.slice(0, 16) : '')
const fromInput = (value: string, timeZone: string) => (value ? `${value}:00${zoneOffset(timeZone, new Date(`${value}:00Z`))}` : null)

function Editor(props: {
  tenant: Tenant
  post: Post | null
  id: string | null
  agencies: Agency[]
  mayWrite: boolean
  writable: 'all' | string[]
  onSaved: (post: Post) => void
}) {
  const { tenant, id, mayWrite, writable, onSaved } = props
  const mayWriteFor = (agencyId: string) => writable === 'all' || writable.includes(agencyId)
  // The OPDs offered are those the writer may write for (and the post's own, to show it).
  const agencies = props.agencies.filter((a) => mayWriteFor(a.id) || a.id === props.post?.agency.id)
  const { t, i18n } = useTranslation()
  const [post, setPost] = useState<Post | null>(props.post)
  const [input, setInput] = useState<PostInput | null>(null)
  const [busy, setBusy] = useState(false)
  const [problem, setProblem] = useState<string | null>(null)

  useEffect(() => {
    if (!id) return
    api<Post>(`/api/t/${tenant.code}/posts/${id}`).then(setPost, (err: unknown) => setProblem(problemText(err)))
  }, [tenant.code, id])
  useEffect(() => {
    if (id && !post) return
    setInput(
      post
        ? {
            kind: post.kind,
            agencyId: post.agency.id,
            title: post.title,
            body: post.body,
            visibility: post.visibility,
            startsAt: post.startsAt,
            endsAt: post.endsAt,
            place: post.place,
            location: post.location,
          }
        : {
            kind: 'agenda',
            agencyId: props.agencies.find((a) => writable === 'all' || writable.includes(a.id))?.id ?? '',
            title: '',
            body: '',
            visibility: 'public',
            startsAt: null,
            endsAt: null,
            place: null,
            location: null,
          },
    )
  }, [id, post, props.agencies, writable])

  if (!input) return <p>…</p>
  const mayChange = mayWrite && (post ? mayWriteFor(post.agency.id) : agencies.length > 0)
  const readOnly = !mayChange || post?.status === 'archived'
  const set = (change: Partial<PostInput>) => setInput({ ...input, ...change })

  async function run(action: () => Promise<Post>) {
    setBusy(true)
    setProblem(null)
    try {
      const saved = await action()
      setPost(saved)
      onSaved(saved)
    } catch (err) {
      setProblem(problemText(err))
    } finally {
      setBusy(false)
    }
  }
  const save = (publish: boolean) => (e?: FormEvent) => {
    e?.preventDefault()
    const current = input
    if (!current) return
    void run(async () => {
      if (!post) return createPost(tenant.code, current, publish)
      const saved = await updatePost(tenant.code, post.id, current)
      return publish && saved.status === 'draft' ? publishPost(tenant.code, post.id) : saved
    })
  }
  async function attach(file: File) {
    if (!post) return
    setProblem(null)
    try {
      await uploadAttachment(tenant.code, post.id, file)
      setPost(await api<Post>(`/api/t/${tenant.code}/posts/${post.id}`))
    } catch (err) {
      setProblem(problemText(err))
    }
  }
  async function detach(url: string) {
    if (!post) return
    try {
      await removeAttachment(url)
      setPost(await api<Post>(`/api/t/${tenant.code}/posts/${post.id}`))
    } catch (err) {
      setProblem(problemText(err))
    }
  }

  return (
    <form className="post-form" onSubmit={save(false)} data-testid="post-form">
      <h2>{post ? t(`posts.status.${post.status}`) : t('posts.new')}</h2>
      {post && (
        <p className="muted">
          {t('posts.byline', { who: post.updatedBy ?? post.createdBy ?? '', when: formatTime(post.updatedAt, tenant.timezone, i18n.language) })}
        </p>
      )}
      {mayWrite && !mayChange && <p className="muted">{post ? t('posts.notYourOpd') : t('posts.noOpd')}</p>}
      <fieldset disabled={readOnly || busy}>
        <label>
          {t('posts.kindLabel')}
          <select name="kind" value={input.kind} onChange={(e) => set({ kind: e.target.value as PostKind })}>
            {POST_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`posts.kind.${k}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('posts.agency')}
          <select name="agencyId" value={input.agencyId} onChange={(e) => set({ agencyId: e.target.value })} required>
            {agencies.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('posts.title')}
          <input name="title" value={input.title} onChange={(e) => set({ title: e.target.value })} required minLength={3} maxLength={200} />
        </label>
        <label>
          {t('posts.body')}
          <textarea name="body" value={input.body} onChange={(e) => set({ body: e.target.value })} required rows={6} maxLength={20000} />
        </label>
        <div className="post-when">
          <label>
            {t('posts.startsAt')}
            <input
              name="startsAt"
              type="datetime-local"
              value={toInput(input.startsAt)}
              onChange={(e) => set({ startsAt: fromInput(e.target.value, tenant.timezone) })}
              required={input.kind === 'agenda'}
            />
          </label>
          <label>
            {t('posts.endsAt')}
            <input
              name="endsAt"
              type="datetime-local"
              value={toInput(input.endsAt)}
              onChange={(e) => set({ endsAt: fromInput(e.target.value, tenant.timezone) })}
            />
          </label>
        </div>
        <label>
          {t('posts.place')}
          <input
            name="place"
            value={input.place ?? ''}
            onChange={(e) => set({ place: e.target.value || null })}
            required={input.kind === 'agenda'}
            maxLength={200}
          />
        </label>
        {input.kind === 'agenda' && (
          <div className="post-place">
            <p className="muted">{input.location ? t('posts.locationSet') : t('posts.pickLocation')}</p>
            {!readOnly && (
              <Suspense fallback={<div className="post-place-map loading">…</div>}>
                <PickPlace tenant={tenant} at={input.location?.coordinates ?? null} onPick={(at) => set({ location: { type: 'Point', coordinates: at } })} />
              </Suspense>
            )}
            {input.location && !readOnly && (
              <button type="button" className="button small" onClick={() => set({ location: null })}>
                {t('posts.clearLocation')}
              </button>
            )}
          </div>
        )}
        <label>
          {t('posts.visibilityLabel')}
          <select name="visibility" value={input.visibility} onChange={(e) => set({ visibility: e.target.value as PostInput['visibility'] })}>
            <option value="public">{t('posts.visibility.public')}</option>
            <option value="internal">{t('posts.visibility.internal')}</option>
          </select>
        </label>
        <div className="actions">
          <button type="submit" className="button">
            {post ? t('posts.save') : t('posts.saveDraft')}
          </button>
          {post?.status !== 'published' && (
            <button type="button" className="button primary" onClick={save(true)} data-testid="publish">
              {t('posts.publish')}
            </button>
          )}
          {post && (
            <button type="button" className="button" onClick={() => run(() => archivePost(tenant.code, post.id))}>
              {t('posts.archive')}
            </button>
          )}
        </div>
      </fieldset>
      {post?.status === 'archived' && mayChange && (
        <button type="button" className="button" disabled={busy} onClick={() => run(() => restorePost(tenant.code, post.id))} data-testid="restore">
          {t('posts.restore')}
        </button>
      )}
      {problem && <p className="error">{problem}</p>}
      {post && (
        <div className="post-attachments">
          <h3>{t('posts.attachments')}</h3>
          <ul>
            {post.attachments.map((a) => (
              <li key={a.id}>
                <a href={a.url} target="_blank" rel="noreferrer">
                  {a.name}
                </a>{' '}
                <span className="muted">({Math.ceil(a.size / 1024)} KB)</span>{' '}
                {!readOnly && (
                  <button type="button" className="button small" onClick={() => detach(a.url)}>
                    {t('posts.remove')}
                  </button>
                )}
              </li>
            ))}
          </ul>
          {!readOnly && (
            <label>
              {t('posts.attach')}
              <input
                type="file"
                accept="application/pdf,image/jpeg,image/png,image/webp"
                onChange={(e) => {
                  const file = e.target.files?.[0]
                  if (file) void attach(file)
                  e.target.value = ''
                }}
              />
            </label>
          )}
        </div>
      )}
    </form>
  )
}
