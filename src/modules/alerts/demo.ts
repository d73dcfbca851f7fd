import type { Database } from '../../core/db/database.ts'
import type { AlertService } from './alerts.ts'
import type { CreateAlert, SaveTemplate } from './schema.ts'
import * as store from './store.ts'
import type { TemplateService } from './templates.ts'

const TENANT = '33.71'
// Demo users (tenancy/demo.ts): the operator drafts, the admin is the second person who approves.
const AUTHOR = 'operator'
const APPROVER = 'admin'
const HOUR = 3_600_000

// The kelurahan of Kota Magelang on the bank of Kali Progo, west of the city.
const PROGO_BANK = ['33.71.02.1009', '33.71.02.1004', '33.71.03.1004', '33.71.03.1002', '33.71.03.1001', '33.71.01.1008', '33.71.01.1009']

interface DemoAlert {
  key: string
  /** When the alert was drafted and approved, relative to the seeding (negative: in the past). */
  sentHoursAgo: number
  input: Omit<CreateAlert, 'expires'> & { validHours: number }
}

const DEMO_ALERTS: DemoAlert[] = [
  {
    key: 'demo:banjir-kali-progo',
    sentHoursAgo: 0,
    input: {
      event: 'Banjir',
      category: ['Met'],
      responseType: ['Prepare', 'Avoid'],
      urgency: 'Expected',
      severity: 'Moderate',
      certainty: 'Likely',
      headline: 'Waspada banjir Kali Progo',
      description:
        'Hujan lebat di hulu membuat muka air Kali Progo naik. Bantaran sungai di sisi barat Kota Magelang berpotensi tergenang dalam beberapa jam ke depan.',
      instruction: 'Jauhi bantaran Kali Progo, amankan dokumen dan barang berharga, dan ikuti arahan petugas BPBD. Darurat: 112.',
      contact: 'BPBD Kota Magelang, 112',
      english: {
        event: 'Flood',
        headline: 'Flood watch on the Progo river',
        instruction: 'Stay away from the Progo river banks and follow BPBD officers. Emergency: 112.',
      },
      regions: PROGO_BANK,
      validHours: 72,
    },
  },
  {
    key: 'demo:angin-kencang',
    sentHoursAgo: 5 * 24,
    input: {
      event: 'Angin kencang',
      category: ['Met'],
      responseType: ['Prepare'],
      urgency: 'Immediate',
      severity: 'Minor',
      certainty: 'Observed',
      headline: 'Angin kencang di Magelang Selatan',
      description: 'Angin kencang disertai hujan sedang di wilayah Magelang Selatan.',
      instruction: 'Hindari berteduh di bawah pohon besar dan papan reklame.',
      contact: 'BPBD Kota Magelang, 112',
      regions: ['33.71.01'],
      validHours: 6,
    },
  },
]

// The warnings Kota Magelang issues again and again; the template city of the demo province.
const CALL = 'Darurat: 112.'
export const DEMO_TEMPLATES: SaveTemplate[] = [
  {
    name: 'Banjir',
    event: 'Banjir',
    category: ['Met'],
    urgency: 'Expected',
    severity: 'Moderate',
    certainty: 'Likely',
    headline: 'Waspada banjir',
    description: 'Hujan lebat membuat muka air sungai naik; bantaran dan dataran rendah berpotensi tergenang dalam beberapa jam ke depan.',
    instruction: `Jauhi bantaran sungai, amankan dokumen dan barang berharga, matikan listrik bila air masuk rumah, dan ikuti arahan BPBD. ${CALL}`,
    english: {
      event: 'Flood',
      headline: 'Flood watch',
      description: 'Heavy rain is raising the rivers; banks and low ground may flood within hours.',
      instruction: 'Keep away from river banks, secure documents and valuables, switch off power if water enters, follow BPBD. Emergency: 112.',
    },
  },
  {
    name: 'Tanah longsor',
    event: 'Tanah longsor',
    category: ['Geo'],
    urgency: 'Expected',
    severity: 'Severe',
    certainty: 'Possible',
    headline: 'Waspada tanah longsor',
    description: 'Tanah di lereng jenuh air setelah hujan lebat berhari-hari; retakan dan rembesan baru tanda longsor bisa terjadi.',
    instruction: `Warga di bawah dan di atas lereng curam mengungsi sementara ke tempat yang aman; laporkan retakan tanah. ${CALL}`,
    english: {
      event: 'Landslide',
      headline: 'Landslide watch',
      instruction: 'People below and above steep slopes should move to safe ground for now; report cracks in the ground. Emergency: 112.',
    },
  },
  {
    name: 'Gempa bumi',
    event: 'Gempa bumi',
    category: ['Geo'],
    urgency: 'Past',
    severity: 'Moderate',
    certainty: 'Observed',
    headline: 'Gempa bumi dirasakan',
    description: 'Gempa bumi dirasakan di wilayah kota menurut informasi BMKG.',
    instruction: `Tetap tenang, periksa kerusakan bangunan sebelum masuk kembali, waspadai gempa susulan, ikuti informasi resmi BMKG. ${CALL}`,
    english: { event: 'Earthquake', headline: 'Earthquake felt', instruction: 'Stay calm, check buildings before going back in, expect aftershocks.' },
  },
  {
    name: 'Cuaca ekstrem',
    event: 'Cuaca ekstrem',
    category: ['Met'],
    urgency: 'Immediate',
    severity: 'Moderate',
    certainty: 'Likely',
    headline: 'Hujan lebat disertai petir dan angin kencang',
    description: 'Hujan lebat disertai petir dan angin kencang diperkirakan terjadi dalam beberapa jam ke depan.',
    instruction: 'Kurangi aktivitas di luar ruangan, jauhi pohon besar dan papan reklame, dan waspadai genangan.',
    english: { event: 'Severe weather', headline: 'Heavy rain with thunderstorms and strong wind', instruction: 'Stay indoors where you can.' },
  },
  {
    name: 'Kebakaran',
    event: 'Kebakaran',
    category: ['Fire'],
    urgency: 'Immediate',
    severity: 'Severe',
    certainty: 'Observed',
    headline: 'Kebakaran, hindari lokasi',
    description: 'Kebakaran sedang ditangani petugas pemadam kebakaran; asap tebal dan jalan ditutup di sekitar lokasi.',
    instruction: `Hindari lokasi, beri jalan bagi kendaraan pemadam, tutup jendela bila asap masuk. ${CALL}`,
    english: { event: 'Fire', headline: 'Fire, keep away', instruction: 'Keep away, make way for fire engines, close windows against smoke. Emergency: 112.' },
  },
  {
    name: 'Angin kencang',
    event: 'Angin kencang',
    category: ['Met'],
    urgency: 'Immediate',
    severity: 'Minor',
    certainty: 'Observed',
    headline: 'Angin kencang',
    instruction: 'Hindari berteduh di bawah pohon besar dan papan reklame; amankan benda yang mudah terbang.',
  },
]

/**
 * An active warning and an expired one for Kota Magelang, so the portal and the console are not empty.
 * Idempotent: each demo alert has its own source key. `at` makes a service whose clock runs at a past
 * instant, so the expired alert is drafted and approved when it was still valid.
 */
export async function seedAlertsDemo(db: Database, at: (instant: Date) => AlertService, templates: TemplateService, now: Date = new Date()): Promise<void> {
  await templates.seed(db, TENANT, APPROVER, DEMO_TEMPLATES)
  for (const demo of DEMO_ALERTS) {
    if (await store.findBySourceKey(db, TENANT, demo.key)) continue
    const sent = new Date(now.getTime() - demo.sentHoursAgo * HOUR)
    const alerts = at(sent)
    const { validHours, ...input } = demo.input
    const draft = await alerts.create(
      db,
      TENANT,
      AUTHOR,
      { ...input, expires: new Date(sent.getTime() + validHours * HOUR).toISOString() },
      {
        source: 'operator',
        sourceKey: demo.key,
      },
    )
    await alerts.approve(db, TENANT, APPROVER, draft.id)
  }
  await at(now).expireDue(db)
}
