import type { ComponentType, ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { NavLink } from 'react-router-dom'
import type { Tenant } from '../../app/api.ts'
import { useAuth } from '../../app/auth.tsx'
import { type StaffContext, StaffFrame } from '../../app/StaffFrame.tsx'

const TABS = ['users', 'agencies', 'tokens', 'regions'] as const

/** The city's administration pages under one header, with tabs; the platform administrator also sees the tenants. */
export function AdminFrame({ title, children }: { title: string; children: (ctx: StaffContext) => ReactNode }) {
  const { t } = useTranslation()
  const { me } = useAuth()
  return (
    <StaffFrame title={title}>
      {(ctx) => (
        <div className="tenancy-admin">
          <nav className="tenancy-tabs" aria-label={t('tenancy.nav.admin')}>
            {TABS.map((tab) => (
              <NavLink key={tab} to={`/t/${ctx.tenant.code}/admin/${tab}`}>
                {t(`tenancy.tabs.${tab}`)}
              </NavLink>
            ))}
            {me?.isPlatformAdmin && <NavLink to={`/t/${ctx.tenant.code}/admin/tenants`}>{t('tenancy.tabs.tenants')}</NavLink>}
          </nav>
          {ctx.roles.has('admin') ? children(ctx) : <p className="error">{t('tenancy.adminOnly')}</p>}
        </div>
      )}
    </StaffFrame>
  )
}

/** A page of the administration: its title and a body for the tenant. */
export function adminPage(titleKey: string, Body: ComponentType<{ tenant: Tenant }>): ComponentType {
  return function AdminPage() {
    const { t } = useTranslation()
    return <AdminFrame title={t(titleKey)}>{({ tenant }) => <Body tenant={tenant} />}</AdminFrame>
  }
}

/** The buttons under a form: submit, and cancel when the form can be closed. */
export function FormActions({ submit, onCancel }: { submit: string; onCancel?: () => void }) {
  const { t } = useTranslation()
  return (
    <div className="tenancy-actions">
      <button type="submit" className="button primary">
        {submit}
      </button>
      {onCancel && (
        <button type="button" className="button" onClick={onCancel}>
          {t('tenancy.cancel')}
        </button>
      )}
    </div>
  )
}

/** A problem from the API, shown where the person looks. */
export function Problem({ text }: { text: string | null }) {
  return text ? (
    <p className="error" role="alert" data-testid="tenancy-problem">
      {text}
    </p>
  ) : null
}

/** Ticks for a fixed set of choices (roles, OPDs), as a controlled list. */
export function Choices<T extends string>({
  name,
  options,
  selected,
  onChange,
  label,
}: {
  name: string
  options: T[]
  selected: T[]
  onChange: (next: T[]) => void
  label: (option: T) => string
}) {
  return (
    <div className="tenancy-choices" data-testid={`choices-${name}`}>
      {options.map((option) => (
        <label key={option}>
          <input
            type="checkbox"
            name={name}
            value={option}
            checked={selected.includes(option)}
            onChange={(e) => onChange(e.target.checked ? [...selected, option] : selected.filter((s) => s !== option))}
          />{' '}
          {label(option)}
        </label>
      ))}
    </div>
  )
}
