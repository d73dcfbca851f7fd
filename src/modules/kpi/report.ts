import PDFDocument from 'pdfkit'
import type { Dimension } from '../../core/indicators.ts'
import type { KpiService } from './service.ts'

export type Language = 'id' | 'en'
type Summary = Awaited<ReturnType<KpiService['summary']>>

/** The six dimensions as Gerakan Menuju 100 Smart City names them, with the Indonesian gloss. */
export const DIMENSION_NAMES: Record<Dimension, { id: string; en: string }> = {
  governance: { id: 'Smart Governance (Tata Kelola)', en: 'Smart Governance' },
  branding: { id: 'Smart Branding (Citra Daerah)', en: 'Smart Branding' },
  economy: { id: 'Smart Economy (Ekonomi)', en: 'Smart Economy' },
  living: { id: 'Smart Living (Kualitas Hidup)', en: 'Smart Living' },
  society: { id: 'Smart Society (Masyarakat)', en: 'Smart Society' },
  environment: { id: 'Smart Environment (Lingkungan)', en: 'Smart Environment' },
}

const WORDS = {
  id: {
    title: 'Laporan Bulanan Kinerja Kota Cerdas',
    period: 'Periode',
    generated: 'Dibuat',
    score: 'Skor',
    indicator: 'Indikator',
    value: 'Nilai',
    target: 'Target',
    achievement: 'Capaian',
    noScore: 'belum ada skor',
    missing: 'belum diisi',
    notAvailable: 'tidak tersedia',
    top: 'Indikator terbaik',
    bottom: 'Indikator terlemah',
    formula: 'Cara menghitung',
    provisional: 'sementara, periode belum berakhir',
    stale: 'nilai lama',
    computed: (when: string, n: number, what: string) => `dihitung ${when} dari ${n} ${what}`,
    samples: (n: number) => `rata-rata ${n} pengambilan`,
    entered: (who: string, when: string) => `diisi ${who}, ${when}`,
  },
  en: {
    title: 'Monthly Smart City Performance Report',
    period: 'Period',
    generated: 'Generated',
    score: 'Score',
    indicator: 'Indicator',
    value: 'Value',
    target: 'Target',
    achievement: 'Achievement',
    noScore: 'no score yet',
    missing: 'missing',
    notAvailable: 'not available',
    top: 'Best indicators',
    bottom: 'Weakest indicators',
    formula: 'How it is computed',
    provisional: 'provisional, the period is not over',
    stale: 'old value',
    computed: (when: string, n: number, what: string) => `computed ${when} from ${n} ${what}`,
    samples: (n: number) => `mean of ${n} samples`,
    entered: (who: string, when: string) => `entered by ${who}, ${when}`,
  },
}

const ZONES: Record<string, string> = { 'Asia/Jakarta': 'WIB', 'Asia/Makassar': 'WITA', 'Asia/Jayapura': 'WIT' }
const COLUMNS = [250, 95, 95, 75] as const

/** The leader's monthly report of a city: six dimension scores, each indicator against its target, the formula. */
export function kpiReportPdf(summary: Summary, city: { name: string; timezone: string }, lang: Language, generatedAt: Date): Promise<Buffer> {
  const w = WORDS[lang]
  const locale = lang === 'en' ? 'en-GB' : 'id-ID'
  const number = (v: number | null, unit = '') => {
    if (v === null) return '—'
    const n = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(v)
    return unit === 'Rp' ? `Rp ${n}` : unit === '' ? n : `${n} ${unit}`
  }
  const [year, month] = summary.period.split('-').map(Number)
  const periodName = new Intl.DateTimeFormat(locale, { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(Date.UTC(year, month - 1, 1))
  const stamp = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short', timeZone: city.timezone }).format(generatedAt)

  const moment = (iso: string) =>
    `${new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: city.timezone }).format(new Date(iso))} ${ZONES[city.timezone] ?? city.timezone}`
  /** Where a figure comes from, as the dashboard says it under the figure. */
  const provenanceOf = (i: Summary['dimensions'][number]['indicators'][number]) => {
    const p = i.provenance
    if (!p) return null
    const parts = [p.period]
    if (p.provisional) parts.push(w.provisional)
    if (p.stale) parts.push(w.stale)
    if (i.source === 'computed') {
      parts.push(w.computed(moment(p.computedAt), p.records ?? 0, p.recordsLabel?.[lang] ?? ''))
      if (p.samples) parts.push(w.samples(p.samples))
    } else parts.push(w.entered(p.enteredBy ?? '—', moment(p.computedAt)))
    return parts.join(' · ')
  }

  const doc = new PDFDocument({
    size: 'A4',
    margin: 50,
    info: { Title: `${w.title} — ${city.name} — ${summary.period}`, Author: 'Kendali', CreationDate: generatedAt },
  })
  const chunks: Buffer[] = []
  doc.on('data', (c: Buffer) => chunks.push(c))
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)))
    doc.on('error', reject)
  })

  doc.font('Helvetica-Bold').fontSize(18).text(w.title)
  doc.fontSize(14).text(city.name)
  doc
    .font('Helvetica')
    .fontSize(10)
    .text(`${w.period}: ${periodName} (${summary.period})${summary.provisional ? ` — ${w.provisional}` : ''}`)
  doc.text(`${w.generated}: ${stamp} ${ZONES[city.timezone] ?? city.timezone}`)
  doc.moveDown()

  // The six scores first, as the leader reads them.
  for (const d of summary.dimensions) {
    const s = d.score === null ? w.noScore : `${number(d.score)} %`
    doc.font('Helvetica-Bold').text(DIMENSION_NAMES[d.dimension][lang], { continued: true }).font('Helvetica').text(`   ${w.score}: ${s}`)
  }
  doc.moveDown()

  const assessed = summary.dimensions.flatMap((d) => d.indicators).filter((i) => i.achievement !== null)
  assessed.sort((a, b) => (b.achievement ?? 0) - (a.achievement ?? 0))
  const list = (title: string, items: typeof assessed) => {
    if (items.length === 0) return
    doc.font('Helvetica-Bold').text(title).font('Helvetica')
    for (const i of items) doc.text(`• ${i.name[lang]}: ${number(i.achievement)} %`)
    doc.moveDown(0.5)
  }
  list(w.top, assessed.slice(0, 3))
  list(w.bottom, assessed.slice(-3).reverse())

  const row = (cells: string[], bold = false) => {
    if (doc.y > doc.page.height - 90) doc.addPage()
    const y = doc.y
    let x = doc.page.margins.left
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(9)
    let bottom = y
    cells.forEach((cell, k) => {
      doc.text(cell, x, y, { width: COLUMNS[k] - 6 })
      bottom = Math.max(bottom, doc.y)
      x += COLUMNS[k]
    })
    doc.x = doc.page.margins.left
    doc.y = bottom + 3
  }
  for (const d of summary.dimensions) {
    if (doc.y > doc.page.height - 140) doc.addPage()
    doc.moveDown(0.5)
    doc
      .font('Helvetica-Bold')
      .fontSize(12)
      .text(`${DIMENSION_NAMES[d.dimension][lang]} — ${d.score === null ? w.noScore : `${number(d.score)} %`}`)
    doc.moveDown(0.3)
    row([w.indicator, w.value, w.target, w.achievement], true)
    for (const i of d.indicators) {
      const value = i.status === 'not_available' ? w.notAvailable : i.status === 'missing' ? w.missing : number(i.value, i.unit)
      const source = provenanceOf(i)
      row([source ? `${i.name[lang]}\n${source}` : i.name[lang], value, number(i.target, i.unit), i.achievement === null ? '—' : `${number(i.achievement)} %`])
    }
  }

  doc.moveDown()
  doc.x = doc.page.margins.left
  doc.font('Helvetica-Bold').fontSize(10).text(w.formula)
  doc.font('Helvetica').fontSize(9).text(summary.formula[lang])
  doc.end()
  return done
}
