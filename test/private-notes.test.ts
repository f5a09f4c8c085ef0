import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createAccount, type TestAccount } from './support/accounts.js';
import { type Api, apiClient } from './support/http.js';
import { browserKeys, decryptPushBody } from './support/push/browser-push.js';
import { SEVERAL_INSTANCES_SKIP, startServer, startSibling, type TestServer } from './support/server.js';
import { type ClientSocket, collectEvents, connectAs, emitWithAck, nextEvent } from './support/sockets.js';
import { type HttpRecorder, startHttpRecorder } from './support/webhooks/http-recorder.js';
import { waitFor } from './support/webhooks/wait-for.js';

interface Message {
  id: number;
  conversationId: number;
  seq: number;
  content: string;
  isPrivate: boolean;
}

const QUIET_MS = 600;

// Every path by which a message reaches a conversation's user, checked for a private note: the user gets
// none of them, admins get all of them. `userSide` and `adminSide` may be different instances.
function privateNoteMatrix(setup: () => { userServer: TestServer; adminServer: TestServer; sockets: ClientSocket[] }) {
  let userApi: Api;
  let adminApi: Api;
  let user: TestAccount;
  let writer: TestAccount;
  let colleague: TestAccount;
  let userSocket: ClientSocket;
  let writerSocket: ClientSocket;
  let colleagueSocket: ClientSocket;
  let conversationId: number;
  let publicReply: Message;
  let restNote: Message;
  let socketNote: Message;
  let userSaw: Message[];
  const secret = `zebra${randomUUID().slice(0, 8)}`;

  before(async () => {
    const { userServer, adminServer, sockets } = setup();
    userApi = apiClient(userServer.url);
    adminApi = apiClient(adminServer.url);
    [user, writer, colleague] = await Promise.all([
      createAccount(userApi, 'USER'),
      createAccount(userApi, 'ADMIN', `Writer ${randomUUID().slice(0, 4)}`),
      createAccount(userApi, 'ADMIN', `Colleague ${randomUUID().slice(0, 4)}`),
    ]);
    userSocket = await connectAs(userServer.url, user);
    writerSocket = await connectAs(userServer.url, writer);
    colleagueSocket = await connectAs(adminServer.url, colleague);
    sockets.push(userSocket, writerSocket, colleagueSocket);

    const first = await userApi('POST', '/chat/messages', { token: user.token, body: { content: 'Where is my order?' } });
    assert.equal(first.status, 201);
    conversationId = first.body.conversationId;

    const userEvents = collectEvents<Message>(userSocket, 'newMessage', 2_500);
    const colleagueGetsRestNote = nextEvent<Message>(colleagueSocket, 'newMessage', { filter: (m) => m.content.includes('REST') });
    const note = await adminApi('POST', '/chat/messages', {
      token: writer.token,
      body: { conversationId, content: `REST note: ${secret} refund approved?`, isPrivate: true },
    });
    assert.equal(note.status, 201, JSON.stringify(note.body));
    restNote = note.body;
    assert.equal((await colleagueGetsRestNote).id, restNote.id);

    const reply = await adminApi('POST', '/chat/messages', { token: writer.token, body: { conversationId, content: 'Looking into it' } });
    publicReply = reply.body;

    const colleagueGetsSocketNote = nextEvent<Message>(colleagueSocket, 'newMessage', { filter: (m) => m.content.includes('socket') });
    const ack = await emitWithAck(writerSocket, 'sendMessage', {
      conversationId,
      content: `socket note: ${secret} customer seems upset`,
      isPrivate: true,
      clientMessageId: randomUUID(),
    });
    assert.equal(ack.ok, true, JSON.stringify(ack));
    socketNote = ack.message;
    assert.equal((await colleagueGetsSocketNote).isPrivate, true);
    userSaw = await userEvents;
  });

  it('stores a note with isPrivate: true and gives it the next seq', () => {
    assert.equal(restNote.isPrivate, true);
    assert.equal(socketNote.isPrivate, true);
    assert.equal(publicReply.isPrivate, false);
    assert.deepEqual([restNote.seq, publicReply.seq, socketNote.seq], [2, 3, 4]);
  });

  it('never sends a note in newMessage to the user’s sockets', () => {
    assert.deepEqual(
      userSaw.map((message) => message.id),
      [publicReply.id],
    );
  });

  it('leaves notes out of the user’s history pages, afterSeq and around', async () => {
    const latest = await userApi('GET', `/chat/conversations/${conversationId}/messages`, { token: user.token });
    assert.deepEqual(
      latest.body.map((m: Message) => m.seq),
      [1, 3],
    );
    const after = await userApi('GET', `/chat/conversations/${conversationId}/messages?afterSeq=0`, { token: user.token });
    assert.deepEqual(
      after.body.map((m: Message) => m.seq),
      [1, 3],
    );
    const paged = await userApi('GET', `/chat/conversations/${conversationId}/messages?limit=1`, { token: user.token });
    assert.deepEqual(
      paged.body.map((m: Message) => m.seq),
      [3],
    );
    const before = await userApi('GET', `/chat/conversations/${conversationId}/messages?before=${publicReply.id}`, { token: user.token });
    assert.deepEqual(
      before.body.map((m: Message) => m.seq),
      [1],
    );
    const around = await userApi('GET', `/chat/conversations/${conversationId}/messages?around=${publicReply.id}`, { token: user.token });
    assert.deepEqual(
      around.body.map((m: Message) => m.seq),
      [1, 3],
    );
    const aroundNote = await userApi('GET', `/chat/conversations/${conversationId}/messages?around=${restNote.id}`, { token: user.token });
    assert.equal(aroundNote.status, 400, 'a note is "no such message" to the user');
    assert.doesNotMatch(JSON.stringify(aroundNote.body), new RegExp(secret));
  });

  it('shows admins the notes in the thread, marked isPrivate', async () => {
    const thread = await adminApi('GET', `/chat/conversations/${conversationId}/messages`, { token: colleague.token });
    assert.deepEqual(
      thread.body.map((m: Message) => [m.seq, m.isPrivate]),
      [
        [1, false],
        [2, true],
        [3, false],
        [4, true],
      ],
    );
  });

  it('leaves notes out of the user’s sync', async () => {
    const ack = await emitWithAck(userSocket, 'sync', { conversations: { [conversationId]: 0 } });
    assert.equal(ack.ok, true);
    assert.deepEqual(
      ack.conversations[0].messages.map((m: Message) => m.seq),
      [1, 3],
    );
    const adminAck = await emitWithAck(colleagueSocket, 'sync', { conversations: { [conversationId]: 0 } });
    assert.deepEqual(
      adminAck.conversations[0].messages.map((m: Message) => m.seq),
      [1, 2, 3, 4],
    );
  });

  it('never finds a note in the user’s search; admins find it', async () => {
    const mine = await userApi('GET', `/chat/search?q=${secret}`, { token: user.token });
    assert.equal(mine.status, 200);
    assert.deepEqual(mine.body, []);
    const theirs = await adminApi('GET', `/chat/search?q=${secret}`, { token: colleague.token });
    assert.deepEqual(theirs.body.map((hit: { message: Message }) => hit.message.id).sort(), [restNote.id, socketNote.id].sort());
  });

  it('does not count notes as unread for the user', async () => {
    const unread = await userApi('GET', '/chat/unread-count', { token: user.token });
    assert.deepEqual(unread.body, { count: 1, conversations: [{ conversationId, count: 1 }] });
  });

  it('shows the user the last message that is not a note in the conversation list and view', async () => {
    const list = await userApi('GET', '/chat/conversations', { token: user.token });
    assert.equal(list.body[0].lastMessage.id, publicReply.id);
    const one = await userApi('GET', `/chat/conversations/${conversationId}`, { token: user.token });
    assert.equal(one.body.lastMessage.id, publicReply.id);
    assert.doesNotMatch(JSON.stringify([list.body, one.body]), new RegExp(secret));
    const adminView = await adminApi('GET', `/chat/conversations/${conversationId}`, { token: colleague.token });
    assert.equal(adminView.body.lastMessage.id, socketNote.id);
    assert.equal(adminView.body.lastMessage.isPrivate, true);
  });

  it('sends typing of a note to admins only, marked isPrivate', async () => {
    const userTyping = collectEvents(userSocket, 'userTyping', QUIET_MS);
    const colleagueTyping = nextEvent(colleagueSocket, 'userTyping');
    const ack = await emitWithAck(writerSocket, 'typing', { conversationId, isTyping: true, isPrivate: true });
    assert.equal(ack.ok, true);
    assert.deepEqual(await colleagueTyping, {
      conversationId,
      userId: writer.id,
      name: writer.name,
      role: 'ADMIN',
      isTyping: true,
      isPrivate: true,
    });
    assert.deepEqual(await userTyping, []);
  });

  it('rejects a note from a USER with 403 over REST and the socket', async () => {
    const rest = await userApi('POST', '/chat/messages', { token: user.token, body: { conversationId, content: 'psst', isPrivate: true } });
    assert.equal(rest.status, 403);
    assert.equal(rest.body.code, 'FORBIDDEN');
    const ack = await emitWithAck(userSocket, 'sendMessage', { conversationId, content: 'psst', isPrivate: true });
    assert.deepEqual([ack.ok, ack.error.code], [false, 'FORBIDDEN']);
    const typing = await emitWithAck(userSocket, 'typing', { conversationId, isTyping: true, isPrivate: true });
    assert.deepEqual([typing.ok, typing.error.code], [false, 'FORBIDDEN']);
  });
}

describe('private notes on one instance', () => {
  let server: TestServer;
  const sockets: ClientSocket[] = [];
  before(async () => {
    server = await startServer({ PUSH_ALLOW_PRIVATE: 'true' });
  });
  after(async () => {
    sockets.forEach((socket) => socket.close());
    await server.close();
  });

  describe('the matrix', () => privateNoteMatrix(() => ({ userServer: server, adminServer: server, sockets })));

  it('rejects a note without conversationId (a note never starts a conversation)', async () => {
    const api = apiClient(server.url);
    const [admin, user] = await Promise.all([createAccount(api, 'ADMIN'), createAccount(api, 'USER')]);
    const response = await api('POST', '/chat/messages', { token: admin.token, body: { userId: user.id, content: 'x', isPrivate: true } });
    assert.equal(response.status, 400);
    assert.equal(response.body.issues[0].path, 'conversationId');
    const list = await api('GET', '/chat/conversations', { token: user.token });
    assert.deepEqual(list.body, []);
  });

  it('rejects isPrivate that is not a boolean', async () => {
    const api = apiClient(server.url);
    const admin = await createAccount(api, 'ADMIN');
    const response = await api('POST', '/chat/messages', { token: admin.token, body: { userId: 1, content: 'x', isPrivate: 'yes' } });
    assert.equal(response.status, 400);
    assert.equal(response.body.issues[0].path, 'isPrivate');
  });

  it('does not reopen a CLOSED conversation nor tell its user when a note is added', async () => {
    const api = apiClient(server.url);
    const [admin, user] = await Promise.all([createAccount(api, 'ADMIN'), createAccount(api, 'USER')]);
    const first = await api('POST', '/chat/messages', { token: user.token, body: { content: 'hi' } });
    const conversationId = first.body.conversationId;
    await api('PATCH', `/chat/conversations/${conversationId}`, { token: admin.token, body: { status: 'CLOSED' } });
    const before = (await api('GET', `/chat/conversations/${conversationId}`, { token: user.token })).body;
    const userSocket = await connectAs(server.url, user);
    sockets.push(userSocket);
    const seen = collectEvents(userSocket, 'conversationUpdated', QUIET_MS);
    const note = await api('POST', '/chat/messages', {
      token: admin.token,
      body: { conversationId, content: 'closed, fine', isPrivate: true },
    });
    assert.equal(note.status, 201);
    assert.deepEqual(await seen, []);
    const afterNote = (await api('GET', `/chat/conversations/${conversationId}`, { token: user.token })).body;
    assert.equal(afterNote.status, 'CLOSED');
    assert.equal(afterNote.lastMessageAt, before.lastMessageAt);
  });

  it('never pushes a note to the user’s devices (a later public reply is pushed)', async () => {
    const endpoint: HttpRecorder = await startHttpRecorder(() => 201);
    try {
      const api = apiClient(server.url);
      const [admin, user] = await Promise.all([createAccount(api, 'ADMIN'), createAccount(api, 'USER')]);
      const first = await api('POST', '/chat/messages', { token: user.token, body: { content: 'hello' } });
      const conversationId = first.body.conversationId;
      const keys = browserKeys();
      const path = `/push/${randomUUID()}`;
      const subscribed = await api('POST', '/chat/push/subscriptions', {
        token: user.token,
        body: { endpoint: endpoint.url(path), expirationTime: null, keys: { p256dh: keys.p256dh, auth: keys.auth } },
      });
      assert.equal(subscribed.status, 201);
      await api('POST', '/chat/messages', { token: admin.token, body: { conversationId, content: 'NOTE do not push', isPrivate: true } });
      const reply = await api('POST', '/chat/messages', { token: admin.token, body: { conversationId, content: 'public answer' } });
      const pushes = await waitFor(
        'a push',
        () => endpoint.requests.filter((request) => request.path === path).length > 0 && endpoint.requests,
      );
      assert.equal(pushes.length, 1);
      const notification = JSON.parse(decryptPushBody(pushes[0]!.body, keys).toString('utf8'));
      assert.equal(notification.messageId, reply.body.id);
      assert.equal(notification.body, 'public answer');
    } finally {
      await endpoint.stop();
    }
  });

  it('hides a note’s attachment from the user (404) and shows it to admins', async () => {
    const api = apiClient(server.url);
    const [admin, user] = await Promise.all([createAccount(api, 'ADMIN'), createAccount(api, 'USER')]);
    const first = await api('POST', '/chat/messages', { token: user.token, body: { content: 'hello' } });
    const form = new FormData();
    form.append('file', new Blob(['internal notes'], { type: 'text/plain' }), 'notes.txt');
    const upload = await fetch(`${server.url}/chat/attachments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin.token}` },
      body: form,
    });
    assert.equal(upload.status, 201);
    const attachment = (await upload.json()) as { id: string };
    const note = await api('POST', '/chat/messages', {
      token: admin.token,
      body: { conversationId: first.body.conversationId, content: 'see file', isPrivate: true, attachmentIds: [attachment.id] },
    });
    assert.equal(note.status, 201, JSON.stringify(note.body));
    assert.equal((await api('GET', `/chat/attachments/${attachment.id}`, { token: user.token })).status, 404);
    assert.equal((await api('GET', `/chat/attachments/${attachment.id}`, { token: admin.token })).status, 200);
  });
});

describe('private notes across two instances with Redis', { skip: SEVERAL_INSTANCES_SKIP }, () => {
  let a: TestServer;
  let b: TestServer;
  const sockets: ClientSocket[] = [];
  before(async () => {
    a = await startServer();
    b = await startSibling(a);
  });
  after(async () => {
    sockets.forEach((socket) => socket.close());
    await b?.close();
    await a?.close();
  });

  describe('the matrix', () => privateNoteMatrix(() => ({ userServer: a, adminServer: b, sockets })));
});
