// The service worker: Web Push notifications only. It has no fetch handler, so it never touches the network.
// Served at /sw.js (scope /) from web/dist as a plain file; see web/src/push/push-registration.ts.

const FALLBACK_TITLE = 'New message';

// Top-level functions of a classic worker are globals: the browser tests call these directly, because a
// headless browser has no push service to deliver a real push event.
function notificationOf(data) {
  let payload = {};
  try {
    payload = data ? data.json() : {};
  } catch {
    payload = { body: data ? data.text() : '' };
  }
  const conversationId = typeof payload.conversationId === 'number' ? payload.conversationId : undefined;
  return {
    title: typeof payload.title === 'string' ? payload.title : FALLBACK_TITLE,
    options: {
      body: typeof payload.body === 'string' ? payload.body : '',
      // One notification per conversation: a newer message replaces the older one instead of piling up.
      tag: conversationId === undefined ? 'chat' : `conversation-${conversationId}`,
      renotify: conversationId !== undefined,
      data: { url: typeof payload.url === 'string' && payload.url.startsWith('/') ? payload.url : '/' },
    },
  };
}

function showPushNotification(data) {
  const { title, options } = notificationOf(data);
  return self.registration.showNotification(title, options);
}

// Focuses an open tab of the app (taking it to the conversation), or opens one.
async function openNotificationTarget(url) {
  const target = new URL(url, self.location.origin).href;
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const open = windows.find((client) => new URL(client.url).origin === self.location.origin);
  if (!open) {
    return self.clients.openWindow(target);
  }
  const focused = await open.focus();
  if (focused.url !== target && 'navigate' in focused) {
    // navigate() only works on tabs this worker controls; otherwise the focused tab is enough.
    await focused.navigate(target).catch(() => undefined);
  }
  return focused;
}

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('push', (event) => {
  event.waitUntil(showPushNotification(event.data));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = event.notification.data && event.notification.data.url ? event.notification.data.url : '/';
  event.waitUntil(openNotificationTarget(url));
});
