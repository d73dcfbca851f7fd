import type { Role } from '../http/access.ts'

/** Which roles may read the events of a topic; modules declare their topics when they register. */
export class TopicRegistry {
  private readonly readers = new Map<string, readonly Role[] | 'any'>()

  declare(topic: string, readers: readonly Role[] | 'any'): void {
    if (this.readers.has(topic)) throw new Error(`Event topic "${topic}" is declared twice`)
    this.readers.set(topic, readers)
  }

  all(): string[] {
    return [...this.readers.keys()]
  }

  /** Topics readable with these roles. Undeclared topics are never shown. */
  visibleTo(roles: ReadonlySet<Role>): string[] {
    return this.all().filter((topic) => {
      const readers = this.readers.get(topic) ?? []
      return readers === 'any' ? roles.size > 0 : readers.some((r) => roles.has(r))
    })
  }
}
