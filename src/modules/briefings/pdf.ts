import PDFDocument from 'pdfkit'

export interface TablePdf {
  title: string
  city: string
  lines: string[]
  /** Summary counts shown before the table: label and number. */
  figures: [string, string][]
  columns: { header: string; width: number }[]
  rows: string[][]
  pageWord: string
}

/** A briefing as an A4 PDF: title, city, period and when it was made, the key figures, then the table, page numbers. */
export function tablePdf(content: TablePdf): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: 50, bufferPages: true, info: { Title: `${content.title} — ${content.city}`, Author: 'Kendali' } })
  const chunks: Buffer[] = []
  doc.on('data', (c: Buffer) => chunks.push(c))
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)))
    doc.on('error', reject)
  })
  doc.font('Helvetica-Bold').fontSize(16).text(content.title)
  doc.fontSize(13).text(content.city)
  doc.font('Helvetica').fontSize(10)
  for (const line of content.lines) doc.text(line)
  doc.moveDown(0.5)
  for (const [label, value] of content.figures) doc.font('Helvetica-Bold').text(value, { continued: true }).font('Helvetica').text(`  ${label}`)
  doc.moveDown()

  const left = doc.page.margins.left
  const row = (cells: string[], bold: boolean) => {
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(9)
    const heights = cells.map((cell, i) => doc.heightOfString(cell, { width: content.columns[i].width - 6 }))
    const height = Math.max(...heights) + 4
    if (doc.y + height > doc.page.height - doc.page.margins.bottom - 20) doc.addPage()
    const y = doc.y
    let x = left
    cells.forEach((cell, i) => {
      doc.text(cell, x, y + 2, { width: content.columns[i].width - 6 })
      x += content.columns[i].width
    })
    doc.x = left
    doc.y = y + height
    doc.moveTo(left, doc.y).lineTo(x, doc.y).lineWidth(0.3).strokeColor('#999999').stroke()
  }
  row(
    content.columns.map((c) => c.header),
    true,
  )
  for (const cells of content.rows) row(cells, false)

  // Page numbers once every page exists.
  const range = doc.bufferedPageRange()
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i)
    doc
      .font('Helvetica')
      .fontSize(8)
      .text(`${content.pageWord} ${i + 1} / ${range.count}`, left, doc.page.height - doc.page.margins.bottom + 10, { lineBreak: false })
  }
  doc.end()
  return done
}
