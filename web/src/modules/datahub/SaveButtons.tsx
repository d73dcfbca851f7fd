import { useTranslation } from 'react-i18next'

/** A staff form's buttons: create, or save and cancel while an existing item is being edited. */
export function SaveButtons({ editing, onCancel }: { editing: boolean; onCancel: () => void }) {
  const { t } = useTranslation()
  return (
    <div>
      <button type="submit" className="button primary">
        {editing ? t('datahub.assets.save') : t('datahub.create')}
      </button>{' '}
      {editing && (
        <button type="button" className="button" onClick={onCancel}>
          {t('datahub.cancel')}
        </button>
      )}
    </div>
  )
}
