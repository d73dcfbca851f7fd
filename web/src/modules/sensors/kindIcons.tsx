// The icons a device kind may have, drawn on a 24×24 grid: filled shapes and stroked lines. The same paths
// draw the React icon (legend, admin) and the map's symbol image, so both always match.

const ICONS: Record<string, { fill?: string; stroke?: string }> = {
  water: { fill: 'M12 2.5C8.5 8 5.5 11.5 5.5 15a6.5 6.5 0 0 0 13 0c0-3.5-3-7-6.5-12.5z' },
  rain: { fill: 'M7 14a4 4 0 0 1 .5-8a5 5 0 0 1 9.5 1.5a3.3 3.3 0 0 1 0 6.5z', stroke: 'M8 17l-1 3.5M12 17l-1 3.5M16 17l-1 3.5' },
  air: { stroke: 'M3 8h11a3 3 0 1 0-3-3M3 12h15a3 3 0 1 1-3 3M3 16h8' },
  traffic: { fill: 'M5 12l2-6h10l2 6v6h-2.5v2h-2v-2h-5v2h-2v-2H5z', stroke: 'M5 12h14' },
  weather: { fill: 'M12 8a4 4 0 1 1 0 8a4 4 0 1 1 0-8z', stroke: 'M12 2v3M12 19v3M2 12h3M19 12h3M5 5l2 2M17 17l2 2M5 19l2-2M17 7l2-2' },
  noise: { fill: 'M3.5 9h4l5-4v14l-5-4h-4z', stroke: 'M16 9a4 4 0 0 1 0 6M19 6a8 8 0 0 1 0 12' },
  bin: { fill: 'M6 8h12l-1.2 13H7.2z', stroke: 'M4 6h16M10 3.5h4' },
  parking: { stroke: 'M8 20V4h5a4.5 4.5 0 0 1 0 9H8' },
  soil: { stroke: 'M12 20v-8M12 12c0-4 3-6 7-6c0 4-3 6-7 6zM12 15c0-3-2-5-6-5c0 3 2 5 6 5zM4 20h16' },
  sensor: {
    fill: 'M12 10a2 2 0 1 1 0 4a2 2 0 1 1 0-4z',
    stroke: 'M8.5 8.5a5 5 0 0 0 0 7M15.5 8.5a5 5 0 0 1 0 7M5.5 5.5a9 9 0 0 0 0 13M18.5 5.5a9 9 0 0 1 0 13',
  },
}

const shape = (icon: string) => ICONS[icon] ?? ICONS.sensor

/** A kind's icon in a disc of its colour, for the legend and admin lists. */
export function KindIcon({ icon, color, size = 22 }: { icon: string; color: string; size?: number }) {
  const { fill, stroke } = shape(icon)
  return (
    <svg width={size} height={size} viewBox="-4 -4 32 32" aria-hidden="true" className="kind-icon">
      <circle cx="12" cy="12" r="15" fill={color} />
      {fill && <path d={fill} fill="#fff" />}
      {stroke && <path d={stroke} fill="none" stroke="#fff" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" />}
    </svg>
  )
}

/** The icon in white on transparent at twice the size, as the map's symbol image. */
export function iconImage(icon: string): { width: number; height: number; data: Uint8ClampedArray } {
  const canvas = document.createElement('canvas')
  canvas.width = 48
  canvas.height = 48
  const ctx = canvas.getContext('2d')
  if (!ctx) return { width: 1, height: 1, data: new Uint8ClampedArray(4) }
  ctx.scale(2, 2)
  ctx.fillStyle = '#fff'
  ctx.strokeStyle = '#fff'
  ctx.lineWidth = 2
  ctx.lineCap = 'round'
  ctx.lineJoin = 'round'
  const { fill, stroke } = shape(icon)
  if (fill) ctx.fill(new Path2D(fill))
  if (stroke) ctx.stroke(new Path2D(stroke))
  return { width: 48, height: 48, data: ctx.getImageData(0, 0, 48, 48).data }
}

export const KIND_ICON_NAMES = Object.keys(ICONS)
