import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { api, type Tenant } from '../../app/api.ts'
import { usePermitted } from '../../app/auth.tsx'
import { problemText } from '../../app/problem.ts'
import { StaffFrame } from '../../app/StaffFrame.tsx'
import { formatTime } from '../../app/time.ts'
import type { SharedModule, Sharing } from './api.ts'

/** A city's choice, module by module, of the figures its province sees. */
export function SharingPage() {
  const { t } = useTranslation()
  return <StaffFrame title={t('province.sharing.title')}>{({ tenant }) => <SharingView tenant={tenant} />}</StaffFrame>
}

function SharingView({ tenant }: { tenant: Tenant }) {
  const { t, i18n } = useTranslation()
  const permitted = usePermitted(tenant.code)
  const mayChange = permitted?.has('province.sharing.write') ?? false
  const [sharing, setSharing] = useState<Sharing | null>(null)
  const [draft, setDraft] = useState<Partial<Record<SharedModule, boolean>>>({})
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null)
  useEffect(() => {
    api<Sharing>(`/api/t/${tenant.code}/province/sharing`).then(setSharing, (err: unknown) => setMessage({ ok: false, text: String(err) }))
  }, [tenant.code])

  const save = async () => {
    try {
      setSharing(await api<Sharing>(`/api/t/${tenant.code}/province/sharing`, { method: 'PUT', body: draft }))
      setDraft({})
      setMessage({ ok: true, text: t('province.sharing.saved') })
    } catch (err) {
      setMessage({ ok: false, text: problemText(err) })
    }
  }

  return (
    <main className="page province-sharing" data-testid="province-sharing">
      <p>{t('province.sharing.intro')}</p>
      {sharing && (
        <ul className="province-sharing-list">
          {sharing.modules.map((m) => (
            <li key={m.module}>
              <label>
                <input
                  type="checkbox"
                  disabled={!mayChange}
                  checked={draft[m.module] ?? m.isShared}
                  onChange={(e) => setDraft({ ...draft, [m.module]: e.target.checked })}
                  data-module={m.module}
                />{' '}
                {t(`province.sharing.module.${m.module}`)}
              </label>
              {m.updatedBy && m.updatedAt && (
                <span className="muted">
                  {' '}
                  — {t('province.sharing.changedBy', { who: m.updatedBy, at: formatTime(m.updatedAt, tenant.timezone, i18n.language) })}
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
      {mayChange ? (
        <button type="button" className="button primary" disabled={Object.keys(draft).length === 0} onClick={save}>
          {t('province.sharing.save')}
        </button>
      ) : (
        <p className="muted">{t('province.sharing.onlyAdmin')}</p>
      )}
      {message && <p className={message.ok ? 'ok' : 'error'}>{message.text}</p>}
    </main>
  )
}
