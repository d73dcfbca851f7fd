import { lazy, Suspense, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { api } from '../../app/api.ts'
import type { PanelProps } from '../../app/modules.ts'
import { ASSET_COLORS, ASSET_KINDS, type AssetFeature, type AssetKind } from './api.ts'

// MapLibre loads with this page only, never with the portal's front page.
const PublicAssetsMap = lazy(() => import('./PortalMap.tsx').then((m) => ({ default: m.PublicAssetsMap })))

/** The portal's map of public assets: free wifi with its status, facilities, evacuation points; and a list of them. */
export function PublicAssetsPage({ tenant }: PanelProps) {
  const { t } = useTranslation()
  const [kinds, setKinds] = useState<AssetKind[]>(ASSET_KINDS)
  const [features, setFeatures] = useState<AssetFeature[] | null>(null)
  useEffect(() => {
    api<{ features: AssetFeature[] }>(`/api/t/${tenant.code}/assets`).then(
      (collection) => setFeatures(collection.features),
      () => setFeatures([]),
    )
  }, [tenant.code])
  const toggle = (kind: AssetKind, on: boolean) => setKinds(on ? [...kinds, kind] : kinds.filter((k) => k !== kind))
  return (
    <main className="portal-page datahub-portal" data-testid="public-assets">
      <h1>{t('datahub.assets.portalTitle')}</h1>
      <p>{t('datahub.assets.portalLead')}</p>
      <fieldset className="datahub-kinds">
        <legend>{t('datahub.assets.show')}</legend>
        {ASSET_KINDS.map((kind) => (
          <label key={kind}>
            <input type="checkbox" name={`kind-${kind}`} checked={kinds.includes(kind)} onChange={(e) => toggle(kind, e.target.checked)} />
            <span className="swatch" style={{ background: ASSET_COLORS[kind] }} /> {t(`datahub.assets.${kind}`)}
          </label>
        ))}
      </fieldset>
      <Suspense fallback={<div className="datahub-map loading">…</div>}>
        <PublicAssetsMap tenant={tenant} kinds={kinds} />
      </Suspense>
      <p className="muted">{t('datahub.assets.downHint')}</p>
      {ASSET_KINDS.filter((kind) => kinds.includes(kind)).map((kind) => {
        const items = (features ?? []).filter((f) => f.properties.kind === kind)
        if (items.length === 0) return null
        return (
          <section key={kind}>
            <h2>
              {t(`datahub.assets.${kind}`)} <span className="muted">({items.length})</span>
            </h2>
            <ul className="datahub-cards" data-testid={`assets-${kind}`}>
              {items.map((f) => (
                <li key={f.id}>
                  <strong>{f.properties.name}</strong>{' '}
                  {kind === 'wifi' && <span className={`badge app-${f.properties.status}`}>{t(`datahub.apps.status.${f.properties.status}`)}</span>}
                  <div className="muted">{[f.properties.category, f.properties.provider, f.properties.address].filter(Boolean).join(' · ')}</div>
                </li>
              ))}
            </ul>
          </section>
        )
      })}
    </main>
  )
}
