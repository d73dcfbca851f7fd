import { defineActions } from '../../core/http/permissions.ts'

const OWNERS = ['admin', 'agency_officer'] as const
const DATASET = 'owns this dataset'

// Each dataset, connector (through its dataset) and app belongs to an OPD: its officers keep it, admins keep all;
// the command center (operators) keeps datasets too. Connector settings and runs hold the addresses of OPD
// systems: only their keepers read them, not leaders or the province. Public assets have no owning OPD: admins
// keep them.
export const DATAHUB_ACTIONS = defineActions({
  'datahub.dataset.write': { roles: ['admin', 'operator', 'agency_officer'], opd: DATASET },
  'datahub.dataset.delete': { roles: ['admin'] },
  /** Resources, versions and pushed rows of a dataset. */
  'datahub.dataset.rows.write': { roles: ['admin', 'operator', 'agency_officer'], opd: DATASET },
  'datahub.connector.read': { roles: OWNERS, write: true },
  'datahub.connector.write': { roles: OWNERS, opd: 'owns the connector’s dataset' },
  'datahub.connector.alarm.read': { roles: ['admin', 'operator', 'agency_officer', 'executive'] },
  /** The command center acknowledges it on the console like any other alarm; an OPD, for its own datasets. */
  'datahub.connector.alarm.ack': { roles: ['admin', 'operator', 'agency_officer'], opd: 'owns the connector’s dataset' },
  'datahub.app.write': { roles: OWNERS, opd: 'runs this app' },
  'datahub.app.archive': { roles: ['admin'] },
  'datahub.asset.read': { roles: ['admin', 'operator', 'agency_officer'] },
  'datahub.asset.write': { roles: ['admin'] },
  /** Up or down, as reported by the command center or an OPD system. */
  'datahub.asset.status': { roles: ['admin', 'operator', 'agency_officer'] },
  'datahub.webhook.read': { roles: ['admin'] },
  'datahub.webhook.write': { roles: ['admin'] },
})

export type DatahubAction = keyof typeof DATAHUB_ACTIONS
