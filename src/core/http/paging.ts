import { type TSchema, Type } from 'typebox'
import { Invalid } from '../errors.ts'

export const PageQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 50, description: 'Items per page (at most 1,000)' })),
  cursor: Type.Optional(Type.String({ maxLength: 500, description: 'The `next` value of the previous page' })),
})

export function Page<T extends TSchema>(item: T) {
  return Type.Object({
    items: Type.Array(item),
    total: Type.Integer(),
    next: Type.Union([Type.String(), Type.Null()], { description: 'Cursor of the next page; null on the last page' }),
  })
}

/** Rows a large list counts exactly before its `total` becomes an estimate. */
export const EXACT_TOTAL_UP_TO = 1000

export const TotalMode = Type.Union([Type.Literal('estimate'), Type.Literal('exact')], {
  default: 'estimate',
  description: `How \`total\` is found: \`estimate\` (default) counts up to ${EXACT_TOTAL_UP_TO.toLocaleString('en')} matches exactly and estimates beyond (fast on any size); \`exact\` counts every match (slow on millions of rows)`,
})

/** A page whose `total` may be an estimate on a large set; `totalIsExact` says which. */
export function EstimatedPage<T extends TSchema>(item: T) {
  return Type.Object({
    items: Type.Array(item),
    total: Type.Integer({
      description: `Matching items: exact up to ${EXACT_TOTAL_UP_TO.toLocaleString('en')} (or with \`total=exact\`), else the database's estimate (at least ${(EXACT_TOTAL_UP_TO + 1).toLocaleString('en')})`,
    }),
    totalIsExact: Type.Boolean({ description: 'false when `total` is an estimate' }),
    next: Type.Union([Type.String(), Type.Null()], { description: 'Cursor of the next page; null on the last page' }),
  })
}

/** Cursors are opaque to clients: base64url JSON of whatever the list needs to continue. */
export function encodeCursor(position: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url')
}

export function decodeCursor<T extends Record<string, string | number>>(cursor: string | undefined, keys: (keyof T)[]): T | null {
  if (!cursor) return null
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>
    for (const key of keys) {
      const v = value[key as string]
      if (typeof v !== 'string' && typeof v !== 'number') throw new Error('missing key')
    }
    return value as T
  } catch {
    throw new Invalid('cursor is not one this API gave out', { field: 'cursor' })
  }
}

/** The sort key a keyset-paged list continues after, from the cursor it gave out (null on the first page). */
export function cursorKey(cursor: string | undefined): string | null {
  return decodeCursor<{ k: string }>(cursor, ['k'])?.k ?? null
}

/** A page `{items, total, next}` of a list sorted by `keyOf`; a full page means there may be more. */
export function keysetPage<T>(items: T[], total: number, limit: number, keyOf: (item: T) => string) {
  return { items, total, next: items.length === limit && items.length > 0 ? encodeCursor({ k: keyOf(items[items.length - 1]) }) : null }
}

/** Reads a keyset-paged list to its end: for a port that answers whole lists, never a silent first page. */
export async function everyPage<T>(page: (cursor: string | undefined) => Promise<{ items: T[]; next: string | null }>): Promise<T[]> {
  const out: T[] = []
  let cursor: string | undefined
  do {
    const p = await page(cursor)
    out.push(...p.items)
    cursor = p.next ?? undefined
  } while (cursor)
  return out
}
