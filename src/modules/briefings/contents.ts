import type { Queryable } from '../../core/db/database.ts'
import type { MailAttachment } from '../../core/outbound/mail.ts'
import { bufferOf, CONTENT_TYPES, type Table, xlsxStream } from '../../core/spreadsheet.ts'
import { dateInZone, midnightInZone, wallClock } from '../../core/time.ts'
import { tablePdf } from './pdf.ts'
import type { BriefingSources } from './ports.ts'

export const KINDS = ['kpi_monthly', 'complaint_sla_weekly', 'incident_daily'] as const
export type Kind = (typeof KINDS)[number]
export type Language = 'id' | 'en'

/** What a briefing has to say this time: a mail with its PDF and XLSX, or why there is nothing to send. */
export type Composed =
  | { kind: 'send'; period: string; subject: string; text: string; attachments: MailAttachment[] }
  | { kind: 'skip'; period: string; reason: string }

const ZONES: Record<string, string> = { 'Asia/Jakarta': 'WIB', 'Asia/Makassar': 'WITA', 'Asia/Jayapura': 'WIT' }

const WORDS = {
  id: {
    kpi: 'Laporan KPI Bulanan',
    sla: 'SLA Aduan per OPD',
    daily: 'Ringkasan Kejadian Harian',
    period: 'Periode',
    made: 'Dibuat',
    page: 'Halaman',
    nothingKpi: 'Belum ada nilai indikator untuk bulan ini.',
    nothingSla: 'Tidak ada aduan terbuka.',
    nothingDaily: 'Tidak ada kejadian kemarin.',
    body: (title: string, city: string, period: string) =>
      `${title} ${city}, ${period}.\n\nTerlampir laporan dalam PDF dan tabelnya dalam XLSX.\n\nDikirim otomatis oleh Kendali.`,
    dimension: 'Dimensi',
    score: 'Skor',
    previous: 'Skor bulan sebelumnya',
    indicator: 'Indikator',
    value: 'Nilai',
    unit: 'Satuan',
    target: 'Target',
    achievement: 'Capaian (%)',
    status: 'Status',
    statusWords: { ok: 'Ada', missing: 'Belum diisi', not_available: 'Tidak tersedia' } as Record<string, string>,
    agency: 'OPD',
    noAgency: 'Belum ditugaskan',
    open: 'Aduan terbuka',
    overdue: 'Lewat tenggat',
    onTime: 'Dalam SLA (%)',
    number: 'Nomor',
    type: 'Jenis',
    priority: 'Prioritas',
    created: 'Dibuat',
    kecamatan: 'Kecamatan',
    kelurahan: 'Kelurahan',
    incidents: 'Kejadian',
    incidentStatus: { new: 'Baru', dispatched: 'Unit dikirim', on_scene: 'Di lokasi', closed: 'Selesai', cancelled: 'Dibatalkan' } as Record<string, string>,
    sheets: { kpi: 'Indikator', dimensions: 'Dimensi', sla: 'SLA per OPD', incidents: 'Kejadian', byType: 'Per jenis' },
  },
  en: {
    kpi: 'Monthly KPI report',
    sla: 'Complaint SLA per OPD',
    daily: 'Daily incident summary',
    period: 'Period',
    made: 'Made',
    page: 'Page',
    nothingKpi: 'No indicator has a value for this month yet.',
    nothingSla: 'There are no open complaints.',
    nothingDaily: 'There were no incidents yesterday.',
    body: (title: string, city: string, period: string) =>
      `${title}, ${city}, ${period}.\n\nThe report is attached as PDF and its tables as XLSX.\n\nSent automatically by Kendali.`,
    dimension: 'Dimension',
    score: 'Score',
    previous: "Previous month's score",
    indicator: 'Indicator',
    value: 'Value',
    unit: 'Unit',
    target: 'Target',
    achievement: 'Achievement (%)',
    status: 'Status',
    statusWords: { ok: 'Present', missing: 'Not entered', not_available: 'Not available' } as Record<string, string>,
    agency: 'OPD',
    noAgency: 'Not assigned',
    open: 'Open complaints',
    overdue: 'Overdue',
    onTime: 'Within SLA (%)',
    number: 'Number',
    type: 'Type',
    priority: 'Priority',
    created: 'Created',
    kecamatan: 'Kecamatan',
    kelurahan: 'Kelurahan',
    incidents: 'Incidents',
    incidentStatus: { new: 'New', dispatched: 'Unit dispatched', on_scene: 'On scene', closed: 'Closed', cancelled: 'Cancelled' } as Record<string, string>,
    sheets: { kpi: 'Indicators', dimensions: 'Dimensions', sla: 'SLA per OPD', incidents: 'Incidents', byType: 'By type' },
  },
}
const DIMENSION_NAMES: Record<string, string> = {
  governance: 'Smart Governance',
  branding: 'Smart Branding',
  economy: 'Smart Economy',
  living: 'Smart Living',
  society: 'Smart Society',
  environment: 'Smart Environment',
}

export interface Occasion {
  tenant: string
  kind: Kind
  language: Language
  now: Date
  /** A recipient who heads an OPD gets that OPD's part only (the complaint SLA). */
  agencyId: string | null
}

/** The last closed month, the last whole day, or the day of sending: the period a briefing of this kind covers. */
function periodOf(kind: Kind, now: Date, timeZone: string): { key: string; from: Date; to: Date } {
  const c = wallClock(now, timeZone)
  const [y, m, d] = [Number(c.year), Number(c.month), Number(c.day)]
  if (kind === 'kpi_monthly') {
    const from = midnightInZone(y, m - 1, 1, timeZone)
    return { key: dateInZone(from, timeZone).slice(0, 7), from, to: midnightInZone(y, m, 1, timeZone) }
  }
  if (kind === 'incident_daily') {
    const from = midnightInZone(y, m, d - 1, timeZone)
    return { key: dateInZone(from, timeZone), from, to: midnightInZone(y, m, d, timeZone) }
  }
  return { key: dateInZone(now, timeZone), from: now, to: now }
}

const round1 = (n: number) => Math.round(n * 10) / 10

/** What a briefing says this time, made from the modules' own services. */
export async function compose(db: Queryable, sources: BriefingSources, o: Occasion): Promise<Composed> {
  const w = WORDS[o.language]
  const city = await sources.city(db, o.tenant)
  const period = periodOf(o.kind, o.now, city.timezone)
  const locale = o.language === 'en' ? 'en-GB' : 'id-ID'
  const made = `${new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short', timeZone: city.timezone }).format(o.now)} ${ZONES[city.timezone] ?? city.timezone}`
  const file = (title: string) => `${title.replace(/[^A-Za-z0-9]+/g, '-')}-${city.name.replace(/[^A-Za-z0-9]+/g, '-')}-${period.key}`.toLowerCase()
  const mail = async (title: string, pdf: Buffer, tables: Table[]): Promise<Composed> => ({
    kind: 'send',
    period: period.key,
    subject: `${title} — ${city.name} — ${period.key}`,
    text: w.body(title, city.name, period.key),
    attachments: [
      { filename: `${file(title)}.pdf`, content: pdf, contentType: 'application/pdf' },
      { filename: `${file(title)}.xlsx`, content: await bufferOf(xlsxStream(tables)), contentType: CONTENT_TYPES.xlsx },
    ],
  })

  if (o.kind === 'kpi_monthly') {
    const summary = await sources.kpiSummary(db, o.tenant, period.key)
    const indicators = summary.dimensions.flatMap((d) => d.indicators.map((i) => ({ dimension: d.dimension, ...i })))
    if (!indicators.some((i) => i.status === 'ok')) return { kind: 'skip', period: period.key, reason: w.nothingKpi }
    const pdf = await sources.kpiPdf(o.tenant, period.key, o.language)
    return mail(w.kpi, pdf, [
      {
        name: w.sheets.dimensions,
        columns: [{ header: w.dimension, width: 22 }, { header: w.score }, { header: w.previous, width: 24 }],
        rows: summary.dimensions.map((d) => [DIMENSION_NAMES[d.dimension], d.score, d.previousScore]),
      },
      {
        name: w.sheets.kpi,
        columns: [
          { header: w.dimension, width: 20 },
          { header: w.indicator, width: 44 },
          { header: w.value },
          { header: w.unit },
          { header: w.target },
          { header: w.achievement, width: 16 },
          { header: w.status, width: 16 },
        ],
        rows: indicators.map((i) => [
          DIMENSION_NAMES[i.dimension],
          i.name[o.language],
          i.value,
          i.unit,
          i.target,
          i.achievement,
          w.statusWords[i.status] ?? i.status,
        ]),
      },
    ])
  }

  if (o.kind === 'complaint_sla_weekly') {
    const names = new Map((await sources.agencies(db, o.tenant)).map((a) => [a.id, a.name]))
    const byAgency = new Map<string, { open: number; overdue: number }>()
    for await (const r of sources.openReports(db, o.tenant)) {
      if (o.agencyId && r.agencyId !== o.agencyId) continue
      const key = r.agencyId ?? ''
      const counts = byAgency.get(key) ?? { open: 0, overdue: 0 }
      counts.open++
      if (r.overdue) counts.overdue++
      byAgency.set(key, counts)
    }
    if (byAgency.size === 0) return { kind: 'skip', period: period.key, reason: w.nothingSla }
    const rows = [...byAgency.entries()]
      .map(([id, c]) => ({ name: id ? (names.get(id) ?? id) : w.noAgency, ...c, onTime: round1(((c.open - c.overdue) / c.open) * 100) }))
      .sort((a, b) => b.overdue - a.overdue || a.name.localeCompare(b.name))
    const total = rows.reduce((sum, r) => sum + r.open, 0)
    const overdue = rows.reduce((sum, r) => sum + r.overdue, 0)
    const pdf = await tablePdf({
      title: w.sla,
      city: city.name,
      lines: [`${w.period}: ${period.key}`, `${w.made}: ${made}`],
      figures: [
        [w.open, String(total)],
        [w.overdue, String(overdue)],
      ],
      columns: [
        { header: w.agency, width: 235 },
        { header: w.open, width: 90 },
        { header: w.overdue, width: 90 },
        { header: w.onTime, width: 80 },
      ],
      rows: rows.map((r) => [r.name, String(r.open), String(r.overdue), String(r.onTime)]),
      pageWord: w.page,
    })
    return mail(w.sla, pdf, [
      {
        name: w.sheets.sla,
        columns: [
          { header: w.agency, width: 40 },
          { header: w.open, width: 16 },
          { header: w.overdue, width: 16 },
          { header: w.onTime, width: 16 },
        ],
        rows: rows.map((r) => [r.name, r.open, r.overdue, r.onTime]),
      },
    ])
  }

  const incidents = await sources.incidents(db, o.tenant, period.from, period.to)
  if (incidents.length === 0) return { kind: 'skip', period: period.key, reason: w.nothingDaily }
  const types = await sources.incidentTypes(db, o.tenant)
  const typeName = (code: string) => types.get(code)?.[o.language] ?? code
  const time = (iso: string) => new Intl.DateTimeFormat(locale, { timeStyle: 'short', timeZone: city.timezone }).format(new Date(iso))
  const counts = new Map<string, number>()
  for (const i of incidents) counts.set(typeName(i.type), (counts.get(typeName(i.type)) ?? 0) + 1)
  const lines = incidents.map((i) => [
    i.number,
    typeName(i.type),
    i.priority,
    w.incidentStatus[i.status] ?? i.status,
    `${time(i.createdAt)} ${ZONES[city.timezone] ?? ''}`.trim(),
    i.kecamatan ?? '',
    i.kelurahan ?? '',
  ])
  const pdf = await tablePdf({
    title: w.daily,
    city: city.name,
    lines: [`${w.period}: ${period.key}`, `${w.made}: ${made}`],
    figures: [[w.incidents, String(incidents.length)], ...[...counts.entries()].map(([name, n]): [string, string] => [name, String(n)])],
    columns: [
      { header: w.number, width: 95 },
      { header: w.type, width: 90 },
      { header: w.priority, width: 50 },
      { header: w.status, width: 65 },
      { header: w.created, width: 55 },
      { header: w.kecamatan, width: 70 },
      { header: w.kelurahan, width: 70 },
    ],
    rows: lines,
    pageWord: w.page,
  })
  return mail(w.daily, pdf, [
    {
      name: w.sheets.incidents,
      columns: [
        { header: w.number, width: 22 },
        { header: w.type, width: 22 },
        { header: w.priority },
        { header: w.status, width: 14 },
        { header: w.created },
        { header: w.kecamatan, width: 18 },
        { header: w.kelurahan, width: 18 },
      ],
      rows: lines,
    },
    { name: w.sheets.byType, columns: [{ header: w.type, width: 24 }, { header: w.incidents }], rows: [...counts.entries()] },
  ])
}
