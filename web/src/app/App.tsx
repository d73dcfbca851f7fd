import { lazy, Suspense } from 'react'
import { Route, Routes } from 'react-router-dom'
import { AuthProvider } from './auth.tsx'
import { Landing } from './Landing.tsx'
import { Login } from './Login.tsx'

// The console carries MapLibre; public pages stay small for slow phones.
const Console = lazy(() => import('./Console.tsx').then((m) => ({ default: m.Console })))

export function App() {
  return (
    <AuthProvider>
      <Suspense fallback={<div className="loading">…</div>}>
        <Routes>
          <Route path="/" element={<Landing />} />
          <Route path="/login" element={<Login />} />
          <Route path="/t/:tenant/console" element={<Console />} />
          <Route path="*" element={<Landing />} />
        </Routes>
      </Suspense>
    </AuthProvider>
  )
}
