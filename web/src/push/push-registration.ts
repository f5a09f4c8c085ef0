import type { ApiClient } from '../api/api-client.js';

// Web Push is optional everywhere: a browser without it, a refused permission or a missing push service (a
// headless browser) all end quietly, with the chat working as before.
const SERVICE_WORKER_URL = '/sw.js';
// Sign-out waits at most this long for the server to forget this browser.
const UNSUBSCRIBE_TIMEOUT_MS = 2_000;

// Not inside the website widget's iframe: browsers refuse permission prompts from third-party frames.
export function isPushSupported(): boolean {
  return 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window && window.self === window.top;
}

function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const base64 = base64url
    .replaceAll('-', '+')
    .replaceAll('_', '/')
    .padEnd(Math.ceil(base64url.length / 4) * 4, '=');
  return Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
}

export async function registerServiceWorker(): Promise<ServiceWorkerRegistration | undefined> {
  if (!('serviceWorker' in navigator)) {
    return undefined;
  }
  try {
    return await navigator.serviceWorker.register(SERVICE_WORKER_URL, { scope: '/' });
  } catch {
    return undefined;
  }
}

// Subscribes this browser and tells the server. Only called once permission is granted.
async function subscribe(api: ApiClient): Promise<void> {
  const registration = await registerServiceWorker();
  if (!registration) {
    return;
  }
  await navigator.serviceWorker.ready;
  const existing = await registration.pushManager.getSubscription();
  const subscription =
    existing ??
    (await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(await api.pushPublicKey()) }));
  // Sent again each time: the server updates a known endpoint, and it may have dropped a stale one.
  await api.addPushSubscription(subscription.toJSON());
}

// After sign-in: renew the subscription where permission was given before; never asks.
export async function resumePush(api: ApiClient): Promise<void> {
  await registerServiceWorker();
  if (isPushSupported() && Notification.permission === 'granted') {
    await subscribe(api).catch(() => undefined);
  }
}

let hasAsked = false;

// Called from the send action (a user gesture, which some browsers require for the prompt): asks once, only
// while the person has not decided yet.
export async function offerPush(api: ApiClient): Promise<void> {
  if (hasAsked || !isPushSupported() || Notification.permission !== 'default') {
    return;
  }
  hasAsked = true;
  try {
    if ((await Notification.requestPermission()) === 'granted') {
      await subscribe(api);
    }
  } catch {
    // No push service (or it refused): notifications stay off.
  }
}

// Before the token goes: the server stops pushing to this browser for this account.
export async function stopPush(api: ApiClient): Promise<void> {
  if (!isPushSupported()) {
    return;
  }
  const work = (async () => {
    const registration = await navigator.serviceWorker.getRegistration('/');
    const subscription = await registration?.pushManager.getSubscription();
    if (subscription) {
      await api.removePushSubscription(subscription.endpoint).catch(() => undefined);
      await subscription.unsubscribe();
    }
  })().catch(() => undefined);
  await Promise.race([work, new Promise((resolve) => window.setTimeout(resolve, UNSUBSCRIBE_TIMEOUT_MS))]);
}
