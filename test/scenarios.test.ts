import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createAccount, DEMO_ADMIN, DEMO_USER, login, type TestAccount } from './support/accounts.js';
import { type Api, apiClient } from './support/http.js';
import { type ClientSocket, connect, connectAs, emitWithAck, nextEvent } from './support/sockets.js';
import { startServer, type TestServer } from './support/server.js';

describe('the seed scenarios over REST and Socket.IO', () => {
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

  async function socketOf(account: TestAccount): Promise<ClientSocket> {
    const socket = await connectAs(server.url, account);
    sockets.push(socket);
    return socket;
  }

  it('scenario 1: a user starts a conversation, the admin is told and replies', async () => {
    const user = await createAccount(api, 'USER');
    const admin = await login(api, DEMO_ADMIN.email, DEMO_ADMIN.password);
    const adminSocket = await socketOf(admin);
    const userSocket = await socketOf(user);

    const adminSees = nextEvent(adminSocket, 'newMessage', { filter: (m) => m.senderId === user.id });
    const adminSeesConversation = nextEvent(adminSocket, 'conversationUpdated', { filter: (c) => c.userId === user.id });
    const sent = await api('POST', '/chat/messages', { token: user.token, body: { content: '  I need help!  ' } });
    assert.equal(sent.status, 201);
    assert.equal(sent.body.content, 'I need help!');
    assert.equal(sent.body.senderId, user.id);
    assert.equal(sent.body.seq, 1);
    assert.equal(sent.body.isRead, false);
    assert.deepEqual(sent.body.sender, { id: user.id, name: user.name, role: 'USER' });
    const conversationId = sent.body.conversationId;

    const received = await adminSees;
    assert.equal(received.id, sent.body.id);
    assert.equal(received.conversationId, conversationId);
    const conversation = await adminSeesConversation;
    assert.equal(conversation.id, conversationId);
    assert.equal(conversation.status, 'ACTIVE');

    const list = await api('GET', '/chat/conversations', { token: admin.token });
    assert.equal(list.status, 200);
    assert.ok(Array.isArray(list.body));
    const listed = list.body.find((c: { id: number }) => c.id === conversationId);
    assert.equal(listed.unreadCount, 1);
    assert.equal(listed.lastMessage.content, 'I need help!');
    assert.deepEqual(listed.user, { id: user.id, name: user.name, email: user.email });

    const userSees = nextEvent(userSocket, 'newMessage', { filter: (m) => m.senderId === admin.id });
    const reply = await api('POST', '/chat/messages', { token: admin.token, body: { conversationId, content: 'How can I help you?' } });
    assert.equal(reply.status, 201);
    assert.equal(reply.body.seq, 2);
    assert.equal((await userSees).content, 'How can I help you?');
  });

  it('scenario 2: an admin starts a conversation with a user over the socket', async () => {
    const user = await createAccount(api, 'USER');
    const admin = await createAccount(api, 'ADMIN');
    const adminSocket = await socketOf(admin);
    const userSocket = await socketOf(user);

    const userSees = nextEvent(userSocket, 'newMessage');
    const ack = await emitWithAck(adminSocket, 'sendMessage', { userId: user.id, content: 'Hello from support' });
    assert.equal(ack.ok, true, JSON.stringify(ack));
    assert.equal(ack.message.senderId, admin.id);
    const received = await userSees;
    assert.equal(received.id, ack.message.id);

    const mine = await api('GET', '/chat/conversations', { token: user.token });
    assert.deepEqual(
      mine.body.map((c: { id: number }) => c.id),
      [ack.message.conversationId],
    );

    const adminSees = nextEvent(adminSocket, 'newMessage', { filter: (m) => m.senderId === user.id });
    const answer = await emitWithAck(userSocket, 'sendMessage', { conversationId: ack.message.conversationId, content: 'Hi!' });
    assert.equal(answer.ok, true);
    assert.equal((await adminSees).content, 'Hi!');
  });

  it('scenario 3: continuing a conversation reaches both sides and the sender’s other tabs', async () => {
    const user = await createAccount(api, 'USER');
    const admin = await login(api, DEMO_ADMIN.email, DEMO_ADMIN.password);
    const first = await api('POST', '/chat/messages', { token: user.token, body: { content: 'first' } });
    const conversationId = first.body.conversationId;

    const userTab1 = await socketOf(user);
    const userTab2 = await socketOf(user);
    const adminSocket = await socketOf(admin);
    const events = [
      nextEvent(userTab2, 'newMessage'),
      nextEvent(adminSocket, 'newMessage', { filter: (m) => m.conversationId === conversationId }),
    ];
    const ack = await emitWithAck(userTab1, 'sendMessage', { conversationId, content: 'second' });
    assert.equal(ack.ok, true);
    const [tab2Got, adminGot] = await Promise.all(events);
    assert.equal(tab2Got.id, ack.message.id);
    assert.equal(adminGot.id, ack.message.id);

    const history = await api('GET', `/chat/conversations/${conversationId}/messages`, { token: user.token });
    assert.deepEqual(
      history.body.map((m: { content: string; seq: number }) => [m.seq, m.content]),
      [
        [1, 'first'],
        [2, 'second'],
      ],
    );
  });

  it('the seed client works unchanged apart from the token: authenticate {token}, then sendMessage', async () => {
    const user = await login(api, DEMO_USER.email, DEMO_USER.password);
    const socket = await connect(server.url);
    sockets.push(socket);
    const authenticated = nextEvent(socket, 'authenticated');
    socket.emit('authenticate', { token: user.token });
    assert.equal((await authenticated).user.id, user.id);
    const mine = nextEvent(socket, 'newMessage');
    socket.emit('sendMessage', { content: 'Hello!' });
    assert.equal((await mine).content, 'Hello!');
  });
});
