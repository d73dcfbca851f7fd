import type { Database, Queryable } from '../../core/db/database.ts'
import { Invalid, NotFound } from '../../core/errors.ts'
import type { EventLog } from '../../core/events/log.ts'
import type { Job, JobQueue } from '../../core/jobs/jobs.ts'
import type { Mailer } from '../../core/outbound/mail.ts'
import type { TenancyPort } from '../../core/tenancy.ts'
import { compose, type Kind, type Language } from './contents.ts'
import { type BriefingEvent, recordBriefingEvent } from './events.ts'
import type { BriefingSources } from './ports.ts'
import { nextRun, type When } from './schedule.ts'
import * as store from './store.ts'

export const JOB_SEND = 'briefings.send'
const ACTOR = 'system:briefings'
// A mail server that refuses or is away gets this many tries, with the job queue's backoff between them.
const ATTEMPTS = 5
const DUE_PER_RUN = 50

export interface BriefingInput extends Omit<When, 'day'> {
  day?: number | null
  name: string
  kind: Kind
  language?: Language
  recipients: store.Recipient[]
  isActive?: boolean
}

const iso = (d: Date | null) => (d ? d.toISOString() : null)

const TEST_PREFIX: Record<Language, string> = { id: '[UJI] ', en: '[TEST] ' }
// A delivery's note is read on the admin page, in the briefing's language.
const NOTES: Record<Language, { noMailer: string; refused: (why: string) => string }> = {
  id: { noMailer: 'Server surel belum diatur (SMTP_URL)', refused: (why) => `Server surel tidak menerima: ${why}` },
  en: { noMailer: 'No mail server is configured (SMTP_URL)', refused: (why) => `The mail server did not take it: ${why}` },
}

/** Reports that arrive by themselves: schedules in the tenant's zone, mailed with PDF and XLSX, each sending recorded. */
export class BriefingService {
  constructor(
    private readonly events: EventLog,
    private readonly jobs: JobQueue,
    private readonly tenancy: TenancyPort,
    private readonly sources: BriefingSources,
    private readonly mailer: Mailer | null,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  toBriefing(row: store.BriefingRow) {
    return { ...row, nextRunAt: iso(row.nextRunAt), createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString() }
  }

  toDelivery(row: store.DeliveryRow) {
    return { ...row, createdAt: row.createdAt.toISOString(), sentAt: iso(row.sentAt) }
  }

  async list(db: Queryable, tenant: string) {
    return (await store.listBriefings(db, tenant)).map((r) => this.toBriefing(r))
  }

  async get(db: Queryable, tenant: string, id: string): Promise<store.BriefingRow> {
    const row = await store.findBriefing(db, tenant, id)
    if (!row) throw new NotFound(`There is no scheduled report ${id} in ${tenant}`)
    return row
  }

  async create(db: Database, tenant: string, actor: string, input: BriefingInput) {
    const fields = await this.checked(db, tenant, input)
    return db.transaction(async (tx) => {
      const row = await store.insertBriefing(tx, tenant, { ...fields, createdBy: actor })
      await this.record(tx, tenant, actor, { topic: 'briefings', type: 'briefing.scheduled', entity: row.id, data: { name: row.name } })
      return this.toBriefing(row)
    })
  }

  async update(db: Database, tenant: string, actor: string, id: string, input: BriefingInput) {
    const fields = await this.checked(db, tenant, input)
    return db.transaction(async (tx) => {
      const row = await store.updateBriefing(tx, tenant, id, fields)
      if (!row) throw new NotFound(`There is no scheduled report ${id} in ${tenant}`)
      await this.record(tx, tenant, actor, { topic: 'briefings', type: 'briefing.changed', entity: row.id, data: { name: row.name } })
      return this.toBriefing(row)
    })
  }

  async remove(db: Database, tenant: string, actor: string, id: string): Promise<void> {
    await db.transaction(async (tx) => {
      const row = await store.deleteBriefing(tx, tenant, id)
      if (!row) throw new NotFound(`There is no scheduled report ${id} in ${tenant}`)
      await this.record(tx, tenant, actor, { topic: 'briefings', type: 'briefing.removed', entity: id, data: { name: row.name } })
    })
  }

  async deliveries(db: Queryable, tenant: string, id: string, limit = 50) {
    await this.get(db, tenant, id)
    return (await store.listDeliveries(db, tenant, id, limit)).map((d) => this.toDelivery(d))
  }

  /** "Kirim uji sekarang": this period's briefing to every recipient now, once, marked as a test; each sending recorded. */
  async sendTest(db: Database, tenant: string, actor: string, id: string) {
    const briefing = await this.get(db, tenant, id)
    const out = []
    for (const recipient of briefing.recipients) {
      const delivery = await store.insertDelivery(db, tenant, {
        briefingId: id,
        period: '',
        recipient: recipient.email,
        isTest: true,
        status: 'pending',
        note: null,
      })
      const outcome = await this.attempt(db, tenant, briefing, delivery, recipient)
      out.push(this.toDelivery(await this.settle(db, tenant, briefing, delivery, outcome, true, actor)))
    }
    return out
  }

  /** Every briefing whose time has come: moved on to its next time, and one durable sending per recipient queued. */
  async runDue(db: Database): Promise<number> {
    const now = this.clock()
    let queued = 0
    for (const b of await store.dueBriefings(db, now, DUE_PER_RUN)) {
      const zone = await this.tenancy.timeZone(b.tenant, db)
      await db.transaction(async (tx) => {
        if (!(await store.advance(tx, b.tenant, b.id, now, nextRun(b, now, zone)))) return
        for (const recipient of b.recipients) {
          const delivery = await store.insertDelivery(tx, b.tenant, {
            briefingId: b.id,
            period: '',
            recipient: recipient.email,
            isTest: false,
            status: 'pending',
            note: null,
          })
          await this.jobs.enqueue(tx, b.tenant, JOB_SEND, { deliveryId: delivery.id }, { maxAttempts: ATTEMPTS })
          queued++
        }
      })
    }
    return queued
  }

  /** The durable job of one sending: skipped with its reason, sent, or retried until the last attempt fails. */
  async deliver(db: Database, job: Job): Promise<void> {
    const delivery = await store.findDelivery(db, job.tenant, String(job.payload.deliveryId))
    if (delivery?.status !== 'pending') return
    const briefing = await store.findBriefing(db, job.tenant, delivery.briefingId)
    if (!briefing) return
    const recipient = briefing.recipients.find((r) => r.email === delivery.recipient) ?? { email: delivery.recipient }
    const outcome = await this.attempt(db, job.tenant, briefing, delivery, recipient)
    const last = job.attempts >= job.maxAttempts
    const settled = await this.settle(db, job.tenant, briefing, delivery, outcome, last, ACTOR)
    if (settled.status === 'pending') throw new Error(settled.note ?? 'sending failed')
  }

  private async attempt(
    db: Queryable,
    tenant: string,
    briefing: store.BriefingRow,
    delivery: store.DeliveryRow,
    recipient: store.Recipient,
  ): Promise<{ status: 'sent' | 'skipped' | 'failed'; note: string | null; period: string; attachments?: string[]; canRetry: boolean }> {
    const composed = await compose(db, this.sources, {
      tenant,
      kind: briefing.kind,
      language: briefing.language,
      now: this.clock(),
      agencyId: recipient.agencyId ?? null,
    })
    if (composed.kind === 'skip') return { status: 'skipped', note: composed.reason, period: composed.period, canRetry: false }
    const notes = NOTES[briefing.language]
    if (!this.mailer) return { status: 'failed', note: notes.noMailer, period: composed.period, canRetry: false }
    const attachments = composed.attachments.map((a) => a.filename)
    try {
      await this.mailer.send({
        to: recipient.name ? `"${recipient.name.replaceAll('"', '')}" <${recipient.email}>` : recipient.email,
        subject: `${delivery.isTest ? TEST_PREFIX[briefing.language] : ''}${composed.subject}`,
        text: composed.text,
        attachments: composed.attachments,
      })
      return { status: 'sent', note: null, period: composed.period, attachments, canRetry: false }
    } catch (err) {
      return {
        status: 'failed',
        note: notes.refused(err instanceof Error ? err.message : String(err)),
        period: composed.period,
        attachments,
        canRetry: true,
      }
    }
  }

  /** Records an attempt; a failure that may be retried stays pending until the last attempt. */
  private async settle(
    db: Database,
    tenant: string,
    briefing: store.BriefingRow,
    delivery: store.DeliveryRow,
    outcome: Awaited<ReturnType<BriefingService['attempt']>>,
    isLast: boolean,
    actor: string,
  ): Promise<store.DeliveryRow> {
    const status = outcome.status === 'failed' && outcome.canRetry && !isLast ? 'pending' : outcome.status
    return db.transaction(async (tx) => {
      const row = await store.recordAttempt(tx, tenant, delivery.id, { status, note: outcome.note, attachments: outcome.attachments, period: outcome.period })
      if (status !== 'pending') {
        const type = status === 'sent' ? 'briefing.sent' : status === 'skipped' ? 'briefing.skipped' : 'briefing.failed'
        await this.record(tx, tenant, actor, {
          topic: 'briefings',
          type,
          entity: briefing.id,
          data: { name: briefing.name, period: outcome.period, recipient: delivery.recipient, ...(outcome.note ? { note: outcome.note } : {}) },
        })
      }
      return row
    })
  }

  private async checked(db: Queryable, tenant: string, input: BriefingInput): Promise<Omit<store.NewBriefing, 'createdBy'>> {
    const day = input.frequency === 'daily' ? null : (input.day ?? null)
    if (input.frequency === 'weekly' && (day === null || day < 1 || day > 7))
      throw new Invalid('A weekly report needs its weekday: 1 (Monday) to 7 (Sunday)', { field: 'day' })
    if (input.frequency === 'monthly' && (day === null || day < 1 || day > 28))
      throw new Invalid('A monthly report needs its day of the month, 1 to 28', { field: 'day' })
    for (const [i, r] of input.recipients.entries()) {
      if (r.agencyId && !(await this.tenancy.hasAgency(db, tenant, r.agencyId)))
        throw new Invalid(`There is no OPD ${r.agencyId} in ${tenant}`, { field: `recipients/${i}/agencyId` })
    }
    const isActive = input.isActive ?? true
    const zone = await this.tenancy.timeZone(tenant, db)
    return {
      name: input.name,
      kind: input.kind,
      frequency: input.frequency,
      day,
      atTime: input.atTime,
      language: input.language ?? 'id',
      recipients: input.recipients,
      isActive,
      nextRunAt: isActive ? nextRun({ frequency: input.frequency, day, atTime: input.atTime }, this.clock(), zone) : null,
    }
  }

  private record(tx: Parameters<typeof recordBriefingEvent>[1], tenant: string, actor: string, event: BriefingEvent) {
    return recordBriefingEvent(this.events, tx, tenant, actor, event)
  }
}
