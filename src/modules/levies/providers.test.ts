import { describe, expect, it } from 'vitest'
import { midtransProvider, midtransSignature, NoticeRejected } from './providers.ts'

const KEY = 'SB-Mid-server-test-key'
const midtrans = midtransProvider(KEY)

function notification(overrides: Record<string, string> = {}) {
  const body: Record<string, string> = {
    transaction_time: '2026-11-23 09:15:00',
    transaction_status: 'settlement',
    transaction_id: '513f1f01-c9da-474c-9fc9-d5c64364b709',
    status_message: 'midtrans payment notification',
    status_code: '200',
    payment_type: 'qris',
    order_id: 'SKRD-3371-2026-000123',
    merchant_id: 'G141532850',
    gross_amount: '15000.00',
    fraud_status: 'accept',
    currency: 'IDR',
    ...overrides,
  }
  body.signature_key ??= midtransSignature(body.order_id, body.status_code, body.gross_amount, KEY)
  return body
}

describe('Midtrans notifications', () => {
  it('reads a signed settlement as a paid QRIS payment of the order', () => {
    expect(midtrans.read(notification())).toEqual({
      provider: 'midtrans',
      billNumber: 'SKRD-3371-2026-000123',
      transactionId: '513f1f01-c9da-474c-9fc9-d5c64364b709',
      status: 'settlement',
      isPaid: true,
      amount: 15000,
      method: 'qris',
    })
  })

  it('pays on capture of a card unless the fraud check challenges it', () => {
    expect(midtrans.read(notification({ transaction_status: 'capture', payment_type: 'credit_card' }))).toMatchObject({ isPaid: true, method: 'card' })
    expect(midtrans.read(notification({ transaction_status: 'capture', fraud_status: 'challenge' })).isPaid).toBe(false)
  })

  it('does not pay on pending, expire, deny or cancel', () => {
    for (const status of ['pending', 'expire', 'deny', 'cancel']) {
      const code = status === 'pending' ? '201' : '202'
      expect(midtrans.read(notification({ transaction_status: status, status_code: code })).isPaid).toBe(false)
    }
  })

  it('rejects a tampered amount, a wrong key and a missing signature', () => {
    const signed = notification()
    expect(() => midtrans.read({ ...signed, gross_amount: '1500.00' })).toThrow(NoticeRejected)
    expect(() => midtransProvider('another-key').read(signed)).toThrow(/signature/)
    const { signature_key: _, ...unsigned } = signed
    expect(() => midtrans.read(unsigned)).toThrow(NoticeRejected)
  })
})
