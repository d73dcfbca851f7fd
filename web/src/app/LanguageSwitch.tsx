import { useTranslation } from 'react-i18next'
import { LANGUAGES, setLanguage } from './i18n.ts'

/** The language of the page; `compact` (the staff header) names each language by its code. */
export function LanguageSwitch({ compact = false }: { compact?: boolean }) {
  const { t, i18n } = useTranslation()
  return (
    <label className="language">
      <span className="sr-only">{t('language.label')}</span>
      <select data-testid="language" value={i18n.language} onChange={(e) => setLanguage(e.target.value === 'en' ? 'en' : 'id')}>
        {LANGUAGES.map((l) => (
          <option key={l} value={l} title={t(`language.${l}`)}>
            {compact ? l.toUpperCase() : t(`language.${l}`)}
          </option>
        ))}
      </select>
    </label>
  )
}
