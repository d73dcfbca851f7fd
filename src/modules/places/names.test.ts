import { describe, expect, it } from 'vitest'
import { foldPlaceName, searchText } from './names.ts'

describe('place names as searches compare them', () => {
  it('spells out the abbreviations on Indonesian street signs and drops case, accents and punctuation', () => {
    expect(foldPlaceName('Jl. Ahmad Yani')).toBe('jalan ahmad yani')
    expect(foldPlaceName('JLN A. YANI')).toBe('jalan a yani')
    expect(foldPlaceName('Gg. Mawar II')).toBe('gang mawar ii')
    expect(foldPlaceName('Ps. Rejowinangun')).toBe('pasar rejowinangun')
    expect(foldPlaceName('RSUD Tidar')).toBe('rumah sakit umum daerah tidar')
    expect(foldPlaceName('Jl. Jend. Sudirman')).toBe('jalan jenderal sudirman')
    expect(foldPlaceName('Café Kopi Pecinan')).toBe('cafe kopi pecinan')
  })

  it('reads "alun2" and "alun-alun" as "alun alun", but leaves numbers in names alone', () => {
    expect(foldPlaceName('Alun-alun Kota Magelang')).toBe('alun alun kota magelang')
    expect(foldPlaceName('alun2')).toBe('alun alun')
    expect(foldPlaceName('SMP Negeri 2')).toBe('sekolah menengah pertama negeri 2')
  })

  it('keeps each folded variant of a name and its aliases once', () => {
    expect(searchText('Jalan Ahmad Yani', ['Jl. Ahmad Yani', 'Jl. A. Yani'])).toBe('jalan ahmad yani | jalan a yani')
  })
})
