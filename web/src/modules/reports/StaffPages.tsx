import { useTranslation } from 'react-i18next'
import { useParams } from 'react-router-dom'
import { type StaffContext, StaffFrame } from '../../app/StaffFrame.tsx'
import { ReportsBoard, useCatalogue } from './ReportsBoard.tsx'
import { ReportView } from './ReportView.tsx'

/** The command center's queue: new and reopened reports to verify, verified ones to route, and the rest. */
export function QueuePage() {
  const { t } = useTranslation()
  return (
    <StaffFrame title={t('reports.queueTitle')}>
      {(ctx) => (
        <ReportsBoard
          ctx={ctx}
          statuses={[
            { key: `${t('reports.status.submitted')} / ${t('reports.status.reopened')}`, value: 'submitted,reopened' },
            { key: t('reports.status.verified'), value: 'verified' },
            { key: `${t('reports.status.assigned')} / ${t('reports.status.in_progress')}`, value: 'assigned,in_progress' },
            { key: t('reports.status.resolved'), value: 'resolved' },
          ]}
        />
      )}
    </StaffFrame>
  )
}

/** The OPD's inbox: its reports to start, those in progress, and the ones it finished. */
export function InboxPage() {
  const { t } = useTranslation()
  return (
    <StaffFrame title={t('reports.inboxTitle')}>
      {(ctx) => (
        <ReportsBoard
          ctx={ctx}
          statuses={[
            { key: `${t('reports.status.assigned')} / ${t('reports.status.reopened')}`, value: 'assigned,reopened' },
            { key: t('reports.status.in_progress'), value: 'in_progress' },
            { key: t('reports.status.resolved'), value: 'resolved,closed' },
          ]}
        />
      )}
    </StaffFrame>
  )
}

function Detail({ ctx, id }: { ctx: StaffContext; id: string }) {
  const { categories, agencies } = useCatalogue(ctx.tenant.code)
  return (
    <div className="reports-single">
      <ReportView ctx={ctx} id={id} agencies={agencies} categories={categories} />
    </div>
  )
}

/** One report on a page of its own (linked from the map, the queue and the inbox). */
export function ReportPage() {
  const { t } = useTranslation()
  const { id = '' } = useParams()
  return <StaffFrame title={t('reports.layer')}>{(ctx) => <Detail ctx={ctx} id={id} />}</StaffFrame>
}
