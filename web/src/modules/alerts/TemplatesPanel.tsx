import { type FormEvent, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { problemText } from '../../app/problem.ts'
import { type AlertTemplate, deleteTemplate, saveTemplate, type TemplateInput } from './api.ts'
import { CATEGORIES, CERTAINTIES, SEVERITIES, URGENCIES } from './cap.ts'
import { EnglishFieldset, englishFields, englishOf, given, Select, templateFields } from './fields.tsx'

const EMPTY = {
  name: '',
  event: '',
  category: 'Met',
  urgency: 'Expected',
  severity: 'Moderate',
  certainty: 'Likely',
  headline: '',
  description: '',
  instruction: '',
  ...englishFields(null),
}
type Form = typeof EMPTY

const formOf = (t: AlertTemplate): Form => ({ name: t.name, ...templateFields(t) })

/** Only the fields that are filled in; the English block only with its event. */
function inputOf(f: Form): TemplateInput {
  return {
    name: f.name,
    event: f.event,
    category: [f.category],
    urgency: f.urgency,
    severity: f.severity,
    certainty: f.certainty,
    headline: given(f.headline),
    description: given(f.description),
    instruction: given(f.instruction),
    english: englishOf(f),
  }
}

/** The admin keeps the tenant's alert templates: add, change, remove. */
export function TemplatesPanel({ tenant, templates, onChanged }: { tenant: string; templates: AlertTemplate[]; onChanged: () => void }) {
  const { t } = useTranslation()
  const [editing, setEditing] = useState<string | null>(null)
  const [form, setForm] = useState<Form>(EMPTY)
  const [error, setError] = useState<string | null>(null)
  const set = (key: keyof Form) => (v: string) => setForm((f) => ({ ...f, [key]: v }))
  const text = (key: keyof Form, label: string, long = false) =>
    long ? (
      <label>
        {label}
        <textarea name={key} value={form[key]} onChange={(e) => set(key)(e.target.value)} />
      </label>
    ) : (
      <label>
        {label}
        <input name={key} value={form[key]} onChange={(e) => set(key)(e.target.value)} />
      </label>
    )
  const fail = (err: unknown) => setError(problemText(err))
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    try {
      await saveTemplate(tenant, inputOf(form), editing ?? undefined)
      setEditing(null)
      setForm(EMPTY)
      setError(null)
      onChanged()
    } catch (err) {
      fail(err)
    }
  }
  const remove = (id: string) => deleteTemplate(tenant, id).then(onChanged, fail)
  return (
    <section className="alert-templates" data-testid="alert-templates">
      <h2>{t('alerts.templates.title')}</h2>
      <p className="muted">{t('alerts.templates.hint')}</p>
      <ul className="alert-template-list">
        {templates.map((tp) => (
          <li key={tp.id} data-testid="alert-template">
            <strong>{tp.name}</strong> <span className="muted">{tp.event}</span>{' '}
            <button
              type="button"
              className="link"
              onClick={() => {
                setEditing(tp.id)
                setForm(formOf(tp))
              }}
            >
              {t('alerts.templates.edit')}
            </button>{' '}
            <button type="button" className="link" onClick={() => remove(tp.id)}>
              {t('alerts.templates.remove')}
            </button>
          </li>
        ))}
      </ul>
      <form className="alert-form" onSubmit={submit} data-testid="template-form">
        <h3>{editing ? t('alerts.templates.editTitle') : t('alerts.templates.newTitle')}</h3>
        <label>
          {t('alerts.templates.name')}
          <input name="name" required maxLength={80} value={form.name} onChange={(e) => set('name')(e.target.value)} />
        </label>
        <label>
          {t('alerts.field.event')}
          <input name="event" required maxLength={200} value={form.event} onChange={(e) => set('event')(e.target.value)} />
        </label>
        <Select name="category" label={t('alerts.field.category')} options={CATEGORIES} value={form.category} onChange={set('category')} />
        <Select name="urgency" label={t('alerts.field.urgency')} options={URGENCIES} value={form.urgency} onChange={set('urgency')} />
        <Select name="severity" label={t('alerts.field.severity')} options={SEVERITIES} value={form.severity} onChange={set('severity')} />
        <Select name="certainty" label={t('alerts.field.certainty')} options={CERTAINTIES} value={form.certainty} onChange={set('certainty')} />
        {text('headline', t('alerts.field.headline'))}
        {text('description', t('alerts.field.description'), true)}
        {text('instruction', t('alerts.field.instruction'), true)}
        <EnglishFieldset value={form} onChange={(key, v) => set(key)(v)} />
        {error && <p className="error">{error}</p>}
        <button type="submit" className="button primary">
          {t('alerts.templates.save')}
        </button>{' '}
        {editing && (
          <button
            type="button"
            className="button"
            onClick={() => {
              setEditing(null)
              setForm(EMPTY)
            }}
          >
            {t('alerts.close')}
          </button>
        )}
      </form>
    </section>
  )
}
