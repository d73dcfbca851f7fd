import { moduleErrors } from '../../core/errors.ts'

/** The errors this module names itself; the codes clients and tests see in `error.code`. */
export enum CctvError {
  /** As many RTSP cameras are being remuxed as CAMERA_MAX_REMUXES allows: one more is refused. */
  RemuxLimit = 'remux_limit',
  /** The camera sends a codec browsers cannot play (H.265) and no admin allowed transcoding it. */
  CodecUnsupported = 'codec_unsupported',
  /** A camera's live stream is for signed-in viewers: it costs a remux on the server. */
  LiveNeedsLogin = 'live_needs_login',
}

/** Makes a CCTV error; its kind (and so its HTTP status) is declared here once. */
export const cctvError = moduleErrors<CctvError>({
  [CctvError.RemuxLimit]: 'unavailable',
  [CctvError.CodecUnsupported]: 'upstream_unavailable',
  [CctvError.LiveNeedsLogin]: 'unauthorized',
})
