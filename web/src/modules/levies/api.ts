import { api, type Page } from '../../app/api.ts'

export type Method = 'card' | 'qris' | 'cash' | 'transfer'

export type StallKind = 'kios' | 'los' | 'pelataran' | 'lapak'
export const STALL_KINDS: StallKind[] = ['kios', 'los', 'pelataran', 'lapak']

export interface Market {
  id: string
  code: string
  name: string
  address: string | null
  location: { type: 'Point'; coordinates: [number, number] }
  kelurahan: { code: string; name: string } | null
  agencyId: string | null
  stalls: number
  /** Whether the caller keeps it: an administrator, or an officer of its managing OPD. */
  mayManage: boolean
}

export interface Stall {
  id: string
  marketId: string
  marketName: string
  code: string
  kind: StallKind
  class: string
  areaM2: number
  isActive: boolean
  vendor: { id: string; code: string; name: string } | null
}

export interface Target {
  marketId: string
  marketName: string
  year: number
  amount: number | null
}

/** Whose markets the caller keeps: all, or those of these OPDs. */
export interface Office {
  managesAll: boolean
  agencies: string[]
}

export interface Agency {
  id: string
  code: string
  name: string
  shortName: string | null
}

export interface BulkResult {
  accepted: number
  rejected: { index: number; field: string; message: string }[]
}

export interface Vendor {
  id: string
  code: string
  name: string
  phone: string | null
  nik: string | null
  stalls: { id: string; code: string; marketName: string }[]
}

export interface Bill {
  number: string
  period: string
  vendor: { id: string; code: string; name: string }
  stall: { id: string; code: string; kind: string }
  market: { id: string; code: string; name: string }
  amount: number
  sanction: number
  paid: number
  outstanding: number
  status: 'unpaid' | 'partial' | 'paid'
  isOverdue: boolean
  dueOn: string
  lines: { from: string; to: string; days: number; rate: number; basis: string; areaM2: number; legalBasis: string; amount: number }[]
}

export interface Payment {
  receipt: string
  billNumber: string
  amount: number
  method: Method
  reference: string | null
  provider: string | null
  actor: string
  paidAt: string
}

export type Receipt = Payment & { bill: Bill }

export interface Tariff {
  id: string
  kind: string
  class: string
  basis: string
  rate: number
  legalBasis: string
  effectiveFrom: string
}

export interface Revenue {
  date: string
  total: number
  cashless: number
  cashlessShare: number
  payments: number
  byMethod: Record<Method, number>
  markets: { id: string; code: string; name: string; total: number; cashless: number; arrears: number }[]
}

export interface Arrears {
  key: { id: string; code: string; name: string }
  bills: number
  outstanding: number
  buckets: { d1_30: number; d31_60: number; d61_90: number; over_90: number }
}

export interface CollectorDay {
  id: string
  collector: string
  openedAt: string
  closedAt: string | null
  deposit: number | null
  cash: number | null
  cashless: number | null
  difference: number | null
  status: 'open' | 'reconciled' | 'flagged'
}

const base = (tenant: string) => `/api/t/${tenant}/levies`

export const fetchOffice = (tenant: string) => api<Office>(`${base(tenant)}/office`)
export const fetchAgencies = (tenant: string) => api<Page<Agency>>(`/api/t/${tenant}/agencies?limit=200`)
/** A page of a market's stalls whose code holds `q`, from `cursor` on. */
export const fetchStalls = (tenant: string, marketId: string, q: string, cursor: string | undefined) =>
  api<Page<Stall>>(`${base(tenant)}/stalls?${new URLSearchParams({ market: marketId, q, limit: '50', ...(cursor ? { cursor } : {}) })}`)
export const fetchTargets = (tenant: string, year: number) => api<Page<Target>>(`${base(tenant)}/targets?year=${year}`)
export const saveMarket = (tenant: string, id: string | null, body: Record<string, unknown>) =>
  id ? api<Market>(`${base(tenant)}/markets/${id}`, { method: 'PATCH', body }) : api<Market>(`${base(tenant)}/markets`, { method: 'POST', body })
export const setTarget = (tenant: string, marketId: string, year: number, amount: number) =>
  api<Target>(`${base(tenant)}/markets/${marketId}/targets/${year}`, { method: 'PUT', body: { amount } })
export const addStall = (tenant: string, body: { marketId: string; code: string; kind: StallKind; class: string; areaM2: number }) =>
  api<Stall>(`${base(tenant)}/stalls`, { method: 'POST', body })
export const addStallRange = (
  tenant: string,
  body: { marketId: string; prefix: string; from: number; to: number; kind: StallKind; class: string; areaM2: number },
) => api<BulkResult>(`${base(tenant)}/stalls/range`, { method: 'POST', body })
export const updateStall = (tenant: string, id: string, body: { class?: string; areaM2?: number; isActive?: boolean }) =>
  api<Stall>(`${base(tenant)}/stalls/${id}`, { method: 'PATCH', body })
export const fetchRevenue = (tenant: string) => api<Revenue>(`${base(tenant)}/revenue`)
export const fetchMarkets = (tenant: string) => api<Page<Market>>(`${base(tenant)}/markets`)
export const fetchTariffs = (tenant: string) => api<Page<Tariff>>(`${base(tenant)}/tariffs`)
export const fetchArrears = (tenant: string, by: 'market' | 'vendor') => api<Page<Arrears>>(`${base(tenant)}/arrears?by=${by}`)
/** The payments of a day (the tenant's date). */
export const fetchPayments = (tenant: string, date: string) => api<Page<Payment>>(`${base(tenant)}/payments?limit=200&date=${date}`)
export const fetchDays = (tenant: string) => api<Page<CollectorDay>>(`${base(tenant)}/collector-days`)
export const searchVendors = (tenant: string, q: string) => api<Page<Vendor>>(`${base(tenant)}/vendors?limit=20&q=${encodeURIComponent(q)}`)
export const fetchBills = (tenant: string, query: string) => api<Page<Bill>>(`${base(tenant)}/bills?${query}`)
export const fetchBill = (tenant: string, number: string) => api<Bill & { payments: Payment[] }>(`${base(tenant)}/bills/${number}`)
export const fetchQris = (tenant: string, number: string) => api<{ payload: string; imagePng: string; amount: number }>(`${base(tenant)}/bills/${number}/qris`)
export const fetchReceipt = (tenant: string, receipt: string) => api<Receipt>(`${base(tenant)}/payments/${receipt}`)
export const pay = (tenant: string, number: string, body: { amount: number; method: Method; reference?: string }) =>
  api<Receipt>(`${base(tenant)}/bills/${number}/payments`, { method: 'POST', body })
export const generateBills = (tenant: string, period: string) =>
  api<{ period: string; queued: boolean }>(`${base(tenant)}/bills/generate`, { method: 'POST', body: { period } })
export const openDay = (tenant: string) => api<CollectorDay>(`${base(tenant)}/collector-days`, { method: 'POST' })
export const closeDay = (tenant: string, id: string, deposit: number) =>
  api<CollectorDay>(`${base(tenant)}/collector-days/${id}/close`, { method: 'POST', body: { deposit } })

/** Rupiah as people write it: Rp310.000. */
export function rupiah(amount: number, language: string): string {
  return `Rp${new Intl.NumberFormat(language === 'en' ? 'en-US' : 'id-ID', { maximumFractionDigits: 0 }).format(amount)}`
}
