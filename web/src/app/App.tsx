import { lazy, Suspense } from 'react'
import { Route, Routes } from 'react-router-dom'
import { AuthProvider } from './auth.tsx'
import { FailedLoginsNotice } from './FailedLoginsNotice.tsx'
import { Landing } from './Landing.tsx'
import { Login } from './Login.tsx'

// The console and module pages carry MapLibre and charts; public pages stay small for slow phones.
const TenantPages = lazy(() => import('./TenantPages.tsx').then((m) => ({ default: m.TenantPages })))
const PortalPages = lazy(() => import('./PortalPages.tsx').then((m) => ({ default: m.PortalPages })))

export function App() {
  return (
    <AuthProvider>
      <FailedLoginsNotice />
      <Suspense fallback={<div className="loading">…</div>}>
        <Routes>
          <Route path="/" element={<Landing />} />
          <Route path="/login" element={<Login />} />
          <Route path="/t/:tenant/*" element={<TenantPages />} />
          <Route path="/p/:tenant/*" element={<PortalPages />} />
          <Route path="*" element={<Landing />} />
        </Routes>
      </Suspense>
    </AuthProvider>
  )
}
