import i18n from 'i18next'
import { lazy } from 'react'
import type { WebModule } from '../../app/modules.ts'
import { AgendaPanel } from './AgendaPanel.tsx'
import en from './locales/en.json'
import id from './locales/id.json'
import { PostsSection } from './PortalSection.tsx'
import './posts.css'

// This module's words live beside it, under the `posts` key; its event names join the console feed's.
i18n.addResourceBundle('id', 'translation', { posts: id, events: id.feed }, true, true)
i18n.addResourceBundle('en', 'translation', { posts: en, events: en.feed }, true, true)

const PostsPage = lazy(() => import('./PostsPage.tsx').then((m) => ({ default: m.PostsPage })))
const PublicPostsPage = lazy(() => import('./PublicPages.tsx').then((m) => ({ default: m.PublicPostsPage })))
const PublicPostPage = lazy(() => import('./PublicPages.tsx').then((m) => ({ default: m.PublicPostPage })))

export const postsWeb: WebModule = {
  id: 'posts',
  panels: [{ id: 'agenda', action: 'posts.post.read', Component: AgendaPanel }],
  nav: [{ path: 'posts', labelKey: 'posts.nav' }],
  routes: [{ path: 'posts', Component: PostsPage }],
  publicRoutes: [
    { path: 'posts', Component: PublicPostsPage },
    { path: 'posts/:id', Component: PublicPostPage },
  ],
  portalNav: [{ path: 'posts', labelKey: 'posts.portal.nav' }],
  portalSections: [{ id: 'posts', Component: PostsSection }],
}
