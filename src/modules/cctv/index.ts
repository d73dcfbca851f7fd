import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type CoreContext, type KendaliModule, perContext } from '../../core/module.ts'
import { seedCameraDemo } from './demo.ts'
import { CCTV_TOPICS } from './events.ts'
import { cameraIndicators } from './indicators.ts'
import { CAMERA_ACTIONS } from './permissions.ts'
import { cameraRoutes } from './routes.ts'
import { CameraService } from './service.ts'
import { SEALED_COLUMNS } from './store.ts'

const HEALTH_CHECK_SECONDS = 60

/** This module's service, built once per context; other modules (the province picture) read cameras through it. */
export const cameraService = perContext(
  (ctx: CoreContext) =>
    new CameraService(ctx.events, ctx.secrets, {
      outbound: ctx.outbound,
      ownPort: ctx.config.port,
      streams: {
        dir: join(ctx.config.dataDir, 'streams'),
        max: ctx.config.cameraStreams.maxRemuxes,
        idleMs: ctx.config.cameraStreams.idleSeconds * 1000,
      },
    }),
)

/** CCTV: camera registry, health checks, snapshot, MJPEG and HLS through the server, RTSP remuxed to HLS. */
export function cctvModule(): KendaliModule {
  const of = cameraService
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
