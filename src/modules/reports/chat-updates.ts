import type { ConsumerSpec } from '../../core/events/consumer.ts'
import type { ChannelKind } from '../../core/messaging/channel.ts'
import type { Messaging } from '../../core/messaging/messaging.ts'
import type { TenancyLookups } from './ports.ts'
import * as store from './store.ts'
import { type ReportStatus, STATUS_LABELS } from './workflow.ts'

// Status updates to a reporter who chose WhatsApp, Telegram or SMS at intake: read from this module's own
// `report.status_changed` events, one delivery record per event (its topic carries the event's sequence number, so
// an event handled again after a crash sends nothing twice).

export const CHAT_UPDATES_CONSUMER = 'reports.chat_updates'
export const CHANNEL_NAMES: Record<ChannelKind, string> = { whatsapp: 'WhatsApp', telegram: 'Telegram', sms: 'SMS' }

/** The topics of a report's updates (`report:<id>:<event seq>`). */
export const chatTopicPrefix = (reportId: string) => `report:${reportId}:`

/** The status changes a reporter hears of: verified, routed, being handled, done, rejected. */
const TOLD: readonly ReportStatus[] = ['verified', 'assigned', 'in_progress', 'resolved', 'rejected']

export interface UpdateFacts {
  number: string
  status: ReportStatus
  /** The public note of the change: the reason of a rejection, what was done. */
  note: string | null
  agency: string | null
  link: string
  reopenDays: number
}

/** The update's text in the reporter's language (Bahasa Indonesia unless they wrote in English). */
export function updateText(language: 'id' | 'en', f: UpdateFacts): string {
  const note = f.note?.trim() || null
  if (language === 'en') {
    const extra = note ? ` Note: ${note}` : ''
    switch (f.status) {
      case 'verified':
        return `Your report ${f.number} has been verified and will be passed to the agency in charge.${extra} Track it: ${f.link}`
      case 'assigned':
        return `Your report ${f.number} has been passed to ${f.agency ?? 'the agency in charge'}. Track it: ${f.link}`
      case 'in_progress':
        return `Your report ${f.number} is being handled${f.agency ? ` by ${f.agency}` : ''}.${extra} Track it: ${f.link}`
      case 'resolved':
        return `Your report ${f.number} has been resolved${note ? `: ${note}` : '.'} See the result and its proof photo: ${f.link} — not fixed? Reopen it there within ${f.reopenDays} days.`
      default:
        return `Your report ${f.number} was rejected. Reason: ${note ?? 'none given'}. Track it: ${f.link}`
    }
  }
  const extra = note ? ` Catatan: ${note}` : ''
  switch (f.status) {
    case 'verified':
      return `Laporan ${f.number} sudah diverifikasi dan segera diteruskan ke dinas yang menangani.${extra} Lacak: ${f.link}`
    case 'assigned':
      return `Laporan ${f.number} diteruskan ke ${f.agency ?? 'dinas yang menangani'}. Lacak: ${f.link}`
    case 'in_progress':
      return `Laporan ${f.number} sedang dikerjakan${f.agency ? ` oleh ${f.agency}` : ''}.${extra} Lacak: ${f.link}`
    case 'resolved':
      return `Laporan ${f.number} selesai ditangani${note ? `: ${note}` : '.'} Lihat hasil dan foto buktinya: ${f.link} — belum beres? Buka kembali di sana dalam ${f.reopenDays} hari.`
    default:
      return `Laporan ${f.number} ditolak. Alasan: ${note ?? 'tidak disebutkan'}. Lacak: ${f.link}`
  }
}

export interface ChatUpdateDeps {
  messaging: Messaging
  tenancy: TenancyLookups
  reopenDays(db: Parameters<ConsumerSpec['handle']>[0], tenant: string): Promise<number>
  /** The portal's address, for the tracking link. */
  baseUrl: string
}

/** The durable reader of report events that queues each told status change to the reporter's chosen channel. */
export function chatUpdates(deps: ChatUpdateDeps): ConsumerSpec {
  return {
    name: CHAT_UPDATES_CONSUMER,
    topics: ['reports'],
    types: ['report.status_changed'],
    handle: async (db, event) => {
      if (!event.entity) return
      const data = event.data as { status: ReportStatus; from: string; note: string | null; agencyId: string | null }
      if (!TOLD.includes(data.status)) return
      // An OPD handing a report back also makes it `verified`: an internal step, not news for the reporter.
      if (data.status === 'verified' && data.from !== 'submitted') return
      const target = await store.chatUpdatesOf(db, event.tenant, event.entity)
      if (!target) return
      const agency = data.agencyId ? ((await deps.tenancy.agencies(db, event.tenant)).get(data.agencyId)?.name ?? null) : null
      const facts: UpdateFacts = {
        number: target.number,
        status: data.status,
        // The note given when routing is internal; the reporter reads where it went.
        note: data.status === 'assigned' ? null : data.note,
        agency,
        link: `${deps.baseUrl}/p/${event.tenant}/reports/track/${target.code}`,
        reopenDays: data.status === 'resolved' ? await deps.reopenDays(db, event.tenant) : 0,
      }
      const label = STATUS_LABELS[data.status][target.language]
      await deps.messaging.send(db, event.tenant, {
        channel: target.channel,
        to: target.to,
        topic: `${chatTopicPrefix(event.entity)}${event.seq}`,
        message: {
          text: updateText(target.language, facts),
          template: { purpose: 'report_update', parameters: [target.number, label, facts.note ?? agency ?? '-', facts.link] },
        },
      })
    },
  }
}
