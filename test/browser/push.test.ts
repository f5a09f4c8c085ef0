import assert from 'node:assert/strict';
import { createECDH, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Browser, Request } from 'playwright-core';
import { createAccount } from '../support/accounts.js';
import { type Api, apiClient } from '../support/http.js';
import { startServer, type TestServer } from '../support/server.js';
import { assertWebBuilt, DESKTOP, launchBrowser, skipWithoutChromium, WatchedPage } from './support/browser.js';
import { sendMessage, signInAsAdmin, signInAsUser, waitForBubble } from './support/chat-ui.js';

// Page- and worker-side code is passed as strings: the test project is compiled without DOM types.
const COUNT_PERMISSION_PROMPTS = `
  window.__permissionPrompts = 0;
  const ask = Notification.requestPermission.bind(Notification);
  Notification.requestPermission = (...args) => {
    window.__permissionPrompts++;
    return ask(...args);
  };
`;

// Headless Chromium has no push service: this stands in for the browser's PushManager with a subscription whose
// keys are real (the server validates them), so the app's own flow and the server's answers are what is tested.
function fakePushService(endpoint: string): string {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  const keys = { p256dh: ecdh.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') };
  return `
    let current = null;
    const subscription = {
      endpoint: ${JSON.stringify(endpoint)},
      expirationTime: null,
      toJSON: () => ({ endpoint: ${JSON.stringify(endpoint)}, expirationTime: null, keys: ${JSON.stringify(keys)} }),
      unsubscribe: async () => { current = null; return true; },
    };
    PushManager.prototype.subscribe = async function () { current = subscription; return subscription; };
    PushManager.prototype.getSubscription = async function () { return current; };
  `;
}

describe('web app push notifications: service worker, permission after the first message', { skip: skipWithoutChromium }, () => {
  let server: TestServer;
  let api: Api;
  let browser: Browser;

  before(async () => {
    assertWebBuilt();
    server = await startServer();
    api = apiClient(server.url);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('asks for notification permission only after the first message is sent, and only once', async () => {
    const account = await createAccount(api, 'USER');
    const user = await WatchedPage.open(browser, server.url);
    await user.context.addInitScript(COUNT_PERMISSION_PROMPTS);
    await signInAsUser(user.page, account.email);
    const prompts = () => user.page.evaluate<number>('window.__permissionPrompts');
    assert.equal(await prompts(), 0, 'nothing is asked on load');

    await sendMessage(user.page, 'First message');
    await waitForBubble(user.page, 'First message');
    assert.equal(await prompts(), 1);
    await sendMessage(user.page, 'Second message');
    await waitForBubble(user.page, 'Second message');
    assert.equal(await prompts(), 1, 'asked once');
    assert.deepEqual(user.unexpectedErrors(), []);
    await user.close();
  });

  it('registers /sw.js with scope /, whose push handler shows a notification per conversation and handles clicks', async () => {
    const account = await createAccount(api, 'USER');
    const user = await WatchedPage.open(browser, server.url, DESKTOP, { permissions: ['notifications'] });
    const pushRequests: string[] = [];
    user.page.on('request', (request: Request) => {
      if (request.url().includes('/chat/push/')) {
        pushRequests.push(`${request.method()} ${new URL(request.url()).pathname}`);
      }
    });
    const registered = user.context.waitForEvent('serviceworker');
    await signInAsUser(user.page, account.email);
    const worker = user.context.serviceWorkers()[0] ?? (await registered);
    assert.equal(new URL(worker.url()).pathname, '/sw.js');
    const scope = await user.page.evaluate<string>('navigator.serviceWorker.ready.then((registration) => registration.scope)');
    assert.equal(scope, `${server.url}/`);

    // The first message asks for permission (granted here) and tries to subscribe: headless Chromium has no
    // push service, so the subscription itself fails, quietly.
    await sendMessage(user.page, 'Hello, anyone?');
    await waitForBubble(user.page, 'Hello, anyone?');
    assert.equal(await user.page.evaluate<string>('Notification.permission'), 'granted');

    const payload = { title: 'New message from Support', body: 'We are on it', conversationId: 42, messageId: 7, url: '/?conversation=42' };
    const shown = await worker.evaluate<{ title: string; body: string; tag: string; url: string }[]>(`(async () => {
      await showPushNotification({ json: () => (${JSON.stringify(payload)}) });
      const notifications = await self.registration.getNotifications();
      return notifications.map((n) => ({ title: n.title, body: n.body, tag: n.tag, url: n.data && n.data.url }));
    })()`);
    assert.deepEqual(shown, [{ title: payload.title, body: payload.body, tag: 'conversation-42', url: '/?conversation=42' }]);

    // A second message in the same conversation replaces the notification instead of adding one.
    const replaced = await worker.evaluate<number>(`(async () => {
      await showPushNotification({ json: () => (${JSON.stringify({ ...payload, body: 'Still on it', messageId: 8 })}) });
      return (await self.registration.getNotifications()).length;
    })()`);
    assert.equal(replaced, 1);

    // The click handler: it closes the notification (a synthetic click event is all a test can dispatch).
    const afterClick = await worker.evaluate<number>(`(async () => {
      const [notification] = await self.registration.getNotifications();
      try {
        self.dispatchEvent(new NotificationEvent('notificationclick', { notification }));
      } catch {}
      return (await self.registration.getNotifications()).length;
    })()`);
    assert.equal(afterClick, 0, 'the notificationclick handler ran and closed the notification');

    await user.page.getByRole('button', { name: 'Sign out' }).click();
    await user.page.getByRole('heading', { name: 'Sign in to Support chat' }).waitFor();
    assert.ok(pushRequests.includes('GET /chat/push/vapid-public-key'), `asked for the VAPID key: ${pushRequests.join(', ')}`);
    // Chromium itself logs this when subscribe() is called in an incognito-like context (every Playwright
    // context is one); the app cannot detect that case beforehand, and catches the rejection.
    assert.deepEqual(user.unexpectedErrors([/does not support the Push API in incognito mode/]), []);
    await user.close();
  });

  it('posts the subscription once permission is granted, and deletes it on sign-out', async () => {
    const account = await createAccount(api, 'USER');
    const user = await WatchedPage.open(browser, server.url, DESKTOP, { permissions: ['notifications'] });
    const endpoint = `https://push.example.test/send/${randomBytes(8).toString('hex')}`;
    await user.context.addInitScript(fakePushService(endpoint));
    // Permission is already granted, so the app subscribes as soon as the session starts (resumePush): the
    // listener is in place before the sign-in, or a fast POST would pass before it.
    const subscribed = user.page.waitForResponse(
      (response) => response.url().endsWith('/chat/push/subscriptions') && response.request().method() === 'POST',
    );
    await signInAsUser(user.page, account.email);
    await sendMessage(user.page, 'Please notify me');
    const posted = await subscribed;
    assert.equal(posted.status(), 201);
    assert.equal(posted.request().postDataJSON().endpoint, endpoint);

    const removed = user.page.waitForResponse(
      (response) => response.url().endsWith('/chat/push/subscriptions') && response.request().method() === 'DELETE',
    );
    await user.page.getByRole('button', { name: 'Sign out' }).click();
    assert.equal((await removed).status(), 204);
    await user.page.getByRole('heading', { name: 'Sign in to Support chat' }).waitFor();
    assert.deepEqual(user.unexpectedErrors(), []);
    await user.close();
  });

  it('takes an admin from a notification link (/?conversation=<id>) to that conversation', async () => {
    const [adminAccount, userAccount] = await Promise.all([createAccount(api, 'ADMIN'), createAccount(api, 'USER')]);
    const first = await api('POST', '/chat/messages', { token: userAccount.token, body: { content: 'Notify the admin' } });
    const admin = await WatchedPage.open(browser, server.url);
    await signInAsAdmin(admin.page, adminAccount.email);
    await admin.page.goto(`/?conversation=${first.body.conversationId}`);
    await admin.page.waitForURL(`**/inbox/${first.body.conversationId}`);
    await waitForBubble(admin.page, 'Notify the admin');
    assert.deepEqual(admin.unexpectedErrors(), []);
    await admin.close();
  });
});
