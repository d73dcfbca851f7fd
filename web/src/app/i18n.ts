import i18n from 'i18next'
import { initReactI18next } from 'react-i18next'
import en from './locales/en.json'
import id from './locales/id.json'

const STORAGE_KEY = 'kendali.language'
export const LANGUAGES = ['id', 'en'] as const
export type Language = (typeof LANGUAGES)[number]

function storedLanguage(): Language {
  const stored = localStorage.getItem(STORAGE_KEY)
  return stored === 'en' ? 'en' : 'id'
}

// Bahasa Indonesia first; English is the second language.
void i18n.use(initReactI18next).init({
  resources: { id: { translation: id }, en: { translation: en } },
  lng: storedLanguage(),
  fallbackLng: 'id',
  interpolation: { escapeValue: false },
})

export function setLanguage(language: Language): void {
  localStorage.setItem(STORAGE_KEY, language)
  document.documentElement.lang = language
  void i18n.changeLanguage(language)
}

document.documentElement.lang = storedLanguage()
