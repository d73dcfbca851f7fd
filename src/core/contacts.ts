/**
 * Contacts of citizens (reporters, supporters, callers) are personal data under UU 27/2022: shown whole only to the
 * people who handle the case, masked for everyone else who may read the case.
 */
export interface Contact {
  name: string | null
  phone?: string | null
  email?: string | null
}

/** `081234567890` → `0812*****890`: enough to tell two callers apart, not to call them. */
export function maskPhone(phone: string): string {
  if (phone.length <= 7) return '*'.repeat(phone.length)
  return `${phone.slice(0, 4)}${'*'.repeat(phone.length - 7)}${phone.slice(-3)}`
}

/** `Budi Santoso` → `B*** S***`. */
export function maskName(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .map((word) => `${[...word][0]}***`)
    .join(' ')
}

/** `budi@example.com` → `b***@example.com`. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@')
  return at <= 0 ? '***' : `${email[0]}***${email.slice(at)}`
}

/** The contact with every part masked, keeping which parts were given. */
export function maskContact<C extends Contact>(contact: C): C {
  return {
    ...contact,
    name: contact.name === null ? null : maskName(contact.name),
    ...(contact.phone === undefined ? {} : { phone: contact.phone === null ? null : maskPhone(contact.phone) }),
    ...(contact.email === undefined ? {} : { email: contact.email === null ? null : maskEmail(contact.email) }),
  }
}
