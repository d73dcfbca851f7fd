import { createTransport } from 'nodemailer'

const TIMEOUT_MS = 10_000

/** Outgoing e-mail: one transport for every module (alerts, reports), from SMTP_URL. */
export interface Mailer {
  send(mail: { to: string; subject: string; text: string; attachments?: MailAttachment[] }): Promise<void>
}

export interface MailAttachment {
  filename: string
  content: Buffer
  contentType: string
}

/** E-mail through the SMTP server of `SMTP_URL` (smtp:// with STARTTLS when offered, smtps:// for TLS). */
export function smtpMailer(url: string, from: string): Mailer {
  const transport = createTransport({ url, connectionTimeout: TIMEOUT_MS, greetingTimeout: TIMEOUT_MS, socketTimeout: TIMEOUT_MS }, { from })
  return {
    send: async (mail) => {
      await transport.sendMail(mail)
    },
  }
}
