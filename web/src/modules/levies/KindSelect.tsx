import { useTranslation } from 'react-i18next'
import { STALL_KINDS, type StallKind } from './api.ts'

/** The stall kind (kios, los, pelataran, lapak), labelled, for the stall and tariff forms. */
export function KindSelect({ value, onChange }: { value: StallKind; onChange: (kind: StallKind) => void }) {
  const { t } = useTranslation()
  return (
    <label>
      {t('levies.office.kind')}
      <select value={value} onChange={(e) => onChange(STALL_KINDS.find((k) => k === e.target.value) ?? 'kios')}>
        {STALL_KINDS.map((k) => (
          <option key={k} value={k}>
            {t(`levies.kind.${k}`)}
          </option>
        ))}
      </select>
    </label>
  )
}
