/** A small table of rows under their column names (and, in a preview, their detected types). */
export function PreviewTable({ columns, rows }: { columns: { name: string; note?: string }[]; rows: Record<string, unknown>[] }) {
  return (
    <div className="datahub-table">
      <table>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.name}>
                {c.name}
                {c.note && <small>{c.note}</small>}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: preview rows have no id of their own
            <tr key={i}>
              {columns.map((c) => (
                <td key={c.name}>{r[c.name] === null || r[c.name] === undefined ? '' : String(r[c.name])}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
