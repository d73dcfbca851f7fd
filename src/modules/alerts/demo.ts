import type { Database } from '../../core/db/database.ts'
import type { AlertService } from './alerts.ts'
import type { CreateAlert } from './schema.ts'
import * as store from './store.ts'

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

/**
 * An active warning and an expired one for Kota Magelang, so the portal and the console are not empty.
 * Idempotent: each demo alert has its own source key. `at` makes a service whose clock runs at a past
 * instant, so the expired alert is drafted and approved when it was still valid.
 */
export async function seedAlertsDemo(db: Database, at: (instant: Date) => AlertService, now: Date = new Date()): Promise<void> {
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
