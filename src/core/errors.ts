/**
 * Domain errors with stable machine codes. Services throw these; the HTTP layer maps them to
 * statuses in one place (core/http/errors.ts). Anything else is a bug and becomes a plain 500.
 * A module names its own errors with codes of its own (a string enum), each declared once with the kind it is
 * (`moduleErrors`); clients and tests switch on the code, never on the message.
 */
export type ErrorCode =
  | 'not_found'
  | 'conflict'
  | 'forbidden'
  | 'unauthorized'
  | 'invalid'
  | 'invalid_credentials'
  | 'rate_limited'
  | 'payload_too_large'
  | 'unavailable'
  | 'upstream_unavailable'

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message)
    this.name = 'DomainError'
  }
}

export class NotFound extends DomainError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('not_found', message, details)
  }
}

export class Conflict extends DomainError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('conflict', message, details)
  }
}

export class Forbidden extends DomainError {
  constructor(message = 'You may not do this here', details?: Record<string, unknown>) {
    super('forbidden', message, details)
  }
}

export class Unauthorized extends DomainError {
  constructor(message = 'Log in or send a bearer token') {
    super('unauthorized', message)
  }
}

export class Invalid extends DomainError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('invalid', message, details)
  }
}

export class RateLimited extends DomainError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super('rate_limited', message, { retryAfter: retryAfterSeconds })
  }
}

/** Something Kendali depends on (a camera, a feed, a gateway) did not answer. */
export class UpstreamUnavailable extends DomainError {
  constructor(message: string) {
    super('upstream_unavailable', message)
  }
}

/** An error a module names with a code of its own; its kind decides the HTTP status. */
export class ModuleError<Code extends string = string> extends DomainError {
  constructor(
    readonly moduleCode: Code,
    kind: ErrorCode,
    message: string,
    details?: Record<string, unknown>,
  ) {
    super(kind, message, details)
    this.name = 'ModuleError'
  }
}

/** A module's catalogue of error codes, each with its kind, once: returns the function that makes its errors. */
export function moduleErrors<Code extends string>(kinds: Record<Code, ErrorCode>) {
  return (code: Code, message: string, details?: Record<string, unknown>) => new ModuleError(code, kinds[code], message, details)
}
