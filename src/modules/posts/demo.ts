import type { Database } from '../../core/db/database.ts'
import { isoInZone } from '../../core/time.ts'
import type { AgencyDirectory } from './ports.ts'
import type { PostService } from './posts.ts'
import type { CreatePost } from './schema.ts'

const TENANT = { code: '33.71', timezone: 'Asia/Jakarta' }
const ACTOR = 'system:demo'

type DemoPost = Omit<CreatePost, 'agencyId' | 'startsAt' | 'endsAt'> & {
  agencyCode: string
  /** Days from today (tenant zone) and local hours, for agenda items around the day the demo starts. */
  day?: number
  hours?: [string, string]
}

// A week of Kota Magelang's OPDs (codes of tenancy/demo.ts), as the command center would see it.
const DEMO_POSTS: DemoPost[] = [
  {
    kind: 'agenda',
    agencyCode: 'dinkes',
    title: 'Rapat Koordinasi Pencegahan Demam Berdarah Dengue',
    body: 'Koordinasi lintas puskesmas dan kelurahan menjelang puncak musim hujan: gerakan 3M Plus, jadwal fogging fokus, dan pelaporan kasus harian.',
    visibility: 'public',
    status: 'published',
    day: 0,
    hours: ['09:00', '11:00'],
    place: 'Aula Dinas Kesehatan Kota Magelang',
  },
  {
    kind: 'agenda',
    agencyCode: 'diskominsta',
    title: 'Sosialisasi Layanan Aduan Warga bagi Operator Kelurahan',
    body: 'Pelatihan operator 17 kelurahan: menerima, memverifikasi, dan meneruskan aduan warga ke OPD, serta memantau SLA di Ruang Kendali.',
    visibility: 'public',
    status: 'published',
    day: 0,
    hours: ['13:00', '15:00'],
    place: 'Ruang Kendali, Kantor Wali Kota Magelang',
  },
  {
    kind: 'agenda',
    agencyCode: 'dpupr',
    title: 'Penambalan Jalan Ahmad Yani',
    body: 'Pemeliharaan rutin perkerasan jalan. Pengendara diharap berhati-hati dan mengikuti arahan petugas; lajur kiri ditutup bergantian.',
    visibility: 'public',
    status: 'published',
    day: 1,
    hours: ['08:00', '12:00'],
    place: 'Jl. Ahmad Yani, sekitar Alun-alun Kota Magelang',
    location: { type: 'Point', coordinates: [110.2177, -7.4771] },
  },
  {
    kind: 'agenda',
    agencyCode: 'diskominsta',
    title: 'Rapat Evaluasi SLA Aduan Warga Triwulan IV',
    body: 'Evaluasi internal kepatuhan SLA per OPD, aduan yang tereskalasi, dan rencana perbaikan alur disposisi.',
    visibility: 'internal',
    status: 'published',
    day: 2,
    hours: ['10:00', '12:00'],
    place: 'Ruang Rapat Diskominsta',
  },
  {
    kind: 'announcement',
    agencyCode: 'dinkes',
    title: 'Jadwal Posyandu Balita dan Lansia Bulan Ini',
    body: 'Posyandu di setiap kelurahan buka sesuai jadwal RW masing-masing. Bawa Buku KIA untuk penimbangan, imunisasi dan vitamin A; lansia dapat memeriksakan tekanan darah dan gula darah tanpa biaya.',
    visibility: 'public',
    status: 'published',
  },
  {
    kind: 'policy',
    agencyCode: 'bpbd',
    title: 'Surat Edaran Kewaspadaan Bencana Hidrometeorologi Musim Hujan',
    body: 'Warga diminta membersihkan saluran air, memangkas dahan pohon yang rawan tumbang, dan melaporkan genangan atau longsor melalui layanan aduan atau Call Center 112.',
    visibility: 'public',
    status: 'published',
  },
  {
    kind: 'activity',
    agencyCode: 'dlh',
    title: 'Kerja Bakti Bersih Sungai Kali Manggis',
    body: 'Relawan, warga dan petugas DLH mengangkat sampah dan sedimen di sepanjang Kali Manggis untuk melancarkan aliran saat hujan.',
    visibility: 'public',
    status: 'published',
    day: -1,
    hours: ['07:00', '10:00'],
    place: 'Kali Manggis, Kota Magelang',
  },
  {
    kind: 'announcement',
    agencyCode: 'dishub',
    title: 'Rekayasa Lalu Lintas Car Free Day Minggu Pagi',
    body: 'Draf: penutupan ruas jalan di sekitar Alun-alun pukul 06.00–09.00 WIB dan jalur alternatif bagi kendaraan umum.',
    visibility: 'public',
    status: 'draft',
  },
]

/** Seeds a week of agenda, announcements, a policy and an activity, once. */
export async function seedPostsDemo(db: Database, posts: PostService, directory: AgencyDirectory): Promise<void> {
  if ((await posts.list(db, TENANT, { limit: 1 })).total > 0) return
  const agencies = [...(await directory.agencies(db, TENANT.code)).values()]
  const today = isoInZone(new Date(), TENANT.timezone).slice(0, 10)
  const offset = isoInZone(new Date(), TENANT.timezone).slice(19)
  const at = (day: number, time: string) => {
    const date = new Date(`${today}T12:00:00Z`)
    date.setUTCDate(date.getUTCDate() + day)
    return `${date.toISOString().slice(0, 10)}T${time}:00${offset}`
  }
  for (const { agencyCode, day, hours, ...post } of DEMO_POSTS) {
    const agency = agencies.find((a) => a.code === agencyCode)
    if (!agency) continue
    const when = day !== undefined && hours ? { startsAt: at(day, hours[0]), endsAt: at(day, hours[1]) } : {}
    await posts.create(db, TENANT, ACTOR, 'all', { ...post, ...when, agencyId: agency.id })
  }
}
