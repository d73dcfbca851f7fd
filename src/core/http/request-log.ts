import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { type FastifyBaseLogger, type FastifyReply, type FastifyRequest, type FastifyServerOptions, LogController } from 'fastify'

/** Where log lines go: one JSON line per write (a pino destination). */
export interface LogDestination {
  write(line: string): void
}

// Query parameters whose values are credentials (?token= on live channels, ?confirm= links…), by name.
const SECRET_PARAM = /token|secret|pass|key|sig|session|auth|confirm|otp|code/i
const REDACTED = '[redacted]'

/** The URL with every credential-like query value replaced, for the logs. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?')
  if (q < 0) return url
  const params = new URLSearchParams(url.slice(q + 1))
  const parts = [...params].map(([name, value]) => `${encodeURIComponent(name)}=${SECRET_PARAM.test(name) ? REDACTED : encodeURIComponent(value)}`)
  return `${url.slice(0, q)}?${parts.join('&')}`
}

const TENANT_IN_URL = /^\/api\/t\/([^/?]+)/
const HEALTH = /^\/api\/health(\/|\?|$)/

const LEVEL_NAMES: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' }

/** Pino's JSON lines as one readable line each (time, level, request, tenant, message, the rest), for a terminal. */
export function readableLines(out: { write(text: string): unknown }): LogDestination {
  return {
    write(line) {
      let entry: Record<string, unknown>
      try {
        entry = JSON.parse(line) as Record<string, unknown>
      } catch {
        out.write(line)
        return
      }
      const { level, time, msg, pid: _pid, hostname: _hostname, reqId, tenant, err, ...rest } = entry
      const clock = new Date(typeof time === 'number' ? time : Date.now()).toISOString().slice(11, 23)
      const where = [reqId, tenant].filter((v) => v !== undefined).join(' ')
      const fields = Object.entries(rest).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
      const stack = err && typeof err === 'object' && 'stack' in err ? `\n${String(err.stack)}` : ''
      const head = [clock, (LEVEL_NAMES[level as number] ?? String(level)).padEnd(5), where && `[${where}]`, msg, ...fields].filter(Boolean)
      out.write(`${head.join(' ')}${stack}\n`)
    },
  }
}

/**
 * One line per request when it finished: at error for a 5xx (but a health probe's 503, at debug), at warn when slower than slowMs, else at debug (so
 * health probes and ordinary traffic, 4xx included, stay out of an info log). Fastify's incoming-request and
 * route-not-found lines are dropped: they would repeat it, the latter at info with the unredacted URL.
 */
class RequestLog extends LogController {
  constructor(private readonly slowMs: number) {
    super()
  }
  override incomingRequest(): void {}
  override routeNotFound(): void {}
  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const status = reply.statusCode
    const ms = Math.round(reply.elapsedTime)
    const line = { method: request.method, url: redactUrl(request.url), status, ms }
    // A health probe answering 503 says "not ready yet" (starting, a dependency down): the probe's caller acts on it.
    if (status === 503 && !error && HEALTH.test(request.url)) request.log.debug(line, 'request')
    else if (status >= 500 || error) request.log.error({ ...line, err: error ?? undefined }, 'request failed')
    else if (ms >= this.slowMs) request.log.warn(line, 'slow request')
    else request.log.debug(line, 'request')
  }
}

/**
 * The logger of the HTTP server: request ids unique across restarts and instances, the tenant of a /api/t/:tenant
 * URL on every line of its request, no credentials (headers, query values, password and token fields); readable
 * lines on a terminal, JSON otherwise.
 */
export function loggerOptions(opts: { level: string; slowMs: number; destination?: LogDestination }): Partial<FastifyServerOptions> {
  const destination = opts.destination ?? (process.stdout.isTTY ? readableLines(process.stdout) : undefined)
  return {
    logger: {
      level: opts.level,
      ...(destination ? { stream: destination } : {}),
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]', 'password', '*.password', 'token', '*.token'],
        censor: REDACTED,
      },
      serializers: { req: (req: { method: string; url: string }) => ({ method: req.method, url: redactUrl(req.url) }) },
    },
    logController: new RequestLog(opts.slowMs),
    genReqId: () => randomUUID(),
    childLoggerFactory: (logger: FastifyBaseLogger, bindings, options, raw: IncomingMessage) => {
      const tenant = TENANT_IN_URL.exec(raw.url ?? '')?.[1]
      return logger.child(tenant ? { ...bindings, tenant: decodeURIComponent(tenant) } : bindings, options)
    },
  }
}
