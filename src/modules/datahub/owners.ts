import type { FastifyRequest } from 'fastify'
import { assertActsFor } from '../../core/http/permissions.ts'
import { principalOf, tenantOf } from '../../core/http/request.ts'
import type { CoreContext } from '../../core/module.ts'
import { DATAHUB_ACTIONS, type DatahubAction } from './permissions.ts'
import type { Lookups } from './ports.ts'
import * as store from './store.ts'

/**
 * Refuses a data hub write for an OPD the caller does not act for (permission matrix): the OPD owning a dataset,
 * a connector's dataset, an app. Something missing is left to the service, which answers 404 or 400.
 */
export class Owners {
  constructor(
    private readonly ctx: CoreContext,
    private readonly lookups: Lookups,
  ) {}

  private actsFor(request: FastifyRequest, action: DatahubAction, agencyId: string | null): void {
    assertActsFor(principalOf(request), tenantOf(request), action, DATAHUB_ACTIONS[action], agencyId)
  }

  /** The OPD a body names by code (`null`: none, `undefined`: unchanged). */
  async organization(request: FastifyRequest, action: DatahubAction, code: string | null | undefined): Promise<void> {
    if (code === undefined) return
    const org = code === null ? null : (await this.lookups.organizations(this.ctx.db, tenantOf(request).code)).find((o) => o.code === code)
    if (org !== undefined) this.actsFor(request, action, org?.id ?? null)
  }

  async dataset(request: FastifyRequest, action: DatahubAction, name: string): Promise<void> {
    const row = await store.findDataset(this.ctx.db, tenantOf(request).code, name)
    if (row) this.actsFor(request, action, row.agency_id)
  }

  async connector(request: FastifyRequest, action: DatahubAction, id: string): Promise<void> {
    const tenant = tenantOf(request).code
    const datasetId = await store.connectorDatasetId(this.ctx.db, tenant, id)
    if (datasetId) this.actsFor(request, action, (await store.findDatasetById(this.ctx.db, tenant, datasetId))?.agency_id ?? null)
  }

  async alarm(request: FastifyRequest, action: DatahubAction, id: string): Promise<void> {
    const alarm = await store.findAlarm(this.ctx.db, tenantOf(request).code, id)
    if (alarm) await this.connector(request, action, alarm.connector_id)
  }

  async app(request: FastifyRequest, action: DatahubAction, id: string): Promise<void> {
    const app = await store.findApp(this.ctx.db, tenantOf(request).code, id)
    if (app) this.actsFor(request, action, app.agency_id)
  }
}
