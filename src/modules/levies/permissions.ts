import { defineActions } from '../../core/http/permissions.ts'

const OFFICE = ['admin', 'agency_officer'] as const
const PAYERS = ['admin', 'agency_officer', 'collector'] as const

// The market office keeps markets, tariffs and bill runs: administrators everywhere, agency officers only the
// markets their OPD manages (and the city-wide work once their OPD manages a market); collectors take payments
// in the field and keep their own day; the command center and leaders read revenue.
const MARKET = 'manages this market'
const ANY_MARKET = 'manages a market'
export const LEVY_ACTIONS = defineActions({
  'levies.read': { roles: ['admin', 'agency_officer', 'collector', 'operator', 'executive'] },
  /** Today's and the month's revenue; a wall screen reads it too (no vendor, bill or payment). */
  'levies.revenue.read': { roles: ['admin', 'agency_officer', 'collector', 'operator', 'executive'], wall: true },
  'levies.settings.read': { roles: OFFICE, opd: ANY_MARKET },
  'levies.settings.write': { roles: ['admin'] },
  /** Markets, their stalls, permits and yearly targets. */
  'levies.market.write': { roles: OFFICE, opd: MARKET },
  'levies.vendor.write': { roles: OFFICE, opd: ANY_MARKET },
  /** The Perda tariffs. */
  'levies.tariff.write': { roles: OFFICE, opd: ANY_MARKET },
  'levies.bill.generate': { roles: OFFICE, opd: ANY_MARKET },
  'levies.notification.read': { roles: OFFICE, opd: ANY_MARKET },
  'levies.qris.verify': { roles: ['admin', 'agency_officer', 'collector', 'operator', 'executive'], write: false },
  /** Collectors on every market in the field; an officer only on their OPD's markets. */
  'levies.payment.take': { roles: PAYERS, opd: 'manages the bill’s market' },
  /** A collector opens their own day; an officer of the market office may collect too. */
  'levies.collector_day.open': { roles: PAYERS, opd: ANY_MARKET },
  /** A collector sees and closes their own days; the market office (`oversee`) every collector's. */
  'levies.collector_day.read': { roles: PAYERS },
  'levies.collector_day.close': { roles: PAYERS },
  'levies.collector_day.oversee': { roles: OFFICE, opd: ANY_MARKET },
})

export type LevyAction = keyof typeof LEVY_ACTIONS
