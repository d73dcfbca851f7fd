import { existsSync } from 'node:fs'
import { defineConfig } from 'vitest/config'

// Opening PGlite with PostGIS costs seconds and hundreds of MB, so every worker opens ONE database
// (a copy of a template built once in global setup) and keeps it for all its test files (isolate: false).
// Tests make their own rows (fresh names, the two fixture tenants) instead of fresh databases.
const shared = {
  pool: 'forks' as const,
  isolate: false,
  testTimeout: 60_000,
  hookTimeout: 180_000,
  // expect.poll waits for something to happen (an event, a page change); on a loaded 2-core machine that
  // can take more than the default second.
  expect: { poll: { timeout: 30_000, interval: 50 } },
}

const CHROMIUM = '/usr/bin/chromium'
const hasChromium = existsSync(CHROMIUM)
if (!hasChromium) console.warn(`Browser tests are not run: ${CHROMIUM} is missing (apt-get install chromium). CI installs it.`)

export default defineConfig({
  test: {
    maxWorkers: 2,
    projects: [
      {
        test: {
          ...shared,
          name: 'pglite',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['test/multi-instance/**', 'test/browser/**', '**/node_modules/**'],
          globalSetup: ['test/support/global-setup-pglite.ts'],
          env: { KENDALI_TEST_DB: 'pglite' },
        },
      },
      // Flows people depend on, in Debian's Chromium driven by playwright-core.
      ...(hasChromium
        ? [
            {
              test: {
                ...shared,
                name: 'browser',
                include: ['test/browser/**/*.test.ts'],
                // A browser test is a whole user journey (a citizen, an operator, an OPD): minutes on a busy 2-core box.
                testTimeout: 240_000,
                globalSetup: ['test/support/global-setup-pglite.ts'],
                env: { KENDALI_TEST_DB: 'pglite' },
              },
            },
          ]
        : []),
      // The data-layer and API suites again on PostgreSQL + PostGIS, and two instances over NATS, when CI gives a server.
      ...(process.env.TEST_DATABASE_URL
        ? [
            {
              test: {
                ...shared,
                name: 'postgres',
                include: ['src/**/*.test.ts', 'test/api/**/*.test.ts', 'test/multi-instance/**/*.test.ts'],
                // The built release is checked once, on the embedded database its first run uses.
                exclude: ['test/api/release.test.ts', '**/node_modules/**'],
                globalSetup: ['test/support/global-setup-postgres.ts'],
                env: { KENDALI_TEST_DB: 'postgres' },
              },
            },
          ]
        : []),
    ],
  },
})
