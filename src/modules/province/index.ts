import { fileURLToPath } from 'node:url'
import { type CoreContext, type KendaliModule, perContext } from '../../core/module.ts'
import { PROVINCE_TOPICS } from './events.ts'
import { PROVINCE_ACTIONS } from './permissions.ts'
import { ProvinceService } from './picture.ts'
import { cityFigures } from './ports.ts'
import { provinceRoutes } from './routes.ts'

/** The services of this module, built once per context. */
export const provinceService = perContext((ctx: CoreContext) => new ProvinceService(ctx.events, ctx.tenancy, cityFigures(ctx)))

/** The province picture: its cities' shared counts and scores on one map, and each city's choice of what to share. */
export function provinceModule(): KendaliModule {
  return {
    name: 'province',
    migrations: fileURLToPath(new URL('./migrations', import.meta.url)),
    actions: PROVINCE_ACTIONS,
    topics: PROVINCE_TOPICS,
    routes: (app, ctx) => provinceRoutes(app, ctx, provinceService(ctx)),
  }
}
