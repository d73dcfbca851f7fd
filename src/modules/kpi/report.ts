import { readFileSync } from 'node:fs'
import PDFDocument from 'pdfkit'
import type { Dimension } from '../../core/indicators.ts'
import type { Overview } from './overview.ts'
import type { ReportSettingsRow } from './store.ts'

export type Language = 'id' | 'en'

/** The six dimensions as Gerakan Menuju 100 Smart City names them, with the Indonesian gloss. */
export const DIMENSION_NAMES: Record<Dimension, { id: string; en: string }> = {
  governance: { id: 'Smart Governance (Tata Kelola)', en: 'Smart Governance' },
  branding: { id: 'Smart Branding (Citra Daerah)', en: 'Smart Branding' },
  economy: { id: 'Smart Economy (Ekonomi)', en: 'Smart Economy' },
  living: { id: 'Smart Living (Kualitas Hidup)', en: 'Smart Living' },
  society: { id: 'Smart Society (Masyarakat)', en: 'Smart Society' },
  environment: { id: 'Smart Environment (Lingkungan)', en: 'Smart Environment' },
}

// Noto Sans (SIL Open Font License, fonts/OFL.txt), shipped with the code and embedded in every PDF, so the
// report reads the same on a machine without it; the latin subset holds every character the report writes.
const FONTS = {
  regular: readFileSync(new URL('./fonts/NotoSans-Regular-latin.woff', import.meta.url)),
  bold: readFileSync(new URL('./fonts/NotoSans-Bold-latin.woff', import.meta.url)),
}

const WORDS = {
  id: {
    title: { month: 'Laporan Bulanan Kinerja Kota Cerdas', quarter: 'Laporan Triwulan Kinerja Kota Cerdas', year: 'Laporan Tahunan Kinerja Kota Cerdas' },
    period: 'Periode',
    generated: 'Dibuat',
    score: 'Skor',
    scores: 'Skor enam dimensi',
    trend: 'Tren 12 periode',
    legend: (name: string) => `Batang: skor ${name} (0–100); garis tegak: periode sebelumnya; belah ketupat jingga: periode sama tahun lalu`,
    indicator: 'Indikator',
    value: 'Nilai',
    target: 'Target',
    achievement: 'Capaian',
    noScore: 'belum ada skor',
    missing: 'belum diisi',
    noData: 'belum ada data',
    notAvailable: 'tidak tersedia',
    attention: 'Perlu perhatian',
    belowTarget: 'Indikator terjauh di bawah target',
    overdueComplaints: 'Aduan melewati SLA per OPD',
    openP1: 'Kejadian P1 terbuka',
    warnings: 'Peringatan dini aktif',
    offline: 'Perangkat luring',
    cameras: (n: number, of: number) => `${n} dari ${of} kamera CCTV luring`,
    devices: (n: number, of: number) => `${n} dari ${of} perangkat sensor luring`,
    none: 'tidak ada',
    incidents: 'Kejadian',
    byType: 'Kejadian per jenis',
    byKecamatan: 'Kejadian per kecamatan',
    type: 'Jenis',
    kecamatan: 'Kecamatan',
    count: 'Jumlah',
    response: 'Waktu tanggap (median)',
    incidentTotal: (n: number, ly: number, p50: string) => `${n} kejadian (tahun lalu ${ly}); waktu tanggap median ${p50}`,
    complaints: 'Aduan selesai tepat SLA per OPD',
    agency: 'OPD',
    resolved: 'Selesai',
    sla: 'Tepat SLA',
    noAgency: 'belum diteruskan ke OPD',
    levies: 'Retribusi: realisasi terhadap target',
    realised: 'Realisasi',
    leviesLine: (r: string, t: string, p: string, ly: string) => `Realisasi ${r} dari target ${t} (${p}); periode sama tahun lalu ${ly}`,
    noTarget: 'target belum ditetapkan',
    findings: 'Temuan Rojak per OPD',
    open: 'Terbuka',
    overdue: 'Terlambat',
    indicators: 'Indikator per dimensi',
    formula: 'Cara menghitung',
    provisional: 'sementara, periode belum berakhir',
    stale: 'nilai lama',
    computed: (when: string, n: number, what: string) => `dihitung ${when} dari ${n} ${what}`,
    samples: (n: number) => `rata-rata ${n} pengambilan`,
    entered: (who: string, when: string) => `diisi ${who}, ${when}`,
    evidence: 'bukti',
    page: (n: number, of: number) => `Halaman ${n} dari ${of}`,
    nip: 'NIP',
    minutes: 'menit',
    units: { count: 'buah', h: 'jam', min: 'menit', people: 'jiwa', index: 'poin', visits: 'kunjungan', 'per 10k': 'per 10.000' } as Record<string, string>,
    system: { demo: 'data demo', kpi: 'sistem KPI' } as Record<string, string>,
  },
  en: {
    title: { month: 'Monthly Smart City Performance Report', quarter: 'Quarterly Smart City Performance Report', year: 'Annual Smart City Performance Report' },
    period: 'Period',
    generated: 'Generated',
    score: 'Score',
    scores: 'The six dimensions',
    trend: '12-period trend',
    legend: (name: string) => `Bar: score of ${name} (0–100); upright line: the period before; orange diamond: the same period last year`,
    indicator: 'Indicator',
    value: 'Value',
    target: 'Target',
    achievement: 'Achievement',
    noScore: 'no score yet',
    missing: 'missing',
    noData: 'no data yet',
    notAvailable: 'not available',
    attention: 'Needs attention',
    belowTarget: 'Indicators furthest below target',
    overdueComplaints: 'Complaints past their SLA per OPD',
    openP1: 'Open P1 incidents',
    warnings: 'Active public warnings',
    offline: 'Offline equipment',
    cameras: (n: number, of: number) => `${n} of ${of} CCTV cameras offline`,
    devices: (n: number, of: number) => `${n} of ${of} sensor devices offline`,
    none: 'none',
    incidents: 'Incidents',
    byType: 'Incidents by type',
    byKecamatan: 'Incidents by kecamatan',
    type: 'Type',
    kecamatan: 'Kecamatan',
    count: 'Count',
    response: 'Response time (median)',
    incidentTotal: (n: number, ly: number, p50: string) => `${n} incidents (last year ${ly}); median response ${p50}`,
    complaints: 'Complaints resolved within SLA per OPD',
    agency: 'OPD',
    resolved: 'Resolved',
    sla: 'Within SLA',
    noAgency: 'not routed to an OPD yet',
    levies: 'Levies: realisation against target',
    realised: 'Realised',
    leviesLine: (r: string, t: string, p: string, ly: string) => `Realised ${r} of a ${t} target (${p}); same period last year ${ly}`,
    noTarget: 'no target set',
    findings: 'Rojak findings per OPD',
    open: 'Open',
    overdue: 'Overdue',
    indicators: 'Indicators per dimension',
    formula: 'How it is computed',
    provisional: 'provisional, the period is not over',
    stale: 'old value',
    computed: (when: string, n: number, what: string) => `computed ${when} from ${n} ${what}`,
    samples: (n: number) => `mean of ${n} samples`,
    entered: (who: string, when: string) => `entered by ${who}, ${when}`,
    evidence: 'evidence',
    page: (n: number, of: number) => `Page ${n} of ${of}`,
    nip: 'NIP',
    minutes: 'min',
    units: { count: '', h: 'h', min: 'min', people: 'people', index: 'points', visits: 'visits', 'per 10k': 'per 10,000' } as Record<string, string>,
    system: { demo: 'demo data', kpi: 'the KPI system' } as Record<string, string>,
  },
}

const ZONES: Record<string, string> = { 'Asia/Jakarta': 'WIB', 'Asia/Makassar': 'WITA', 'Asia/Jayapura': 'WIT' }
const INK = '#1f2937'
const MUTED = '#6b7280'
const ACCENT = '#1d4ed8'
const WEAK = '#b91c1c'
const RULE = '#d1d5db'

/** What the report needs of its city besides the figures: its name, zone, letterhead and logo. */
export interface ReportCity {
  name: string
  timezone: string
  settings: ReportSettingsRow | null
  logo: Buffer | null
}

/** The period in words: `Desember 2026`, `Triwulan IV 2026`, `2026`. */
export function periodName(key: string, kind: Overview['period']['kind'], lang: Language): string {
  const locale = lang === 'en' ? 'en-GB' : 'id-ID'
  if (kind === 'year') return key
  if (kind === 'quarter') {
    const [y, q] = key.split('-Q')
    return lang === 'en' ? `Q${q} ${y}` : `Triwulan ${['I', 'II', 'III', 'IV'][Number(q) - 1]} ${y}`
  }
  const [y, m] = key.split('-').map(Number)
  return new Intl.DateTimeFormat(locale, { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(Date.UTC(y, m - 1, 1))
}

/**
 * The leader's report of a period as an A4 PDF: the city's letterhead and logo, the six dimensions as bars and
 * their 12-period trends, what needs attention, the incidents, complaints, levies and findings tables, every
 * indicator with where it comes from, page numbers and a signature block. Fonts embedded.
 */
export function kpiReportPdf(overview: Overview, city: ReportCity, lang: Language, generatedAt: Date): Promise<Buffer> {
  const w = WORDS[lang]
  const locale = lang === 'en' ? 'en-GB' : 'id-ID'
  const zone = ZONES[city.timezone] ?? city.timezone
  const num = (v: number | null, digits = 1) => (v === null ? '—' : new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(v))
  const rupiah = (v: number | null) => (v === null ? '—' : `Rp${new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(v)}`)
  // A catalogue unit code in words ("2 buah", "0,3 per 10.000"); a unit an admin typed stays as typed.
  const withUnit = (v: number | null, unit: string) =>
    v === null ? '—' : unit === 'Rp' ? rupiah(v) : unit === '%' ? `${num(v)} %` : `${num(v)} ${w.units[unit] ?? unit}`.trim()
  const who = (actor: string | null) => (actor?.startsWith('system:') ? (w.system[actor.slice(7)] ?? actor) : (actor ?? '—'))
  const moment = (iso: string) =>
    `${new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: city.timezone }).format(new Date(iso))} ${zone}`
  const p = overview.period
  const title = w.title[p.kind]
  const name = periodName(p.key, p.kind, lang)

  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: 50, bottom: 60, left: 50, right: 50 },
    bufferPages: true,
    info: { Title: `${title} — ${city.name} — ${p.key}`, Author: 'Kendali', CreationDate: generatedAt },
  })
  doc.registerFont('Body', FONTS.regular)
  doc.registerFont('Bold', FONTS.bold)
  const chunks: Buffer[] = []
  doc.on('data', (c: Buffer) => chunks.push(c))
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)))
    doc.on('error', reject)
  })
  const left = doc.page.margins.left
  const width = doc.page.width - left - doc.page.margins.right
  const bottom = () => doc.page.height - doc.page.margins.bottom
  const ensure = (height: number) => {
    if (doc.y + height > bottom()) doc.addPage()
  }
  const heading = (text: string, size = 13) => {
    ensure(60)
    doc.moveDown(0.6)
    doc.x = left
    doc.font('Bold').fontSize(size).fillColor(INK).text(text, left, doc.y, { width })
    doc.moveDown(0.3)
  }
  const line = (text: string, opts: { size?: number; color?: string; bold?: boolean } = {}) => {
    doc.x = left
    doc
      .font(opts.bold ? 'Bold' : 'Body')
      .fontSize(opts.size ?? 9.5)
      .fillColor(opts.color ?? INK)
      .text(text, left, doc.y, { width })
  }

  // Letterhead: the logo at the left, the heading lines centred, a double rule under.
  const settings = city.settings
  const headingLines = settings && settings.heading.length > 0 ? settings.heading : [city.name.toUpperCase()]
  const top = doc.y
  if (city.logo) {
    try {
      doc.image(city.logo, left, top, { fit: [64, 64] })
    } catch {
      // A logo pdfkit cannot read leaves the letterhead without it rather than failing the report.
    }
  }
  doc.y = top
  headingLines.forEach((text, i) => {
    doc
      .font('Bold')
      .fontSize(i === 0 ? 14 : 12)
      .fillColor(INK)
      .text(text, left + 70, doc.y, { width: width - 140, align: 'center' })
  })
  if (settings?.address)
    doc
      .font('Body')
      .fontSize(8.5)
      .fillColor(MUTED)
      .text(settings.address, left + 70, doc.y, { width: width - 140, align: 'center' })
  const ruleY = Math.max(doc.y, top + 66) + 6
  doc
    .moveTo(left, ruleY)
    .lineTo(left + width, ruleY)
    .lineWidth(2)
    .strokeColor(INK)
    .stroke()
  doc
    .moveTo(left, ruleY + 3)
    .lineTo(left + width, ruleY + 3)
    .lineWidth(0.6)
    .stroke()
  doc.y = ruleY + 14

  doc.font('Bold').fontSize(16).fillColor(INK).text(title, left, doc.y, { width, align: 'center' })
  doc.font('Bold').fontSize(12).text(city.name, { width, align: 'center' })
  line(`${w.period}: ${name} (${p.key})${p.provisional ? ` — ${w.provisional}` : ''}`, { size: 10 })
  line(`${w.generated}: ${moment(generatedAt.toISOString())}`, { size: 10, color: MUTED })

  // The six scores as bars, with last period's and last year's marks.
  heading(w.scores)
  line(w.legend(name), { size: 8, color: MUTED })
  doc.moveDown(0.3)
  const labelWidth = 190
  const barWidth = width - labelWidth - 50
  for (const d of overview.dimensions) {
    ensure(24)
    const y = doc.y
    doc
      .font('Body')
      .fontSize(9.5)
      .fillColor(INK)
      .text(DIMENSION_NAMES[d.dimension][lang], left, y + 2, { width: labelWidth - 8 })
    const x0 = left + labelWidth
    doc.rect(x0, y, barWidth, 14).fillColor('#f3f4f6').fill()
    if (d.score !== null)
      doc
        .rect(x0, y, (barWidth * d.score) / 100, 14)
        .fillColor(d.score < 60 ? WEAK : ACCENT)
        .fill()
    if (d.previousScore !== null) {
      const x = x0 + (barWidth * d.previousScore) / 100
      doc
        .moveTo(x, y - 2)
        .lineTo(x, y + 16)
        .lineWidth(1.5)
        .strokeColor(INK)
        .stroke()
    }
    if (d.lastYearScore !== null) {
      const x = x0 + (barWidth * d.lastYearScore) / 100
      doc
        .polygon([x, y + 3], [x + 4, y + 7], [x, y + 11], [x - 4, y + 7])
        .fillColor('#f59e0b')
        .fill()
    }
    doc
      .font('Bold')
      .fontSize(10)
      .fillColor(INK)
      .text(d.score === null ? '—' : num(d.score), x0 + barWidth + 6, y + 1, { width: 44 })
    doc.y = y + 22
  }

  // Small multiples of the 12-period trend, two rows of three.
  heading(w.trend)
  const cellW = width / 3
  const cellH = 72
  ensure(cellH * 2 + 10)
  const gridTop = doc.y
  overview.dimensions.forEach((d, i) => {
    const cx = left + (i % 3) * cellW
    const cy = gridTop + Math.floor(i / 3) * (cellH + 8)
    doc
      .font('Body')
      .fontSize(8)
      .fillColor(INK)
      .text(DIMENSION_NAMES[d.dimension][lang].split(' (')[0], cx + 4, cy, { width: cellW - 8 })
    const px = cx + 4
    const py = cy + 14
    const pw = cellW - 16
    const ph = cellH - 28
    doc.rect(px, py, pw, ph).lineWidth(0.5).strokeColor(RULE).stroke()
    const step = pw / Math.max(1, d.trend.length - 1)
    let drawing = false
    d.trend.forEach((t, k) => {
      if (t.score === null) {
        drawing = false
        return
      }
      const x = px + k * step
      const y = py + ph - (ph * t.score) / 100
      if (drawing) doc.lineTo(x, y)
      else doc.moveTo(x, y)
      drawing = true
    })
    doc.lineWidth(1.4).strokeColor(ACCENT).stroke()
    doc
      .font('Body')
      .fontSize(6.5)
      .fillColor(MUTED)
      .text(d.trend[0].period, px, py + ph + 2, { width: pw / 2 })
    doc.text(d.trend[d.trend.length - 1].period, px + pw / 2, py + ph + 2, { width: pw / 2, align: 'right' })
  })
  doc.y = gridTop + 2 * (cellH + 8)

  // What needs attention.
  heading(w.attention)
  const a = overview.attention
  const bullet = (text: string, color = INK) => {
    ensure(14)
    line(`• ${text}`, { color })
  }
  line(w.belowTarget, { bold: true })
  if (a.indicators.length === 0) bullet(w.none, MUTED)
  for (const i of a.indicators) bullet(`${i.name[lang]}: ${withUnit(i.value, i.unit)} / ${w.target} ${withUnit(i.target, i.unit)} (${num(i.achievement)} %)`)
  line(w.overdueComplaints, { bold: true })
  if (a.overdueComplaints.length === 0) bullet(w.none, MUTED)
  for (const c of a.overdueComplaints) bullet(`${c.agency ?? w.noAgency}: ${c.count}`)
  line(`${w.openP1}: ${a.openP1.count}`, { bold: true })
  for (const i of a.openP1.items) bullet(`${i.number} · ${i.typeName[lang]}${i.kecamatan ? ` · ${i.kecamatan.name}` : ''} · ${moment(i.createdAt)}`)
  line(`${w.warnings}: ${a.warnings.length}`, { bold: true })
  for (const x of a.warnings) bullet(`${x.headline} (${moment(x.expires)})`)
  line(w.offline, { bold: true })
  bullet(a.cameras ? w.cameras(a.cameras.offline, a.cameras.total) : `CCTV: ${w.noData}`)
  bullet(a.devices ? w.devices(a.devices.offline, a.devices.total) : `Sensor: ${w.noData}`)

  // Tables.
  const table = (columns: { title: string; width: number; align?: 'left' | 'right' }[], rows: string[][]) => {
    const draw = (cells: string[], bold: boolean) => {
      ensure(16)
      const y = doc.y
      let x = left
      let lowest = y
      doc
        .font(bold ? 'Bold' : 'Body')
        .fontSize(8.5)
        .fillColor(INK)
      cells.forEach((cell, k) => {
        const col = columns[k]
        doc.text(cell, x + 2, y, { width: col.width - 6, align: col.align ?? 'left' })
        lowest = Math.max(lowest, doc.y)
        x += col.width
      })
      doc
        .moveTo(left, lowest + 1.5)
        .lineTo(left + columns.reduce((s, c) => s + c.width, 0), lowest + 1.5)
        .lineWidth(0.4)
        .strokeColor(RULE)
        .stroke()
      doc.x = left
      doc.y = lowest + 4
    }
    draw(
      columns.map((c) => c.title),
      true,
    )
    if (rows.length === 0) draw([w.none, ...columns.slice(1).map(() => '')], false)
    for (const r of rows) draw(r, false)
  }
  const minutes = (v: number | null) => (v === null ? '—' : `${num(v)} ${w.minutes}`)

  heading(w.incidents)
  const inc = overview.incidents
  line(w.incidentTotal(inc.count, inc.lastYearCount, minutes(inc.responseP50)))
  doc.moveDown(0.3)
  line(w.byType, { bold: true })
  table(
    [
      { title: w.type, width: 250 },
      { title: w.count, width: 80, align: 'right' },
      { title: w.response, width: 165, align: 'right' },
    ],
    inc.byType.map((t) => [t.name[lang], String(t.count), minutes(t.responseP50)]),
  )
  doc.moveDown(0.4)
  line(w.byKecamatan, { bold: true })
  table(
    [
      { title: w.kecamatan, width: 250 },
      { title: w.count, width: 80, align: 'right' },
      { title: w.response, width: 165, align: 'right' },
    ],
    inc.byKecamatan.map((k) => [k.name ?? '—', String(k.count), minutes(k.responseP50)]),
  )

  heading(w.complaints)
  table(
    [
      { title: w.agency, width: 295 },
      { title: w.resolved, width: 100, align: 'right' },
      { title: w.sla, width: 100, align: 'right' },
    ],
    [
      ...overview.complaints.byAgency.map((c) => [c.agency ?? w.noAgency, String(c.resolved), c.slaPct === null ? '—' : `${num(c.slaPct)} %`]),
      ...(overview.complaints.resolved > 0
        ? [[city.name, String(overview.complaints.resolved), overview.complaints.slaPct === null ? '—' : `${num(overview.complaints.slaPct)} %`]]
        : []),
    ],
  )

  heading(w.levies)
  const lv = overview.levies
  line(
    w.leviesLine(
      rupiah(lv.realised),
      lv.target === null ? w.noTarget : rupiah(lv.target),
      lv.pct === null ? '—' : `${num(lv.pct)} %`,
      rupiah(lv.lastYearRealised),
    ),
  )

  heading(w.findings)
  table(
    [
      { title: w.agency, width: 295 },
      { title: w.open, width: 100, align: 'right' },
      { title: w.overdue, width: 100, align: 'right' },
    ],
    overview.findings.map((f) => [f.agency ?? w.noAgency, String(f.open), String(f.overdue)]),
  )

  // Every indicator with where it comes from.
  doc.addPage()
  heading(w.indicators)
  const provenanceOf = (i: Overview['dimensions'][number]['indicators'][number]) => {
    const pv = i.provenance
    if (!pv) return null
    const parts = [pv.period]
    if (pv.provisional) parts.push(w.provisional)
    if (pv.stale) parts.push(w.stale)
    if (i.source === 'computed') {
      parts.push(w.computed(moment(pv.computedAt), pv.records ?? 0, pv.recordsLabel?.[lang] ?? ''))
      if (pv.samples) parts.push(w.samples(pv.samples))
    } else {
      parts.push(w.entered(who(pv.enteredBy), moment(pv.computedAt)))
      if (pv.evidenceUrl) parts.push(`${w.evidence}: ${pv.evidenceUrl}`)
    }
    return parts.join(' · ')
  }
  for (const d of overview.dimensions) {
    heading(`${DIMENSION_NAMES[d.dimension][lang]} — ${d.score === null ? w.noScore : `${w.score} ${num(d.score)}`}`, 11)
    table(
      [
        { title: w.indicator, width: 250 },
        { title: w.value, width: 95, align: 'right' },
        { title: w.target, width: 85, align: 'right' },
        { title: w.achievement, width: 65, align: 'right' },
      ],
      d.indicators.map((i) => {
        const value =
          i.status === 'not_available' ? w.notAvailable : i.status === 'missing' ? (i.source === 'computed' ? w.noData : w.missing) : withUnit(i.value, i.unit)
        const source = provenanceOf(i)
        return [
          source ? `${i.name[lang]}\n${source}` : i.name[lang],
          value,
          withUnit(i.target, i.unit),
          i.achievement === null ? '—' : `${num(i.achievement)} %`,
        ]
      }),
    )
  }
  heading(w.formula, 11)
  line(overview.formula.score[lang], { size: 8.5 })
  if (p.kind !== 'month') line(overview.formula.period[lang], { size: 8.5 })

  // The signature block, kept whole on one page.
  ensure(130)
  doc.moveDown(2)
  const signX = left + width - 220
  const place = city.name.replace(/^(Kota|Kabupaten)\s+/i, '')
  const date = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: city.timezone }).format(generatedAt)
  doc.font('Body').fontSize(10).fillColor(INK).text(`${place}, ${date}`, signX, doc.y, { width: 220 })
  if (settings?.signerTitle) doc.text(settings.signerTitle, signX, doc.y, { width: 220 })
  doc.y += 56
  doc
    .font('Bold')
    .text(settings?.signerName ?? '(....................................)', signX, doc.y, { width: 220, underline: Boolean(settings?.signerName) })
  if (settings?.signerNip) doc.font('Body').text(`${w.nip} ${settings.signerNip}`, signX, doc.y, { width: 220 })

  // Page numbers and the report's name at the foot of every page.
  const range = doc.bufferedPageRange()
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i)
    const y = doc.page.height - 40
    // Writing inside the bottom margin would add a page: lift the margin while the footer is written.
    const margin = doc.page.margins.bottom
    doc.page.margins.bottom = 0
    doc
      .font('Body')
      .fontSize(8)
      .fillColor(MUTED)
      .text(`${city.name} · ${title} · ${name}`, left, y, { width: width - 120, lineBreak: false })
    doc.text(w.page(i - range.start + 1, range.count), left + width - 120, y, { width: 120, align: 'right', lineBreak: false })
    doc.page.margins.bottom = margin
  }
  doc.end()
  return done
}
