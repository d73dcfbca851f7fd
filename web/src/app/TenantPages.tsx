import { Route, Routes } from 'react-router-dom'
import { AccountPage } from './AccountPage.tsx'
import { Console } from './Console.tsx'
import { webModules } from './modules.ts'

/** Everything under /t/:tenant/: the console and the modules' own pages (loaded apart from the public pages). */
export function TenantPages() {
  return (
    <Routes>
      <Route path="console" element={<Console />} />
      <Route path="account" element={<AccountPage />} />
      {webModules
        .flatMap((m) => m.routes ?? [])
        .map(({ path, Component }) => (
          <Route key={path} path={path} element={<Component />} />
        ))}
    </Routes>
  )
}
