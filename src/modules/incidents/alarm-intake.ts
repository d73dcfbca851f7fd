import type { ConsumerSpec } from '../../core/events/consumer.ts'
import type { KendaliEvent } from '../../core/events/log.ts'
import type { GeoPoint } from '../../core/geo/geojson.ts'
import type { Priority } from './catalogue.ts'
import type { IncidentService } from './incidents.ts'
import type { CreateIncident } from './schema.ts'

// Which incident type a sensor alarm becomes, by the metric that tripped it.
const TYPE_BY_METRIC: Record<string, string> = { water_level: 'flood', rainfall: 'flood' }
const PRIORITY_BY_SEVERITY: Record<string, Priority> = { awas: 'P1', siaga: 'P2', waspada: 'P3', info: 'P4' }

/** The incident a raised sensor alarm asks for (its rule's action is `incident`); null for any other event. */
export function incidentFromAlarm(event: KendaliEvent): CreateIncident | null {
  const d = event.data
  if (event.topic !== 'sensors' || event.type !== 'alarm.raised' || d.action !== 'incident' || !event.entity) return null
  const location = d.location as GeoPoint | undefined
  if (location?.type !== 'Point') return null
  const metric = typeof d.metric === 'string' ? d.metric : ''
  return {
    type: TYPE_BY_METRIC[metric] ?? 'other_disaster',
    priority: PRIORITY_BY_SEVERITY[String(d.severity)] ?? 'P3',
    source: 'sensor',
    location: { type: 'Point', coordinates: location.coordinates },
    address: typeof d.name === 'string' ? d.name : undefined,
    description: `${String(d.name ?? '')}: ${metric} ${String(d.value ?? '')} (${String(d.severity ?? '')})`,
    alarmId: event.entity,
  }
}

/**
 * Reads the sensors module's alarms from the event log: an alarm whose rule asks for an incident becomes one,
 * once (a unique alarm id per tenant), also when it was raised while no instance was listening.
 */
export function alarmIntake(incidents: IncidentService): ConsumerSpec {
  return {
    name: 'incidents.alarm_intake',
    topics: ['sensors'],
    types: ['alarm.raised'],
    handle: async (db, event) => {
      const input = incidentFromAlarm(event)
      if (input?.alarmId) await incidents.createFromAlarm(db, event.tenant, { ...input, alarmId: input.alarmId })
    },
  }
}
