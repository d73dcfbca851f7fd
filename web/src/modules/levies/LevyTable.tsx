import type { ReactNode } from 'react'

/** The market office's tables: a header row, then the rows, or a line saying there is nothing. */
export function LevyTable({ head, children, empty }: { head: string[]; children: ReactNode[]; empty: string }) {
  if (children.length === 0) return <p className="muted">{empty}</p>
  return (
    <table className="levy-table">
      <thead>
        <tr>
          {head.map((h, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: headers are fixed per table, some are blank
            <th key={i}>{h}</th>
          ))}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  )
}
