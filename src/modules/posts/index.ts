import { fileURLToPath } from 'node:url'
import type { CoreContext, KendaliModule } from '../../core/module.ts'
import { seedPostsDemo } from './demo.ts'
import { POST_TOPICS } from './events.ts'
import { PublicPostStreams } from './live.ts'
import { POST_ACTIONS } from './permissions.ts'
import { agencyDirectory } from './ports.ts'
import { PostService } from './posts.ts'
import { postRoutes } from './routes.ts'

export interface PostsServices {
  posts: PostService
  streams: PublicPostStreams
}

/** The services of this module; other modules (the public portal, kpi) use them, never the tables. */
export function postsServices(ctx: CoreContext): PostsServices {
  return { posts: new PostService(ctx.events, agencyDirectory(ctx)), streams: new PublicPostStreams(ctx.bus) }
}

/** Agency posts: the agenda, activities, policies and announcements OPDs publish, internal or public. */
export function postsModule(): KendaliModule {
  let services: PostsServices | null = null
  const of = (ctx: CoreContext) => {
    services ??= postsServices(ctx)
    return services
  }
  return {
    name: 'posts',
    migrations: fileURLToPath(new URL('./migrations', import.meta.url)),
    actions: POST_ACTIONS,
    topics: POST_TOPICS,
    routes: (app, ctx) => postRoutes(app, ctx, of(ctx)),
    seedDemo: async (ctx) => {
      await seedPostsDemo(ctx.db, of(ctx).posts, agencyDirectory(ctx))
      return []
    },
    stop: async () => services?.streams.closeAll(),
  }
}
