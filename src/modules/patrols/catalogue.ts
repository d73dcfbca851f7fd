// The built-in vocabulary of Rojak patrols: codes are stable snake_case (the inspectorate's own words);
// labels travel beside the codes. Each tenant gets the default finding types and may change them.

export const FINDING_KINDS = ['asn', 'city', 'other'] as const
export type FindingKind = (typeof FINDING_KINDS)[number]

export const FINDING_STATUSES = ['open', 'responded', 'closed', 'handed_off', 'recorded'] as const
export type FindingStatus = (typeof FINDING_STATUSES)[number]

/** What an OPD head did about an ASN finding (PP 94/2021 vocabulary, lightest first). */
export const RESPONSE_ACTIONS = ['teguran_lisan', 'teguran_tertulis', 'pembinaan', 'pernyataan_tidak_puas', 'lainnya'] as const
export type ResponseAction = (typeof RESPONSE_ACTIONS)[number]

export interface FindingType {
  code: string
  label: { id: string; en: string }
  kind: FindingKind
  /** City findings: the report category they become, or the incident type. */
  reportCategory: string | null
  incidentType: string | null
  /** A retired type takes no new findings; its old findings keep it. */
  retired: boolean
}

const type = (code: string, id: string, en: string, kind: FindingKind, handoff: { report?: string; incident?: string } = {}): FindingType => ({
  code,
  label: { id, en },
  kind,
  reportCategory: handoff.report ?? null,
  incidentType: handoff.incident ?? null,
  retired: false,
})

export const DEFAULT_FINDING_TYPES: FindingType[] = [
  type('asn_di_luar_kantor', 'ASN di luar kantor pada jam kerja', 'Civil servant away from office in working hours', 'asn'),
  type('asn_tidak_di_tempat', 'ASN tidak di tempat tugas', 'Civil servant not at their post', 'asn'),
  type('sampah_liar', 'Sampah liar', 'Illegal dumping', 'city', { report: 'sampah_liar' }),
  type('pkl_melanggar', 'PKL melanggar', 'Street vendor in a forbidden place', 'city', { report: 'pkl' }),
  // Illegal billboards are taken down by Satpol PP: an incident for its units.
  type('reklame_liar', 'Reklame liar', 'Illegal billboard', 'city', { incident: 'public_order' }),
  type('fasilitas_umum_rusak', 'Fasilitas umum rusak', 'Broken public facility', 'city', { report: 'pelayanan_publik' }),
  type('lainnya', 'Lainnya', 'Other', 'other'),
]

/** Working days an OPD head has to answer an ASN finding unless the tenant says otherwise. */
export const DEFAULT_FOLLOW_UP_DAYS = 3
