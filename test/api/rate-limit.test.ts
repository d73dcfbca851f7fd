import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createKendali, type Kendali } from '../../src/core/app.ts'
import { allModules } from '../../src/modules/index.ts'
import { testDatabase } from '../support/db.ts'
import { loginCookie } from '../support/server.ts'
import { testConfig } from '../support/template.ts'

// An address without valid credentials gets RATE_LIMIT_PER_MINUTE; a logged-in caller its own, larger budget.
const PER_ADDRESS = 5
const PER_CALLER = 12

let kendali: Kendali
let cookie: string

beforeAll(async () => {
  kendali = await createKendali(testConfig(), allModules(), {
    db: await testDatabase(),
    logger: false,
    rateLimitPerMinute: PER_ADDRESS,
    rateLimitAuthenticatedPerMinute: PER_CALLER,
    background: false,
  })
  await kendali.prepare()
  cookie = await loginCookie(kendali, 'operator')
})
afterAll(() => kendali.close())

const get = (remoteAddress: string, headers: Record<string, string> = {}) =>
  kendali.app.inject({ method: 'GET', url: '/api/t/33.71/incidents?limit=1', headers, remoteAddress })

describe('rate limits', () => {
  it('holds an anonymous flood to the address budget while a logged-in caller there keeps its own', async () => {
    const anonymous: number[] = []
    for (let i = 0; i < PER_ADDRESS + 1; i++) anonymous.push((await get('10.61.0.1')).statusCode)
    expect(anonymous).toEqual([...Array(PER_ADDRESS).fill(401), 429])
    // The same address with a session: its own budget, larger than the address's.
    const logged: number[] = []
    for (let i = 0; i < PER_CALLER + 1; i++) logged.push((await get('10.61.0.1', { cookie })).statusCode)
    expect(logged).toEqual([...Array(PER_CALLER).fill(200), 429])
    // A made-up token buys no budget of its own: it counts as the address.
    expect((await get('10.61.0.1', { authorization: 'Bearer kdt_made_up' })).statusCode).toBe(429)
    // Another address is not held by the first one's flood.
    expect((await get('10.61.0.2')).statusCode).toBe(401)
  })
})
