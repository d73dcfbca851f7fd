import { useCallback, useState } from 'react'
import { useNavigate } from 'react-router-dom'
import { ApiError } from '../../app/api.ts'

/** A staff page's problem: a 401 sends the person to log in, anything else is kept to be shown. */
export function useProblem() {
  const navigate = useNavigate()
  const [problem, setProblem] = useState<string | null>(null)
  const fail = useCallback(
    (err: unknown) => {
      if (err instanceof ApiError && err.status === 401) navigate('/login')
      else setProblem(err instanceof Error ? err.message : String(err))
    },
    [navigate],
  )
  const clear = useCallback(() => setProblem(null), [])
  return { problem, fail, clear }
}

export function ProblemLine({ problem }: { problem: string | null }) {
  if (!problem) return null
  return (
    <p className="error" role="alert">
      {problem}
    </p>
  )
}
