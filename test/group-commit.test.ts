import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import { DATABASE, type Database } from '../src/database/database.js';
import { rawRows } from '../src/database/raw-rows.js';
import { createAccount, type TestAccount } from './support/accounts.js';
import { type Api, apiClient } from './support/http.js';
import { type ClientSocket, connectAs, emitWithAck } from './support/sockets.js';
import { startServer, type TestServer } from './support/server.js';
import { outboxRows } from './support/webhooks/deliveries.js';
import { type HttpRecorder, startHttpRecorder } from './support/webhooks/http-recorder.js';

interface StoredRow {
  conversation_id: number;
  seq: number;
  id: number;
  sender_id: number;
  content: string;
  client_message_id: string | null;
}

interface SendAck {
  ok: boolean;
  message?: { id: number; seq: number; conversationId: number; content: string; clientMessageId: string | null };
  error?: { code: string };
}

const ACK_TIMEOUT_MS = 60_000;

// Concurrent sends are stored by one statement per batch: every send must still be stored exactly once, seq
// gap-free per conversation, each sender's messages in the order sent, with a webhook row for each.
describe('group commit of sends', () => {
  let server: TestServer;
  let receiver: HttpRecorder;
  let api: Api;
  let db: Database;
  const sockets: ClientSocket[] = [];

  before(async () => {
    receiver = await startHttpRecorder();
    server = await startServer({
      WEBHOOK_URL: receiver.url('/hook'),
      WEBHOOK_SECRET: 'group-commit-secret-0123456789',
      WEBHOOK_ALLOW_PRIVATE: 'true',
    });
    api = apiClient(server.url);
    db = server.app.get<symbol, Database>(DATABASE);
  });
  after(async () => {
    sockets.forEach((socket) => socket.close());
    await server.close();
    await receiver.stop();
  });

  async function socketOf(account: TestAccount): Promise<ClientSocket> {
    const socket = await connectAs(server.url, account);
    sockets.push(socket);
    return socket;
  }

  // A user with a conversation (opened by a first message over REST) and a socket.
  async function userWithConversation(): Promise<{ user: TestAccount; socket: ClientSocket; conversationId: number }> {
    const user = await createAccount(api, 'USER');
    const first = await api('POST', '/chat/messages', { token: user.token, body: { content: 'hello', clientMessageId: randomUUID() } });
    assert.equal(first.status, 201, JSON.stringify(first.body));
    return { user, socket: await socketOf(user), conversationId: first.body.conversationId };
  }

  // Emitted at once, in this order, without waiting for acks.
  function emitAll(socket: ClientSocket, payloads: object[]): Promise<SendAck>[] {
    return payloads.map((payload) => emitWithAck<SendAck>(socket, 'sendMessage', payload, ACK_TIMEOUT_MS));
  }

  function storedRows(conversationIds: number[]): Promise<StoredRow[]> {
    return rawRows<StoredRow>(
      db,
      sql`select conversation_id, seq, id, sender_id, content, client_message_id::text as client_message_id from chat_message
          where conversation_id in (${sql.join(
            conversationIds.map((id) => sql`${id}`),
            sql`, `,
          )}) order by conversation_id, seq`,
    );
  }

  function assertGapFree(rows: StoredRow[], conversationIds: number[]): void {
    for (const conversationId of conversationIds) {
      const seqs = rows.filter((row) => row.conversation_id === conversationId).map((row) => row.seq);
      assert.deepEqual(
        seqs,
        seqs.map((_, index) => index + 1),
        `conversation ${conversationId}: seq 1..n`,
      );
    }
    const ids = rows.map((row) => row.client_message_id).filter((id) => id !== null);
    assert.equal(new Set(ids).size, ids.length, 'each clientMessageId stored once');
  }

  // The contents of one sender's rows in one conversation, in seq order.
  const contentsOf = (rows: StoredRow[], conversationId: number, senderId: number) =>
    rows.filter((row) => row.conversation_id === conversationId && row.sender_id === senderId).map((row) => row.content);

  it('stores 320 concurrent socket sends of 40 users and 2 admins once each, seq 1..n per conversation, with webhook rows', async () => {
    const users = await Promise.all(Array.from({ length: 40 }, () => userWithConversation()));
    const admins = await Promise.all([createAccount(api, 'ADMIN'), createAccount(api, 'ADMIN')]);
    const adminSockets = await Promise.all(admins.map((admin) => socketOf(admin)));
    const sent: { clientMessageId: string; content: string; conversationId: number }[] = [];
    const payloadFor = (conversationId: number, content: string) => {
      const payload = { conversationId, content, clientMessageId: randomUUID() };
      sent.push(payload);
      return payload;
    };
    const acks = [
      ...users.flatMap(({ socket, conversationId }) =>
        emitAll(
          socket,
          Array.from({ length: 6 }, (_, index) => payloadFor(conversationId, `user ${index}`)),
        ),
      ),
      ...adminSockets.flatMap((socket, admin) =>
        emitAll(
          socket,
          users.map(({ conversationId }) => payloadFor(conversationId, `admin ${admin}`)),
        ),
      ),
    ];
    const answered = await Promise.all(acks);
    assert.equal(answered.length, 320);
    assert.deepEqual(
      answered.filter((ack) => !ack.ok),
      [],
    );
    const conversationIds = users.map((entry) => entry.conversationId);
    const rows = await storedRows(conversationIds);
    assert.equal(rows.length, 40 * 9);
    assertGapFree(rows, conversationIds);
    const stored = new Set(rows.map((row) => row.client_message_id));
    assert.ok(
      sent.every((payload) => stored.has(payload.clientMessageId)),
      'every sent message is stored',
    );
    answered.forEach((ack, index) => assert.equal(ack.message?.clientMessageId, sent[index]?.clientMessageId));
    for (const { user, conversationId } of users) {
      assert.deepEqual(contentsOf(rows, conversationId, user.id), ['hello', 'user 0', 'user 1', 'user 2', 'user 3', 'user 4', 'user 5']);
    }

    const counters = await rawRows<{ id: number; unread_by_admins: number; unread_by_user: number; last_seq: number }>(
      db,
      sql`select id, unread_by_admins, unread_by_user, last_seq from chat_conversation where id in (${sql.join(
        conversationIds.map((id) => sql`${id}`),
        sql`, `,
      )})`,
    );
    assert.deepEqual(
      counters.filter((row) => row.unread_by_admins !== 7 || row.unread_by_user !== 2 || row.last_seq !== 9),
      [],
      'per side unread counters and last_seq follow the appends',
    );

    // Sent all at once, they cannot all have left one by one: some batch stored several.
    const metrics = await fetch(`${server.url}/metrics`).then((response) => response.text());
    const batchSizes = (name: string) => Number(new RegExp(`^chat_append_batch_size_${name} (\\d+)`, 'm').exec(metrics)?.[1]);
    console.log(`batch statements=${batchSizes('count')} messages batched=${batchSizes('sum')}`);
    assert.ok(batchSizes('count') < batchSizes('sum'), 'at least one batch held more than one send');

    const created = (await outboxRows(server)).filter((row) => row.event === 'message.created');
    const hooked = created.map((row) => row.payload.message.clientMessageId as string);
    assert.equal(new Set(hooked).size, hooked.length, 'one message.created per message');
    for (const row of rows) {
      const hook = created.find((entry) => entry.payload.message.clientMessageId === row.client_message_id);
      assert.ok(hook, `message.created for ${row.content} (seq ${row.seq})`);
      assert.equal(hook.payload.message.seq, row.seq);
      assert.equal(hook.payload.message.id, row.id);
      assert.equal(hook.payload.conversation.id, row.conversation_id);
      assert.equal(hook.payload.conversation.lastSeq, row.seq);
    }
  });

  it('stores 100 pipelined sends of one socket in send order while an admin pipelines into the same conversation', async () => {
    const { user, socket, conversationId } = await userWithConversation();
    const admin = await createAccount(api, 'ADMIN');
    const adminSocket = await socketOf(admin);
    const userAcks = emitAll(
      socket,
      Array.from({ length: 100 }, (_, index) => ({ conversationId, content: `pipelined ${index}`, clientMessageId: randomUUID() })),
    );
    const adminAcks = emitAll(
      adminSocket,
      Array.from({ length: 50 }, (_, index) => ({ conversationId, content: `reply ${index}`, clientMessageId: randomUUID() })),
    );
    const answered = await Promise.all([...userAcks, ...adminAcks]);
    assert.deepEqual(
      answered.filter((ack) => !ack.ok),
      [],
    );
    const userSeqs = answered.slice(0, 100).map((ack) => ack.message?.seq ?? 0);
    assert.deepEqual(
      userSeqs,
      [...userSeqs].sort((a, b) => a - b),
      'seq grows with the send index',
    );
    const rows = await storedRows([conversationId]);
    assert.equal(rows.length, 151);
    assertGapFree(rows, [conversationId]);
    assert.deepEqual(contentsOf(rows, conversationId, user.id), [
      'hello',
      ...Array.from({ length: 100 }, (_, index) => `pipelined ${index}`),
    ]);
    assert.deepEqual(
      contentsOf(rows, conversationId, admin.id),
      Array.from({ length: 50 }, (_, index) => `reply ${index}`),
    );
  });

  it('answers a retried send and a repeated clientMessageId with the first row, stores the fresh sends beside them, no seq gap', async () => {
    const { user, socket, conversationId } = await userWithConversation();
    const others = await Promise.all(Array.from({ length: 5 }, () => userWithConversation()));
    const storedBefore = await emitWithAck<SendAck>(socket, 'sendMessage', {
      conversationId,
      content: 'original',
      clientMessageId: randomUUID(),
    });
    assert.equal(storedBefore.ok, true);
    const repeated = randomUUID();
    const acks = emitAll(socket, [
      { conversationId, content: 'fresh 1' },
      { conversationId, content: 'original', clientMessageId: storedBefore.message?.clientMessageId },
      { conversationId, content: 'fresh 2', clientMessageId: repeated },
      { conversationId, content: 'fresh 2', clientMessageId: repeated },
      { conversationId, content: 'fresh 3', clientMessageId: randomUUID() },
    ]);
    const otherAcks = others.flatMap((other) =>
      emitAll(other.socket, [
        { conversationId: other.conversationId, content: 'other 1', clientMessageId: randomUUID() },
        { conversationId: other.conversationId, content: 'other 2', clientMessageId: randomUUID() },
      ]),
    );
    const answered = await Promise.all(acks);
    const otherAnswered = await Promise.all(otherAcks);
    assert.deepEqual(
      [...answered, ...otherAnswered].filter((ack) => !ack.ok),
      [],
    );
    assert.equal(answered[1]?.message?.id, storedBefore.message?.id, 'the retry answers the stored row');
    assert.equal(answered[3]?.message?.id, answered[2]?.message?.id, 'the repeated clientMessageId answers the first');
    const conversationIds = [conversationId, ...others.map((other) => other.conversationId)];
    const rows = await storedRows(conversationIds);
    assertGapFree(rows, conversationIds);
    assert.deepEqual(contentsOf(rows, conversationId, user.id), ['hello', 'original', 'fresh 1', 'fresh 2', 'fresh 3']);
    for (const other of others) {
      assert.deepEqual(contentsOf(rows, other.conversationId, other.user.id), ['hello', 'other 1', 'other 2']);
    }
  });

  it('fails a send to a missing or foreign conversation alone; the sends around it are stored in order', async () => {
    const { user, socket, conversationId } = await userWithConversation();
    const stranger = await userWithConversation();
    const acks = emitAll(socket, [
      { conversationId, content: 'before', clientMessageId: randomUUID() },
      { conversationId: stranger.conversationId, content: 'into a foreign conversation', clientMessageId: randomUUID() },
      { conversationId: 2_000_000_000, content: 'into a missing conversation', clientMessageId: randomUUID() },
      { conversationId, content: 'after', clientMessageId: randomUUID() },
    ]);
    const strangerAcks = emitAll(stranger.socket, [
      { conversationId: stranger.conversationId, content: 'meanwhile', clientMessageId: randomUUID() },
    ]);
    const answered = await Promise.all([...acks, ...strangerAcks]);
    assert.deepEqual(
      answered.map((ack) => (ack.ok ? 'ok' : ack.error?.code)),
      ['ok', 'CONVERSATION_NOT_FOUND', 'CONVERSATION_NOT_FOUND', 'ok', 'ok'],
    );
    const rows = await storedRows([conversationId, stranger.conversationId]);
    assertGapFree(rows, [conversationId, stranger.conversationId]);
    assert.deepEqual(contentsOf(rows, conversationId, user.id), ['hello', 'before', 'after']);
    assert.deepEqual(contentsOf(rows, stranger.conversationId, stranger.user.id), ['hello', 'meanwhile']);
  });

  it('reopens a CLOSED conversation for pipelined sends and keeps their order beside batched sends of others', async () => {
    const { user, socket, conversationId } = await userWithConversation();
    const others = await Promise.all(Array.from({ length: 3 }, () => userWithConversation()));
    const admin = await createAccount(api, 'ADMIN');
    const closed = await api('PATCH', `/chat/conversations/${conversationId}`, { token: admin.token, body: { status: 'CLOSED' } });
    assert.equal(closed.status, 200, JSON.stringify(closed.body));
    const acks = emitAll(
      socket,
      Array.from({ length: 5 }, (_, index) => ({ conversationId, content: `again ${index}`, clientMessageId: randomUUID() })),
    );
    const otherAcks = others.flatMap((other) =>
      emitAll(other.socket, [{ conversationId: other.conversationId, content: 'other', clientMessageId: randomUUID() }]),
    );
    const answered = await Promise.all([...acks, ...otherAcks]);
    assert.deepEqual(
      answered.filter((ack) => !ack.ok),
      [],
    );
    const conversation = await api('GET', `/chat/conversations/${conversationId}`, { token: user.token });
    assert.equal(conversation.body.status, 'ACTIVE');
    const conversationIds = [conversationId, ...others.map((other) => other.conversationId)];
    const rows = await storedRows(conversationIds);
    assertGapFree(rows, conversationIds);
    assert.deepEqual(contentsOf(rows, conversationId, user.id), ['hello', ...Array.from({ length: 5 }, (_, index) => `again ${index}`)]);
  });
});

// The gateway rechecks the socket's session on every event; with the check never cached, each event reads it with
// its own query, and those can finish out of order on a pool: the sender's turn must be taken before that.
describe('group commit: sender order while every event rechecks its session', () => {
  let server: TestServer;
  const sockets: ClientSocket[] = [];

  before(async () => {
    server = await startServer({ SESSION_CHECK_INTERVAL_MS: '0' });
  });
  after(async () => {
    sockets.forEach((socket) => socket.close());
    await server.close();
  });

  it('stores 50 pipelined sends of one socket in send order', async () => {
    const api = apiClient(server.url);
    const user = await createAccount(api, 'USER');
    const first = await api('POST', '/chat/messages', { token: user.token, body: { content: 'hello' } });
    const conversationId: number = first.body.conversationId;
    const socket = await connectAs(server.url, user);
    sockets.push(socket);
    const answered = await Promise.all(
      Array.from({ length: 50 }, (_, index) =>
        emitWithAck<SendAck>(socket, 'sendMessage', { conversationId, content: `pipelined ${index}` }, ACK_TIMEOUT_MS),
      ),
    );
    const seqs = answered.map((ack) => ack.message?.seq ?? 0);
    assert.deepEqual(
      seqs,
      [...seqs].sort((a, b) => a - b),
    );
  });
});
