import { useCallback, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useNavigate } from 'react-router-dom'
import { ApiError } from '../../app/api.ts'

/** What went wrong, and the form field the server named (a 400's `details.field`), if it named one. */
export interface Problem {
  message: string
  field: string | null
}

/** A staff page's problem: a 401 sends the person to log in, anything else is kept to be shown. */
export function useProblem() {
  const navigate = useNavigate()
  const [problem, setProblem] = useState<Problem | null>(null)
  const fail = useCallback(
    (err: unknown) => {
      if (err instanceof ApiError && err.status === 401) navigate('/login')
      else {
        const field = err instanceof ApiError && typeof err.details.field === 'string' ? err.details.field : null
        setProblem({ message: err instanceof Error ? err.message : String(err), field })
      }
    },
    [navigate],
  )
  const clear = useCallback(() => setProblem(null), [])
  return { problem, fail, clear }
}

export function ProblemLine({ problem }: { problem: Problem | null }) {
  const { t } = useTranslation()
  if (!problem) return null
  return (
    <p className="error" role="alert" data-field={problem.field ?? undefined}>
      {problem.field && <strong>{t(`datahub.fields.${problem.field}`, { defaultValue: problem.field })}: </strong>}
      {problem.message}
    </p>
  )
}
