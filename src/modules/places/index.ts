import { fileURLToPath } from 'node:url'
import type { CoreContext, KendaliModule } from '../../core/module.ts'
import { PLACE_ACTIONS } from './permissions.ts'
import { PlaceService } from './places.ts'
import { placeSources } from './ports.ts'
import { placeRoutes } from './routes.ts'

export const JOB_REFRESH = 'places.refresh'
// Regions, facilities and markets change by hand and rarely; the basemap only when a new extract lands.
const REFRESH_EVERY_SECONDS = 15 * 60

export interface PlacesServices {
  places: PlaceService
}

/** The services of this module; other modules (dispatch intake, the report form) use them, never the tables. */
export function placesServices(ctx: CoreContext): PlacesServices {
  return { places: new PlaceService(placeSources(ctx), ctx.config.basemapDir) }
}

/** Place search and reverse geocoding: what people call a place, and a point in words. */
export function placesModule(): KendaliModule {
  let services: PlacesServices | null = null
  const of = (ctx: CoreContext) => {
    services ??= placesServices(ctx)
    return services
  }
  return {
    name: 'places',
    migrations: fileURLToPath(new URL('./migrations', import.meta.url)),
    actions: PLACE_ACTIONS,
    routes: (app, ctx) => placeRoutes(app, ctx, of(ctx)),
    jobs: (ctx) => ({
      [JOB_REFRESH]: {
        everySeconds: REFRESH_EVERY_SECONDS,
        run: async () => {
          ctx.log.debug({ counts: await of(ctx).places.refreshAll(ctx.db) }, 'place index refreshed')
        },
      },
    }),
  }
}
