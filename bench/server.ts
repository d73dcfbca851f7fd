import type { Kendali } from '../src/core/app.ts'

/** Listens on a free loopback port; the base URL to call. */
export async function listenLocally(kendali: Kendali): Promise<string> {
  await kendali.app.listen({ port: 0, host: '127.0.0.1' })
  const address = kendali.app.server.address()
  if (!address || typeof address === 'string') throw new Error('the server has no TCP address')
  return `http://127.0.0.1:${address.port}`
}
