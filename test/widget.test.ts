import assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { DEMO_ADMIN, DEMO_USER, login, type TestAccount } from './support/accounts.js';
import { type Api, apiClient } from './support/http.js';
import { startServer, type TestServer } from './support/server.js';
import { isValidUserHash } from '../src/widget/widget-identity.js';
import { ConfigError, loadConfig } from '../src/config/config.js';

const WIDGET_SECRET = 'widget-secret-for-tests-0123456789abcdef';
const PRODUCT_ORIGIN = 'https://product.example';
const hashOf = (id: string, secret = WIDGET_SECRET) => createHmac('sha256', secret).update(id).digest('hex');

describe('website widget: identity and assets', () => {
  let server: TestServer;
  let api: Api;
  let admin: TestAccount;
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });

  before(async () => {
    server = await startServer({
      WIDGET_SECRET,
      WIDGET_ORIGINS: PRODUCT_ORIGIN,
      JWT_PUBLIC_KEY: rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      JWT_ISSUER: 'https://host.example',
      JWT_AUDIENCE: 'support-chat',
    });
    api = apiClient(server.url);
    admin = await login(api, DEMO_ADMIN.email, DEMO_ADMIN.password);
  });
  after(() => server.close());

  const userCount = async (query: string): Promise<number> =>
    (await api('GET', `/users?q=${encodeURIComponent(query)}`, { token: admin.token })).body.length;

  it('exchanges a good hash for a USER session whose token works on the chat API', async () => {
    const id = `u_${randomUUID()}`;
    const response = await api('POST', '/widget/session', {
      body: {
        id,
        email: 'Ann@Example.com',
        name: 'Ann Lee',
        hash: hashOf(id),
        pageUrl: 'https://product.example/billing',
        timeZone: 'Europe/Paris',
      },
      headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36' },
    });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.equal(response.body.tokenType, 'Bearer');
    assert.equal(response.body.user.role, 'USER');
    assert.equal(response.body.user.email, 'ann@example.com');
    assert.equal(response.body.user.name, 'Ann Lee');
    assert.deepEqual(response.body.contact, { isVisitor: false, hasEmail: true, emailVerified: true });
    const sent = await api('POST', '/chat/messages', { token: response.body.accessToken, body: { content: 'Hello from the widget' } });
    assert.equal(sent.status, 201, JSON.stringify(sent.body));

    const contact = await api('GET', `/widget/contacts/${response.body.user.id}`, { token: admin.token });
    assert.equal(contact.status, 200);
    assert.equal(contact.body.externalId, id);
    assert.equal(contact.body.email, 'ann@example.com');
    assert.equal(contact.body.emailVerified, true);
    assert.equal(contact.body.pageUrl, 'https://product.example/billing');
    assert.equal(contact.body.timeZone, 'Europe/Paris');
    assert.equal(contact.body.browser, 'Chrome 131 on Linux');
    assert.deepEqual(
      contact.body.conversations.map((conversation: { id: number }) => conversation.id),
      [sent.body.conversationId],
    );
  });

  it('rejects a wrong hash with 401 and creates no account', async () => {
    const id = `u_${randomUUID()}`;
    const email = `wrong-${randomUUID().slice(0, 8)}@example.com`;
    for (const hash of [hashOf(id, 'another-secret-of-at-least-32-characters!'), hashOf(`${id}x`), 'abc', '']) {
      const response = await api('POST', '/widget/session', { body: { id, email, name: 'Mallory', hash } });
      assert.equal(response.status, 401, JSON.stringify(response.body));
      assert.equal(response.body.code, 'UNAUTHORIZED');
      assert.equal(response.body.accessToken, undefined);
    }
    assert.equal(await userCount(email), 0);
    const good = await api('POST', '/widget/session', { body: { id, email, name: 'Mallory', hash: hashOf(id) } });
    assert.equal(good.status, 200);
    assert.equal(await userCount(email), 1, 'the count sees an account once one is made');
  });

  it('rejects a missing hash with 401 and creates no account', async () => {
    const email = `nohash-${randomUUID().slice(0, 8)}@example.com`;
    const response = await api('POST', '/widget/session', { body: { id: 'u_1', email } });
    assert.equal(response.status, 401);
    assert.match(response.body.message, /hash/i);
    const anonymous = await api('POST', '/widget/session', { body: { visitorId: randomUUID() } });
    assert.equal(anonymous.status, 401, 'visitors are refused unless WIDGET_ALLOW_ANONYMOUS=true');
    const nothing = await api('POST', '/widget/session', { body: {} });
    assert.equal(nothing.status, 401);
    assert.equal(await userCount(email), 0);
  });

  it('rejects a contact update from a local password account', async () => {
    const local = await login(api, DEMO_USER.email, DEMO_USER.password);
    const response = await api('PATCH', '/widget/contact', { token: local.token, body: { attributes: { plan: 'x' } } });
    assert.equal(response.status, 403);
  });

  it('compares hashes in constant time whatever their length', () => {
    const hash = hashOf('u_9');
    assert.equal(isValidUserHash(WIDGET_SECRET, 'u_9', hash), true);
    assert.equal(isValidUserHash(WIDGET_SECRET, 'u_9', hash.toUpperCase()), true);
    for (const wrong of [
      undefined,
      '',
      'a',
      hash.slice(0, 63),
      `${hash}00`,
      `${hash.slice(0, 63)}0`.replace(/.$/, hash.endsWith('0') ? '1' : '0'),
    ]) {
      assert.equal(isValidUserHash(WIDGET_SECRET, 'u_9', wrong), false, String(wrong));
    }
  });

  it('keeps a widget user apart from a local account with the same email', async () => {
    const localUser = await login(api, DEMO_USER.email, DEMO_USER.password);
    const id = `u_${randomUUID()}`;
    const response = await api('POST', '/widget/session', {
      body: { id, email: 'user@example.com', name: 'Widget Twin', hash: hashOf(id) },
    });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.notEqual(response.body.user.id, localUser.id);
    assert.equal(response.body.user.email, 'user@example.com');
    // The local account still signs in with its password and is still itself.
    const again = await login(api, DEMO_USER.email, DEMO_USER.password);
    assert.equal(again.id, localUser.id);
    assert.equal(again.name, localUser.name);
    // The same product id comes back to the same account, with the latest name.
    const second = await api('POST', '/widget/session', {
      body: { id, email: 'user@example.com', name: 'Renamed Twin', hash: hashOf(id) },
    });
    assert.equal(second.body.user.id, response.body.user.id);
    assert.equal(second.body.user.name, 'Renamed Twin');
    // An identity without name or email keeps the stored ones.
    const bare = await api('POST', '/widget/session', { body: { id, hash: hashOf(id) } });
    assert.equal(bare.body.user.name, 'Renamed Twin');
    assert.equal(bare.body.user.email, 'user@example.com');
  });

  it('stores the latest attributes and rejects more than 20 keys or bad values', async () => {
    const id = `u_${randomUUID()}`;
    const first = await api('POST', '/widget/session', {
      body: { id, hash: hashOf(id), attributes: { plan: 'pro', seats: 5, trial: false } },
    });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    const tooMany = Object.fromEntries(Array.from({ length: 21 }, (_, index) => [`k${index}`, index]));
    for (const attributes of [tooMany, { nested: { a: 1 } }, { list: [1] }, { '': 'x' }, { long: 'x'.repeat(501) }, 'plan']) {
      const response = await api('POST', '/widget/session', { body: { id, hash: hashOf(id), attributes } });
      assert.equal(response.status, 400, JSON.stringify(attributes));
      assert.equal(response.body.code, 'VALIDATION');
    }
    const updated = await api('PATCH', '/widget/contact', { token: first.body.accessToken, body: { attributes: { seats: 6 } } });
    assert.equal(updated.status, 200, JSON.stringify(updated.body));
    const contact = await api('GET', `/widget/contacts/${first.body.user.id}`, { token: admin.token });
    assert.deepEqual(contact.body.attributes, { plan: 'pro', seats: 6, trial: false });
    const overflow = await api('PATCH', '/widget/contact', {
      token: first.body.accessToken,
      body: { attributes: Object.fromEntries(Array.from({ length: 18 }, (_, index) => [`extra${index}`, true])) },
    });
    assert.equal(overflow.status, 400);
    const email = await api('PATCH', '/widget/contact', { token: first.body.accessToken, body: { email: 'other@example.com' } });
    assert.equal(email.status, 403, 'a verified user cannot retype their email');
  });

  it('exchanges a host-app token for a widget session, and refuses a chat token', async () => {
    const sub = randomUUID();
    const hostToken = await new SignJWT({ email: `host-${sub.slice(0, 8)}@example.com`, name: 'Host User' })
      .setProtectedHeader({ alg: 'RS256' })
      .setSubject(sub)
      .setIssuer('https://host.example')
      .setAudience('support-chat')
      .setExpirationTime('10m')
      .sign(rsa.privateKey);
    const response = await api('POST', '/widget/session', { body: { token: hostToken, pageUrl: 'https://product.example/' } });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.equal(response.body.user.name, 'Host User');
    assert.notEqual(response.body.accessToken, hostToken);
    const attributes = await api('PATCH', '/widget/contact', { token: response.body.accessToken, body: { attributes: { plan: 'Team' } } });
    assert.equal(attributes.status, 200, JSON.stringify(attributes.body));
    const contact = await api('GET', `/widget/contacts/${response.body.user.id}`, { token: admin.token });
    assert.equal(contact.body.externalId, `https://host.example|${sub}`);
    assert.deepEqual(contact.body.attributes, { plan: 'Team' });
    assert.equal(contact.body.pageUrl, 'https://product.example/');
    const own = await api('POST', '/widget/session', { body: { token: response.body.accessToken } });
    assert.equal(own.status, 401);
    const forged = await api('POST', '/widget/session', { body: { token: `${hostToken.slice(0, -4)}AAAA` } });
    assert.equal(forged.status, 401);
  });

  it('rejects unknown fields and bad page URLs with 400', async () => {
    for (const body of [
      { id: 'u_1', hash: hashOf('u_1'), role: 'ADMIN' },
      { id: 'u_1', hash: hashOf('u_1'), pageUrl: 'javascript:alert(1)' },
      { id: 'u_1', hash: 5 },
      { id: -1, hash: hashOf('-1') },
      { id: 'x'.repeat(201), hash: hashOf('x'.repeat(201)) },
    ]) {
      const response = await api('POST', '/widget/session', { body });
      assert.equal(response.status, 400, JSON.stringify(body));
    }
    // A numeric product id is hashed as its decimal string.
    const numeric = await api('POST', '/widget/session', { body: { id: 42, hash: hashOf('42') } });
    assert.equal(numeric.status, 200, JSON.stringify(numeric.body));
  });

  it('tells the loader whether the page origin may embed the widget', async () => {
    const allowed = await api('GET', '/widget/config', { headers: { origin: PRODUCT_ORIGIN } });
    assert.deepEqual(allowed.body, { originAllowed: true, origin: PRODUCT_ORIGIN, allowAnonymous: false });
    assert.equal(allowed.headers.get('access-control-allow-origin'), '*');
    const refused = await api('GET', '/widget/config', { headers: { origin: 'https://evil.example' } });
    assert.equal(refused.body.originAllowed, false);
  });

  it('serves the loader with an ETag, a short max-age and within 8 KB gzipped', async () => {
    const response = await fetch(`${server.url}/widget.js`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /javascript/);
    assert.match(response.headers.get('cache-control') ?? '', /max-age=(\d{1,4})\b/);
    const maxAge = Number(/max-age=(\d+)/.exec(response.headers.get('cache-control') ?? '')?.[1]);
    assert.ok(maxAge > 0 && maxAge <= 3600, `max-age ${maxAge}`);
    const etag = response.headers.get('etag');
    assert.ok(etag);
    const body = await response.text();
    assert.match(body, /SupportChat/);
    const gzipped = gzipSync(body, { level: 9 }).length;
    assert.ok(gzipped <= 8 * 1024, `widget.js is ${gzipped} bytes gzipped`);
    const revalidated = await fetch(`${server.url}/widget.js`, { headers: { 'if-none-match': etag } });
    assert.equal(revalidated.status, 304);
  });

  it('frames /widget/ only from the allowed origins and every other page from nowhere', async () => {
    const frame = await fetch(`${server.url}/widget/`);
    assert.equal(frame.status, 200);
    const csp = frame.headers.get('content-security-policy') ?? '';
    assert.match(csp, new RegExp(`frame-ancestors ${PRODUCT_ORIGIN.replace(/[.]/g, '\\.')} 'self'(;|$)`));
    assert.equal(frame.headers.get('x-frame-options'), null);
    const home = await fetch(`${server.url}/`, { headers: { accept: 'text/html' } });
    assert.equal(home.headers.get('x-frame-options'), 'DENY');
  });
});

describe('website widget: anonymous visitors', () => {
  let server: TestServer;
  let api: Api;

  before(async () => {
    server = await startServer({ WIDGET_ALLOW_ANONYMOUS: 'true' });
    api = apiClient(server.url);
  });
  after(() => server.close());

  it('gives a visitor id its own account, asks for an email and marks it unverified', async () => {
    const visitorId = randomUUID();
    const first = await api('POST', '/widget/session', { body: { visitorId, pageUrl: 'https://shop.example/' } });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.deepEqual(first.body.contact, { isVisitor: true, hasEmail: false, emailVerified: false });
    const saved = await api('PATCH', '/widget/contact', { token: first.body.accessToken, body: { email: 'Visitor@Example.com' } });
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    assert.deepEqual(saved.body, { isVisitor: true, hasEmail: true, emailVerified: false });
    const again = await api('POST', '/widget/session', { body: { visitorId } });
    assert.equal(again.body.user.id, first.body.user.id);
    assert.equal(again.body.user.email, 'visitor@example.com');
    const admin = await login(api, DEMO_ADMIN.email, DEMO_ADMIN.password);
    const contact = await api('GET', `/widget/contacts/${first.body.user.id}`, { token: admin.token });
    assert.equal(contact.body.isVisitor, true);
    assert.equal(contact.body.emailVerified, false);
    assert.equal(contact.body.email, 'visitor@example.com');
    const bad = await api('PATCH', '/widget/contact', { token: first.body.accessToken, body: { email: 'not-an-email' } });
    assert.equal(bad.status, 400);
  });

  it('rejects a visitor id that is not a UUID', async () => {
    const response = await api('POST', '/widget/session', { body: { visitorId: 'abc' } });
    assert.equal(response.status, 400);
    assert.equal(response.body.code, 'VALIDATION');
  });
});

describe('website widget without demo accounts', () => {
  let server: TestServer;

  before(async () => {
    server = await startServer({ SEED_DEMO: 'false', WIDGET_SECRET, WIDGET_ORIGINS: `${PRODUCT_ORIGIN},https://www.product.example` });
  });
  after(() => server.close());

  it('frames /widget/ from exactly the listed origins and serves no /widget-demo', async () => {
    const frame = await fetch(`${server.url}/widget/`);
    assert.match(
      frame.headers.get('content-security-policy') ?? '',
      /(^|; )frame-ancestors https:\/\/product\.example https:\/\/www\.product\.example(;|$)/,
    );
    const demo = await fetch(`${server.url}/widget-demo`, { headers: { accept: 'text/html' } });
    assert.equal(demo.status, 404);
  });
});

describe('website widget: configuration', () => {
  it('rejects a short WIDGET_SECRET and a WIDGET_ORIGINS entry that is not an origin, naming the variable', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'widget-config-'));
    try {
      assert.throws(
        () => loadConfig({ CHAT_DATA_DIR: dataDir, WIDGET_SECRET: 'too-short' }),
        (error: unknown) => {
          assert.ok(error instanceof ConfigError);
          assert.match(error.message, /WIDGET_SECRET: must be at least 32 characters \(value hidden\)/);
          return true;
        },
      );
      assert.throws(
        () => loadConfig({ CHAT_DATA_DIR: dataDir, WIDGET_ORIGINS: 'https://ok.example,https://bad.example/path' }),
        /WIDGET_ORIGINS/,
      );
      assert.throws(() => loadConfig({ CHAT_DATA_DIR: dataDir, WIDGET_ALLOW_ANONYMOUS: 'maybe' }), /WIDGET_ALLOW_ANONYMOUS/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('generates WIDGET_SECRET into the data dir once and keeps it across restarts', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'widget-config-'));
    try {
      const first = loadConfig({ CHAT_DATA_DIR: dataDir });
      assert.ok((first.widget.secret ?? '').length >= 32);
      assert.equal(readFileSync(join(dataDir, 'widget-secret'), 'utf8').trim(), first.widget.secret);
      assert.equal(loadConfig({ CHAT_DATA_DIR: dataDir }).widget.secret, first.widget.secret);
      assert.notEqual(first.widget.secret, first.auth.jwtSecret);
      const origins = loadConfig({ CHAT_DATA_DIR: dataDir, WIDGET_ORIGINS: 'https://a.example, http://localhost:8080' }).widget.origins;
      assert.deepEqual(origins, ['https://a.example', 'http://localhost:8080']);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
