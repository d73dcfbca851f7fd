import { type TObject, type TSchema, Type } from 'typebox'

// Bulk create/update: one request carries up to MAX_BULK_ITEMS items; each item is answered on its own (created,
// updated or failed with why), so one bad row never sends back the whole load. Items are not all-or-nothing.

export const MAX_BULK_ITEMS = 1000

/** The request body of a bulk route: `{items: [...]}`, 1 to MAX_BULK_ITEMS items of `item`. */
export function BulkBody<T extends TSchema>(item: T, description: string) {
  return Type.Object(
    { items: Type.Array(item, { minItems: 1, maxItems: MAX_BULK_ITEMS, description: `${description} (at most ${MAX_BULK_ITEMS.toLocaleString('en')})` }) },
    { additionalProperties: false },
  )
}

/** Why one item was not stored, in words for people in both languages, and a code and field for programs. */
export interface BulkProblem {
  code: 'invalid' | 'conflict' | 'not_found' | 'forbidden'
  field: string | null
  message: { id: string; en: string }
}

export const BulkProblem = Type.Object({
  code: Type.Union([Type.Literal('invalid'), Type.Literal('conflict'), Type.Literal('not_found'), Type.Literal('forbidden')]),
  field: Type.Union([Type.String(), Type.Null()], { description: 'The item field at fault, when one is' }),
  message: Type.Object({ id: Type.String({ description: 'Bahasa Indonesia' }), en: Type.String({ description: 'English' }) }),
})

export const problem = (code: BulkProblem['code'], field: string | null, id: string, en: string): BulkProblem => ({ code, field, message: { id, en } })

export type BulkItemResult<Extra = object> =
  | ({ index: number; status: 'created' | 'updated'; id: string; error: null } & Partial<Extra>)
  | { index: number; status: 'failed'; id: string | null; error: BulkProblem }

/** The answer of a bulk route: counts and one result per item, in the order of `items`. */
export function BulkResult<E extends TObject>(extra?: E) {
  const base = Type.Object({
    index: Type.Integer({ description: 'Position of the item in `items`' }),
    status: Type.Union([Type.Literal('created'), Type.Literal('updated'), Type.Literal('failed')]),
    id: Type.Union([Type.String(), Type.Null()], { description: 'The stored row (or the row the item names)' }),
    error: Type.Union([BulkProblem, Type.Null()]),
  })
  return Type.Object({
    created: Type.Integer(),
    updated: Type.Integer(),
    failed: Type.Integer(),
    results: Type.Array(extra ? Type.Intersect([base, Type.Partial(extra)]) : base),
  })
}

/**
 * Collects a bulk request's outcome: items fail during checks (`fail`), the rest are stored together and then
 * marked `stored`; `answer` lists every item in order.
 */
export class BulkOutcome<Extra extends object = object> {
  private readonly results = new Map<number, BulkItemResult<Extra>>()

  fail(index: number, error: BulkProblem, id: string | null = null): void {
    this.results.set(index, { index, status: 'failed', id, error })
  }

  stored(index: number, id: string, isCreated: boolean, extra?: Extra): void {
    this.results.set(index, { index, status: isCreated ? 'created' : 'updated', id, error: null, ...extra } as BulkItemResult<Extra>)
  }

  isFailed(index: number): boolean {
    return this.results.get(index)?.status === 'failed'
  }

  /** The first index of each key; later items with the same key fail as repeats (one statement cannot write a row twice). */
  firstOfEach(keys: string[], field: string, what: { id: string; en: string }): void {
    const seen = new Set<string>()
    keys.forEach((key, index) => {
      if (this.isFailed(index)) return
      if (seen.has(key))
        this.fail(index, problem('invalid', field, `${what.id} ${key} muncul dua kali dalam permintaan ini`, `${what.en} ${key} appears twice in this request`))
      seen.add(key)
    })
  }

  answer(count: number) {
    const results: BulkItemResult<Extra>[] = []
    const tally = { created: 0, updated: 0, failed: 0 }
    for (let index = 0; index < count; index++) {
      const r = this.results.get(index) ?? {
        index,
        status: 'failed' as const,
        id: null,
        error: problem('conflict', null, 'Butir ini tidak tersimpan', 'This item was not stored'),
      }
      tally[r.status] += 1
      results.push(r)
    }
    return { ...tally, results }
  }
}
