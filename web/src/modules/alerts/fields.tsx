import { useTranslation } from 'react-i18next'
import type { AlertTemplate, English } from './api.ts'
import type { CapList } from './cap.ts'

// The select of a CAP code list, the message fields and the optional English block.

/** A CAP code list as a select: the codes are the values, the page's language shows their words. */
export function Select({
  name,
  label,
  options,
  value,
  onChange,
}: {
  name: CapList
  label: string
  options: string[]
  value: string
  onChange: (v: string) => void
}) {
  const { t } = useTranslation()
  return (
    <label>
      {label}
      <select name={name} value={value} onChange={(e) => onChange(e.target.value)}>
        {options.map((o) => (
          <option key={o} value={o}>
            {t(`alerts.${name}.${o}`)}
          </option>
        ))}
      </select>
    </label>
  )
}

/** The message of a warning in Bahasa Indonesia: headline, description and instruction (draft and update forms). */
export function MessageFields({
  value,
  onChange,
}: {
  value: { headline: string; description: string; instruction: string }
  onChange: (key: 'headline' | 'description' | 'instruction') => (v: string) => void
}) {
  const { t } = useTranslation()
  return (
    <>
      <label>
        {t('alerts.field.headline')}
        <input name="headline" maxLength={160} value={value.headline} onChange={(e) => onChange('headline')(e.target.value)} />
      </label>
      <label>
        {t('alerts.field.description')}
        <textarea name="description" value={value.description} onChange={(e) => onChange('description')(e.target.value)} />
      </label>
      <label>
        {t('alerts.field.instruction')}
        <textarea name="instruction" value={value.instruction} onChange={(e) => onChange('instruction')(e.target.value)} />
      </label>
    </>
  )
}

/** The optional English block as four form fields. */
export interface EnglishFields {
  enEvent: string
  enHeadline: string
  enDescription: string
  enInstruction: string
}

export const englishFields = (en: English | null | undefined): EnglishFields => ({
  enEvent: en?.event ?? '',
  enHeadline: en?.headline ?? '',
  enDescription: en?.description ?? '',
  enInstruction: en?.instruction ?? '',
})

/** A text field's value, or nothing when it is blank. */
export const given = (v: string) => (v.trim() ? v : undefined)

/** The English block for the API: only the filled-in fields, and none at all without its event. */
export const englishOf = (f: EnglishFields): English | undefined =>
  f.enEvent.trim() ? { event: f.enEvent, headline: given(f.enHeadline), description: given(f.enDescription), instruction: given(f.enInstruction) } : undefined

/** The English fields of a form, folded away until wanted. */
export function EnglishFieldset({ value, onChange }: { value: EnglishFields; onChange: (key: keyof EnglishFields, v: string) => void }) {
  const { t } = useTranslation()
  return (
    <details className="alert-english" open={value.enEvent !== ''}>
      <summary>{t('alerts.templates.english')}</summary>
      <label>
        {t('alerts.field.event')}
        <input name="enEvent" maxLength={200} value={value.enEvent} onChange={(e) => onChange('enEvent', e.target.value)} />
      </label>
      <label>
        {t('alerts.field.headline')}
        <input name="enHeadline" maxLength={160} value={value.enHeadline} onChange={(e) => onChange('enHeadline', e.target.value)} />
      </label>
      <label>
        {t('alerts.field.description')}
        <textarea name="enDescription" value={value.enDescription} onChange={(e) => onChange('enDescription', e.target.value)} />
      </label>
      <label>
        {t('alerts.field.instruction')}
        <textarea name="enInstruction" value={value.enInstruction} onChange={(e) => onChange('enInstruction', e.target.value)} />
      </label>
    </details>
  )
}

/** A template as the values of an alert form's fields. */
export const templateFields = (tp: AlertTemplate) => ({
  event: tp.event,
  category: tp.category[0] ?? 'Met',
  urgency: tp.urgency,
  severity: tp.severity,
  certainty: tp.certainty,
  headline: tp.headline ?? '',
  description: tp.description ?? '',
  instruction: tp.instruction ?? '',
  ...englishFields(tp.english),
})
