import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { createAccount } from './support/accounts.js';
import { type Api, apiClient } from './support/http.js';
import { type ClientSocket, connectAs, emitWithAck } from './support/sockets.js';
import { startServer, type TestServer } from './support/server.js';

interface Message {
  id: number;
  seq: number;
  content: string;
}

describe('delivery guarantees', () => {
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

  it('gives a client that was offline exactly the 100 messages it missed, in order, through sync', async () => {
    const user = await createAccount(api, 'USER');
    const admin = await createAccount(api, 'ADMIN');
    const first = await api('POST', '/chat/messages', { token: user.token, body: { content: 'before going offline' } });
    const conversationId = first.body.conversationId;
    const lastSeen = first.body.seq;
    for (let index = 1; index <= 100; index += 1) {
      const response = await api('POST', '/chat/messages', {
        token: admin.token,
        body: { conversationId, content: `missed ${index}`, clientMessageId: randomUUID() },
      });
      assert.equal(response.status, 201);
    }
    const socket = await connectAs(server.url, user);
    sockets.push(socket);
    const ack = await emitWithAck(socket, 'sync', { conversations: { [conversationId]: lastSeen } });
    assert.equal(ack.ok, true);
    const messages: Message[] = ack.conversations[0].messages;
    assert.equal(messages.length, 100);
    assert.deepEqual(
      messages.map((m) => m.content),
      Array.from({ length: 100 }, (_, index) => `missed ${index + 1}`),
    );
    assert.deepEqual(
      messages.map((m) => m.seq),
      Array.from({ length: 100 }, (_, index) => lastSeen + index + 1),
    );
    assert.equal(ack.conversations[0].hasMore, false);
    console.log(`sent=100 acknowledged=100 stored=101 received=${messages.length}`);
  });

  it(
    'never lets a later seq commit before an earlier one: a sync between two slow sends still gets both',
    { skip: process.env.TEST_DATABASE_URL ? false : 'needs PostgreSQL (TEST_DATABASE_URL): PGlite runs one statement at a time' },
    async () => {
      const user = await createAccount(api, 'USER');
      const admin = await createAccount(api, 'ADMIN');
      const first = await api('POST', '/chat/messages', { token: user.token, body: { content: 'start' } });
      const conversationId = first.body.conversationId;
      const database = new pg.Client({ connectionString: server.env.DATABASE_URL });
      await database.connect();
      // Holds the first send's transaction open after it took its seq, as a slow commit would.
      await database.query(`
      create or replace function slow_insert() returns trigger language plpgsql as $$
      begin
        if new.content = 'slow' then perform pg_sleep(1); end if;
        return new;
      end $$;
      create trigger slow_insert after insert on chat_message for each row execute function slow_insert();`);
      try {
        const reader = await connectAs(server.url, user);
        sockets.push(reader);
        const order: string[] = [];
        const slow = api('POST', '/chat/messages', { token: admin.token, body: { conversationId, content: 'slow' } }).then((r) => {
          order.push('slow');
          return r;
        });
        // Wait until the slow insert holds the conversation row, then send the fast one behind it.
        for (let attempt = 0; attempt < 50; attempt += 1) {
          const { rows } = await database.query(
            "select count(*)::int as n from pg_stat_activity where wait_event = 'PgSleep' and datname = current_database()",
          );
          if (rows[0].n > 0) {
            break;
          }
          assert.ok(attempt < 49, 'the slow send never started');
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        const fast = api('POST', '/chat/messages', { token: admin.token, body: { conversationId, content: 'fast' } }).then((r) => {
          order.push('fast');
          return r;
        });
        const during = await emitWithAck(reader, 'sync', { conversations: { [conversationId]: 1 } });
        assert.deepEqual(during.conversations[0].messages, [], 'nothing is visible before the first commits');
        const [slowResponse, fastResponse] = await Promise.all([slow, fast]);
        assert.deepEqual(order, ['slow', 'fast']);
        assert.deepEqual([slowResponse.body.seq, fastResponse.body.seq], [2, 3]);
        const afterwards = await emitWithAck(reader, 'sync', { conversations: { [conversationId]: 1 } });
        assert.deepEqual(
          afterwards.conversations[0].messages.map((m: Message) => m.content),
          ['slow', 'fast'],
        );
        console.log(`sent=2 acknowledged=2 stored=2 received=${afterwards.conversations[0].messages.length}`);
      } finally {
        await database.query('drop trigger if exists slow_insert on chat_message');
        await database.end();
      }
    },
  );
});
