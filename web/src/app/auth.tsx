import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react'
import { ApiError, api, type Me, sessionEnded } from './api.ts'

/** Failed logins on the account since its last login, told at login: someone may have tried to guess the password. */
export interface FailedLogins {
  count: number
  lastAt: string
  lastFrom: string
}

/** Per tenant code, the actions of the permission matrix the person may start there (`GET /api/auth/me`). */
export type Permitted = Record<string, string[]>

interface Auth {
  /** undefined while asking the server, null when nobody is logged in. */
  me: Me | null | undefined
  /** What the person may do, per tenant asked about so far. */
  actions: Permitted
  /** Asks what the person may do in a tenant they reach through another grant (a province's city). */
  askActions(tenant: string): void
  login(username: string, password: string): Promise<Me>
  /** Failed logins told at this login, until the person has read them. */
  failedLogins: FailedLogins | null
  dismissFailedLogins(): void
  logout(): Promise<void>
}

const AuthContext = createContext<Auth | null>(null)

export function AuthProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null | undefined>(undefined)
  const [failedLogins, setFailedLogins] = useState<FailedLogins | null>(null)
  const [actions, setActions] = useState<Permitted>({})

  useEffect(() => {
    api<{ user: Me; actions: Permitted }>('/api/auth/me').then(
      (r) => {
        setActions(r.actions)
        setMe(r.user)
      },
      (err: unknown) => {
        // 401 is the ordinary anonymous visitor; anything else (server starting, network) is worth a trace.
        if (!(err instanceof ApiError && err.status === 401)) console.warn('could not ask who is logged in', err)
        setMe(null)
      },
    )
  }, [])

  useEffect(() => {
    const ended = () => setMe(null)
    sessionEnded.addEventListener('ended', ended)
    return () => sessionEnded.removeEventListener('ended', ended)
  }, [])

  const login = useCallback(async (username: string, password: string) => {
    const r = await api<{ user: Me; failedLogins: FailedLogins | null }>('/api/auth/login', { method: 'POST', body: { username, password } })
    const asked = await api<{ actions: Permitted }>('/api/auth/me')
    setActions(asked.actions)
    setMe(r.user)
    setFailedLogins(r.failedLogins)
    return r.user
  }, [])
  const askActions = useCallback((tenant: string) => {
    api<{ actions: Permitted }>(`/api/auth/me?tenant=${encodeURIComponent(tenant)}`).then(
      (r) => setActions((known) => ({ ...known, ...r.actions })),
      () => undefined,
    )
  }, [])
  const dismissFailedLogins = useCallback(() => setFailedLogins(null), [])

  const logout = useCallback(async () => {
    await api('/api/auth/logout', { method: 'POST' })
    setMe(null)
    setActions({})
  }, [])

  const value = useMemo(
    () => ({ me, actions, askActions, login, logout, failedLogins, dismissFailedLogins }),
    [me, actions, askActions, login, logout, failedLogins, dismissFailedLogins],
  )
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>
}

export function useAuth(): Auth {
  const auth = useContext(AuthContext)
  if (!auth) throw new Error('useAuth outside AuthProvider')
  return auth
}

/** The tenant a person lands on after login: their first grant, else their home. */
export function homeTenant(me: Me, fallback: string): string {
  return me.grants[0]?.tenant ?? (me.isPlatformAdmin ? fallback : me.tenant)
}

/**
 * What the person may do in a tenant: the set of permitted actions, or undefined while it is being asked
 * (a city read through a province grant is asked about on first use).
 */
export function usePermitted(tenant: string): Set<string> | undefined {
  const { actions, askActions, me } = useAuth()
  const known = actions[tenant]
  useEffect(() => {
    if (me && !known && tenant) askActions(tenant)
  }, [me, known, tenant, askActions])
  return useMemo(() => (known ? new Set(known) : undefined), [known])
}
