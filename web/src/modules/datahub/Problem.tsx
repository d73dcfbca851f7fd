import { useCallback, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useNavigate } from 'react-router-dom'
import { ApiError } from '../../app/api.ts'
import { problemText } from '../../app/problem.ts'

/** What went wrong, and the form field the server named (a 400's `details.field`), if it named one. */
export interface Problem {
  message: string
  field: string | null
}

/** A staff page's problem: a 401 sends the person to log in, anything else is kept to be shown. */
export function useProblem() {
  const navigate = useNavigate()
  const { t, i18n } = useTranslation()
  const [problem, setProblem] = useState<Problem | null>(null)
  const fail = useCallback(
    (err: unknown) => {
      if (err instanceof ApiError && err.status === 401) navigate('/login')
      else {
        const field = err instanceof ApiError && typeof err.details.field === 'string' ? err.details.field : null
        // The data hub's own names for its form's fields come first.
        const named = field && i18n.exists(`datahub.fields.${field}`) ? { [field]: t(`datahub.fields.${field}`) } : {}
        setProblem({ message: problemText(err, named), field })
      }
    },
    [navigate, t, i18n],
  )
  const clear = useCallback(() => setProblem(null), [])
  return { problem, fail, clear }
}

export function ProblemLine({ problem }: { problem: Problem | null }) {
  if (!problem) return null
  return (
    <p className="error" role="alert" data-field={problem.field ?? undefined}>
      {problem.message}
    </p>
  )
}
