import type { Direction } from '../../core/indicators.ts'

/** The formula shown beside every score. */
export const SCORE_FORMULA = {
  id: 'Skor dimensi = rata-rata capaian indikatornya. Capaian = nilai ÷ target × 100 (makin tinggi makin baik) atau target ÷ nilai × 100 (makin rendah makin baik), dibatasi 0–100 %. Indikator tanpa nilai atau tanpa target tidak dihitung.',
  en: "Dimension score = mean of its indicators' achievement. Achievement = value ÷ target × 100 (higher is better) or target ÷ value × 100 (lower is better), capped to 0–100 %. Indicators without a value or a target are left out.",
}

const round1 = (n: number) => Math.round(n * 10) / 10

/** How far a value reaches its target, in percent capped to 0–100; null when either is missing. */
export function achievement(value: number | null, target: number | null, direction: Direction): number | null {
  if (value === null || target === null) return null
  let ratio: number
  if (direction === 'higher') ratio = target === 0 ? 1 : value / target
  else ratio = value <= 0 ? 1 : target / value
  return round1(Math.max(0, Math.min(1, ratio)) * 100)
}

/** The mean of the achievements there are; null when there is none. */
export function score(achievements: (number | null)[]): number | null {
  const known = achievements.filter((a): a is number => a !== null)
  if (known.length === 0) return null
  return round1(known.reduce((sum, a) => sum + a, 0) / known.length)
}
