import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { SessionsRepository } from '../src/auth/sessions.repository.js';
import { createAccount, DEMO_ADMIN, login, TEST_PASSWORD, type TestAccount } from './support/accounts.js';
import { type Api, apiClient } from './support/http.js';
import {
  type ClientSocket,
  collectEvents,
  connect,
  connectAs,
  disconnected,
  emitWithAck,
  nextEvent,
  sendFromEach,
} from './support/sockets.js';
import { SEVERAL_INSTANCES_SKIP, startServer, startSibling, type TestServer } from './support/server.js';

interface Session {
  accessToken: string;
  refreshToken: string;
  sessionId: number;
  user: { id: number; email: string; role: string };
}

async function signIn(api: Api, email: string, password = TEST_PASSWORD, userAgent?: string): Promise<Session> {
  const response = await api('POST', '/auth/login', {
    body: { email, password },
    headers: userAgent ? { 'user-agent': userAgent } : undefined,
  });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return response.body;
}

// Routes a signed-in account uses, each answered 401 TOKEN_REVOKED once its token is revoked.
const ROUTES: [string, string, unknown?][] = [
  ['GET', '/auth/me'],
  ['GET', '/auth/sessions'],
  ['POST', '/auth/logout-all'],
  ['POST', '/auth/password', { currentPassword: TEST_PASSWORD, newPassword: 'another-password' }],
  ['GET', '/chat/conversations'],
  ['GET', '/chat/conversations/1'],
  ['GET', '/chat/conversations/1/messages'],
  ['POST', '/chat/conversations/1/read'],
  ['POST', '/chat/messages', { content: 'revoked?' }],
  ['GET', '/chat/unread-count'],
  ['GET', '/chat/search?q=hello'],
  ['GET', '/chat/presence'],
  ['GET', '/chat/push/vapid-public-key'],
];

async function assertRevokedEverywhere(api: Api, token: string): Promise<void> {
  for (const [method, path, body] of ROUTES) {
    const response = await api(method, path, { token, body });
    assert.equal(response.status, 401, `${method} ${path}: ${JSON.stringify(response.body)}`);
    assert.equal(response.body.code, 'TOKEN_REVOKED', `${method} ${path}`);
  }
}

describe('sessions: refresh, logout and revocation', () => {
  let server: TestServer;
  let api: Api;
  let admin: TestAccount;
  const sockets: ClientSocket[] = [];
  const track = (socket: ClientSocket) => {
    sockets.push(socket);
    return socket;
  };

  before(async () => {
    server = await startServer({ SESSION_CHECK_INTERVAL_MS: '30000' });
    api = apiClient(server.url);
    admin = await login(api, DEMO_ADMIN.email, DEMO_ADMIN.password);
  });
  after(async () => {
    sockets.forEach((socket) => socket.close());
    await server.close();
  });

  it('sets the refresh token as an HttpOnly SameSite=Strict cookie scoped to /auth/refresh and refreshes with it', async () => {
    const account = await createAccount(api, 'USER');
    const response = await api('POST', '/auth/login', { body: { email: account.email, password: TEST_PASSWORD } });
    const cookie = response.headers.get('set-cookie') ?? '';
    assert.match(cookie, /^chat_refresh=[\w-]+;/);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);
    assert.match(cookie, /Path=\/auth\/refresh/);
    assert.doesNotMatch(cookie, /Secure/, 'plain http: no Secure flag');
    const refreshed = await api('POST', '/auth/refresh', { headers: { cookie: cookie.split(';')[0] ?? '' } });
    assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
    assert.equal(refreshed.body.user.id, account.id);
    assert.notEqual(refreshed.body.refreshToken, response.body.refreshToken);
    const me = await api('GET', '/auth/me', { token: refreshed.body.accessToken });
    assert.equal(me.body.id, account.id);
  });

  it('rotates the refresh token on every use and revokes the whole family when a used one comes back', async () => {
    const account = await createAccount(api, 'USER');
    const first = await signIn(api, account.email);
    const second = await api('POST', '/auth/refresh', { body: { refreshToken: first.refreshToken } });
    assert.equal(second.status, 200);
    assert.equal(second.body.sessionId, first.sessionId);
    const third = await api('POST', '/auth/refresh', { body: { refreshToken: second.body.refreshToken } });
    assert.equal(third.status, 200);

    const socket = track(await connect(server.url, { token: third.body.accessToken }));
    const revokedEvent = nextEvent(socket, 'error', { filter: (e) => e.code === 'TOKEN_REVOKED' });
    // The first token again: a copy was stolen. Everything of the family stops, the latest tokens too.
    const replay = await api('POST', '/auth/refresh', { body: { refreshToken: first.refreshToken } });
    assert.equal(replay.status, 401);
    assert.equal(replay.body.code, 'TOKEN_REVOKED');
    assert.equal((await revokedEvent).code, 'TOKEN_REVOKED');
    await disconnected(socket);
    const latest = await api('POST', '/auth/refresh', { body: { refreshToken: third.body.refreshToken } });
    assert.equal(latest.status, 401);
    const me = await api('GET', '/auth/me', { token: third.body.accessToken });
    assert.equal(me.status, 401);
    assert.equal(me.body.code, 'TOKEN_REVOKED');
    // Other sessions of the account are not part of the family.
    const other = await signIn(api, account.email);
    assert.equal((await api('GET', '/auth/me', { token: other.accessToken })).status, 200);
  });

  it('rejects a refresh without a token, with an unknown token and with a malformed body', async () => {
    const missing = await api('POST', '/auth/refresh', { body: {} });
    assert.equal(missing.status, 401);
    assert.equal(missing.body.code, 'UNAUTHORIZED');
    const unknown = await api('POST', '/auth/refresh', { body: { refreshToken: 'not-a-real-token' } });
    assert.equal(unknown.status, 401);
    const malformed = await api('POST', '/auth/refresh', { body: { refreshToken: 'a\u0000b' } });
    assert.equal(malformed.status, 400);
    assert.equal(malformed.body.code, 'VALIDATION');
  });

  it('ends only this session on logout: its access and refresh tokens stop, others keep working', async () => {
    const account = await createAccount(api, 'USER');
    const laptop = await signIn(api, account.email);
    const phone = await signIn(api, account.email);
    const out = await api('POST', '/auth/logout', { token: laptop.accessToken });
    assert.equal(out.status, 204);
    assert.match(out.headers.get('set-cookie') ?? '', /chat_refresh=;.*Max-Age=0/);
    await assertRevokedEverywhere(api, laptop.accessToken);
    assert.equal((await api('POST', '/auth/refresh', { body: { refreshToken: laptop.refreshToken } })).status, 401);
    assert.equal((await api('GET', '/auth/me', { token: phone.accessToken })).status, 200);
  });

  it('ends a session from its refresh token alone, and rejects a logout without any token', async () => {
    const account = await createAccount(api, 'USER');
    const session = await signIn(api, account.email);
    const out = await api('POST', '/auth/logout', { body: { refreshToken: session.refreshToken } });
    assert.equal(out.status, 204);
    assert.equal((await api('GET', '/auth/me', { token: session.accessToken })).body.code, 'TOKEN_REVOKED');
    assert.equal((await api('POST', '/auth/refresh', { body: { refreshToken: session.refreshToken } })).status, 401);
    const nothing = await api('POST', '/auth/logout', { body: {} });
    assert.equal(nothing.status, 401);
    assert.equal(nothing.body.code, 'UNAUTHORIZED');
  });

  it('ends every session and disconnects every socket of the account on logout-all', async () => {
    const account = await createAccount(api, 'USER');
    const a = await signIn(api, account.email);
    const b = await signIn(api, account.email);
    const socketA = track(await connect(server.url, { token: a.accessToken }));
    const socketB = track(await connect(server.url, { token: b.accessToken }));
    const errors = Promise.all([socketA, socketB].map((socket) => nextEvent(socket, 'error')));
    const out = await api('POST', '/auth/logout-all', { token: a.accessToken });
    assert.equal(out.status, 204);
    assert.deepEqual(
      (await errors).map((e) => e.code),
      ['TOKEN_REVOKED', 'TOKEN_REVOKED'],
    );
    await Promise.all([disconnected(socketA), disconnected(socketB)]);
    await assertRevokedEverywhere(api, b.accessToken);
    for (const token of [a.refreshToken, b.refreshToken]) {
      assert.equal((await api('POST', '/auth/refresh', { body: { refreshToken: token } })).status, 401);
    }
  });

  it('lists sessions with device, IP and times, and ends another one with DELETE /auth/sessions/:id', async () => {
    const account = await createAccount(api, 'USER');
    const desktop = await signIn(api, account.email, TEST_PASSWORD, 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Firefox/140.0');
    const phone = await signIn(api, account.email, TEST_PASSWORD, 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0) Safari/604.1');
    const listed = await api('GET', '/auth/sessions', { token: desktop.accessToken });
    assert.equal(listed.status, 200);
    const mine = listed.body.filter((s: { id: number }) => [desktop.sessionId, phone.sessionId].includes(s.id));
    assert.equal(mine.length, 2);
    const current = listed.body.find((s: { current: boolean }) => s.current);
    assert.equal(current.id, desktop.sessionId);
    assert.equal(current.device, 'Firefox on Windows');
    assert.equal(current.ip, '127.0.0.1');
    assert.ok(Date.parse(current.createdAt) > 0 && Date.parse(current.lastUsedAt) > 0);
    const phoneView = listed.body.find((s: { id: number }) => s.id === phone.sessionId);
    assert.equal(phoneView.device, 'Safari on iOS');

    const phoneSocket = track(await connect(server.url, { token: phone.accessToken }));
    const desktopSocket = track(await connect(server.url, { token: desktop.accessToken }));
    const phoneError = nextEvent(phoneSocket, 'error');
    const removed = await api('DELETE', `/auth/sessions/${phone.sessionId}`, { token: desktop.accessToken });
    assert.equal(removed.status, 204);
    assert.equal((await phoneError).code, 'TOKEN_REVOKED');
    await disconnected(phoneSocket);
    assert.equal((await api('GET', '/auth/me', { token: phone.accessToken })).status, 401);
    assert.equal((await api('GET', '/auth/me', { token: desktop.accessToken })).status, 200);
    assert.deepEqual(await collectEvents(desktopSocket, 'error', 300), []);
    assert.equal(desktopSocket.connected, true);

    const again = await api('DELETE', `/auth/sessions/${phone.sessionId}`, { token: desktop.accessToken });
    assert.equal(again.status, 404);
    const someoneElses = await api('DELETE', `/auth/sessions/${phone.sessionId}`, { token: admin.token });
    assert.equal(someoneElses.status, 404);
    const bad = await api('DELETE', '/auth/sessions/99999999999', { token: desktop.accessToken });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.code, 'VALIDATION');
  });

  it('stops a deactivated agent at once: tokens, sockets, refresh and sign-in', async () => {
    const agent = await createAccount(api, 'ADMIN');
    const session = await signIn(api, agent.email);
    const socket = track(await connect(server.url, { token: session.accessToken }));
    const revoked = nextEvent(socket, 'error');
    const patched = await api('PATCH', `/users/${agent.id}`, { token: admin.token, body: { isActive: false } });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    assert.equal(patched.body.isActive, false);
    assert.equal((await revoked).code, 'TOKEN_REVOKED');
    await disconnected(socket);
    await assertRevokedEverywhere(api, session.accessToken);
    assert.equal((await api('POST', '/auth/refresh', { body: { refreshToken: session.refreshToken } })).status, 401);
    const signInAgain = await api('POST', '/auth/login', { body: { email: agent.email, password: TEST_PASSWORD } });
    assert.equal(signInAgain.status, 401);
    const reactivated = await api('PATCH', `/users/${agent.id}`, { token: admin.token, body: { isActive: true } });
    assert.equal(reactivated.body.isActive, true);
    await signIn(api, agent.email);
  });

  it('takes admin rights and admin rooms from a demoted admin without signing out', async () => {
    const agent = await createAccount(api, 'ADMIN');
    const session = await signIn(api, agent.email);
    const socket = track(await connect(server.url, { token: session.accessToken }));
    const revoked = nextEvent(socket, 'error');
    const patched = await api('PATCH', `/users/${agent.id}`, { token: admin.token, body: { role: 'USER' } });
    assert.equal(patched.body.role, 'USER');
    assert.equal((await revoked).code, 'TOKEN_REVOKED');
    await disconnected(socket);
    assert.equal((await api('GET', '/users', { token: session.accessToken })).status, 401);
    // The session survives: a refresh gives a token of the new role.
    const refreshed = await api('POST', '/auth/refresh', { body: { refreshToken: session.refreshToken } });
    assert.equal(refreshed.status, 200);
    assert.equal(refreshed.body.user.role, 'USER');
    const users = await api('GET', '/users', { token: refreshed.body.accessToken });
    assert.equal(users.status, 403);
    // Reconnected, it no longer hears what only admins hear.
    const again = track(await connect(server.url, { token: refreshed.body.accessToken }));
    const someone = await createAccount(api, 'USER');
    const send = await api('POST', '/chat/messages', { token: someone.token, body: { content: 'for admins only' } });
    assert.equal(send.status, 201);
    assert.deepEqual(await collectEvents(again, 'newMessage', 400), []);
  });

  it('rejects PATCH /users/:id from users, for unknown ids, with bad fields, and for the last admin', async () => {
    const user = await createAccount(api, 'USER');
    const asUser = await api('PATCH', `/users/${user.id}`, { token: user.token, body: { role: 'ADMIN' } });
    assert.equal(asUser.status, 403);
    const unknown = await api('PATCH', '/users/2000000000', { token: admin.token, body: { name: 'X' } });
    assert.equal(unknown.status, 404);
    const badRole = await api('PATCH', `/users/${user.id}`, { token: admin.token, body: { role: 'ROOT' } });
    assert.equal(badRole.status, 400);
    const empty = await api('PATCH', `/users/${user.id}`, { token: admin.token, body: {} });
    assert.equal(empty.status, 400);
    const renamed = await api('PATCH', `/users/${user.id}`, { token: admin.token, body: { name: 'Renamed' } });
    assert.equal(renamed.body.name, 'Renamed');
    // A rename does not end the user's tokens.
    assert.equal((await api('GET', '/auth/me', { token: user.token })).body.name, 'Renamed');
    const self = await api('PATCH', `/users/${admin.id}`, { token: admin.token, body: { isActive: false } });
    assert.equal(self.status, 409);
  });

  it('changes the password: other sessions end, this one continues with the returned token', async () => {
    const account = await createAccount(api, 'USER');
    const here = await signIn(api, account.email);
    const elsewhere = await signIn(api, account.email);
    const wrong = await api('POST', '/auth/password', {
      token: here.accessToken,
      body: { currentPassword: 'not-the-password', newPassword: 'a brand new password' },
    });
    assert.equal(wrong.status, 400);
    const short = await api('POST', '/auth/password', {
      token: here.accessToken,
      body: { currentPassword: TEST_PASSWORD, newPassword: 'short' },
    });
    assert.equal(short.status, 400);
    assert.match(JSON.stringify(short.body.issues), /at least 10/);
    const changed = await api('POST', '/auth/password', {
      token: here.accessToken,
      body: { currentPassword: TEST_PASSWORD, newPassword: 'a brand new password' },
    });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    assert.equal((await api('GET', '/auth/me', { token: changed.body.accessToken })).status, 200);
    assert.equal((await api('GET', '/auth/me', { token: here.accessToken })).body.code, 'TOKEN_REVOKED');
    await assertRevokedEverywhere(api, elsewhere.accessToken);
    assert.equal((await api('POST', '/auth/refresh', { body: { refreshToken: elsewhere.refreshToken } })).status, 401);
    assert.equal((await api('POST', '/auth/refresh', { body: { refreshToken: here.refreshToken } })).status, 200);
    assert.equal((await api('POST', '/auth/login', { body: { email: account.email, password: TEST_PASSWORD } })).status, 401);
    await signIn(api, account.email, 'a brand new password');
  });

  it('leaves every room of the earlier session when a socket authenticates again', async () => {
    const account = await createAccount(api, 'USER');
    const first = await signIn(api, account.email);
    const second = await signIn(api, account.email);
    const socket = track(await connect(server.url, { token: first.accessToken }));
    const ack = await emitWithAck(socket, 'authenticate', { token: second.accessToken });
    assert.equal(ack.ok, true);
    // The first session's room was left: revoking it does not touch this socket any more.
    assert.equal((await api('DELETE', `/auth/sessions/${first.sessionId}`, { token: second.accessToken })).status, 204);
    assert.deepEqual(await collectEvents(socket, 'error', 400), []);
    assert.equal(socket.connected, true);
    const sent = await emitWithAck(socket, 'sendMessage', { content: 'still here', clientMessageId: randomUUID() });
    assert.equal(sent.ok, true);
  });

  it('requires at least 10 characters for new passwords but signs in the demo accounts with theirs', async () => {
    const short = await api('POST', '/auth/register', { body: { email: 'short@example.com', password: '123456789', name: 'S' } });
    assert.equal(short.status, 400);
    const created = await api('POST', '/users', {
      token: admin.token,
      body: { email: 'nine@example.com', password: '123456789', name: 'Nine' },
    });
    assert.equal(created.status, 400);
    assert.equal((await api('POST', '/auth/login', { body: DEMO_ADMIN })).status, 200);
  });
});

describe('revocation across instances', { skip: SEVERAL_INSTANCES_SKIP }, () => {
  let a: TestServer;
  let b: TestServer;
  const sockets: ClientSocket[] = [];

  before(async () => {
    a = await startServer({ SESSION_CHECK_INTERVAL_MS: '30000' });
    b = await startSibling(a);
  });
  after(async () => {
    sockets.forEach((socket) => socket.close());
    await b?.close();
    await a?.close();
  });

  it('disconnects sockets on the other instance and stops its tokens there at once', async () => {
    const apiA = apiClient(a.url);
    const apiB = apiClient(b.url);
    const account = await createAccount(apiA, 'USER');
    const session = await signIn(apiA, account.email);
    // B has checked (and cached) the session before the revocation.
    assert.equal((await apiB('GET', '/auth/me', { token: session.accessToken })).status, 200);
    const onB = await connect(b.url, { token: session.accessToken });
    sockets.push(onB);
    const error = nextEvent(onB, 'error', { timeoutMs: 5_000 });
    assert.equal((await apiA('POST', '/auth/logout-all', { token: session.accessToken })).status, 204);
    assert.equal((await error).code, 'TOKEN_REVOKED');
    await disconnected(onB);
    const me = await apiB('GET', '/auth/me', { token: session.accessToken });
    assert.equal(me.status, 401);
    assert.equal(me.body.code, 'TOKEN_REVOKED');
  });

  it('takes admin rooms from a demoted admin connected to the other instance', async () => {
    const apiA = apiClient(a.url);
    const apiB = apiClient(b.url);
    const adminA = await login(apiA, DEMO_ADMIN.email, DEMO_ADMIN.password);
    const agent = await createAccount(apiA, 'ADMIN');
    const onB = await connectAs(b.url, agent);
    sockets.push(onB);
    const error = nextEvent(onB, 'error', { timeoutMs: 5_000 });
    const patched = await apiA('PATCH', `/users/${agent.id}`, { token: adminA.token, body: { role: 'USER' } });
    assert.equal(patched.status, 200);
    assert.equal((await error).code, 'TOKEN_REVOKED');
    await disconnected(onB);
    assert.equal((await apiB('GET', '/users', { token: agent.token })).status, 401);
  });
});

describe('a revocation this instance was not told about', () => {
  let server: TestServer;
  const sockets: ClientSocket[] = [];

  before(async () => {
    // Every event checks its session again, so a socket's next event finds the revocation.
    server = await startServer({ SESSION_CHECK_INTERVAL_MS: '0' });
  });
  after(async () => {
    sockets.forEach((socket) => socket.close());
    await server.close();
  });

  it('closes the socket with TOKEN_REVOKED at its next event and reports the user offline', async () => {
    const api = apiClient(server.url);
    const admin = await login(api, DEMO_ADMIN.email, DEMO_ADMIN.password);
    const adminSocket = await connectAs(server.url, admin);
    sockets.push(adminSocket);
    const account = await createAccount(api, 'USER');
    const session = await signIn(api, account.email);
    type Presence = { userId: number; online: boolean };
    const online = nextEvent<Presence>(adminSocket, 'presence', { filter: (p) => p.userId === account.id && p.online });
    const socket = await connect(server.url, { token: session.accessToken });
    sockets.push(socket);
    await online;
    // Written to the database only, as by another instance whose notice never arrived here.
    assert.equal(await server.app.get(SessionsRepository).revoke(account.id, session.sessionId), true);
    const offline = nextEvent<Presence>(adminSocket, 'presence', { filter: (p) => p.userId === account.id && !p.online });
    const error = nextEvent(socket, 'error');
    socket.emit('markAsRead', { conversationId: 1 });
    assert.equal((await error).code, 'TOKEN_REVOKED');
    await disconnected(socket);
    await offline;
  });

  it('looks up many sessions in one statement, each answer in the place of its question', async () => {
    const api = apiClient(server.url);
    const accounts = await Promise.all([createAccount(api, 'USER', 'First'), createAccount(api, 'ADMIN', 'Second')]);
    const [first, second] = await Promise.all(accounts.map((account) => signIn(api, account.email)));
    const repository = server.app.get(SessionsRepository);
    assert.equal(await repository.revoke(accounts[1]!.id, second!.sessionId), true);
    const states = await repository.states([second!.sessionId, 2_000_000_000, first!.sessionId, second!.sessionId]);
    assert.deepEqual(
      states.map(
        (state) => state && { sessionId: state.sessionId, userId: state.userId, isRevoked: state.isRevoked, name: state.user.name },
      ),
      [
        { sessionId: second!.sessionId, userId: accounts[1]!.id, isRevoked: true, name: 'Second' },
        undefined,
        { sessionId: first!.sessionId, userId: accounts[0]!.id, isRevoked: false, name: 'First' },
        { sessionId: second!.sessionId, userId: accounts[1]!.id, isRevoked: true, name: 'Second' },
      ],
    );
    assert.equal(states[2]!.user.role, 'USER');
    assert.equal(states[0]!.user.role, 'ADMIN');
    assert.ok(states[2]!.expiresAt.getTime() > Date.now(), 'the session expires in the future');
  });

  it('answers the rechecks of many sockets at once each with its own account, and stops only the revoked ones', async () => {
    const api = apiClient(server.url);
    const accounts = await Promise.all(Array.from({ length: 12 }, (_, index) => createAccount(api, 'USER', `Recheck ${index}`)));
    const sessions = await Promise.all(accounts.map((account) => signIn(api, account.email)));
    const connected = await Promise.all(sessions.map((session) => connect(server.url, { token: session.accessToken })));
    sockets.push(...connected);
    const revokedIndexes = new Set([1, 6, 10]);
    const repository = server.app.get(SessionsRepository);
    for (const index of revokedIndexes) {
      assert.equal(await repository.revoke(accounts[index]!.id, sessions[index]!.sessionId), true);
    }
    // All at once: the rechecks go to the database together and each answer must reach its own socket.
    const outcomes = await sendFromEach(connected, revokedIndexes);
    for (const outcome of outcomes) {
      const account = accounts[outcome.index]!;
      if (revokedIndexes.has(outcome.index)) {
        assert.deepEqual(outcome, { index: outcome.index, error: 'TOKEN_REVOKED', reason: 'io server disconnect' });
      } else {
        assert.deepEqual(outcome, {
          index: outcome.index,
          ok: true,
          content: `from ${outcome.index}`,
          senderId: account.id,
          name: account.name,
        });
      }
    }
  });
});
