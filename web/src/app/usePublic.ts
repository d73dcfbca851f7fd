import { useEffect, useState } from 'react'
import { api, type Page, type PlatformConfig, type Tenant } from './api.ts'
import { problemText } from './problem.ts'

/** The install's public settings and tenants, for pages shown before login. */
export function usePublicInfo() {
  const [config, setConfig] = useState<PlatformConfig | null>(null)
  const [tenants, setTenants] = useState<Tenant[]>([])
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    Promise.all([api<PlatformConfig>('/api/config'), api<Page<Tenant>>('/api/tenants')]).then(
      ([c, t]) => {
        setConfig(c)
        setTenants(t.items)
      },
      (err: unknown) => setError(problemText(err)),
    )
  }, [])
  return { config, tenants, error }
}
