import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import { DATABASE, type Database } from '../src/database/database.js';
import { rawRows } from '../src/database/raw-rows.js';
import { loadVapidKeys } from '../src/push/vapid-keys.js';
import { createAccount, DEMO_ADMIN, login, type TestAccount } from './support/accounts.js';
import { type Api, apiClient } from './support/http.js';
import { type BrowserKeys, browserKeys, decryptPushBody, verifyVapid } from './support/push/browser-push.js';
import { startServer, type TestServer } from './support/server.js';
import { connectAs } from './support/sockets.js';
import { type HttpRecorder, type RecordedRequest, startHttpRecorder } from './support/webhooks/http-recorder.js';
import { waitFor } from './support/webhooks/wait-for.js';

async function send(api: Api, account: TestAccount, body: Record<string, unknown>) {
  const response = await api('POST', '/chat/messages', { token: account.token, body });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return response.body;
}

function subscriptionBody(endpoint: string, keys: Pick<BrowserKeys, 'p256dh' | 'auth'>) {
  return { endpoint, expirationTime: null, keys: { p256dh: keys.p256dh, auth: keys.auth } };
}

async function subscriptionCount(server: TestServer, condition: { endpoint?: string; userId?: number }): Promise<number> {
  const db = server.app.get<symbol, Database>(DATABASE);
  const where = condition.endpoint !== undefined ? sql`endpoint = ${condition.endpoint}` : sql`user_id = ${condition.userId ?? 0}`;
  const [row] = await rawRows<{ count: number }>(db, sql`select count(*)::int as count from push_subscription where ${where}`);
  return row?.count ?? 0;
}

describe('push: notifications for people without a connected socket', () => {
  let endpoint: HttpRecorder;
  let server: TestServer;
  let api: Api;
  let admin: TestAccount;
  // Paths of the local push endpoint that answer as if the subscription had expired.
  const gonePaths = new Map<string, number>();

  before(async () => {
    endpoint = await startHttpRecorder((request) => gonePaths.get(request.path) ?? 201);
    server = await startServer({ PUSH_ALLOW_PRIVATE: 'true' });
    api = apiClient(server.url);
    admin = await login(api, DEMO_ADMIN.email, DEMO_ADMIN.password);
  });
  after(async () => {
    await server.close();
    await endpoint.stop();
  });

  const requestsTo = (path: string): RecordedRequest[] => endpoint.requests.filter((request) => request.path === path);
  const nextPushTo = (path: string, count = 1) => waitFor(`push number ${count} to ${path}`, () => requestsTo(path)[count - 1]);

  async function subscribe(account: TestAccount, keys = browserKeys()): Promise<{ path: string; keys: BrowserKeys }> {
    const path = `/push/${randomUUID()}`;
    const response = await api('POST', '/chat/push/subscriptions', {
      token: account.token,
      body: subscriptionBody(endpoint.url(path), keys),
    });
    assert.equal(response.status, 201, JSON.stringify(response.body));
    assert.equal(response.body.endpoint, endpoint.url(path));
    return { path, keys };
  }

  async function waitForPresence(userId: number, isOnline: boolean): Promise<void> {
    await waitFor(`user ${userId} ${isOnline ? 'online' : 'offline'}`, async () => {
      const presence = await api('GET', '/chat/presence', { token: admin.token });
      return presence.body.online.some((user: { userId: number }) => user.userId === userId) === isOnline;
    });
  }

  it('serves the VAPID public key browsers subscribe with, to signed-in callers', async () => {
    const user = await createAccount(api, 'USER');
    const response = await api('GET', '/chat/push/vapid-public-key', { token: user.token });
    assert.equal(response.status, 200);
    const key = Buffer.from(response.body.publicKey, 'base64url');
    assert.equal(key.length, 65);
    assert.equal(key[0], 0x04);
    assert.equal((await api('GET', '/chat/push/vapid-public-key')).status, 401);
  });

  it('sends a user with no socket an encrypted, VAPID-signed "New message from Support"', async () => {
    const user = await createAccount(api, 'USER');
    const { path, keys } = await subscribe(user);
    const message = await send(api, admin, { userId: user.id, content: 'Your order has shipped' });

    const push = await nextPushTo(path);
    assert.equal(push.method, 'POST');
    assert.equal(push.headers['content-encoding'], 'aes128gcm');
    assert.equal(push.headers['content-type'], 'application/octet-stream');
    assert.equal(push.headers.ttl, '3600');
    assert.equal(push.headers.urgency, 'high');

    const { k, payload, protectedHeader } = await verifyVapid(push.headers.authorization, `http://127.0.0.1:${endpoint.port}`);
    const { body: vapid } = await api('GET', '/chat/push/vapid-public-key', { token: user.token });
    assert.equal(k, vapid.publicKey);
    assert.equal(protectedHeader.alg, 'ES256');
    assert.equal(payload.sub, 'mailto:support@example.com');
    assert.ok((payload.exp ?? 0) > Date.now() / 1000);

    const notification = JSON.parse(decryptPushBody(push.body, keys).toString('utf8'));
    assert.deepEqual(notification, {
      title: 'New message from Support',
      body: 'Your order has shipped',
      conversationId: message.conversationId,
      messageId: message.id,
      url: `/?conversation=${message.conversationId}`,
    });
  });

  it('tells admins which user wrote, with the text cut to 140 characters', async () => {
    const otherAdmin = await createAccount(api, 'ADMIN');
    const { path, keys } = await subscribe(otherAdmin);
    const user = await createAccount(api, 'USER', `Zoë ${randomUUID().slice(0, 6)}`);
    const content = `${'ü'.repeat(150)} end`;
    const message = await send(api, user, { content });

    const notification = JSON.parse(decryptPushBody((await nextPushTo(path)).body, keys).toString('utf8'));
    assert.equal(notification.title, `New message from ${user.name}`);
    assert.equal([...notification.body].length, 140);
    assert.equal(notification.body, `${'ü'.repeat(139)}…`);
    assert.equal(notification.messageId, message.id);
  });

  it('sends nothing to someone with a connected socket, nor to the sender', async () => {
    const online = await createAccount(api, 'USER');
    const offline = await createAccount(api, 'USER');
    const writer = await createAccount(api, 'ADMIN');
    const onlinePush = await subscribe(online);
    const offlinePush = await subscribe(offline);
    const writerPush = await subscribe(writer);
    const socket = await connectAs(server.url, online);
    try {
      await waitForPresence(online.id, true);
      await send(api, writer, { userId: online.id, content: 'you are here' });
      // Notifications go out in order: once the next one has arrived, the first was decided.
      await send(api, writer, { userId: offline.id, content: 'you are away' });
      await nextPushTo(offlinePush.path);
      assert.equal(requestsTo(onlinePush.path).length, 0);
      assert.equal(requestsTo(writerPush.path).length, 0);
    } finally {
      socket.close();
    }
    // The same subscription is notified once the tab is closed.
    await waitForPresence(online.id, false);
    await send(api, writer, { userId: online.id, content: 'now you are away' });
    const notification = JSON.parse(decryptPushBody((await nextPushTo(onlinePush.path)).body, onlinePush.keys).toString('utf8'));
    assert.equal(notification.body, 'now you are away');
  });

  it('removes subscriptions the push service answers 404 or 410 for, and sends to them no more', async () => {
    const user = await createAccount(api, 'USER');
    const live = await subscribe(user);
    const expired = await subscribe(user);
    const unknown = await subscribe(user);
    gonePaths.set(expired.path, 410);
    gonePaths.set(unknown.path, 404);

    await send(api, admin, { userId: user.id, content: 'first' });
    await Promise.all([nextPushTo(live.path), nextPushTo(expired.path), nextPushTo(unknown.path)]);
    await waitFor('the gone subscriptions removed', async () => (await subscriptionCount(server, { userId: user.id })) === 1);
    assert.equal(await subscriptionCount(server, { endpoint: endpoint.url(live.path) }), 1);

    await send(api, admin, { userId: user.id, content: 'second' });
    const second = await nextPushTo(live.path, 2);
    assert.equal(JSON.parse(decryptPushBody(second.body, live.keys).toString('utf8')).body, 'second');
    assert.equal(requestsTo(expired.path).length, 1);
    assert.equal(requestsTo(unknown.path).length, 1);
  });
});

describe('push: subscribing and unsubscribing', () => {
  let server: TestServer;
  let api: Api;
  const keys = browserKeys();
  const endpointUrl = () => `https://push.example.net/send/${randomUUID()}`;

  before(async () => {
    // PUSH_ALLOW_PRIVATE unset: endpoints must be public https URLs.
    server = await startServer();
    api = apiClient(server.url);
  });
  after(async () => {
    await server.close();
  });

  const invalid: [string, unknown, string][] = [
    ['a missing endpoint', { keys: { p256dh: keys.p256dh, auth: keys.auth } }, 'endpoint'],
    ['an endpoint that is not a URL', subscriptionBody('not a url', keys), 'endpoint'],
    ['an ftp endpoint', subscriptionBody('ftp://push.example.net/x', keys), 'endpoint'],
    ['an http endpoint', subscriptionBody('http://push.example.net/x', keys), 'endpoint'],
    ['a loopback endpoint', subscriptionBody('https://127.0.0.1/x', keys), 'endpoint'],
    ['an IPv6 loopback endpoint', subscriptionBody('https://[::1]/x', keys), 'endpoint'],
    ['a metadata-service endpoint', subscriptionBody('https://169.254.169.254/x', keys), 'endpoint'],
    ['a localhost endpoint', subscriptionBody('https://localhost/x', keys), 'endpoint'],
    ['missing keys', { endpoint: 'https://push.example.net/x' }, 'keys'],
    ['a missing auth key', { endpoint: 'https://push.example.net/x', keys: { p256dh: keys.p256dh } }, 'keys.auth'],
    [
      'a short p256dh',
      subscriptionBody('https://push.example.net/x', { p256dh: keys.p256dh.slice(0, 40), auth: keys.auth }),
      'keys.p256dh',
    ],
    [
      'a p256dh that is not a curve point',
      subscriptionBody('https://push.example.net/x', {
        p256dh: Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 1)]).toString('base64url'),
        auth: keys.auth,
      }),
      'keys.p256dh',
    ],
    [
      'a 15-byte auth secret',
      subscriptionBody('https://push.example.net/x', { p256dh: keys.p256dh, auth: Buffer.alloc(15).toString('base64url') }),
      'keys.auth',
    ],
    ['an unknown field', { ...subscriptionBody('https://push.example.net/x', keys), userId: 1 }, '(root)'],
    ['a body that is not an object', ['https://push.example.net/x'], '(root)'],
  ];
  for (const [what, body, path] of invalid) {
    it(`rejects a subscription with ${what} (400)`, async () => {
      const user = await createAccount(api, 'USER');
      const response = await api('POST', '/chat/push/subscriptions', { token: user.token, body });
      assert.equal(response.status, 400, JSON.stringify(response.body));
      assert.equal(response.body.code, 'VALIDATION');
      assert.ok(
        response.body.issues.some((issue: { path: string }) => issue.path === path),
        `expected an issue at ${path}: ${JSON.stringify(response.body.issues)}`,
      );
      assert.equal(await subscriptionCount(server, { userId: user.id }), 0);
    });
  }

  it('rejects subscribing and unsubscribing without a token (401)', async () => {
    const body = subscriptionBody(endpointUrl(), keys);
    assert.equal((await api('POST', '/chat/push/subscriptions', { body })).status, 401);
    assert.equal((await api('DELETE', '/chat/push/subscriptions', { body: { endpoint: body.endpoint } })).status, 401);
  });

  it('stores a subscription once per endpoint and deletes only your own (404 for anyone else’s)', async () => {
    const owner = await createAccount(api, 'USER');
    const other = await createAccount(api, 'USER');
    const endpoint = endpointUrl();
    for (let i = 0; i < 2; i += 1) {
      const created = await api('POST', '/chat/push/subscriptions', { token: owner.token, body: subscriptionBody(endpoint, keys) });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.ok(!Number.isNaN(Date.parse(created.body.createdAt)));
    }
    assert.equal(await subscriptionCount(server, { endpoint }), 1);

    const foreign = await api('DELETE', '/chat/push/subscriptions', { token: other.token, body: { endpoint } });
    assert.equal(foreign.status, 404);
    assert.equal(foreign.body.code, 'NOT_FOUND');
    assert.equal(await subscriptionCount(server, { endpoint }), 1);

    const badBody = await api('DELETE', '/chat/push/subscriptions', { token: owner.token, body: { endpoint: 'nope' } });
    assert.equal(badBody.status, 400);

    const deleted = await api('DELETE', '/chat/push/subscriptions', { token: owner.token, body: { endpoint } });
    assert.equal(deleted.status, 204);
    assert.equal(await subscriptionCount(server, { endpoint }), 0);
    assert.equal((await api('DELETE', '/chat/push/subscriptions', { token: owner.token, body: { endpoint } })).status, 404);
  });

  it('moves an endpoint to whoever subscribes it last (one browser, another account)', async () => {
    const first = await createAccount(api, 'USER');
    const second = await createAccount(api, 'USER');
    const endpoint = endpointUrl();
    assert.equal(
      (await api('POST', '/chat/push/subscriptions', { token: first.token, body: subscriptionBody(endpoint, keys) })).status,
      201,
    );
    assert.equal(
      (await api('POST', '/chat/push/subscriptions', { token: second.token, body: subscriptionBody(endpoint, keys) })).status,
      201,
    );
    assert.equal((await api('DELETE', '/chat/push/subscriptions', { token: first.token, body: { endpoint } })).status, 404);
    assert.equal((await api('DELETE', '/chat/push/subscriptions', { token: second.token, body: { endpoint } })).status, 204);
  });

  it('keeps at most ten subscriptions per user, the newest', async () => {
    const user = await createAccount(api, 'USER');
    const endpoints = Array.from({ length: 12 }, endpointUrl);
    for (const endpoint of endpoints) {
      assert.equal(
        (await api('POST', '/chat/push/subscriptions', { token: user.token, body: subscriptionBody(endpoint, keys) })).status,
        201,
      );
    }
    assert.equal(await subscriptionCount(server, { userId: user.id }), 10);
    assert.equal(await subscriptionCount(server, { endpoint: endpoints[0] }), 0);
    assert.equal(await subscriptionCount(server, { endpoint: endpoints[11] }), 1);
    // Still serving after all the bad input above.
    assert.equal((await api('GET', '/chat/push/vapid-public-key', { token: user.token })).status, 200);
  });
});

describe('push: VAPID keys', () => {
  it('generates keys once into <data dir>/vapid.json, readable only by the owner, and reuses them', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'vapid-test-'));
    try {
      const push = { subject: 'mailto:support@example.com', allowPrivate: false };
      const generated = loadVapidKeys({ dataDir, push });
      assert.equal(generated.source, 'generated');
      assert.equal(Buffer.from(generated.publicKey, 'base64url').length, 65);
      assert.equal(statSync(join(dataDir, 'vapid.json')).mode & 0o777, 0o600);
      const again = loadVapidKeys({ dataDir, push });
      assert.deepEqual({ ...again, source: 'generated' }, generated);
      assert.equal(again.source, 'data dir');
      const configured = loadVapidKeys({ dataDir, push: { ...push, vapid: { publicKey: 'pub', privateKey: 'priv' } } });
      assert.deepEqual(configured, { publicKey: 'pub', privateKey: 'priv', source: 'config' });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
