import { writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import { join } from 'node:path'

/**
 * With BENCH_PROFILE=<folder>, runs `fn` under the V8 CPU profiler and writes `<folder>/<name>.cpuprofile`
 * (open it in Chrome DevTools or speedscope), so a profile covers the measured part only, not start-up.
 */
export async function profiled<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const folder = process.env.BENCH_PROFILE
  if (!folder) return fn()
  const session = new Session()
  session.connect()
  await session.post('Profiler.enable')
  await session.post('Profiler.start')
  try {
    return await fn()
  } finally {
    const { profile } = await session.post('Profiler.stop')
    writeFileSync(join(folder, `${name}.cpuprofile`), JSON.stringify(profile))
    session.disconnect()
  }
}
