// Kendali public warnings (alerts module): shows a pushed warning; a click opens the portal's alerts page.
// Served from the web root so that its scope can cover the public portal under /p/.
self.addEventListener('push', (event) => {
  const data = event.data ? event.data.json() : {}
  event.waitUntil(
    self.registration.showNotification(data.title || 'Peringatan dini', {
      body: data.body || '',
      tag: data.identifier,
      icon: '/favicon.svg',
      data: { url: data.url || '/' },
    }),
  )
})

self.addEventListener('notificationclick', (event) => {
  event.notification.close()
  event.waitUntil(self.clients.openWindow(event.notification.data.url))
})
