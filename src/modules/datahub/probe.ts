import { OutboundError, type OutboundPolicy } from '../../core/outbound/policy.ts'

export interface ProbeLimits {
  timeoutMs: number
  /** Probes run this many at a time, so one slow address does not hold the others. */
  parallel: number
}

export const DEFAULT_PROBE_LIMITS: ProbeLimits = { timeoutMs: 10_000, parallel: 8 }

export interface ProbeResult {
  up: boolean
  responseMs: number | null
  error: string | null
}

/**
 * Checks a URL through the outbound guard: any HTTP answer below 500 counts as up (a login page answering 401 is
 * a running app); a 5xx, a timeout, a refused connection or a forbidden address is down.
 */
export async function probeUrl(policy: OutboundPolicy, url: string, timeoutMs: number): Promise<ProbeResult> {
  const started = performance.now()
  try {
    await policy.fetch(url, { timeoutMs, maxBytes: 256 * 1024 })
  } catch (err) {
    const answered = err instanceof OutboundError && (err.reason === 'too_large' || (err.status !== undefined && err.status < 500))
    if (!answered) return { up: false, responseMs: null, error: (err instanceof Error ? err.message : String(err)).slice(0, 500) }
  }
  return { up: true, responseMs: Math.round(performance.now() - started), error: null }
}

/** Runs `check` on every item, at most `parallel` at a time. */
export async function probeEach<T>(items: T[], parallel: number, check: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0
  const worker = async () => {
    while (next < items.length) await check(items[next++])
  }
  await Promise.all(Array.from({ length: Math.min(parallel, items.length) }, worker))
}
