import type { Database } from '../../core/db/database.ts'
import type { DatahubServices } from './index.ts'
import type { CreateApp } from './schema.ts'
import * as store from './store.ts'
import { parseCsvTable } from './tabular.ts'

const TENANT = '33.71'
const ACTOR = 'system:demo'

// Kota Magelang's free wifi (program "Magelang Kota Wifi") and public facilities, placed around the city's real
// places; coordinates are approximate.
const PLACES: [string, string, number, number][] = [
  ['Alun-alun Kota Magelang', 'Magelang Tengah', 110.2176, -7.4773],
  ['Taman Badaan', 'Magelang Tengah', 110.215, -7.4712],
  ['Taman Kyai Langgeng', 'Magelang Selatan', 110.2112, -7.4889],
  ['Terminal Tidar', 'Magelang Selatan', 110.224, -7.494],
  ['Gunung Tidar (gerbang)', 'Magelang Selatan', 110.2196, -7.4917],
  ['Kantor Wali Kota', 'Magelang Tengah', 110.2188, -7.4744],
  ['Pasar Rejowinangun', 'Magelang Tengah', 110.2245, -7.4786],
  ['Pasar Kebonpolo', 'Magelang Utara', 110.2165, -7.4605],
  ['Stadion Moch Soebroto', 'Magelang Tengah', 110.2275, -7.4689],
  ['GOR Samapta', 'Magelang Tengah', 110.2203, -7.4702],
  ['Taman Kota Bayeman', 'Magelang Tengah', 110.2181, -7.4808],
  ['Kelurahan Kemirirejo', 'Magelang Tengah', 110.2142, -7.4797],
  ['Kelurahan Cacaban', 'Magelang Tengah', 110.2219, -7.4751],
  ['Kelurahan Gelangan', 'Magelang Tengah', 110.2232, -7.4666],
  ['Kelurahan Panjang', 'Magelang Tengah', 110.2118, -7.4731],
  ['Kelurahan Rejowinangun Utara', 'Magelang Tengah', 110.2288, -7.4752],
  ['Kelurahan Kramat Selatan', 'Magelang Utara', 110.2206, -7.4582],
  ['Kelurahan Kedungsari', 'Magelang Utara', 110.2273, -7.4611],
  ['Kelurahan Potrobangsan', 'Magelang Utara', 110.2117, -7.4657],
  ['Kelurahan Wates', 'Magelang Utara', 110.2136, -7.4541],
  ['Kelurahan Kramat Utara', 'Magelang Utara', 110.2234, -7.4506],
  ['Kelurahan Jurangombo Utara', 'Magelang Selatan', 110.2231, -7.4986],
  ['Kelurahan Jurangombo Selatan', 'Magelang Selatan', 110.2247, -7.5052],
  ['Kelurahan Magersari', 'Magelang Selatan', 110.2149, -7.4962],
  ['Kelurahan Tidar Utara', 'Magelang Selatan', 110.2143, -7.4881],
  ['Kelurahan Tidar Selatan', 'Magelang Selatan', 110.2168, -7.5012],
  ['Kelurahan Rejowinangun Selatan', 'Magelang Selatan', 110.2292, -7.4853],
  ['Perpustakaan Kota', 'Magelang Tengah', 110.2197, -7.4762],
  ['RSUD Tidar', 'Magelang Tengah', 110.2216, -7.4826],
  ['Museum BPK', 'Magelang Tengah', 110.2169, -7.4779],
]

const FACILITIES: [string, string, number, number][] = [
  ['RSUD Tidar', 'rumah sakit', 110.2216, -7.4826],
  ['Puskesmas Magelang Utara', 'puskesmas', 110.219, -7.4599],
  ['Puskesmas Magelang Selatan', 'puskesmas', 110.2181, -7.4972],
  ['Puskesmas Jurangombo', 'puskesmas', 110.2242, -7.5034],
  ['Puskesmas Kerkopan', 'puskesmas', 110.2208, -7.4689],
  ['Puskesmas Kalirejo', 'puskesmas', 110.2283, -7.4826],
  ['Perpustakaan Kota Magelang', 'perpustakaan', 110.2197, -7.4762],
  ['Alun-alun Kota Magelang', 'ruang terbuka', 110.2176, -7.4773],
  ['Taman Kyai Langgeng', 'ruang terbuka', 110.2112, -7.4889],
  ['Terminal Tidar', 'transportasi', 110.224, -7.494],
  ['Stasiun Damkar', 'pemadam kebakaran', 110.2259, -7.4724],
  ['Mal Pelayanan Publik', 'pelayanan publik', 110.2186, -7.4748],
  ['Titik kumpul evakuasi Alun-alun', 'titik evakuasi', 110.2178, -7.4771],
  ['Titik kumpul evakuasi Stadion', 'titik evakuasi', 110.2272, -7.4693],
  ['Titik kumpul evakuasi Taman Badaan', 'titik evakuasi', 110.2152, -7.4714],
  ['Masjid Agung Kota Magelang', 'ibadah', 110.217, -7.479],
  ['Gereja Katedral Santo Ignatius', 'ibadah', 110.2186, -7.4801],
  ['Klenteng Liong Hok Bio', 'ibadah', 110.2184, -7.4785],
  ['SMA Negeri 1 Magelang', 'pendidikan', 110.2213, -7.4731],
  ['Universitas Tidar', 'pendidikan', 110.2295, -7.4937],
]

// The city's applications. Offline (a demo without internet) the probe finds them down with the reason, which is
// what an operator should see.
const APPS: CreateApp[] = [
  {
    name: 'Portal Kota Magelang',
    organization: 'diskominsta',
    description: 'Situs resmi Pemerintah Kota Magelang: berita, profil dan layanan.',
    url: 'https://magelangkota.go.id',
    audience: ['citizen', 'business'],
    category: 'informasi',
  },
  {
    name: 'PPID Kota Magelang',
    organization: 'diskominsta',
    description: 'Permohonan informasi publik dan daftar informasi yang dikecualikan.',
    url: 'https://ppid.magelangkota.go.id',
    audience: ['citizen'],
    category: 'informasi',
  },
  {
    name: 'LPSE Kota Magelang',
    organization: 'bpkad',
    description: 'Layanan pengadaan secara elektronik untuk penyedia barang dan jasa.',
    url: 'https://lpse.magelangkota.go.id',
    audience: ['business'],
    category: 'pengadaan',
  },
  {
    name: 'JDIH Kota Magelang',
    organization: 'bappeda',
    description: 'Jaringan dokumentasi dan informasi hukum: perda dan perwal.',
    url: 'https://jdih.magelangkota.go.id',
    audience: ['citizen', 'asn'],
    category: 'hukum',
  },
  {
    name: 'SIMPEG',
    organization: 'bkpsdm',
    description: 'Sistem informasi kepegawaian untuk ASN Kota Magelang.',
    url: 'https://simpeg.magelangkota.go.id',
    audience: ['asn'],
    category: 'kepegawaian',
  },
  {
    name: 'Satu Data Kota Magelang',
    organization: 'diskominsta',
    description: 'Data sektoral OPD Kota Magelang sebagai data terbuka.',
    url: 'https://data.magelangkota.go.id',
    audience: ['citizen', 'asn', 'business'],
    category: 'data',
  },
]

/** Seeds Kota Magelang with public datasets of wifi hotspots and facilities that show on the map and in CKAN, and its apps. */
export async function seedDatahubDemo(db: Database, { datasets, apps, assets }: DatahubServices): Promise<void> {
  for (const app of APPS) if (!(await store.findAppByName(db, TENANT, app.name))) await apps.create(db, TENANT, ACTOR, app)
  // The same places as first-class assets; inserting skips a name the city has already.
  for (const [i, [name, kecamatan, lon, lat]] of PLACES.entries()) {
    await assets.insert(db, TENANT, {
      kind: 'wifi',
      name,
      location: { type: 'Point', coordinates: [lon, lat] },
      category: 'Magelang Kota Wifi',
      provider: 'Diskominsta',
      // As the wifi dataset below says: a few hotspots are down.
      status: i % 9 === 4 ? 'down' : 'up',
      address: `Kec. ${kecamatan}`,
    })
  }
  for (const [name, jenis, lon, lat] of FACILITIES) {
    const kind = jenis === 'titik evakuasi' ? 'evacuation' : 'facility'
    await assets.insert(db, TENANT, { kind, name, location: { type: 'Point', coordinates: [lon, lat] }, category: jenis })
  }
  const seeds = [
    {
      name: 'hotspot-wifi-publik',
      title: 'Titik Wifi Publik Kota Magelang',
      description: 'Lokasi hotspot wifi gratis milik Pemerintah Kota Magelang beserta penyedia dan statusnya.',
      organization: 'diskominsta',
      tags: ['wifi', 'internet', 'aset publik'],
      file: 'hotspot-wifi.csv',
      csv: [
        'nama;kecamatan;penyedia;status;kecepatan_mbps;lintang;bujur',
        ...PLACES.map(([nama, kec, lon, lat], i) =>
          [
            nama,
            kec,
            i % 3 === 0 ? 'Telkom' : 'Diskominsta',
            i % 9 === 4 ? 'mati' : 'aktif',
            String(10 + (i % 5) * 10),
            String(lat).replace('.', ','),
            String(lon).replace('.', ','),
          ].join(';'),
        ),
      ].join('\n'),
    },
    {
      name: 'fasilitas-publik',
      title: 'Fasilitas Publik dan Titik Evakuasi',
      description: 'Rumah sakit, puskesmas, ruang terbuka, tempat ibadah dan titik kumpul evakuasi.',
      organization: 'bpbd',
      tags: ['fasilitas', 'evakuasi', 'aset publik'],
      file: 'fasilitas.csv',
      csv: ['nama,jenis,lat,lon', ...FACILITIES.map(([nama, jenis, lon, lat]) => `"${nama}",${jenis},${lat},${lon}`)].join('\n'),
    },
  ]
  for (const seed of seeds) {
    if (await store.findDataset(db, TENANT, seed.name)) continue
    await datasets.create(db, TENANT, ACTOR, {
      name: seed.name,
      title: seed.title,
      description: seed.description,
      organization: seed.organization,
      tags: seed.tags,
      license: 'cc-by',
      frequency: 'bulanan',
      producer: seed.organization === 'bpbd' ? 'BPBD Kota Magelang' : 'Diskominsta Kota Magelang',
      steward: 'Diskominsta Kota Magelang',
      public: true,
    })
    const bytes = Buffer.from(seed.csv)
    await datasets.addFile(db, TENANT, ACTOR, seed.name, { filename: seed.file, bytes, table: await parseCsvTable(seed.csv) })
  }
}
