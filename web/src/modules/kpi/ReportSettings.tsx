import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { api } from '../../app/api.ts'
import { problemText } from '../../app/problem.ts'
import type { ReportSettings } from './api.ts'

const formOf = (s: ReportSettings) => ({
  heading: s.heading.join('\n'),
  address: s.address ?? '',
  signerName: s.signerName ?? '',
  signerTitle: s.signerTitle ?? '',
  signerNip: s.signerNip ?? '',
})
const messageOf = (err: unknown) => problemText(err)

/** An admin sets the report's letterhead (lines, address, logo) and who signs it. */
export function ReportSettingsPanel({ tenant }: { tenant: string }) {
  const { t } = useTranslation()
  const [settings, setSettings] = useState<ReportSettings | null>(null)
  const [form, setForm] = useState({ heading: '', address: '', signerName: '', signerTitle: '', signerNip: '' })
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null)
  const [logoVersion, setLogoVersion] = useState(0)

  const show = (s: ReportSettings) => {
    setSettings(s)
    setForm(formOf(s))
  }
  const fail = (err: unknown) => setMessage({ ok: false, text: messageOf(err) })
  useEffect(() => {
    api<ReportSettings>(`/api/t/${tenant}/kpi/report-settings`).then(
      (s) => {
        setSettings(s)
        setForm(formOf(s))
      },
      (err: unknown) => setMessage({ ok: false, text: messageOf(err) }),
    )
  }, [tenant])

  const field = (name: keyof typeof form, label: string, multiline = false) =>
    multiline ? (
      <label className="kpi-field">
        <span>{label}</span>
        <textarea rows={3} value={form[name]} onChange={(e) => setForm({ ...form, [name]: e.target.value })} />
      </label>
    ) : (
      <label className="kpi-field">
        <span>{label}</span>
        <input value={form[name]} onChange={(e) => setForm({ ...form, [name]: e.target.value })} />
      </label>
    )
  const orNull = (v: string) => (v.trim() === '' ? null : v.trim())
  return (
    <section className="kpi-panel kpi-report-settings" data-testid="kpi-report-settings">
      <h2>{t('kpi.reportSettings.title')}</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault()
          api<ReportSettings>(`/api/t/${tenant}/kpi/report-settings`, {
            method: 'PUT',
            body: {
              heading: form.heading
                .split('\n')
                .map((l) => l.trim())
                .filter(Boolean),
              address: orNull(form.address),
              signerName: orNull(form.signerName),
              signerTitle: orNull(form.signerTitle),
              signerNip: orNull(form.signerNip),
            },
          }).then((s) => {
            show(s)
            setMessage({ ok: true, text: t('kpi.reportSettings.saved') })
          }, fail)
        }}
      >
        {field('heading', t('kpi.reportSettings.heading'), true)}
        {field('address', t('kpi.reportSettings.address'))}
        {field('signerTitle', t('kpi.reportSettings.signerTitle'))}
        {field('signerName', t('kpi.reportSettings.signerName'))}
        {field('signerNip', t('kpi.reportSettings.signerNip'))}
        <button type="submit" className="button primary">
          {t('kpi.reportSettings.save')}
        </button>
      </form>
      <div className="kpi-logo">
        {settings?.hasLogo && <img src={`/api/t/${tenant}/kpi/report-settings/logo?v=${logoVersion}`} alt={t('kpi.reportSettings.logo')} />}
        <label className="button">
          {t('kpi.reportSettings.upload')}
          <input
            type="file"
            accept="image/jpeg,image/png,image/webp"
            className="kpi-sr"
            onChange={(e) => {
              const file = e.target.files?.[0]
              if (!file) return
              const body = new FormData()
              body.append('logo', file)
              fetch(`/api/t/${tenant}/kpi/report-settings/logo`, { method: 'PUT', body, credentials: 'same-origin' })
                .then(async (res) => {
                  // The server's refusal (not a picture, too large) is told in the page's words.
                  if (!res.ok) throw new Error(t('kpi.reportSettings.logoRefused'))
                  show((await res.json()) as ReportSettings)
                  setLogoVersion((v) => v + 1)
                  setMessage({ ok: true, text: t('kpi.reportSettings.logoSaved') })
                })
                .catch(fail)
            }}
          />
        </label>
      </div>
      {message && <p className={message.ok ? 'kpi-muted' : 'error'}>{message.text}</p>}
    </section>
  )
}
