import { useCallback, useEffect, useState } from 'react'

/** A value loaded from the API, loaded again when `key` changes or on `reload()`. */
export function useLoad<T>(key: string, load: () => Promise<T>): [T | null, () => void] {
  const [value, setValue] = useState<T | null>(null)
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` names everything the load depends on
  const reload = useCallback(() => {
    load().then(setValue, () => setValue(null))
  }, [key])
  useEffect(reload, [reload])
  return [value, reload]
}
