import type { Queryable } from '../../core/db/database.ts'
import { NotFound } from '../../core/errors.ts'
import type { TenancyPort } from '../../core/tenancy.ts'
import type { OverviewService } from './overview.ts'
import { kpiReportPdf, type Language } from './report.ts'
import * as store from './store.ts'

/**
 * The leader's report of a tenant and period (`YYYY-MM`, `YYYY-Qn`, `YYYY`) as a PDF: what the report route
 * answers and what scheduled reports attach.
 */
export async function buildReport(
  db: Queryable,
  tenancy: Pick<TenancyPort, 'tenantOn'>,
  overview: OverviewService,
  tenant: string,
  period: string,
  lang: Language,
  now = new Date(),
): Promise<Buffer> {
  const city = await tenancy.tenantOn(db, tenant)
  if (!city) throw new NotFound(`There is no tenant ${tenant}`)
  const [figures, settings, logo] = await Promise.all([overview.overview(db, tenant, period), store.reportSettings(db, tenant), store.reportLogo(db, tenant)])
  return kpiReportPdf(figures, { name: city.name, timezone: city.timezone, settings, logo }, lang, now)
}
