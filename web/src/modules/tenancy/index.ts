import type { WebModule } from '../../app/modules.ts'
import { KelurahanLayer } from './RegionsLayer.tsx'

export const tenancyWeb: WebModule = {
  id: 'tenancy',
  layers: [{ id: 'regions', labelKey: 'layers.kelurahan', visibleByDefault: true, Component: KelurahanLayer }],
}
