import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { encodeCursor } from '../src/common/pagination.js';
import { createAccount, type TestAccount } from './support/accounts.js';
import { type Api, apiClient, nextPath } from './support/http.js';
import { startServer, type TestServer } from './support/server.js';

interface ListItem {
  id: number;
  lastMessageAt: string;
  unreadCount: number;
  lastMessage: { id: number; content: string; isPrivate: boolean; senderId: number } | null;
}

interface HistoryMessage {
  senderId: number;
  isRead: boolean;
  isPrivate: boolean;
}

// The unread counts each side sees, through every path that shows them: the list, the conversation itself and
// /chat/unread-count. They are counters kept on the conversation row, so these tests check them against the
// message rows' own isRead flags.
describe('conversation list: unread counts per side, last message, pages', () => {
  let server: TestServer;
  let api: Api;
  let admin: TestAccount;

  before(async () => {
    server = await startServer();
    api = apiClient(server.url);
    admin = await createAccount(api, 'ADMIN');
  });
  after(async () => {
    await server.close();
  });

  async function send(account: TestAccount, body: Record<string, unknown>): Promise<{ id: number; conversationId: number }> {
    const response = await api('POST', '/chat/messages', { token: account.token, body });
    assert.equal(response.status, 201, JSON.stringify(response.body));
    return response.body;
  }

  async function markRead(account: TestAccount, conversationId: number): Promise<number> {
    const response = await api('POST', `/chat/conversations/${conversationId}/read`, { token: account.token });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return response.body.count;
  }

  // The conversation as `account` sees it in its list (found by the user's unique name for admins), checked
  // against GET /chat/conversations/:id and /chat/unread-count, which must agree.
  async function seenBy(account: TestAccount, conversationId: number, userName: string): Promise<ListItem> {
    const query = account.role === 'ADMIN' ? `?q=${encodeURIComponent(userName)}` : '';
    const list = await api('GET', `/chat/conversations${query}`, { token: account.token });
    assert.equal(list.status, 200);
    const listed = (list.body as ListItem[]).find((item) => item.id === conversationId);
    assert.ok(listed, `conversation ${conversationId} is in the list of ${account.role}`);
    const single = await api('GET', `/chat/conversations/${conversationId}`, { token: account.token });
    assert.equal(single.status, 200);
    assert.deepEqual(single.body, listed, 'GET /chat/conversations/:id is the list item');
    const totals = await api('GET', '/chat/unread-count', { token: account.token });
    const entry = (totals.body.conversations as { conversationId: number; count: number }[]).find(
      (c) => c.conversationId === conversationId,
    );
    assert.equal(entry?.count ?? 0, listed.unreadCount, '/chat/unread-count agrees with the list');
    return listed;
  }

  // What the message rows say is unread for a side (the history as an admin sees it, private notes included).
  async function unreadRows(conversationId: number, user: TestAccount, side: 'admins' | 'user'): Promise<number> {
    const history = await api('GET', `/chat/conversations/${conversationId}/messages?limit=200`, { token: admin.token });
    assert.equal(history.status, 200);
    return (history.body as HistoryMessage[]).filter(
      (m) => !m.isRead && (side === 'admins' ? m.senderId === user.id : m.senderId !== user.id && !m.isPrivate),
    ).length;
  }

  it('counts the user’s messages for admins and the replies (never private notes) for the user, until each side reads', async () => {
    const name = `Counter ${randomUUID().slice(0, 8)}`;
    const user = await createAccount(api, 'USER', name);
    const { conversationId } = await send(user, { content: 'one' });
    await send(user, { conversationId, content: 'two' });

    assert.equal((await seenBy(admin, conversationId, name)).unreadCount, 2);
    const fresh = await seenBy(user, conversationId, name);
    assert.equal(fresh.unreadCount, 0, 'the user’s own messages are never unread for them');
    assert.equal(fresh.lastMessage?.content, 'two');

    const reply = await send(admin, { conversationId, content: 'a reply' });
    const note = await send(admin, { conversationId, content: 'a private note', isPrivate: true });
    const forUser = await seenBy(user, conversationId, name);
    assert.equal(forUser.unreadCount, 1, 'the note is not counted for the user');
    assert.equal(forUser.lastMessage?.id, reply.id, 'the user’s last message is not the note');
    const forAdmin = await seenBy(admin, conversationId, name);
    assert.equal(forAdmin.unreadCount, 2, 'admins do not count their own replies or notes');
    assert.equal(forAdmin.lastMessage?.id, note.id);
    assert.equal(forAdmin.lastMessage?.isPrivate, true);

    assert.equal(await markRead(admin, conversationId), 2);
    assert.equal((await seenBy(admin, conversationId, name)).unreadCount, 0);
    assert.equal((await seenBy(user, conversationId, name)).unreadCount, 1, 'an admin’s read leaves the user’s count');

    await send(user, { conversationId, content: 'three' });
    assert.equal((await seenBy(admin, conversationId, name)).unreadCount, 1);
    assert.equal(await markRead(user, conversationId), 1);
    assert.equal((await seenBy(user, conversationId, name)).unreadCount, 0);
    assert.equal((await seenBy(admin, conversationId, name)).unreadCount, 1, 'a user’s read leaves the admins’ count');
    assert.equal(await markRead(user, conversationId), 0, 'nothing is left for the user to read (notes are not theirs)');

    await send(admin, { conversationId, content: 'another note', isPrivate: true });
    assert.equal((await seenBy(user, conversationId, name)).unreadCount, 0);
    assert.equal(await unreadRows(conversationId, user, 'user'), 0);
    assert.equal(await unreadRows(conversationId, user, 'admins'), 1);
  });

  it('keeps the counts equal to the unread rows when reads race new messages from both sides', async () => {
    const name = `Racer ${randomUUID().slice(0, 8)}`;
    const user = await createAccount(api, 'USER', name);
    const { conversationId } = await send(user, { content: 'start' });
    const seen: number[] = [];
    const watch = async () => {
      for (let round = 0; round < 6; round++) {
        const list = await api('GET', `/chat/conversations?q=${encodeURIComponent(name)}`, { token: admin.token });
        seen.push(...(list.body as ListItem[]).map((item) => item.unreadCount));
        const own = await api('GET', '/chat/conversations', { token: user.token });
        seen.push(...(own.body as ListItem[]).map((item) => item.unreadCount));
      }
    };
    // Rounds of sends from both sides with a read by each side in the middle of them: a read that lowered its
    // counter by more than it marked (or to zero) would lose a message appended while it ran.
    const rounds = async () => {
      for (let round = 0; round < 12; round++) {
        await Promise.all([
          ...Array.from({ length: 4 }, (_, index) => send(user, { conversationId, content: `user ${round}.${index}` })),
          markRead(admin, conversationId),
          ...Array.from({ length: 4 }, (_, index) =>
            send(admin, { conversationId, content: `admin ${round}.${index}`, isPrivate: index === 0 }),
          ),
          markRead(user, conversationId),
          ...Array.from({ length: 2 }, (_, index) => send(user, { conversationId, content: `user ${round}.${index + 4}` })),
        ]);
      }
    };
    await Promise.all([rounds(), watch()]);
    assert.ok(
      seen.every((count) => count >= 0),
      `no count below zero: ${seen.join(',')}`,
    );
    const forAdmin = (await seenBy(admin, conversationId, name)).unreadCount;
    const forUser = (await seenBy(user, conversationId, name)).unreadCount;
    assert.equal(forAdmin, await unreadRows(conversationId, user, 'admins'));
    assert.equal(forUser, await unreadRows(conversationId, user, 'user'));
    assert.equal(await markRead(admin, conversationId), forAdmin, 'the read marks exactly what was counted');
    assert.equal(await markRead(user, conversationId), forUser);
    assert.equal((await seenBy(admin, conversationId, name)).unreadCount, 0);
    assert.equal((await seenBy(user, conversationId, name)).unreadCount, 0);
  });

  it('pages newest activity first with the same Link cursor, each item with its own count and last message', async () => {
    const name = `Pages ${randomUUID().slice(0, 8)}`;
    const expected: { id: number; unread: number; last: string }[] = [];
    for (let index = 0; index < 5; index++) {
      const user = await createAccount(api, 'USER', name);
      const { conversationId } = await send(user, { content: `${index}: 1` });
      for (let extra = 1; extra <= index; extra++) {
        await send(user, { conversationId, content: `${index}: ${extra + 1}` });
      }
      expected.unshift({ id: conversationId, unread: index + 1, last: `${index}: ${index + 1}` });
    }
    const seen: { id: number; unread: number; last: string }[] = [];
    let path: string | undefined = `/chat/conversations?limit=2&q=${encodeURIComponent(name)}`;
    let pages = 0;
    while (path && pages < 10) {
      pages++;
      const page: { status: number; body: ListItem[]; headers: Headers } = await api('GET', path, { token: admin.token });
      assert.equal(page.status, 200);
      seen.push(...page.body.map((item) => ({ id: item.id, unread: item.unreadCount, last: item.lastMessage?.content ?? '' })));
      path = nextPath(page.headers);
      const last = page.body.at(-1);
      if (path && last) {
        const cursor = new URLSearchParams(path.split('?')[1]).get('cursor');
        assert.equal(cursor, encodeCursor(new Date(last.lastMessageAt), last.id), 'the cursor is the last item’s (lastMessageAt, id)');
      }
    }
    assert.equal(pages, 3);
    assert.deepEqual(seen, expected);
  });
});

// A read that waited on the conversation row while a message was appended must lower the counter by what it marked,
// not to what it saw: here the race is made certain by holding the row lock from a connection of the test's own.
describe(
  'conversation list: a read waiting behind an append (PostgreSQL)',
  { skip: process.env.TEST_DATABASE_URL ? false : 'needs TEST_DATABASE_URL' },
  () => {
    let server: TestServer;
    let api: Api;
    // `locker` holds the conversation row; `observer` watches who waits for it (pg_stat_activity is read once per
    // transaction, so not from inside the locker's).
    let locker: pg.Client;
    let observer: pg.Client;

    before(async () => {
      server = await startServer();
      api = apiClient(server.url);
      locker = new pg.Client({ connectionString: server.env.DATABASE_URL });
      observer = new pg.Client({ connectionString: server.env.DATABASE_URL });
      await Promise.all([locker.connect(), observer.connect()]);
    });
    after(async () => {
      await Promise.all([locker.end(), observer.end()]);
      await server.close();
    });

    async function lockWaiters(atLeast: number): Promise<void> {
      for (let attempt = 0; ; attempt += 1) {
        const { rows } = await observer.query<{ n: number }>(
          "select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'",
        );
        if ((rows[0]?.n ?? 0) >= atLeast) {
          return;
        }
        assert.ok(attempt < 250, `${atLeast} statements never waited for the conversation row`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }

    for (const side of ['admins', 'user'] as const) {
      it(`keeps the ${side === 'admins' ? 'admins’' : 'user’s'} count right when their read waits behind a new message`, async () => {
        const admin = await createAccount(api, 'ADMIN');
        const user = await createAccount(api, 'USER');
        const [reader, sender] = side === 'admins' ? [admin, user] : [user, admin];
        const first = await api('POST', '/chat/messages', { token: user.token, body: { content: 'first' } });
        const conversationId: number = first.body.conversationId;
        await api('POST', `/chat/conversations/${conversationId}/read`, { token: admin.token });
        for (const content of ['unread 1', 'unread 2']) {
          await api('POST', '/chat/messages', { token: sender.token, body: { conversationId, content } });
        }
        const unreadBefore = await api('GET', `/chat/conversations/${conversationId}`, { token: reader.token });
        assert.equal(unreadBefore.body.unreadCount, 2);

        await locker.query('begin');
        let isLocked = true;
        try {
          await locker.query('select id from chat_conversation where id = $1 for update', [conversationId]);
          const appended = api('POST', '/chat/messages', { token: sender.token, body: { conversationId, content: 'while reading' } });
          await lockWaiters(1);
          const read = api('POST', `/chat/conversations/${conversationId}/read`, { token: reader.token });
          await lockWaiters(2);
          await locker.query('commit');
          isLocked = false;
          assert.equal((await appended).status, 201);
          const marked = await read;
          assert.equal(marked.status, 200);
          assert.equal(marked.body.count, 2, 'the read marked what it saw, not the message appended while it waited');
        } finally {
          if (isLocked) {
            await locker.query('rollback');
          }
        }
        const afterwards = await api('GET', `/chat/conversations/${conversationId}`, { token: reader.token });
        assert.equal(afterwards.body.unreadCount, 1, 'the message appended while the read waited is still unread');
        assert.equal((await api('POST', `/chat/conversations/${conversationId}/read`, { token: reader.token })).body.count, 1);
      });
    }
  },
);
