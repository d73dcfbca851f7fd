import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'

export interface ReceivedMail {
  from: string
  to: string[]
  raw: string
}

export interface TestSmtp {
  /** Use as `SMTP_URL`. */
  url: string
  /** Every message received, in order. */
  mails: ReceivedMail[]
  /** Refuses the next `count` recipients with 451 (a busy mailbox): the sender should retry. */
  refuseNext(count: number): void
  close(): Promise<void>
}

/** A real SMTP server on a free local port that keeps what it receives, for tests of outgoing mail. */
export async function startTestSmtp(): Promise<TestSmtp> {
  const mails: ReceivedMail[] = []
  let refusals = 0
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    size: 20 * 1024 * 1024,
    onRcptTo: (_address, _session, callback) => {
      if (refusals > 0) {
        refusals--
        callback(Object.assign(new Error('Mailbox busy, try later'), { responseCode: 451 }))
        return
      }
      callback()
    },
    onData: (stream, session, callback) => {
      let raw = ''
      stream.setEncoding('utf8')
      stream.on('data', (chunk: string) => {
        raw += chunk
      })
      stream.on('end', () => {
        const from = session.envelope.mailFrom
        mails.push({ from: from ? from.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw })
        callback()
      })
    },
  })
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve))
  const { port } = smtp.server.address() as AddressInfo
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    refuseNext: (count) => {
      refusals = count
    },
    close: () => new Promise<void>((resolve) => smtp.close(() => resolve())),
  }
}
