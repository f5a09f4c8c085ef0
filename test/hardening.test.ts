import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { configurePasswordHashing } from '../src/users/passwords.js';
import { ConfigError, loadConfig } from '../src/config/config.js';
import { UsersService } from '../src/users/users.service.js';
import { createAccount, DEMO_ADMIN, DEMO_USER, login, TEST_PASSWORD } from './support/accounts.js';
import { type Api, apiClient } from './support/http.js';
import { type ClientSocket, connectAs, emitWithAck } from './support/sockets.js';
import { startServer, TEST_JWT_SECRET, type TestServer } from './support/server.js';

const from = (ip: string, extra: Record<string, string> = {}) => ({ 'x-forwarded-for': ip, ...extra });

describe('production defaults', () => {
  it('refuses SEED_DEMO=true with NODE_ENV=production, saying how to create the first admin', () => {
    assert.throws(
      () => loadConfig({ NODE_ENV: 'production', JWT_SECRET: TEST_JWT_SECRET, SEED_DEMO: 'true', CHAT_DATA_DIR: '/tmp/unused' }),
      (error: Error) => {
        assert.ok(error instanceof ConfigError);
        assert.match(error.message, /SEED_DEMO/);
        assert.match(error.message, /npm run user:create -- --email .* --admin/);
        return true;
      },
    );
  });

  it('creates no demo account on an empty embedded database in production; /docs and /metrics answer 404', async () => {
    const server = await startServer({ NODE_ENV: 'production', SEED_DEMO: '' });
    try {
      const api = apiClient(server.url);
      for (const account of [DEMO_ADMIN, DEMO_USER]) {
        const response = await api('POST', '/auth/login', { body: account });
        assert.equal(response.status, 401, account.email);
      }
      assert.equal((await api('GET', '/docs/json')).status, 404);
      assert.equal((await api('GET', '/docs')).status, 404);
      const metrics = await api('GET', '/metrics');
      assert.equal(metrics.status, 404);
      assert.equal(metrics.body.code, 'NOT_FOUND');
    } finally {
      await server.close();
    }
  });

  it('serves /docs with DOCS_ENABLED=true and /metrics with METRICS_TOKEN in production', async () => {
    const token = 'metrics-token-0123456789';
    const server = await startServer({ NODE_ENV: 'production', SEED_DEMO: '', DOCS_ENABLED: 'true', METRICS_TOKEN: token });
    try {
      const api = apiClient(server.url);
      const docs = await api('GET', '/docs/json');
      assert.equal(docs.status, 200);
      assert.ok(docs.body.paths['/auth/refresh']);
      assert.equal((await api('GET', '/metrics')).status, 401);
      const scraped = await api('GET', '/metrics', { token });
      assert.equal(scraped.status, 200);
      assert.match(scraped.body, /chat_connected_sockets/);
    } finally {
      await server.close();
    }
  });
});

describe('configuration errors', () => {
  it('never prints a credential: passwords in URLs and *TOKEN*/*SECRET*/*KEY* values are masked', () => {
    const cases: [Record<string, string>, string][] = [
      [{ DATABASE_URL: 'mysql://chat:hunter2-db-pass@db:3306/chat' }, 'hunter2-db-pass'],
      [{ REDIS_URL: 'http://default:redis-pass-42@cache:6379' }, 'redis-pass-42'],
      [{ METRICS_TOKEN: 'tiny' }, 'tiny'],
      [{ WEBHOOK_SECRET: 'short-secret' }, 'short-secret'],
    ];
    for (const [env, secret] of cases) {
      assert.throws(
        () => loadConfig({ CHAT_DATA_DIR: '/tmp/unused', ...env }),
        (error: Error) => {
          assert.ok(error instanceof ConfigError, String(error));
          assert.match(error.message, new RegExp(Object.keys(env)[0] ?? ''));
          assert.ok(!error.message.includes(secret), `${secret} printed: ${error.message}`);
          return true;
        },
      );
    }
  });

  it('requires JWT_AUDIENCE with JWT_PUBLIC_KEY and rejects bad TRUST_PROXY values', () => {
    assert.throws(
      () => loadConfig({ CHAT_DATA_DIR: '/tmp/unused', JWT_PUBLIC_KEY: 'pem', JWT_ISSUER: 'https://host' }),
      /JWT_AUDIENCE: required/,
    );
    assert.throws(() => loadConfig({ CHAT_DATA_DIR: '/tmp/unused', TRUST_PROXY: 'everyone' }), /TRUST_PROXY/);
    assert.deepEqual(loadConfig({ CHAT_DATA_DIR: '/tmp/unused', TRUST_PROXY: '10.0.0.0/8, loopback' }).trustProxy, [
      '10.0.0.0/8',
      'loopback',
    ]);
    assert.equal(loadConfig({ CHAT_DATA_DIR: '/tmp/unused', TRUST_PROXY: '2' }).trustProxy, 2);
    assert.throws(
      () => loadConfig({ CHAT_DATA_DIR: '/tmp/unused', NODE_ENV: 'production', JWT_SECRET: TEST_JWT_SECRET, JWT_EXPIRES_IN: '5s' }),
      /JWT_EXPIRES_IN: must be at least 60 seconds/,
    );
  });
});

describe('sign-in limits behind a trusted proxy', () => {
  let server: TestServer;
  let api: Api;

  before(async () => {
    // Accounts are made by the demo admin signing in from 127.0.0.1: the per-IP limit leaves room for that.
    server = await startServer({ TRUST_PROXY: 'loopback', LOGIN_RATE_LIMIT: '8', LOGIN_ACCOUNT_FREE_ATTEMPTS: '3' });
    api = apiClient(server.url);
  });
  after(() => server.close());

  it('backs off per account across X-Forwarded-For addresses, even for the right password', async () => {
    const victim = await createAccount(api, 'USER');
    for (const ip of ['198.51.100.1', '198.51.100.2', '198.51.100.3']) {
      const guess = await api('POST', '/auth/login', { body: { email: victim.email, password: 'wrong-guess' }, headers: from(ip) });
      assert.equal(guess.status, 401);
    }
    const blocked = await api('POST', '/auth/login', {
      body: { email: victim.email, password: TEST_PASSWORD },
      headers: from('198.51.100.4'),
    });
    assert.equal(blocked.status, 429);
    assert.equal(blocked.body.code, 'RATE_LIMITED');
    assert.ok(blocked.body.retryAfterMs > 5_000 && blocked.body.retryAfterMs <= 10_000, String(blocked.body.retryAfterMs));
    // Another account from the very same addresses is not affected.
    const bystander = await createAccount(api, 'USER');
    const fine = await api('POST', '/auth/login', {
      body: { email: bystander.email, password: TEST_PASSWORD },
      headers: from('198.51.100.4'),
    });
    assert.equal(fine.status, 200);
  });

  it('limits one client IP spraying many emails, not the other clients behind the proxy', async () => {
    const statuses = [];
    for (let index = 0; index < 9; index += 1) {
      const response = await api('POST', '/auth/login', {
        body: { email: `spray-${index}@example.com`, password: 'guess-123' },
        headers: from('203.0.113.66'),
      });
      statuses.push(response.status);
    }
    assert.deepEqual(statuses, [401, 401, 401, 401, 401, 401, 401, 401, 429]);
    const neighbour = await api('POST', '/auth/login', {
      body: { email: 'spray-0@example.com', password: 'x' },
      headers: from('203.0.113.67'),
    });
    assert.equal(neighbour.status, 401);
  });

  it('records the forwarded client address on the session and sends HSTS and a Secure cookie for forwarded https', async () => {
    const account = await createAccount(api, 'USER');
    const response = await api('POST', '/auth/login', {
      body: { email: account.email, password: TEST_PASSWORD },
      headers: from('192.0.2.10', { 'x-forwarded-proto': 'https' }),
    });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('strict-transport-security') ?? '', /max-age=\d+/);
    assert.match(response.headers.get('set-cookie') ?? '', /; Secure/);
    const sessions = await api('GET', '/auth/sessions', { token: response.body.accessToken });
    assert.equal(sessions.body.find((s: { current: boolean }) => s.current).ip, '192.0.2.10');
  });
});

describe('sign-in limits without a trusted proxy', () => {
  it('ignores X-Forwarded-For and -Proto, and keeps a global ceiling', async () => {
    const server = await startServer({ LOGIN_GLOBAL_RATE_LIMIT: '4' });
    try {
      const api = apiClient(server.url);
      const statuses = [];
      for (let index = 0; index < 5; index += 1) {
        const response = await api('POST', '/auth/login', {
          body: { email: `global-${index}@example.com`, password: 'guess-123' },
          headers: from(`198.18.0.${index + 1}`, { 'x-forwarded-proto': 'https' }),
        });
        statuses.push(response.status);
        assert.equal(response.headers.get('strict-transport-security'), null);
      }
      assert.deepEqual(statuses, [401, 401, 401, 401, 429]);
    } finally {
      await server.close();
    }
  });

  it('keeps limiting sign-ins in this instance while Redis is unreachable, and stays ready (redis: degraded)', async () => {
    const server = await startServer({ REDIS_URL: 'redis://127.0.0.1:9', LOGIN_RATE_LIMIT: '2' });
    try {
      const api = apiClient(server.url);
      const statuses = [];
      for (let index = 0; index < 3; index += 1) {
        statuses.push((await api('POST', '/auth/login', { body: { email: `closed-${index}@example.com`, password: 'guess-123' } })).status);
      }
      assert.deepEqual(statuses, [401, 401, 429]);
      const ready = await api('GET', '/health/ready');
      assert.equal(ready.status, 200);
      assert.equal(ready.body.redis, 'degraded');
      assert.equal(ready.body.details.database.status, 'up');
    } finally {
      await server.close();
    }
  });
});

describe('headers, bounds, uploads and socket budgets', () => {
  let server: TestServer;
  let api: Api;
  const sockets: ClientSocket[] = [];

  before(async () => {
    server = await startServer({
      UPLOAD_QUOTA_BYTES_PER_DAY: '1000',
      UPLOAD_RATE_LIMIT: '3',
      SOCKET_EVENT_RATE_LIMIT: '5',
      SYNC_MAX_MESSAGES: '3',
    });
    api = apiClient(server.url);
  });
  after(async () => {
    sockets.forEach((socket) => socket.close());
    await server.close();
  });

  it('sends a strict Content-Security-Policy, COOP and no HSTS over plain http', async () => {
    for (const path of ['/', '/health', '/auth/options']) {
      const response = await api('GET', path);
      const csp = response.headers.get('content-security-policy') ?? '';
      for (const directive of [
        "default-src 'self'",
        "img-src 'self' blob: data:",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
      ]) {
        assert.ok(csp.includes(directive), `${path}: ${directive} missing in ${csp}`);
      }
      assert.equal(response.headers.get('cross-origin-opener-policy'), 'same-origin');
      assert.equal(response.headers.get('x-frame-options'), 'DENY');
      assert.equal(response.headers.get('strict-transport-security'), null);
    }
  });

  it('answers out-of-range ids, seqs, limits and cursors and NUL characters with 400 VALIDATION', async () => {
    const admin = await login(api, DEMO_ADMIN.email, DEMO_ADMIN.password);
    const user = await createAccount(api, 'USER');
    const sent = await api('POST', '/chat/messages', { token: user.token, body: { content: 'hello' } });
    const conversationId = sent.body.conversationId as number;
    const hugeCursor = Buffer.from(JSON.stringify([1e20, 1])).toString('base64url');
    const hugeIdCursor = Buffer.from(JSON.stringify([Date.now(), 99_999_999_999])).toString('base64url');
    const cases: [string, string, unknown?][] = [
      ['GET', `/chat/conversations/${conversationId}/messages?afterSeq=9999999999`],
      ['GET', `/chat/conversations/${conversationId}/messages?before=99999999999`],
      ['GET', `/chat/conversations/${conversationId}/messages?limit=1000000`],
      ['GET', '/chat/conversations/99999999999'],
      ['GET', `/chat/conversations?cursor=${hugeCursor}`],
      ['GET', `/chat/conversations?cursor=${hugeIdCursor}`],
      ['GET', '/chat/search?q=a%00b'],
      ['GET', '/users?q=%00'],
      ['GET', '/users?cursor=99999999999'],
      ['POST', '/chat/messages', { conversationId, content: 'nul \u0000 inside' }],
      ['POST', '/chat/messages', { conversationId: 99_999_999_999, content: 'x' }],
      ['POST', '/users', { email: 'nul@example.com', password: 'long enough pw', name: 'A\u0000B' }],
      ['PATCH', `/users/${user.id}`, { name: '\u0000' }],
    ];
    for (const [method, path, body] of cases) {
      const response = await api(method, path, { token: admin.token, body });
      assert.equal(response.status, 400, `${method} ${path}: ${response.status} ${JSON.stringify(response.body)}`);
      assert.equal(response.body.code, 'VALIDATION', `${method} ${path}`);
    }
    const register = await api('POST', '/auth/register', { body: { email: 'n@example.com', password: 'pass\u0000word-long', name: 'N' } });
    assert.equal(register.status, 400);
    const loginNul = await api('POST', '/auth/login', { body: { email: 'a\u0000@example.com', password: 'x' } });
    assert.equal(loginNul.status, 400);

    const socket = await connectAs(server.url, admin);
    sockets.push(socket);
    for (const payload of [
      { conversations: { '9999999999': 0 } },
      { conversations: { [String(conversationId)]: 99_999_999_999 } },
      { conversations: { [String(conversationId)]: -1 } },
    ]) {
      const ack = await emitWithAck(socket, 'sync', payload);
      assert.equal(ack.ok, false, JSON.stringify(payload));
      assert.equal(ack.error.code, 'VALIDATION');
    }
    const nul = await emitWithAck(socket, 'sendMessage', { conversationId, content: 'a\u0000' });
    assert.equal(nul.error.code, 'VALIDATION');
  });

  it('caps what one sync ack carries and says hasMore', async () => {
    const user = await createAccount(api, 'USER');
    let conversationId = 0;
    for (let index = 0; index < 5; index += 1) {
      const sent = await api('POST', '/chat/messages', { token: user.token, body: { content: `m${index}` } });
      conversationId = sent.body.conversationId;
    }
    const socket = await connectAs(server.url, user);
    sockets.push(socket);
    const ack = await emitWithAck(socket, 'sync', { conversations: { [String(conversationId)]: 0 } });
    assert.equal(ack.ok, true);
    assert.deepEqual(
      ack.conversations[0].messages.map((m: { seq: number }) => m.seq),
      [1, 2, 3],
    );
    assert.equal(ack.conversations[0].hasMore, true);
  });

  it('spends a per-socket budget on every event and keeps the socket connected', async () => {
    const user = await createAccount(api, 'USER');
    const sent = await api('POST', '/chat/messages', { token: user.token, body: { content: 'budget' } });
    const socket = await connectAs(server.url, user);
    sockets.push(socket);
    const acks = [];
    for (let index = 0; index < 6; index += 1) {
      acks.push(await emitWithAck(socket, 'markAsRead', { conversationId: sent.body.conversationId }));
    }
    assert.deepEqual(
      acks.map((ack) => ack.ok),
      [true, true, true, true, true, false],
    );
    assert.equal(acks[5].error.code, 'RATE_LIMITED');
    assert.ok(acks[5].error.retryAfterMs > 0);
    assert.equal(socket.connected, true);
  });

  async function upload(token: string, bytes: number, url = server.url) {
    const form = new FormData();
    form.append('file', new Blob(['a'.repeat(bytes)], { type: 'text/plain' }), `${randomUUID()}.txt`);
    const response = await fetch(`${url}/chat/attachments`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
    return { status: response.status, body: (await response.json()) as { code?: string; size?: number } };
  }

  it('refuses uploads over the daily quota and over the hourly upload rate', async () => {
    const user = await createAccount(api, 'USER');
    const first = await upload(user.token, 600);
    assert.equal(first.status, 201, JSON.stringify(first.body));
    const second = await upload(user.token, 600);
    assert.equal(second.status, 413);
    assert.equal(second.body.code, 'QUOTA_EXCEEDED');
    // Another user has a quota of their own; the third upload in the hour is over the rate.
    const other = await createAccount(api, 'USER');
    assert.equal((await upload(other.token, 10)).status, 201);
    assert.equal((await upload(other.token, 10)).status, 201);
    assert.equal((await upload(other.token, 10)).status, 201);
    const overRate = await upload(other.token, 10);
    assert.equal(overRate.status, 429);
    assert.equal(overRate.body.code, 'RATE_LIMITED');
  });

  it('refuses uploads while the storage volume has less than MIN_FREE_DISK_BYTES free', async () => {
    const full = await startServer({ MIN_FREE_DISK_BYTES: String(2 ** 40) });
    try {
      const user = await createAccount(apiClient(full.url), 'USER');
      const refused = await upload(user.token, 10, full.url);
      assert.equal(refused.status, 507);
      assert.equal(refused.body.code, 'INSUFFICIENT_STORAGE');
    } finally {
      await full.close();
    }
  });
});

describe('password hashing', () => {
  it('upgrades a hash made with a lower scrypt cost at the next sign-in', async () => {
    const server = await startServer({ PASSWORD_SCRYPT_LOG_N: '14' });
    try {
      const api = apiClient(server.url);
      const account = await createAccount(api, 'USER');
      const users = server.app.get(UsersService);
      assert.match((await users.findByEmail(account.email))?.passwordHash ?? '', /^scrypt\$16384\$8\$1\$/);
      // The deployment raises the cost (in-process tests share the setting: put it back afterwards).
      configurePasswordHashing(15);
      try {
        await login(api, account.email);
        assert.match((await users.findByEmail(account.email))?.passwordHash ?? '', /^scrypt\$32768\$8\$1\$/);
        await login(api, account.email);
      } finally {
        configurePasswordHashing(14);
      }
    } finally {
      await server.close();
    }
  });
});
