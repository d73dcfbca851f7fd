/**
 * The contract by which a module offers smart-city indicators computed from its own data. The module that owns
 * the data declares the indicator and computes it with its own store; the kpi module collects every loaded
 * module's indicators, runs them per period in durable jobs and keeps the series. An indicator of a module that
 * is not installed is simply absent from the registry, which the kpi module shows as "not available", never zero.
 */

/** The six dimensions of Gerakan Menuju 100 Smart City. */
export const DIMENSIONS = ['governance', 'branding', 'economy', 'living', 'society', 'environment'] as const
export type Dimension = (typeof DIMENSIONS)[number]

/** Whether a higher or a lower value is better (an SLA share is higher, a response time lower). */
export type Direction = 'higher' | 'lower'
export type Frequency = 'daily' | 'monthly' | 'yearly'
/** How a value may be split: by OPD (key: the tenancy agency id) or by kecamatan / kelurahan (key: the region code). */
export type Breakdown = 'agency' | 'kecamatan' | 'kelurahan'

/**
 * One period of an indicator, already turned into instants in the tenant's time zone: `start` inclusive,
 * `end` exclusive. `key` is `YYYY-MM-DD` (daily), `YYYY-MM` (monthly) or `YYYY` (yearly).
 */
export interface IndicatorPeriod {
  key: string
  frequency: Frequency
  start: Date
  end: Date
}

/** One value of a period: the whole city when `breakdown` is absent, else one OPD or region. */
export interface IndicatorValue {
  breakdown?: { by: Breakdown; key: string }
  value: number
  /** How many records (the indicator's `records` noun) the value was computed from, shown beside it. */
  records?: number
}

/** What a computation is given besides the module's own database access (through the CoreContext it captured). */
export interface IndicatorScope {
  tenant: string
  period: IndicatorPeriod
  /**
   * The values entered for this period (or the latest earlier one) of an entered indicator the computation
   * depends on, e.g. `population` per kelurahan; empty when nobody entered it.
   */
  entered(code: string): Promise<IndicatorValue[]>
}

/** An indicator a module computes from its own data. */
export interface ComputedIndicator {
  /** Stable lower-case snake_case code, unique across the platform (e.g. `report_sla_pct`). */
  code: string
  name: { id: string; en: string }
  dimension: Dimension
  /** Short unit label shown beside the value: `%`, `min`, `Rp`, `count`, `per 10k`. */
  unit: string
  direction: Direction
  frequency: Frequency
  /** The splits the computation also answers, besides the whole-city value. */
  breakdowns: readonly Breakdown[]
  /** How the number is made, in words, shown one click away from it. */
  formula: { id: string; en: string }
  /** What a value's `records` counts, in the plural ("dari 14 kejadian"): `{ id: 'kejadian', en: 'incidents' }`. */
  records: { id: string; en: string }
  /**
   * The indicator measures the present state (cameras online now), not events in the period: the kpi module
   * samples it through its period and stores the mean of the samples; once the period is over the value stands.
   * A sample with nothing to judge by (no camera checked yet) is no sample, not a zero.
   */
  isSnapshot?: boolean
  /** Entered indicators this computation reads through `scope.entered` (e.g. `['population']`). */
  inputs?: readonly string[]
  /**
   * The values of one period: at most one whole-city value (no breakdown) and one per breakdown key. Answer
   * nothing (an empty list) when there is no data to judge by, so the period shows as missing, not as zero.
   */
  compute(scope: IndicatorScope): Promise<IndicatorValue[]>
}

/** Every loaded module's computed indicators, by code. */
export class IndicatorRegistry {
  private readonly byCode = new Map<string, { module: string; indicator: ComputedIndicator }>()

  register(module: string, indicator: ComputedIndicator): void {
    const taken = this.byCode.get(indicator.code)
    if (taken) throw new Error(`Indicator "${indicator.code}" is registered by both ${taken.module} and ${module}`)
    this.byCode.set(indicator.code, { module, indicator })
  }

  get(code: string): ComputedIndicator | undefined {
    return this.byCode.get(code)?.indicator
  }

  moduleOf(code: string): string | undefined {
    return this.byCode.get(code)?.module
  }

  all(): ComputedIndicator[] {
    return [...this.byCode.values()].map((entry) => entry.indicator)
  }
}
