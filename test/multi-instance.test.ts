import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { createAccount, type TestAccount } from './support/accounts.js';
import { type Api, apiClient } from './support/http.js';
import { type ClientSocket, connectAs, disconnected, emitWithAck, nextEvent } from './support/sockets.js';
import { SEVERAL_INSTANCES_SKIP, startServer, startSibling, type TestServer } from './support/server.js';

// Two instances of one deployment (one PostgreSQL database, one Redis), in this process.
describe('several instances behind one Redis', { skip: SEVERAL_INSTANCES_SKIP }, () => {
  let a: TestServer;
  let b: TestServer;
  let apiA: Api;
  let apiB: Api;
  const sockets: ClientSocket[] = [];

  before(async () => {
    a = await startServer();
    b = await startSibling(a);
    apiA = apiClient(a.url);
    apiB = apiClient(b.url);
  });
  after(async () => {
    sockets.forEach((socket) => socket.close());
    await b?.close();
    await a?.close();
  });

  async function socketOn(server: TestServer, account: TestAccount) {
    const socket = await connectAs(server.url, account);
    sockets.push(socket);
    return socket;
  }

  it('carries messages, typing and read receipts between a user on A and an admin on B', async () => {
    const user = await createAccount(apiA, 'USER');
    const admin = await createAccount(apiA, 'ADMIN');
    const userSocket = await socketOn(a, user);
    const adminSocket = await socketOn(b, admin);

    const adminGets = nextEvent(adminSocket, 'newMessage', { filter: (m) => m.senderId === user.id });
    const sent = await emitWithAck(userSocket, 'sendMessage', { content: 'from A', clientMessageId: randomUUID() });
    assert.equal(sent.ok, true);
    const conversationId = sent.message.conversationId;
    assert.equal((await adminGets).id, sent.message.id);

    const userGets = nextEvent(userSocket, 'newMessage', { filter: (m) => m.senderId === admin.id });
    const reply = await emitWithAck(adminSocket, 'sendMessage', { conversationId, content: 'from B' });
    assert.equal((await userGets).id, reply.message.id);

    const typing = nextEvent(userSocket, 'userTyping');
    await emitWithAck(adminSocket, 'typing', { conversationId, isTyping: true });
    assert.equal((await typing).userId, admin.id);

    const receipt = nextEvent(userSocket, 'messagesRead');
    await emitWithAck(adminSocket, 'markAsRead', { conversationId });
    assert.equal((await receipt).readerId, admin.id);
    console.log(`sent=2 acknowledged=2 stored=2 received=2`);
  });

  it('stores one row when the same clientMessageId reaches both instances at once', async () => {
    const user = await createAccount(apiA, 'USER');
    const clientMessageId = randomUUID();
    const [onA, onB] = await Promise.all([
      apiA('POST', '/chat/messages', { token: user.token, body: { content: 'retry me', clientMessageId } }),
      apiB('POST', '/chat/messages', { token: user.token, body: { content: 'retry me', clientMessageId } }),
    ]);
    assert.equal(onA.status, 201);
    assert.equal(onB.status, 201);
    assert.equal(onA.body.id, onB.body.id);
    const client = new pg.Client({ connectionString: a.env.DATABASE_URL });
    await client.connect();
    const { rows } = await client.query('select count(*)::int as count from chat_message where client_message_id = $1', [clientMessageId]);
    await client.end();
    assert.equal(rows[0].count, 1);
    console.log(`sent=2 acknowledged=2 stored=${rows[0].count} received=1`);
  });

  it('shows presence across instances: admins see a user come and go, GET /chat/presence agrees', async () => {
    const user = await createAccount(apiA, 'USER');
    const admin = await createAccount(apiA, 'ADMIN');
    const adminSocket = await socketOn(b, admin);
    const online = nextEvent(adminSocket, 'presence', { filter: (p) => p.userId === user.id && p.online });
    const userSocket = await socketOn(a, user);
    await online;
    const seen = await apiB('GET', '/chat/presence', { token: admin.token });
    assert.ok(seen.body.online.some((entry: { userId: number }) => entry.userId === user.id));
    const userView = await apiA('GET', '/chat/presence', { token: user.token });
    assert.equal(userView.body.supportOnline, true);
    assert.ok(userView.body.online.every((entry: { role: string }) => entry.role === 'ADMIN'));

    const offline = nextEvent(adminSocket, 'presence', { filter: (p) => p.userId === user.id && !p.online });
    userSocket.close();
    await offline;
    const after = await apiB('GET', '/chat/presence', { token: admin.token });
    assert.equal(
      after.body.online.some((entry: { userId: number }) => entry.userId === user.id),
      false,
    );
  });

  it('shares rate-limit counters between instances', async () => {
    const limitedA = await startServer({ MESSAGE_RATE_LIMIT: '3' });
    const limitedB = await startSibling(limitedA);
    try {
      const user = await createAccount(apiClient(limitedA.url), 'USER');
      const statuses = [];
      for (const server of [limitedA, limitedB, limitedA, limitedB]) {
        const response = await apiClient(server.url)('POST', '/chat/messages', { token: user.token, body: { content: 'count me' } });
        statuses.push(response.status);
      }
      assert.deepEqual(statuses, [201, 201, 201, 429]);
    } finally {
      await limitedB.close();
      await limitedA.close();
    }
  });

  it('asks an instance’s sockets to sync after its connection to the others comes back', async () => {
    const user = await createAccount(apiA, 'USER');
    const socket = await socketOn(a, user);
    const required = nextEvent(socket, 'syncRequired', { timeoutMs: 8_000 });
    // Drop the subscriber connection: ioredis reconnects by itself, as after a Redis restart.
    const { REDIS } = await import('../src/redis/redis.js');
    const redis = a.app.get<symbol, { sub: { disconnect(reconnect: boolean): void } }>(REDIS);
    redis.sub.disconnect(true);
    assert.ok((await required).reason);
    assert.equal(socket.connected, true);
  });

  it('drains on shutdown: tells sockets, closes their transport, refuses new ones', async () => {
    const extra = await startSibling(a);
    const user = await createAccount(apiA, 'USER');
    const socket = await socketOn(extra, user);
    const notice = nextEvent(socket, 'serverDraining');
    const { DrainService } = await import('../src/realtime/drain.service.js');
    const drained = extra.app.get(DrainService).drain(2_000);
    assert.deepEqual(await notice, { reconnect: true });
    assert.equal(await disconnected(socket), 'transport close');
    await drained;
    const ready = await apiClient(extra.url)('GET', '/health/ready');
    assert.equal(ready.status, 503);
    await assert.rejects(connectAs(extra.url, user));
    await extra.close();
  });
});
