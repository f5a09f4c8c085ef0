import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SignJWT } from 'jose';
import { createAccount, login, DEMO_ADMIN, type TestAccount } from './support/accounts.js';
import { type Api, apiClient } from './support/http.js';
import { type ClientSocket, collectEvents, connect, connectAs, disconnected, emitWithAck, nextEvent } from './support/sockets.js';
import { startServer, TEST_JWT_SECRET, type TestServer } from './support/server.js';

// A token of our own shape for the account's current session (sid and ver copied from a real one), with another exp.
async function tokenFor(
  claims: { sub: string; role: string; email: string; name: string; realToken: string },
  expiresAt: number,
): Promise<string> {
  const { sid, ver } = JSON.parse(Buffer.from(claims.realToken.split('.')[1] ?? '', 'base64url').toString()) as {
    sid: number;
    ver: number;
  };
  return new SignJWT({ sid, ver, role: claims.role, email: claims.email, name: claims.name })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.sub)
    .setIssuer('support-chat')
    .setIssuedAt()
    .setExpirationTime(expiresAt)
    .sign(new TextEncoder().encode(TEST_JWT_SECRET));
}

describe('socket authentication and hardening', () => {
  let server: TestServer;
  let api: Api;
  let user: TestAccount;
  let admin: TestAccount;
  const sockets: ClientSocket[] = [];

  before(async () => {
    server = await startServer({ SOCKET_AUTH_TIMEOUT_MS: '1500', CORS_ORIGINS: 'https://app.example.com' });
    api = apiClient(server.url);
    user = await createAccount(api, 'USER');
    admin = await login(api, DEMO_ADMIN.email, DEMO_ADMIN.password);
  });
  after(async () => {
    sockets.forEach((socket) => socket.close());
    await server.close();
  });

  const track = (socket: ClientSocket) => {
    sockets.push(socket);
    return socket;
  };

  it('rejects a handshake with a bad token with connect_error UNAUTHORIZED', async () => {
    await assert.rejects(connect(server.url, { token: 'garbage' }), (error: Error & { data?: { code: string } }) => {
      assert.equal(error.data?.code, 'UNAUTHORIZED');
      return true;
    });
  });

  it('rejects a handshake with an expired token with TOKEN_EXPIRED', async () => {
    const expired = await tokenFor(
      { sub: String(user.id), role: 'USER', email: user.email, name: user.name, realToken: user.token },
      Math.floor(Date.now() / 1000) - 10,
    );
    await assert.rejects(connect(server.url, { token: expired }), (error: Error & { data?: { code: string } }) => {
      assert.equal(error.data?.code, 'TOKEN_EXPIRED');
      return true;
    });
  });

  it('answers the seed’s forged authenticate {userId, email, role} with UNAUTHORIZED and joins no room', async () => {
    const socket = track(await connect(server.url));
    const error = nextEvent(socket, 'error');
    socket.emit('authenticate', { userId: admin.id, email: admin.email, role: 'ADMIN' });
    assert.equal((await error).code, 'UNAUTHORIZED');
    const leaked = collectEvents(socket, 'newMessage', 500);
    await api('POST', '/chat/messages', { token: user.token, body: { content: 'admins only' } });
    assert.deepEqual(await leaked, []);
    const ack = await emitWithAck(socket, 'sendMessage', { content: 'as admin?' });
    assert.equal(ack.ok, false);
    assert.equal(ack.error.code, 'UNAUTHORIZED');
  });

  for (const event of ['sendMessage', 'markAsRead', 'typing', 'sync']) {
    it(`answers ${event} before authentication with an error event UNAUTHORIZED`, async () => {
      const socket = track(await connect(server.url));
      const error = nextEvent(socket, 'error');
      socket.emit(event, { conversationId: 1, content: 'x', isTyping: true, conversations: {} });
      assert.equal((await error).code, 'UNAUTHORIZED');
    });
  }

  it('authenticates with authenticate {token} and then receives events', async () => {
    const socket = track(await connect(server.url));
    const ack = await emitWithAck(socket, 'authenticate', { token: admin.token });
    assert.equal(ack.ok, true);
    assert.equal(ack.user.role, 'ADMIN');
    const got = nextEvent(socket, 'newMessage', { filter: (m) => m.senderId === user.id });
    await api('POST', '/chat/messages', { token: user.token, body: { content: 'hello admins' } });
    assert.equal((await got).content, 'hello admins');
  });

  it('refuses to switch an authenticated socket to another account', async () => {
    const socket = track(await connectAs(server.url, user));
    const ack = await emitWithAck(socket, 'authenticate', { token: admin.token });
    assert.equal(ack.ok, false);
    assert.equal(ack.error.code, 'FORBIDDEN');
  });

  it('disconnects a socket that never authenticates', async () => {
    const socket = track(await connect(server.url));
    const error = nextEvent(socket, 'error', { timeoutMs: 4_000 });
    assert.equal((await error).code, 'UNAUTHORIZED');
    await disconnected(socket);
  });

  it('tells a socket its token expired and disconnects it', async () => {
    const soon = await tokenFor(
      { sub: String(user.id), role: 'USER', email: user.email, name: user.name, realToken: user.token },
      Math.floor(Date.now() / 1000) + 2,
    );
    const socket = track(await connect(server.url, { token: soon }));
    const error = await nextEvent(socket, 'error', { timeoutMs: 5_000 });
    assert.equal(error.code, 'TOKEN_EXPIRED');
    await disconnected(socket);
  });

  it('ignores identity fields sent by the client: the sender is the token’s subject', async () => {
    const socket = track(await connectAs(server.url, user));
    const ack = await emitWithAck(socket, 'sendMessage', {
      content: 'who am I',
      senderId: admin.id,
      role: 'ADMIN',
      createdAt: '2000-01-01T00:00:00Z',
    });
    assert.equal(ack.ok, true);
    assert.equal(ack.message.senderId, user.id);
    assert.equal(ack.message.sender.role, 'USER');
    assert.notEqual(ack.message.createdAt, '2000-01-01T00:00:00.000Z');
  });

  it('refuses a websocket from a foreign browser origin and accepts a configured one', async () => {
    await assert.rejects(connect(server.url, { token: user.token, headers: { origin: 'https://evil.example' } }));
    const allowed = track(await connect(server.url, { token: user.token, headers: { origin: 'https://app.example.com' } }));
    assert.equal(allowed.connected, true);
  });

  it('refuses the polling transport from a foreign origin', async () => {
    const response = await fetch(`${server.url}/socket.io/?EIO=4&transport=polling`, { headers: { origin: 'https://evil.example' } });
    assert.equal(response.status, 403);
    const sameOrigin = await fetch(`${server.url}/socket.io/?EIO=4&transport=polling`, { headers: { origin: server.url } });
    assert.equal(sameOrigin.status, 200);
  });

  it('never takes a token from the query string', async () => {
    const socket = track(await connect(`${server.url}`, {}));
    const error = nextEvent(socket, 'error');
    socket.emit('sendMessage', { content: 'x' });
    assert.equal((await error).code, 'UNAUTHORIZED');
    const response = await fetch(`${server.url}/chat/conversations?token=${user.token}`);
    assert.equal(response.status, 401);
  });

  it('answers malformed payloads with VALIDATION and keeps the socket usable', async () => {
    const socket = track(await connectAs(server.url, user));
    const payloads: [string, unknown][] = [
      ['sendMessage', null],
      ['sendMessage', 'just a string'],
      ['sendMessage', { content: 42 }],
      ['sendMessage', { content: '   ' }],
      ['sendMessage', { content: 'x'.repeat(4001) }],
      ['sendMessage', { content: 'ok', conversationId: -1 }],
      ['sendMessage', { content: 'ok', conversationId: '1' }],
      ['sendMessage', { content: 'ok', clientMessageId: 'not-a-uuid' }],
      ['sendMessage', { content: 'ok', extra: true }],
      ['markAsRead', {}],
      ['markAsRead', { conversationId: 1.5 }],
      ['typing', { conversationId: 1 }],
      ['typing', { conversationId: 1, isTyping: 'yes' }],
      ['sync', { conversations: { abc: 1 } }],
      ['sync', { conversations: { 1: -1 } }],
    ];
    for (const [event, payload] of payloads) {
      const ack = await emitWithAck(socket, event, payload);
      assert.equal(ack.ok, false, `${event} ${JSON.stringify(payload)} was accepted`);
      assert.equal(ack.error.code, 'VALIDATION', `${event} ${JSON.stringify(payload)}: ${JSON.stringify(ack.error)}`);
    }
    const ack = await emitWithAck(socket, 'sendMessage', { content: 'still works' });
    assert.equal(ack.ok, true);
  });

  it('answers authenticate with a token that is not a string with UNAUTHORIZED', async () => {
    const socket = track(await connect(server.url));
    const ack = await emitWithAck(socket, 'authenticate', { token: 42 });
    assert.equal(ack.ok, false);
    assert.equal(ack.error.code, 'UNAUTHORIZED');
  });

  it('accepts events without an ack callback and reports failures as error events', async () => {
    const socket = track(await connectAs(server.url, user));
    const error = nextEvent(socket, 'error');
    socket.emit('markAsRead', { conversationId: 'nope' });
    assert.equal((await error).code, 'VALIDATION');
  });

  it('drops a socket that sends a payload over 1 MB', async () => {
    const socket = track(await connectAs(server.url, user));
    socket.emit('sendMessage', { content: 'x'.repeat(1_100_000) });
    await disconnected(socket);
    const fresh = track(await connectAs(server.url, user));
    assert.equal(fresh.connected, true);
  });
});
