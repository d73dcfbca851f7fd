import { DomainError, Invalid } from '../errors.ts'

/**
 * What to throw for an error met while reading a multipart body. The multipart parser throws plain errors for a
 * body that breaks off, lacks its boundary or uses another one: reading a request body can only fail because of
 * what the client sent, so those are a 400 on every upload route, not a 500. Errors that already say what they
 * are (domain errors, the multipart plugin's limits with their status) pass unchanged.
 */
export function multipartFailure(err: unknown): unknown {
  if (err instanceof DomainError || (err as { statusCode?: unknown }).statusCode !== undefined) return err
  return new Invalid('The multipart body is malformed or incomplete', { location: 'body', reason: err instanceof Error ? err.message : String(err) })
}
