import { readdirSync, readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { Remuxer } from '../src/modules/cctv/remux.ts'
import { startFakeRtsp } from '../test/support/fake-rtsp.ts'

// What RTSP cameras cost the server: CPU and memory of N concurrent remuxes (one ffmpeg each, `-c copy` to HLS),
// and time-to-first-frame (from the first viewer's request to a playlist that lists a segment), for 1 remux (the
// baseline) and for 16 started at once. The camera is a local RTSP server relaying ffmpeg's test pattern (H.264);
// its encoder is not counted. Run: npx tsx bench/cameras.ts   (BENCH_CAMERA_SIZE=1280x720 BENCH_CAMERA_FPS=25 BENCH_SECONDS=10)

const SIZE = process.env.BENCH_CAMERA_SIZE ?? '640x360'
const FPS = Number(process.env.BENCH_CAMERA_FPS ?? 15)
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10)
const TICKS = 100 // USER_HZ on Linux

/** The remux processes of this process: ffmpeg children writing HLS. */
function remuxPids(): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
        return ppid === process.pid && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('\0hls\0')
      } catch {
        return false
      }
    })
    .map(Number)
}

function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const after = fields.slice(fields.lastIndexOf(')') + 2).split(' ')
  return Number(after[11]) + Number(after[12]) // utime + stime
}

function rssKb(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0)
}

/** Proportional set size: shared libraries counted once across the processes sharing them. */
function pssKb(pid: number): number {
  return Number(/^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0)
}

async function measure(
  count: number,
  url: string,
): Promise<{ ttff: number[]; cpuPercent: number; rssMb: number; pssMb: number; kbps: number; processes: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'kendali-bench-streams-'))
  const remuxer = new Remuxer({ dir, max: count, idleMs: 60_000 })
  try {
    const ttff = await Promise.all(
      Array.from({ length: count }, async (_, i) => {
        const started = performance.now()
        const remux = await remuxer.watch(
          'bench',
          `camera-${i}`,
          'viewer',
          async () => ({ url, transcode: false }),
          () => {},
        )
        await remuxer.playlist(remux, 'viewer')
        return performance.now() - started
      }),
    )
    const pids = remuxPids()
    const before = pids.map(cpuTicks)
    const t0 = performance.now()
    // Viewers keep watching while CPU is counted.
    for (let s = 0; s < SECONDS; s++) {
      await new Promise((resolve) => setTimeout(resolve, 1000))
      for (let i = 0; i < count; i++)
        await remuxer.watch(
          'bench',
          `camera-${i}`,
          'viewer',
          async () => ({ url, transcode: false }),
          () => {},
        )
    }
    const elapsed = (performance.now() - t0) / 1000
    const after = pids.map(cpuTicks)
    const cpu = after.reduce((sum, t, i) => sum + t - before[i], 0) / TICKS
    const rss = pids.reduce((sum, pid) => sum + rssKb(pid), 0) / 1024
    const pss = pids.reduce((sum, pid) => sum + pssKb(pid), 0) / 1024
    const kbps = median((await remuxer.status('bench')).map((s) => s.bitrateKbps ?? 0))
    return { ttff, cpuPercent: (cpu / elapsed) * 100, rssMb: rss, pssMb: pss, kbps, processes: pids.length }
  } finally {
    await remuxer.close()
    await rm(dir, { recursive: true, force: true })
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const fmt = (n: number, digits = 0) => n.toFixed(digits)

const camera = await startFakeRtsp({ size: SIZE, rate: FPS })
try {
  console.log(`RTSP camera: H.264 ${SIZE} at ${FPS} fps (local RTSP server); CPU counted over ${SECONDS} s of watching; 1-second segments`)
  const one = await measure(1, camera.url)
  const many = await measure(16, camera.url)
  console.log(
    'remuxes | ffmpeg processes | stream kbit/s | CPU (% of one core) | CPU per remux | memory RSS (PSS) | PSS per remux | time-to-first-frame median / max',
  )
  for (const [n, r] of [
    [1, one],
    [16, many],
  ] as const) {
    console.log(
      `${String(n).padStart(7)} | ${String(r.processes).padStart(16)} | ${fmt(r.kbps).padStart(13)} | ${fmt(r.cpuPercent, 1).padStart(19)} | ${fmt(r.cpuPercent / n, 2).padStart(12)}% | ${fmt(r.rssMb)} MB (${fmt(r.pssMb)} MB) | ${fmt(r.pssMb / n, 1).padStart(10)} MB | ${fmt(median(r.ttff))} ms / ${fmt(Math.max(...r.ttff))} ms`,
    )
  }
  console.log(
    `16 vs 1: CPU per remux ×${fmt(many.cpuPercent / 16 / Math.max(one.cpuPercent, 0.01), 2)}, PSS per remux ×${fmt(many.pssMb / 16 / one.pssMb, 2)}, ` +
      `median time-to-first-frame ×${fmt(median(many.ttff) / median(one.ttff), 2)}`,
  )
} finally {
  await camera.close()
}
