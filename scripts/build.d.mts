// Types of build.mjs (plain JavaScript, so `npm start` runs it before anything is compiled).
export const ROOT: string
export const DIST: string
export function newest(paths: string[]): number
export function webIsStale(): boolean
export function serverIsStale(): boolean
export function buildWeb(): void
/** Into dist/, or outDir (inside the checkout, so packages resolve from its node_modules). */
export function buildServer(outDir?: string): Promise<void>
export function buildIfStale(opts?: { server?: boolean; web?: boolean }): Promise<boolean>
