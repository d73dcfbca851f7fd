import { defineActions } from '../../core/http/permissions.ts'

/** Admins keep the cameras; who reads incidents reads the cameras around them (as the incidents module decides). */
export const CAMERA_ACTIONS = defineActions({
  'cctv.camera.write': { roles: ['admin'] },
  /** The stream addresses with their credentials masked. */
  'cctv.camera.sources': { roles: ['admin'] },
  'cctv.incident.read': { roles: ['admin', 'operator', 'dispatcher', 'agency_officer', 'field_crew', 'executive'] },
})
