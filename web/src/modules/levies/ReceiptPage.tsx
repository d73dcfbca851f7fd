import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useParams } from 'react-router-dom'
import type { Tenant } from '../../app/api.ts'
import { StaffFrame } from '../../app/StaffFrame.tsx'
import { fetchReceipt, type Receipt } from './api.ts'
import { ReceiptView } from './ReceiptView.tsx'

function ReceiptSheet({ tenant, number }: { tenant: Tenant; number: string }) {
  const [receipt, setReceipt] = useState<Receipt | null>(null)
  const [problem, setProblem] = useState<string | null>(null)
  useEffect(() => {
    fetchReceipt(tenant.code, number).then(setReceipt, (err: unknown) => setProblem(String(err)))
  }, [tenant.code, number])
  if (problem) return <p className="error">{problem}</p>
  if (!receipt) return null
  return <ReceiptView tenant={tenant} receipt={receipt} />
}

/** A printable receipt (STS / bukti bayar). */
export function ReceiptPage() {
  const { t } = useTranslation()
  const { receipt = '' } = useParams()
  return <StaffFrame title={t('levies.receipt.title')}>{({ tenant }) => <ReceiptSheet tenant={tenant} number={receipt} />}</StaffFrame>
}
