import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createAccount, type TestAccount } from './support/accounts.js';
import { type Api, apiClient, nextPath } from './support/http.js';
import { type ClientSocket, collectEvents, connectAs, emitWithAck, nextEvent } from './support/sockets.js';
import { startServer, type TestServer } from './support/server.js';

describe('conversations: receipts, typing, status, pagination', () => {
  let server: TestServer;
  let api: Api;
  const sockets: ClientSocket[] = [];

  before(async () => {
    server = await startServer();
    api = apiClient(server.url);
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

  async function startConversation(user: TestAccount, content = 'hello'): Promise<number> {
    const response = await api('POST', '/chat/messages', { token: user.token, body: { content } });
    assert.equal(response.status, 201);
    return response.body.conversationId;
  }

  it('marks the other side’s messages read, counts them, and tells both sides with messagesRead', async () => {
    const user = await createAccount(api, 'USER');
    const admin = await createAccount(api, 'ADMIN');
    const conversationId = await startConversation(user, 'one');
    await api('POST', '/chat/messages', { token: user.token, body: { content: 'two' } });
    await api('POST', '/chat/messages', { token: admin.token, body: { conversationId, content: 'admin reply' } });
    const userSocket = await socketOf(user);

    const unreadBefore = await api('GET', '/chat/unread-count', { token: admin.token });
    assert.equal(unreadBefore.body.conversations.find((c: { conversationId: number }) => c.conversationId === conversationId).count, 2);

    const receipt = nextEvent(userSocket, 'messagesRead');
    const read = await api('POST', `/chat/conversations/${conversationId}/read`, { token: admin.token });
    assert.equal(read.status, 200);
    assert.equal(read.body.count, 2);
    assert.equal(read.body.readerId, admin.id);
    const event = await receipt;
    assert.deepEqual({ conversationId: event.conversationId, readerId: event.readerId }, { conversationId, readerId: admin.id });
    assert.ok(!Number.isNaN(Date.parse(event.readAt)));

    const history = await api('GET', `/chat/conversations/${conversationId}/messages`, { token: user.token });
    assert.deepEqual(
      history.body.map((m: { content: string; isRead: boolean }) => [m.content, m.isRead]),
      [
        ['one', true],
        ['two', true],
        ['admin reply', false],
      ],
    );
    const again = await api('POST', `/chat/conversations/${conversationId}/read`, { token: admin.token });
    assert.equal(again.body.count, 0);
    const userUnread = await api('GET', '/chat/unread-count', { token: user.token });
    assert.deepEqual(userUnread.body, { count: 1, conversations: [{ conversationId, count: 1 }] });
  });

  it('marks read over the socket with markAsRead', async () => {
    const user = await createAccount(api, 'USER');
    const admin = await createAccount(api, 'ADMIN');
    const conversationId = await startConversation(user);
    const adminSocket = await socketOf(admin);
    const userSocket = await socketOf(user);
    const receipt = nextEvent(userSocket, 'messagesRead');
    const ack = await emitWithAck(adminSocket, 'markAsRead', { conversationId });
    assert.equal(ack.ok, true);
    assert.equal(ack.count, 1);
    assert.equal((await receipt).readerId, admin.id);
  });

  it('relays typing to the other side only, never to the typer’s own tabs', async () => {
    const user = await createAccount(api, 'USER');
    const admin = await createAccount(api, 'ADMIN');
    const conversationId = await startConversation(user);
    const userTab1 = await socketOf(user);
    const userTab2 = await socketOf(user);
    const adminSocket = await socketOf(admin);
    const echoed = collectEvents(userTab2, 'userTyping', 500);
    const echoedSelf = collectEvents(userTab1, 'userTyping', 500);
    const adminSees = nextEvent(adminSocket, 'userTyping', { filter: (t) => t.conversationId === conversationId });
    const ack = await emitWithAck(userTab1, 'typing', { conversationId, isTyping: true });
    assert.equal(ack.ok, true);
    const typing = await adminSees;
    assert.deepEqual(
      { conversationId: typing.conversationId, userId: typing.userId, isTyping: typing.isTyping },
      { conversationId, userId: user.id, isTyping: true },
    );
    assert.deepEqual(await echoed, []);
    assert.deepEqual(await echoedSelf, []);

    const userSees = nextEvent(userTab1, 'userTyping');
    await emitWithAck(adminSocket, 'typing', { conversationId, isTyping: false });
    const stopped = await userSees;
    assert.equal(stopped.isTyping, false);
    assert.equal(stopped.role, 'ADMIN');
  });

  it('lets admins close and reopen, emits conversationUpdated, and reopens on a new message', async () => {
    const user = await createAccount(api, 'USER');
    const admin = await createAccount(api, 'ADMIN');
    const conversationId = await startConversation(user);
    const userSocket = await socketOf(user);

    const closedEvent = nextEvent(userSocket, 'conversationUpdated');
    const closed = await api('PATCH', `/chat/conversations/${conversationId}`, { token: admin.token, body: { status: 'CLOSED' } });
    assert.equal(closed.status, 200);
    assert.equal(closed.body.status, 'CLOSED');
    assert.equal((await closedEvent).status, 'CLOSED');

    const closedList = await api('GET', '/chat/conversations?status=CLOSED', { token: user.token });
    assert.deepEqual(
      closedList.body.map((c: { id: number }) => c.id),
      [conversationId],
    );
    const activeList = await api('GET', '/chat/conversations?status=ACTIVE', { token: user.token });
    assert.deepEqual(activeList.body, []);

    const reopenedEvent = nextEvent(userSocket, 'conversationUpdated');
    const message = await api('POST', '/chat/messages', { token: user.token, body: { conversationId, content: 'still broken' } });
    assert.equal(message.status, 201);
    assert.equal(message.body.conversationId, conversationId);
    const reopened = await reopenedEvent;
    assert.equal(reopened.id, conversationId);
    assert.equal(reopened.status, 'ACTIVE');
    const fetched = await api('GET', `/chat/conversations/${conversationId}`, { token: user.token });
    assert.equal(fetched.body.status, 'ACTIVE');
    assert.equal(fetched.body.lastSeq, 2);
  });

  it('starts a new conversation when a user without conversationId has only CLOSED ones', async () => {
    const user = await createAccount(api, 'USER');
    const admin = await createAccount(api, 'ADMIN');
    const first = await startConversation(user);
    await api('PATCH', `/chat/conversations/${first}`, { token: admin.token, body: { status: 'CLOSED' } });
    const second = await startConversation(user, 'new topic');
    assert.notEqual(second, first);
    const reopenOld = await api('POST', '/chat/messages', { token: user.token, body: { conversationId: first, content: 'old one' } });
    assert.equal(reopenOld.status, 409);
    assert.equal(reopenOld.body.code, 'CONFLICT');
    const old = await api('GET', `/chat/conversations/${first}`, { token: user.token });
    assert.equal(old.body.status, 'CLOSED');
    assert.equal(old.body.lastSeq, 1);
    const reopenByAdmin = await api('PATCH', `/chat/conversations/${first}`, { token: admin.token, body: { status: 'ACTIVE' } });
    assert.equal(reopenByAdmin.status, 409);
  });

  it('gives concurrent first messages of one user a single ACTIVE conversation', async () => {
    const user = await createAccount(api, 'USER');
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, index) => api('POST', '/chat/messages', { token: user.token, body: { content: `burst ${index}` } })),
    );
    assert.deepEqual(
      results.map((r) => r.status),
      Array(8).fill(201),
    );
    assert.equal(new Set(results.map((r) => r.body.conversationId)).size, 1);
    assert.deepEqual(
      results.map((r) => r.body.seq).sort((a, b) => a - b),
      [1, 2, 3, 4, 5, 6, 7, 8],
    );
  });

  it('answers 404 when an admin writes to an unknown user and 400 when the target is an admin', async () => {
    const admin = await createAccount(api, 'ADMIN');
    const otherAdmin = await createAccount(api, 'ADMIN');
    const unknown = await api('POST', '/chat/messages', { token: admin.token, body: { userId: 999_999, content: 'hi' } });
    assert.equal(unknown.status, 404);
    const toAdmin = await api('POST', '/chat/messages', { token: admin.token, body: { userId: otherAdmin.id, content: 'hi' } });
    assert.equal(toAdmin.status, 400);
    const noTarget = await api('POST', '/chat/messages', { token: admin.token, body: { content: 'to whom?' } });
    assert.equal(noTarget.status, 400);
  });

  it('returns the first message for a repeated clientMessageId, over REST and socket alike', async () => {
    const user = await createAccount(api, 'USER');
    const clientMessageId = randomUUID();
    const first = await api('POST', '/chat/messages', { token: user.token, body: { content: 'once', clientMessageId } });
    const second = await api('POST', '/chat/messages', { token: user.token, body: { content: 'once', clientMessageId } });
    assert.equal(first.status, 201);
    assert.equal(second.body.id, first.body.id);
    const socket = await socketOf(user);
    const third = await emitWithAck(socket, 'sendMessage', { content: 'once', clientMessageId });
    assert.equal(third.message.id, first.body.id);
    const history = await api('GET', `/chat/conversations/${first.body.conversationId}/messages`, { token: user.token });
    assert.equal(history.body.length, 1);
  });

  it('pages history oldest-to-newest with a Link to older pages, and catches up with afterSeq', async () => {
    const user = await createAccount(api, 'USER');
    const conversationId = await startConversation(user, 'm1');
    for (let index = 2; index <= 7; index += 1) {
      await api('POST', '/chat/messages', { token: user.token, body: { conversationId, content: `m${index}` } });
    }
    const page1 = await api('GET', `/chat/conversations/${conversationId}/messages?limit=3`, { token: user.token });
    assert.deepEqual(
      page1.body.map((m: { content: string }) => m.content),
      ['m5', 'm6', 'm7'],
    );
    const next1 = nextPath(page1.headers);
    assert.ok(next1, 'first page has a next link');
    const page2 = await api('GET', next1, { token: user.token });
    assert.deepEqual(
      page2.body.map((m: { content: string }) => m.content),
      ['m2', 'm3', 'm4'],
    );
    const page3 = await api('GET', nextPath(page2.headers) ?? '', { token: user.token });
    assert.deepEqual(
      page3.body.map((m: { content: string }) => m.content),
      ['m1'],
    );
    assert.equal(nextPath(page3.headers), undefined);

    const exact = await api('GET', `/chat/conversations/${conversationId}/messages?limit=7`, { token: user.token });
    assert.equal(exact.body.length, 7);
    assert.equal(nextPath(exact.headers), undefined);

    const after = await api('GET', `/chat/conversations/${conversationId}/messages?afterSeq=4&limit=2`, { token: user.token });
    assert.deepEqual(
      after.body.map((m: { seq: number }) => m.seq),
      [5, 6],
    );
    const rest = await api('GET', nextPath(after.headers) ?? '', { token: user.token });
    assert.deepEqual(
      rest.body.map((m: { seq: number }) => m.seq),
      [7],
    );
    const none = await api('GET', `/chat/conversations/${conversationId}/messages?afterSeq=7`, { token: user.token });
    assert.deepEqual(none.body, []);
  });

  it('pages the conversation list newest activity first with a Link cursor', async () => {
    const admin = await createAccount(api, 'ADMIN');
    const users = [
      await createAccount(api, 'USER', 'Pager Zed'),
      await createAccount(api, 'USER', 'Pager Zed'),
      await createAccount(api, 'USER', 'Pager Zed'),
    ];
    const ids: number[] = [];
    for (const user of users) {
      ids.push(await startConversation(user));
    }
    const seen: number[] = [];
    let path: string | undefined = '/chat/conversations?limit=2&q=Pager%20Zed';
    while (path) {
      const page: { status: number; body: { id: number }[]; headers: Headers } = await api('GET', path, { token: admin.token });
      assert.equal(page.status, 200);
      assert.ok(page.body.length <= 2);
      seen.push(...page.body.map((c) => c.id));
      path = nextPath(page.headers);
    }
    assert.deepEqual(seen, [...ids].reverse());
  });

  it('syncs what a client missed, per conversation, in seq order', async () => {
    const user = await createAccount(api, 'USER');
    const conversationId = await startConversation(user, 's1');
    await api('POST', '/chat/messages', { token: user.token, body: { conversationId, content: 's2' } });
    await api('POST', '/chat/messages', { token: user.token, body: { conversationId, content: 's3' } });
    const socket = await socketOf(user);
    const ack = await emitWithAck(socket, 'sync', { conversations: { [conversationId]: 1 } });
    assert.equal(ack.ok, true);
    assert.deepEqual(
      ack.conversations[0].messages.map((m: { content: string }) => m.content),
      ['s2', 's3'],
    );
    assert.equal(ack.conversations[0].hasMore, false);
  });
});
