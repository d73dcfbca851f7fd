import { Invalid, NotFound } from '../../core/errors.ts'
import type { CoreContext } from '../../core/module.ts'
import { recordKpiEvent } from './events.ts'

/**
 * Onboarding: every loaded module with a `copyConfig` hook copies its shareable configuration from a template
 * tenant, all in one transaction so a failure leaves the new tenant as it was. Data and people are never copied.
 */
export async function copyConfig(
  ctx: CoreContext,
  tenantExists: (code: string) => Promise<boolean>,
  actor: string,
  from: string,
  to: string,
): Promise<{ from: string; copied: Record<string, number> }> {
  if (from === to) throw new Invalid('A tenant cannot be its own template', { field: 'from' })
  if (!(await tenantExists(from))) throw new NotFound(`There is no tenant ${from} to copy from`, { field: 'from' })
  return ctx.db.transaction(async (tx) => {
    const copied: Record<string, number> = {}
    for (const module of ctx.modules) {
      if (module.copyConfig) copied[module.name] = await module.copyConfig(ctx, tx, from, to)
    }
    await recordKpiEvent(ctx.events, tx, to, actor, { topic: 'kpi', type: 'config.copied', entity: null, data: { from, copied } })
    return { from, copied }
  })
}
