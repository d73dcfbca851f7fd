import type { WebModule } from '../../app/modules.ts'
import { CamerasLayer } from './CamerasLayer.tsx'

export const cctvWeb: WebModule = {
  id: 'cctv',
  layers: [{ id: 'cameras', labelKey: 'layers.cameras', visibleByDefault: true, Component: CamerasLayer }],
}
