import { type TNumberOptions, Type } from 'typebox'

// Numbers a client sends, bounded to what their column holds: the bounds are in the schema, so they are both
// checked and published in the OpenAPI document. test/api/request-schemas.test.ts fails on any number without them.

/** An `int` (int4) column; narrower bounds in `options` win. */
export const Int4 = (options: TNumberOptions = {}) => Type.Integer({ minimum: -2_147_483_648, maximum: 2_147_483_647, ...options })

/** A `bigint` column whose values JSON carries exactly (sequences, counters): the safe-integer range. */
export const Int8 = (options: TNumberOptions = {}) => Type.Integer({ minimum: -Number.MAX_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER, ...options })

/**
 * A `double precision` column holding a measurement, a KPI value or target: ±10^15 (a city budget in Rupiah
 * fits with room to spare, and every value keeps its precision through JSON).
 */
export const Double = (options: TNumberOptions = {}) => Type.Number({ minimum: -1e15, maximum: 1e15, ...options })
