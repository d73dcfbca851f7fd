import { fileURLToPath } from 'node:url'
import type { CoreContext, KendaliModule } from '../../core/module.ts'
import { seedCameraDemo } from './demo.ts'
import { CCTV_TOPICS } from './events.ts'
import { cameraIndicators } from './indicators.ts'
import { CAMERA_ACTIONS } from './permissions.ts'
import { cameraRoutes } from './routes.ts'
import { CameraService } from './service.ts'
import { SEALED_COLUMNS } from './store.ts'

const HEALTH_CHECK_SECONDS = 60

/** CCTV: camera registry, health checks, snapshot and MJPEG through the server. */
export function cctvModule(): KendaliModule {
  let service: CameraService | null = null
  const of = (ctx: CoreContext) => {
    service ??= new CameraService(ctx.events, ctx.secrets, { outbound: ctx.outbound, ownPort: ctx.config.port })
    return service
  }
  return {
    name: 'cctv',
    migrations: fileURLToPath(new URL('./migrations', import.meta.url)),
    sealed: SEALED_COLUMNS,
    actions: CAMERA_ACTIONS,
    topics: CCTV_TOPICS,
    routes: (app, ctx) => cameraRoutes(app, ctx, of(ctx)),
    indicators: (ctx) => cameraIndicators(ctx),
    seedDemo: async (ctx) => {
      await seedCameraDemo(ctx.db, of(ctx), ctx.config.port)
      return undefined
    },
    jobs: (ctx) => ({
      'cctv.health': { everySeconds: HEALTH_CHECK_SECONDS, run: async () => void (await of(ctx).checkAll(ctx.db)) },
    }),
  }
}
