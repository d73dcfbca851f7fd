import { mkdirSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, readConfig } from './config.ts'
import { markDemoFolder, startsAsDemo } from './first-run.ts'

describe('demo mode', () => {
  it('is off unless DEMO=1, and then listens on loopback only', () => {
    expect(readConfig({})).toMatchObject({ demo: false, host: '0.0.0.0' })
    expect(readConfig({ DEMO: '1' })).toMatchObject({ demo: true, host: '127.0.0.1' })
    expect(readConfig({ DEMO: '1', HOST: '127.0.0.1' }).host).toBe('127.0.0.1')
  })

  it('refuses a non-loopback address with the published demo password, and allows it with a password of your own', () => {
    expect(() => readConfig({ DEMO: '1', HOST: '0.0.0.0' })).toThrow(/DEMO_PASSWORD/)
    expect(() => readConfig({ DEMO: '1', HOST: '0.0.0.0', DEMO_PASSWORD: 'kendali-demo' })).toThrow(ConfigError)
    expect(readConfig({ DEMO: '1', HOST: '0.0.0.0', DEMO_PASSWORD: 'rahasia-kota-9' })).toMatchObject({ demo: true, host: '0.0.0.0' })
  })

  it('is turned on by npm start only for a new embedded data folder or one that holds the demo', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kendali-first-run-'))
    expect(startsAsDemo({ DATA_DIR: dataDir })).toBe(true)
    mkdirSync(join(dataDir, 'pglite'))
    expect(startsAsDemo({ DATA_DIR: dataDir })).toBe(false)
    markDemoFolder(dataDir)
    expect(startsAsDemo({ DATA_DIR: dataDir })).toBe(true)
    expect(startsAsDemo({ DATA_DIR: dataDir, DEMO: '0' })).toBe(false)
    expect(startsAsDemo({ DATA_DIR: join(dataDir, 'new'), DATABASE_URL: 'postgres://db/kendali' })).toBe(false)
  })
})

describe('TRUST_PROXY', () => {
  it('takes a hop count or proxy addresses and CIDR ranges', () => {
    expect(readConfig({}).trustProxy).toBe(false)
    expect(readConfig({ TRUST_PROXY: '0' }).trustProxy).toBe(false)
    expect(readConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1)
    expect(readConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2)
    expect(readConfig({ TRUST_PROXY: '10.0.0.5, 10.1.0.0/16,fd00::/8,loopback' }).trustProxy).toEqual(['10.0.0.5', '10.1.0.0/16', 'fd00::/8', 'loopback'])
  })

  it('refuses "trust everyone" and anything that is not an address', () => {
    expect(() => readConfig({ TRUST_PROXY: 'true' })).toThrow(/number of proxies/)
    expect(() => readConfig({ TRUST_PROXY: 'yes' })).toThrow(ConfigError)
    for (const bad of ['proxy.example', '10.0.0.0/33', '10.0.0.1/8/1', '*']) expect(() => readConfig({ TRUST_PROXY: bad })).toThrow(ConfigError)
  })
})

describe('WALL_FRAME_ANCESTORS', () => {
  it('takes origins only', () => {
    expect(readConfig({ WALL_FRAME_ANCESTORS: 'https://dasbor.magelangkota.go.id, http://10.0.0.9:8080' }).wallFrameAncestors).toEqual([
      'https://dasbor.magelangkota.go.id',
      'http://10.0.0.9:8080',
    ])
    for (const bad of ['*', 'https://a.example/wall', "'self'", 'dasbor.example']) expect(() => readConfig({ WALL_FRAME_ANCESTORS: bad })).toThrow(ConfigError)
  })
})
