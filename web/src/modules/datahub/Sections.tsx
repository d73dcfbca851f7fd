import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router-dom'
import { api } from '../../app/api.ts'
import type { PanelProps } from '../../app/modules.ts'
import type { CityApp } from './Apps.tsx'
import { ASSET_COLORS, ASSET_KINDS, type AssetFeature, type Dataset } from './api.ts'

// The portal's front page shows these blocks at once: they stay small, and the pages they link to load on demand.

/** The portal's front-page block: the latest public datasets. */
export function OpenDataSection({ tenant }: PanelProps) {
  const { t } = useTranslation()
  const [items, setItems] = useState<Dataset[]>([])
  useEffect(() => {
    api<{ items: Dataset[] }>(`/api/t/${tenant.code}/datasets?limit=5`).then(
      (page) => setItems(page.items),
      () => undefined,
    )
  }, [tenant.code])
  return (
    <section className="datahub-section" data-testid="open-data-section">
      <h2>{t('datahub.portal.section')}</h2>
      <p>{t('datahub.portal.sectionLead')}</p>
      <ul>
        {items.map((d) => (
          <li key={d.id}>
            <Link to={`/p/${tenant.code}/data/${d.name}`}>{d.title}</Link>
          </li>
        ))}
      </ul>
      <Link className="button primary" to={`/p/${tenant.code}/data`}>
        {t('datahub.portal.browse')}
      </Link>
    </section>
  )
}

/** The portal's front-page block: how many of the city's apps answer now. */
export function AppsSection({ tenant }: PanelProps) {
  const { t } = useTranslation()
  const [apps, setApps] = useState<CityApp[]>([])
  useEffect(() => {
    api<{ items: CityApp[] }>(`/api/t/${tenant.code}/apps`).then(
      (page) => setApps(page.items),
      () => undefined,
    )
  }, [tenant.code])
  if (apps.length === 0) return null
  return (
    <section className="datahub-section" data-testid="apps-section">
      <h2>{t('datahub.apps.storeTitle')}</h2>
      <p>{t('datahub.apps.sectionLead', { count: apps.length, up: apps.filter((a) => a.status === 'up').length })}</p>
      <Link className="button primary" to={`/p/${tenant.code}/apps`}>
        {t('datahub.apps.browse')}
      </Link>
    </section>
  )
}

/** The portal's front-page block: the city's public assets by kind, and how many hotspots are up now. */
export function AssetsSection({ tenant }: PanelProps) {
  const { t } = useTranslation()
  const [features, setFeatures] = useState<AssetFeature[]>([])
  useEffect(() => {
    api<{ features: AssetFeature[] }>(`/api/t/${tenant.code}/assets`).then(
      (collection) => setFeatures(collection.features),
      () => undefined,
    )
  }, [tenant.code])
  if (features.length === 0) return null
  const wifi = features.filter((f) => f.properties.kind === 'wifi')
  return (
    <section className="datahub-section" data-testid="assets-section">
      <h2>{t('datahub.assets.portalTitle')}</h2>
      <ul className="datahub-kinds">
        {ASSET_KINDS.map((kind) => (
          <li key={kind}>
            <span className="swatch" style={{ background: ASSET_COLORS[kind] }} /> {t(`datahub.assets.${kind}`)}:{' '}
            {features.filter((f) => f.properties.kind === kind).length}
          </li>
        ))}
      </ul>
      {wifi.length > 0 && <p>{t('datahub.assets.wifiUp', { up: wifi.filter((f) => f.properties.status === 'up').length, count: wifi.length })}</p>}
      <Link className="button primary" to={`/p/${tenant.code}/assets`}>
        {t('datahub.assets.browse')}
      </Link>
    </section>
  )
}
