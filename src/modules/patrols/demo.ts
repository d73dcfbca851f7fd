import type { Database } from '../../core/db/database.ts'
import type { ImportRuns } from '../../core/import-runs.ts'
import { DEFAULT_TIME_ZONE, dateInZone } from '../../core/time.ts'
import { hoursOn, minutesOf } from './attendance.ts'
import type { PatrolsServices } from './index.ts'
import { teamMember } from './patrols.ts'

const TENANT = '33.71'
const TEAM = teamMember('patrol_officer')
const HOUR = 3_600_000
const ACTOR = 'system:demo'
const point = (lon: number, lat: number) => ({ type: 'Point' as const, coordinates: [lon, lat] as [number, number] })

// Around Alun-alun Kota Magelang and Pasar Rejowinangun.
const ALUN_ALUN = point(110.2176, -7.4773)
const PASAR_REJOWINANGUN = point(110.2265, -7.4862)

/** Two Rojak patrols of the demo city (one finished this morning, one under way) and a month of ASN attendance; idempotent. */
export async function seedPatrolsDemo(db: Database, imports: ImportRuns, s: PatrolsServices, now = new Date()): Promise<void> {
  const existing = await s.patrols.list(db, TENANT, TEAM, { limit: 1000 })
  const officers = await s.ports.usersWithRole(db, TENANT, 'patrol_officer')
  if (!officers.has(TEAM.actor)) return
  const agencies = [...(await s.ports.agencies(db, TENANT)).values()]
  const dpupr = agencies.find((a) => a.code === 'dpupr')
  const disdagkop = agencies.find((a) => a.code === 'disdagkop_ukm')
  const inspektorat = agencies.find((a) => a.code === 'inspektorat')
  const settings = await s.findings.followUpSettings(db, TENANT)
  if (inspektorat && settings.inspectorateAgencyId === null) {
    await s.findings.putFollowUpSettings(db, TENANT, { ...settings, inspectorateAgencyId: inspektorat.id })
  }

  const plans = [
    {
      name: 'Rojak Pasar Rejowinangun',
      from: now.getTime() - 5 * HOUR,
      isFinished: true,
      checkpoints: [
        { name: 'Pasar Rejowinangun', location: PASAR_REJOWINANGUN, radiusM: 150 },
        { name: 'Terminal Tidar', location: point(110.2243, -7.4975), radiusM: 200 },
      ],
      track: [point(110.2262, -7.4859), point(110.2251, -7.4905), point(110.2241, -7.4971)],
      findings: [
        {
          type: 'asn_di_luar_kantor',
          description: 'ASN berseragam berbelanja di pasar pada jam kerja tanpa surat tugas',
          nip: '198503152010011001',
          name: 'Bambang Sutrisno',
          agency: disdagkop?.id,
        },
        { type: 'pkl_melanggar', description: 'PKL berjualan di trotoar depan pintu timur pasar, menghalangi pejalan kaki' },
      ],
    },
    {
      name: 'Rojak Alun-alun dan Jalan Pemuda',
      from: now.getTime() - HOUR,
      isFinished: false,
      checkpoints: [
        { name: 'Alun-alun', location: ALUN_ALUN, radiusM: 150 },
        { name: 'Kantor DPUPR', location: point(110.2195, -7.4712), radiusM: 100 },
      ],
      track: [point(110.2178, -7.4771), point(110.2185, -7.4745), point(110.2196, -7.4715)],
      findings: [
        {
          type: 'asn_tidak_di_tempat',
          description: 'Petugas pelayanan tidak di meja layanan selama 40 menit',
          nip: '199002142015032002',
          name: 'Siti Rahmawati',
          agency: dpupr?.id,
        },
        { type: 'sampah_liar', description: 'Tumpukan sampah rumah tangga di bahu jalan dekat jembatan' },
      ],
    },
  ]

  await seedAttendance(
    db,
    imports,
    s,
    agencies.map((a) => a.code),
    now,
  )
  for (const [p, plan] of plans.entries()) {
    if (existing.items.some((e) => e.name === plan.name)) continue
    const patrol = await s.patrols.plan(db, TENANT, TEAM, {
      name: plan.name,
      startsAt: new Date(plan.from).toISOString(),
      endsAt: new Date(plan.from + 3 * HOUR).toISOString(),
      team: [TEAM.actor],
      checkpoints: plan.checkpoints,
    })
    await s.patrols.start(db, TENANT, TEAM, patrol.id, new Date(plan.from))
    for (const [i, location] of plan.track.entries()) {
      const at = new Date(plan.from + (i + 1) * 15 * 60_000)
      await s.patrols.checkIn(db, TENANT, TEAM, patrol.id, { clientId: `demo-checkin-${p}-${i}`, location, accuracy: 12 }, at)
      const finding = plan.findings[i]
      if (!finding || (finding.type.startsWith('asn') && !finding.agency)) continue
      await s.findings.record(db, TENANT, TEAM, { clientId: `demo-finding-${p}-${i}`, patrolId: patrol.id, location, ...finding, at: at.toISOString() }, at)
    }
    if (plan.isFinished) await s.patrols.finish(db, TENANT, TEAM, patrol.id, new Date(plan.from + 2 * HOUR))
  }
}

const STAFF = 300
const FIRST = ['Agus', 'Budi', 'Citra', 'Dewi', 'Eko', 'Fitri', 'Gunawan', 'Hesti', 'Indra', 'Joko', 'Kartika', 'Lestari', 'Made', 'Nur', 'Okta', 'Putri']
const LAST = ['Santoso', 'Wibowo', 'Rahayu', 'Setiawan', 'Lestari', 'Kurniawan', 'Hidayat', 'Susanti', 'Pratama', 'Utami']

/** A small deterministic generator, so every demo city gets the same people and days. */
function random(seed: number) {
  let x = seed
  return () => {
    x = (x * 1_103_515_245 + 12_345) % 2_147_483_648
    return x / 2_147_483_648
  }
}

/** A few hundred generated staff across the demo OPDs and last month's attendance and activities, via the imports. */
async function seedAttendance(db: Database, imports: ImportRuns, s: PatrolsServices, agencyCodes: string[], now: Date): Promise<void> {
  if (agencyCodes.length === 0) return
  const today = dateInZone(now, DEFAULT_TIME_ZONE)
  const first = new Date(`${today.slice(0, 7)}-01T00:00:00Z`)
  first.setUTCMonth(first.getUTCMonth() - 1)
  // A restart finds last month's generated days there: importing them again (thousands of rows) would only slow start-up.
  const seeded = await db.query(`SELECT 1 FROM asn_attendance WHERE tenant = $1 AND day >= $2::date AND day < $2::date + interval '1 month' LIMIT 1`, [
    TENANT,
    first.toISOString().slice(0, 10),
  ])
  if (seeded.length > 0) return
  const next = random(33_71)
  const two = (n: number) => String(n).padStart(2, '0')
  const staff = Array.from({ length: STAFF }, (_, i) => {
    const nip = `19${70 + Math.floor(next() * 26)}${two(1 + Math.floor(next() * 12))}${two(1 + Math.floor(next() * 28))}${1995 + Math.floor(next() * 26)}${two(1 + Math.floor(next() * 12))}${1 + (i % 2)}${String(1 + (i % 999)).padStart(3, '0')}`
    return { nip, name: `${FIRST[i % FIRST.length]} ${LAST[Math.floor(i / FIRST.length) % LAST.length]}`, opd: agencyCodes[i % agencyCodes.length] }
  })
  const lines = (header: string, rows: string[]) => [header, ...rows].join('\n')
  await s.asn.importNow(
    imports,
    db,
    TENANT,
    ACTOR,
    'staff',
    lines(
      'nip,nama,opd,jabatan',
      staff.map((p) => `${p.nip},${p.name},${p.opd},Pelaksana`),
    ),
    now,
  )
  const { schedule } = await s.asn.settings(db, TENANT)
  const days: { day: string; end: number }[] = []
  for (let t = first.getTime(); new Date(t).getUTCMonth() === first.getUTCMonth(); t += 86_400_000) {
    const day = new Date(t).toISOString().slice(0, 10)
    const hours = hoursOn(day, schedule)
    if (hours) days.push({ day, end: minutesOf(hours.end) })
  }
  const clock = (minutes: number) => `${two(Math.floor(minutes / 60))}:${two(minutes % 60)}`
  const attendance: string[] = []
  const activities: string[] = []
  for (const p of staff) {
    // Most people are punctual; a few are often late, leave early or stay away.
    const habit = next()
    for (const { day, end } of days) {
      const roll = next()
      if (roll < 0.02 + (habit > 0.95 ? 0.1 : 0)) attendance.push(`${p.nip},${day},,,${habit > 0.95 ? 'TK' : ''}`)
      else if (roll < 0.06) attendance.push(`${p.nip},${day},,,${['S', 'I', 'CT', 'DL'][Math.floor(next() * 4)]}`)
      else {
        const late = next() < (habit > 0.8 ? 0.4 : 0.05) ? Math.floor(next() * 100) : -Math.floor(next() * 20)
        const early = next() < (habit > 0.85 ? 0.3 : 0.03) ? Math.floor(next() * 60) : -Math.floor(next() * 30)
        attendance.push(`${p.nip},${day},${clock(450 + late)},${clock(end - early)},H`)
        activities.push(`${p.nip},${day},08:00,${clock(600 + Math.floor(next() * 120))},Pelayanan dan administrasi,laporan harian`)
      }
    }
  }
  await s.asn.importNow(imports, db, TENANT, ACTOR, 'attendance', lines('nip,tanggal,jam_masuk,jam_pulang,keterangan', attendance), now)
  await s.asn.importNow(imports, db, TENANT, ACTOR, 'activities', lines('nip,tanggal,mulai,selesai,aktivitas,output', activities), now)
}
