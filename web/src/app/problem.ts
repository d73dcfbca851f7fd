import i18n from 'i18next'
import { ApiError } from './api.ts'

/**
 * What went wrong, in the page's language. The API's messages are English sentences for developers and logs; a
 * person on an Indonesian page reads a sentence made from the error's code, its `details.reason` where the API
 * gives one, and the field at fault (`problem.code.*`, `problem.reason.*`, `problem.field.*` in the app's
 * locales). On an English page the API's own message is shown: it is the more precise one.
 * `fields` names a form's own fields (keyed as the API names them) where the shared names do not fit.
 */
export function problemText(err: unknown, fields: Record<string, string> = {}): string {
  if (!(err instanceof ApiError)) {
    // fetch() failing (no network, server down) or a page's own Error with a sentence already in its language.
    if (err instanceof TypeError) return i18n.t('problem.network')
    return err instanceof Error ? err.message : String(err)
  }
  if (i18n.language === 'en' && err.message) return err.message
  const field = fieldName(err.details.field, fields)
  // A refusal the API gives a reason for (outside the city, a private address, a name taken) says that reason.
  const reason = err.details.reason
  if (typeof reason === 'string' && i18n.exists(`problem.reason.${reason}`)) {
    return i18n.t(`problem.reason.${reason}`, { field: field ?? i18n.t('problem.thisField') })
  }
  if (i18n.exists(`problem.code.${err.code}`)) {
    const sentence = i18n.t(`problem.code.${err.code}`)
    return field ? `${sentence} ${i18n.t('problem.atField', { field })}` : sentence
  }
  if (field) return i18n.t('problem.invalidField', { field })
  return i18n.t(`problem.status.${statusGroup(err.status)}`)
}

/** The field's name in words: the form's own, else the shared dictionary's, else none (never the API's key). */
function fieldName(field: unknown, fields: Record<string, string>): string | null {
  if (typeof field !== 'string' || !field) return null
  const last = field.split('.').at(-1) ?? field
  const named = fields[field] ?? fields[last]
  if (named) return named
  // The whole path first (`updates.to` is the number for updates, not a "to" date), then its last part.
  for (const key of [field, last]) {
    const word: unknown =
      i18n.getResource(i18n.language, 'translation', `problem.field.${key}`) ?? i18n.getResource('id', 'translation', `problem.field.${key}`)
    if (typeof word === 'string') return word
  }
  return null
}

function statusGroup(status: number): string {
  if ([400, 401, 403, 404, 409, 413, 415, 429, 502, 503].includes(status)) return String(status)
  return status >= 500 ? '500' : '400'
}
