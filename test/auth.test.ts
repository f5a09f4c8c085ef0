import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { SignJWT } from 'jose';
import { createAccount, DEMO_ADMIN, DEMO_USER, login } from './support/accounts.js';
import { type Api, apiClient } from './support/http.js';
import { connect, emitWithAck } from './support/sockets.js';
import { startServer, type TestServer } from './support/server.js';

describe('accounts and tokens', () => {
  let server: TestServer;
  let api: Api;
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const publicPem = rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString();

  before(async () => {
    server = await startServer({
      JWT_PUBLIC_KEY: publicPem,
      JWT_ISSUER: 'https://host.example',
      JWT_AUDIENCE: 'support-chat-test',
      JWT_EXPIRES_IN: '15m',
    });
    api = apiClient(server.url);
  });
  after(() => server.close());

  it('signs in the demo accounts and answers /auth/me', async () => {
    const admin = await login(api, DEMO_ADMIN.email, DEMO_ADMIN.password);
    assert.equal(admin.role, 'ADMIN');
    const user = await login(api, DEMO_USER.email.toUpperCase(), DEMO_USER.password);
    assert.equal(user.role, 'USER');
    const me = await api('GET', '/auth/me', { token: user.token });
    assert.equal(me.status, 200);
    assert.equal(me.body.email, DEMO_USER.email);
    assert.equal(me.body.passwordHash, undefined);
  });

  it('issues tokens that expire after JWT_EXPIRES_IN', async () => {
    const response = await api('POST', '/auth/login', { body: DEMO_USER });
    const expiresIn = Date.parse(response.body.expiresAt) - Date.now();
    assert.ok(expiresIn > 14 * 60_000 && expiresIn <= 15 * 60_000, `expires in ${expiresIn} ms`);
    const payload = JSON.parse(Buffer.from(response.body.accessToken.split('.')[1], 'base64url').toString());
    assert.equal(typeof payload.exp, 'number');
  });

  it('rejects wrong credentials with the same 401 whether or not the email exists', async () => {
    const wrongPassword = await api('POST', '/auth/login', { body: { email: DEMO_USER.email, password: 'wrong-password' } });
    const unknownEmail = await api('POST', '/auth/login', { body: { email: 'nobody@example.com', password: 'wrong-password' } });
    assert.equal(wrongPassword.status, 401);
    assert.deepEqual(wrongPassword.body, unknownEmail.body);
  });

  it('registers a USER, refuses a duplicate email case-insensitively, and validates input', async () => {
    const email = `New.Person.${Date.now()}@Example.com`;
    const created = await api('POST', '/auth/register', { body: { email, password: 'long enough', name: 'New Person' } });
    assert.equal(created.status, 201);
    assert.equal(created.body.user.role, 'USER');
    assert.equal(created.body.user.email, email.toLowerCase());
    assert.ok(created.body.accessToken);
    const duplicate = await api('POST', '/auth/register', { body: { email: email.toUpperCase(), password: 'long enough', name: 'Again' } });
    assert.equal(duplicate.status, 409);
    const asAdmin = await api('POST', '/auth/register', { body: { email: 'x@y.io', password: 'long enough', name: 'X', role: 'ADMIN' } });
    assert.equal(asAdmin.status, 400);
    const shortPassword = await api('POST', '/auth/register', { body: { email: 'short@y.io', password: 'short', name: 'X' } });
    assert.equal(shortPassword.status, 400);
    const badEmail = await api('POST', '/auth/register', { body: { email: 'not-an-email', password: 'long enough', name: 'X' } });
    assert.equal(badEmail.status, 400);
    assert.match(badEmail.body.message, /email/);
  });

  it('lets admins create admins with POST /users and list users by email', async () => {
    const admin = await login(api, DEMO_ADMIN.email, DEMO_ADMIN.password);
    const email = `agent-${Date.now()}@example.com`;
    const created = await api('POST', '/users', {
      token: admin.token,
      body: { email, password: 'password-10', name: 'Agent', role: 'ADMIN' },
    });
    assert.equal(created.status, 201);
    assert.equal(created.body.role, 'ADMIN');
    const agent = await login(api, email);
    assert.equal(agent.role, 'ADMIN');
    const found = await api('GET', `/users?q=${encodeURIComponent(email)}`, { token: admin.token });
    assert.deepEqual(
      found.body.map((u: { email: string }) => u.email),
      [email],
    );
  });

  it('accepts host-app RS256 tokens and creates the user on first sight', async () => {
    const token = await new SignJWT({ email: 'host-user@example.com', name: 'Host User', role: 'USER' })
      .setProtectedHeader({ alg: 'RS256' })
      .setSubject('ext-42')
      .setIssuer('https://host.example')
      .setAudience('support-chat-test')
      .setExpirationTime('10m')
      .sign(rsa.privateKey);
    const me = await api('GET', '/auth/me', { token });
    assert.equal(me.status, 200);
    assert.equal(me.body.email, 'host-user@example.com');
    const sent = await api('POST', '/chat/messages', { token, body: { content: 'from the host app' } });
    assert.equal(sent.status, 201);
    assert.equal(sent.body.senderId, me.body.id);
    const again = await api('GET', '/auth/me', { token });
    assert.equal(again.body.id, me.body.id);
    const socket = await connect(server.url, { token });
    const ack = await emitWithAck(socket, 'sendMessage', { content: 'socket too' });
    socket.close();
    assert.equal(ack.ok, true);
  });

  it('rejects host-app tokens with the wrong issuer, no exp, or another key', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const wrongIssuer = await new SignJWT({ email: 'a@b.io' })
      .setProtectedHeader({ alg: 'RS256' })
      .setSubject('1')
      .setIssuer('https://evil')
      .setExpirationTime('5m')
      .sign(rsa.privateKey);
    const noExp = await new SignJWT({ email: 'a@b.io' })
      .setProtectedHeader({ alg: 'RS256' })
      .setSubject('1')
      .setIssuer('https://host.example')
      .setAudience('support-chat-test')
      .sign(rsa.privateKey);
    const otherKey = await new SignJWT({ email: 'a@b.io' })
      .setProtectedHeader({ alg: 'RS256' })
      .setSubject('1')
      .setIssuer('https://host.example')
      .setAudience('support-chat-test')
      .setExpirationTime('5m')
      .sign(other.privateKey);
    for (const token of [wrongIssuer, noExp, otherKey]) {
      const response = await api('GET', '/auth/me', { token });
      assert.equal(response.status, 401);
    }
  });

  it('refuses HS256 tokens signed with the host app’s public key (algorithm confusion)', async () => {
    const confused = await new SignJWT({ role: 'ADMIN', email: 'x@y.io', name: 'x' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('1')
      .setIssuer('support-chat')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(publicPem));
    const response = await api('GET', '/auth/me', { token: confused });
    assert.equal(response.status, 401);
  });

  it('tells sign-in pages what the server allows at GET /auth/options', async () => {
    const response = await api('GET', '/auth/options');
    assert.equal(response.status, 200);
    assert.deepEqual(
      { registration: response.body.registration, maxMessageLength: response.body.maxMessageLength },
      { registration: true, maxMessageLength: 4000 },
    );
  });

  it('turns registration off with ALLOW_REGISTRATION=false', async () => {
    const closed = await startServer({ ALLOW_REGISTRATION: 'false' });
    try {
      assert.equal((await apiClient(closed.url)('GET', '/auth/options')).body.registration, false);
      const response = await apiClient(closed.url)('POST', '/auth/register', {
        body: { email: 'a@b.io', password: 'long enough', name: 'A' },
      });
      assert.equal(response.status, 403);
      assert.equal(response.body.code, 'REGISTRATION_CLOSED');
    } finally {
      await closed.close();
    }
  });

  it('keeps a user out of admin routes even with a freshly created account', async () => {
    const user = await createAccount(api, 'USER');
    const response = await api('GET', '/users', { token: user.token });
    assert.equal(response.status, 403);
  });
});
