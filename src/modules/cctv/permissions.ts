import { defineActions } from '../../core/http/permissions.ts'

/** Admins keep the cameras; who reads incidents reads the cameras around them (as the incidents module decides). */
export const CAMERA_ACTIONS = defineActions({
  'cctv.camera.write': { roles: ['admin'] },
  /** The stream addresses with their credentials masked. */
  'cctv.camera.sources': { roles: ['admin'] },
  /** The remuxed RTSP streams: health, bitrate, viewers. */
  'cctv.stream.read': { roles: ['admin'] },
  /** Camera alarms are read and acknowledged by whoever does so for sensor alarms. */
  'cctv.alarm.read': { roles: 'any', wall: true },
  'cctv.alarm.ack': { roles: ['admin', 'operator', 'dispatcher'] },
  'cctv.incident.read': { roles: ['admin', 'operator', 'dispatcher', 'agency_officer', 'field_crew', 'executive'] },
})
