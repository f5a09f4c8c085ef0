import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createAccount, type TestAccount } from './support/accounts.js';
import { type Api, apiClient } from './support/http.js';
import { type ClientSocket, collectEvents, connectAs, emitWithAck, nextEvent } from './support/sockets.js';
import { startServer, type TestServer } from './support/server.js';

// User A against user B's conversation on every endpoint and event; users against admin-only routes.
describe('access matrix', () => {
  let server: TestServer;
  let api: Api;
  let alice: TestAccount;
  let bob: TestAccount;
  let admin: TestAccount;
  let bobConversationId: number;
  let aliceConversationId: number;
  const sockets: ClientSocket[] = [];

  before(async () => {
    server = await startServer();
    api = apiClient(server.url);
    [alice, bob, admin] = await Promise.all([createAccount(api, 'USER'), createAccount(api, 'USER'), createAccount(api, 'ADMIN')]);
    const bobMessage = await api('POST', '/chat/messages', { token: bob.token, body: { content: 'bob private' } });
    bobConversationId = bobMessage.body.conversationId;
    const aliceMessage = await api('POST', '/chat/messages', { token: alice.token, body: { content: 'alice private' } });
    aliceConversationId = aliceMessage.body.conversationId;
  });
  after(async () => {
    sockets.forEach((socket) => socket.close());
    await server.close();
  });

  async function socketOf(account: TestAccount) {
    const socket = await connectAs(server.url, account);
    sockets.push(socket);
    return socket;
  }

  const notFoundForAlice: [string, (id: number) => string, unknown?][] = [
    ['GET', (id) => `/chat/conversations/${id}`],
    ['GET', (id) => `/chat/conversations/${id}/messages`],
    ['GET', (id) => `/chat/conversations/${id}/messages?afterSeq=0`],
    ['POST', (id) => `/chat/conversations/${id}/read`],
  ];
  for (const [method, path] of notFoundForAlice) {
    it(`answers 404 to a user on ${method} ${path(0).replace('/0', '/:id')} of another user's conversation, same as a missing one`, async () => {
      const theirs = await api(method, path(bobConversationId), { token: alice.token });
      const missing = await api(method, path(999_999), { token: alice.token });
      assert.equal(theirs.status, 404);
      assert.deepEqual(theirs.body, missing.body);
      assert.doesNotMatch(JSON.stringify(theirs.body), /bob private/);
    });
  }

  it('rejects a user sending into another user’s conversation with 404 and stores nothing', async () => {
    const response = await api('POST', '/chat/messages', {
      token: alice.token,
      body: { conversationId: bobConversationId, content: 'sneaky' },
    });
    assert.equal(response.status, 404);
    const history = await api('GET', `/chat/conversations/${bobConversationId}/messages`, { token: bob.token });
    assert.deepEqual(
      history.body.map((m: { content: string }) => m.content),
      ['bob private'],
    );
  });

  it('rejects a user naming another user’s id with 403', async () => {
    const response = await api('POST', '/chat/messages', { token: alice.token, body: { userId: bob.id, content: 'as bob' } });
    assert.equal(response.status, 403);
    assert.equal(response.body.code, 'FORBIDDEN');
  });

  it('lets a user name its own id', async () => {
    const response = await api('POST', '/chat/messages', { token: alice.token, body: { userId: alice.id, content: 'me' } });
    assert.equal(response.status, 201);
    assert.equal(response.body.conversationId, aliceConversationId);
  });

  it('lists only a user’s own conversations, and every conversation for an admin', async () => {
    const mine = await api('GET', '/chat/conversations', { token: alice.token });
    assert.deepEqual(
      mine.body.map((c: { id: number }) => c.id),
      [aliceConversationId],
    );
    const all = await api('GET', '/chat/conversations', { token: admin.token });
    const ids = all.body.map((c: { id: number }) => c.id);
    assert.ok(ids.includes(aliceConversationId) && ids.includes(bobConversationId));
  });

  it('counts unread messages only of a user’s own conversations', async () => {
    await api('POST', '/chat/messages', { token: admin.token, body: { conversationId: bobConversationId, content: 'for bob' } });
    const aliceUnread = await api('GET', '/chat/unread-count', { token: alice.token });
    assert.equal(
      aliceUnread.body.conversations.some((c: { conversationId: number }) => c.conversationId === bobConversationId),
      false,
    );
    const bobUnread = await api('GET', '/chat/unread-count', { token: bob.token });
    assert.deepEqual(bobUnread.body.conversations, [{ conversationId: bobConversationId, count: 1 }]);
  });

  it('forbids users the admin-only routes: PATCH a conversation, POST and GET /users', async () => {
    const patchOwn = await api('PATCH', `/chat/conversations/${aliceConversationId}`, { token: alice.token, body: { status: 'CLOSED' } });
    assert.equal(patchOwn.status, 403);
    const patchOther = await api('PATCH', `/chat/conversations/${bobConversationId}`, { token: alice.token, body: { status: 'CLOSED' } });
    assert.equal(patchOther.status, 403);
    const createUser = await api('POST', '/users', {
      token: alice.token,
      body: { email: 'x@y.io', password: 'password', name: 'X', role: 'ADMIN' },
    });
    assert.equal(createUser.status, 403);
    const listUsers = await api('GET', '/users', { token: alice.token });
    assert.equal(listUsers.status, 403);
    const conversation = await api('GET', `/chat/conversations/${aliceConversationId}`, { token: alice.token });
    assert.equal(conversation.body.status, 'ACTIVE');
  });

  const everyRoute: [string, string, unknown?][] = [
    ['GET', '/auth/me'],
    ['GET', '/users'],
    ['POST', '/users', { email: 'a@b.io', password: 'password', name: 'A' }],
    ['POST', '/chat/messages', { content: 'hi' }],
    ['GET', '/chat/conversations'],
    ['GET', '/chat/conversations/1'],
    ['GET', '/chat/conversations/1/messages'],
    ['POST', '/chat/conversations/1/read'],
    ['PATCH', '/chat/conversations/1', { status: 'CLOSED' }],
    ['GET', '/chat/unread-count'],
  ];
  const badTokens: [string, string | undefined][] = [
    ['no token', undefined],
    ['a malformed token', 'not-a-jwt'],
    [
      'a token signed with another secret',
      'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxIiwicm9sZSI6IkFETUlOIiwiZW1haWwiOiJ4QHkueiIsIm5hbWUiOiJ4IiwiaXNzIjoic3VwcG9ydC1jaGF0IiwiZXhwIjo0MTAyNDQ0ODAwfQ.Zm9yZ2VkLXNpZ25hdHVyZS1mb3JnZWQtc2lnbmF0dXJl',
    ],
    [
      'an unsigned alg:none token',
      'eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiIxIiwicm9sZSI6IkFETUlOIiwiZW1haWwiOiJ4QHkueiIsIm5hbWUiOiJ4IiwiaXNzIjoic3VwcG9ydC1jaGF0IiwiZXhwIjo0MTAyNDQ0ODAwfQ.',
    ],
  ];
  for (const [label, token] of badTokens) {
    it(`answers 401 on every protected route with ${label}`, async () => {
      for (const [method, path, body] of everyRoute) {
        const response = await api(method, path, { token, body });
        assert.equal(response.status, 401, `${method} ${path} gave ${response.status}`);
        assert.equal(response.body.statusCode, 401);
        assert.match(response.body.code, /UNAUTHORIZED|TOKEN_EXPIRED/);
      }
    });
  }

  describe('socket events', () => {
    it('answers sendMessage into another user’s conversation with NOT_FOUND and delivers nothing', async () => {
      const aliceSocket = await socketOf(alice);
      const bobSocket = await socketOf(bob);
      const bobInbox = collectEvents(bobSocket, 'newMessage', 400);
      const errorEvent = nextEvent(aliceSocket, 'error');
      const ack = await emitWithAck(aliceSocket, 'sendMessage', { conversationId: bobConversationId, content: 'sneaky' });
      assert.equal(ack.ok, false);
      assert.equal(ack.error.code, 'CONVERSATION_NOT_FOUND');
      assert.equal((await errorEvent).code, 'CONVERSATION_NOT_FOUND');
      assert.deepEqual(await bobInbox, []);
    });

    it('answers markAsRead on another user’s conversation with NOT_FOUND and marks nothing', async () => {
      const sent = await api('POST', '/chat/messages', {
        token: admin.token,
        body: { conversationId: bobConversationId, content: 'unread for bob' },
      });
      const aliceSocket = await socketOf(alice);
      const ack = await emitWithAck(aliceSocket, 'markAsRead', { conversationId: bobConversationId });
      assert.equal(ack.ok, false);
      assert.equal(ack.error.code, 'CONVERSATION_NOT_FOUND');
      const history = await api('GET', `/chat/conversations/${bobConversationId}/messages`, { token: bob.token });
      assert.equal(history.body.find((m: { id: number }) => m.id === sent.body.id).isRead, false);
    });

    it('drops typing for a conversation the typer may not see', async () => {
      const aliceSocket = await socketOf(alice);
      const bobSocket = await socketOf(bob);
      const adminSocket = await socketOf(admin);
      const bobTyping = collectEvents(bobSocket, 'userTyping', 400);
      const adminTyping = collectEvents(adminSocket, 'userTyping', 400);
      const ack = await emitWithAck(aliceSocket, 'typing', { conversationId: bobConversationId, isTyping: true });
      assert.equal(ack.ok, false);
      assert.deepEqual(await bobTyping, []);
      assert.deepEqual(await adminTyping, []);
    });

    it('answers sync of another user’s conversation with NOT_FOUND', async () => {
      const aliceSocket = await socketOf(alice);
      const ack = await emitWithAck(aliceSocket, 'sync', { conversations: { [bobConversationId]: 0 } });
      assert.equal(ack.ok, false);
      assert.equal(ack.error.code, 'CONVERSATION_NOT_FOUND');
    });

    it('never delivers one user’s events to another user, while every admin gets them', async () => {
      const aliceSocket = await socketOf(alice);
      const bobSocket = await socketOf(bob);
      const adminSocket = await socketOf(admin);
      const aliceSaw = collectEvents(aliceSocket, 'newMessage', 600);
      const aliceSawTyping = collectEvents(aliceSocket, 'userTyping', 600);
      const aliceSawRead = collectEvents(aliceSocket, 'messagesRead', 600);
      const aliceSawUpdate = collectEvents(aliceSocket, 'conversationUpdated', 600);
      const adminGets = nextEvent(adminSocket, 'newMessage', { filter: (m) => m.conversationId === bobConversationId });
      await emitWithAck(bobSocket, 'sendMessage', { conversationId: bobConversationId, content: 'only for support' });
      await emitWithAck(bobSocket, 'typing', { conversationId: bobConversationId, isTyping: true });
      await emitWithAck(adminSocket, 'sendMessage', { conversationId: bobConversationId, content: 'reply to bob' });
      await emitWithAck(bobSocket, 'markAsRead', { conversationId: bobConversationId });
      await api('PATCH', `/chat/conversations/${bobConversationId}`, { token: admin.token, body: { status: 'CLOSED' } });
      await api('PATCH', `/chat/conversations/${bobConversationId}`, { token: admin.token, body: { status: 'ACTIVE' } });
      assert.equal((await adminGets).content, 'only for support');
      const leaked = [...(await aliceSaw), ...(await aliceSawTyping), ...(await aliceSawRead), ...(await aliceSawUpdate)];
      assert.deepEqual(
        leaked.filter((event) => event.conversationId === bobConversationId || event.id === bobConversationId),
        [],
      );
    });
  });
});
