// Types of build.mjs (plain JavaScript, so `npm start` runs it before anything is compiled).
export const ROOT: string
export const DIST: string
export function newest(paths: string[]): number
export function webIsStale(): boolean
export function serverIsStale(): boolean
export function buildWeb(): void
export function buildServer(): Promise<void>
export function buildIfStale(opts?: { server?: boolean; web?: boolean }): Promise<boolean>
