// How Indonesians shorten place words on signs and in chats; both the stored names and the searches are spelled out.
const ABBREVIATIONS: Record<string, string> = {
  jl: 'jalan',
  jln: 'jalan',
  gg: 'gang',
  ps: 'pasar',
  psr: 'pasar',
  rs: 'rumah sakit',
  rsu: 'rumah sakit umum',
  rsud: 'rumah sakit umum daerah',
  rsia: 'rumah sakit ibu dan anak',
  pkm: 'puskesmas',
  kel: 'kelurahan',
  kec: 'kecamatan',
  kab: 'kabupaten',
  jend: 'jenderal',
  jenderal: 'jenderal',
  jendral: 'jenderal',
  mesjid: 'masjid',
  sd: 'sekolah dasar',
  smp: 'sekolah menengah pertama',
  sma: 'sekolah menengah atas',
  smk: 'sekolah menengah kejuruan',
  kp: 'kampung',
  kpg: 'kampung',
  perum: 'perumahan',
  alun2: 'alun alun',
}

/**
 * A place name as searches compare it: lower case, no accents or punctuation, abbreviations spelled out and
 * "alun2"-style reduplication written twice, so "Jl. A. Yani", "jalan a yani" and "JL A YANI" fold alike.
 */
export function foldPlaceName(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/\b([a-z]{2,})2\b/g, '$1 $1')
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
    .map((word) => ABBREVIATIONS[word] ?? word)
    .join(' ')
}

/** The folded forms of a name and its aliases, each once, in one searchable text. */
export function searchText(name: string, aliases: readonly string[] = []): string {
  return [...new Set([name, ...aliases].map(foldPlaceName).filter(Boolean))].join(' | ')
}
