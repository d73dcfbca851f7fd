import { createHash, timingSafeEqual } from 'node:crypto'
import { LevyError } from './errors.ts'

export type PaymentMethod = 'card' | 'qris' | 'cash' | 'transfer'

/** A provider's notification, checked and read: what it says happened to which bill. */
export interface ProviderNotice {
  provider: string
  /** Our bill number, as the order id given to the provider. */
  billNumber: string
  transactionId: string
  /** The provider's own status word, kept as received. */
  status: string
  /** Only a settled (or captured and accepted) transaction pays the bill. */
  isPaid: boolean
  amount: number
  method: PaymentMethod
}

/** A notification the provider's rules refuse; `code` says why (forged, incomplete, malformed). */
export class NoticeRejected extends Error {
  constructor(
    readonly code: LevyError,
    message: string,
    readonly fields: { orderId: string | null; transactionId: string | null; status: string | null },
  ) {
    super(message)
  }
}

/** One small interface per payment provider: check a notification's authenticity and read it. */
export interface PaymentProvider {
  name: string
  read(body: Record<string, unknown>): ProviderNotice
}

const text = (body: Record<string, unknown>, key: string): string | null => {
  const v = body[key]
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null
}

const MIDTRANS_METHODS: Record<string, PaymentMethod> = {
  credit_card: 'card',
  qris: 'qris',
  gopay: 'qris',
  shopeepay: 'qris',
  bank_transfer: 'transfer',
  echannel: 'transfer',
  permata: 'transfer',
  bca_klikpay: 'transfer',
}

/**
 * Midtrans HTTP notifications (Core API / Snap): `signature_key` is the SHA-512 hex of
 * order_id + status_code + gross_amount + server key. `settlement`, and `capture` unless the fraud check
 * says `challenge` or `deny`, mean money received; pending, expire, deny, cancel and the rest do not.
 */
export function midtransProvider(serverKey: string): PaymentProvider {
  return {
    name: 'midtrans',
    read(body) {
      const orderId = text(body, 'order_id')
      const statusCode = text(body, 'status_code')
      const grossAmount = text(body, 'gross_amount')
      const status = text(body, 'transaction_status')
      const transactionId = text(body, 'transaction_id')
      const signature = text(body, 'signature_key')
      const fields = { orderId, transactionId, status }
      if (!orderId || !statusCode || !grossAmount || !status || !transactionId || !signature) {
        throw new NoticeRejected(
          LevyError.NoticeIncomplete,
          'the notification lacks order_id, status_code, gross_amount, transaction_status, transaction_id or signature_key',
          fields,
        )
      }
      const expected = createHash('sha512')
        .update(orderId + statusCode + grossAmount + serverKey)
        .digest()
      const given = /^[0-9a-fA-F]{128}$/.test(signature) ? Buffer.from(signature, 'hex') : Buffer.alloc(0)
      if (given.length !== expected.length || !timingSafeEqual(given, expected))
        throw new NoticeRejected(LevyError.NoticeSignature, 'the signature_key does not match', fields)
      if (!/^[0-9]+(\.[0-9]{1,2})?$/.test(grossAmount)) throw new NoticeRejected(LevyError.NoticeAmount, `gross_amount ${grossAmount} is not an amount`, fields)
      const fraud = text(body, 'fraud_status')
      const isPaid = statusCode === '200' && (status === 'settlement' || (status === 'capture' && fraud !== 'challenge' && fraud !== 'deny'))
      const paymentType = text(body, 'payment_type') ?? ''
      return {
        provider: 'midtrans',
        billNumber: orderId,
        transactionId,
        status,
        isPaid,
        amount: Number(grossAmount),
        method: MIDTRANS_METHODS[paymentType] ?? 'transfer',
      }
    },
  }
}

/** Signs a notification body the way Midtrans does (for the demo simulator and tests). */
export function midtransSignature(orderId: string, statusCode: string, grossAmount: string, serverKey: string): string {
  return createHash('sha512')
    .update(orderId + statusCode + grossAmount + serverKey)
    .digest('hex')
}
