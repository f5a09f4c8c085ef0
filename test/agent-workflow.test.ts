import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { createAccount, type TestAccount } from './support/accounts.js';
import { type Api, apiClient } from './support/http.js';
import { SEVERAL_INSTANCES_SKIP, startServer, startSibling, type TestServer } from './support/server.js';
import { type ClientSocket, collectEvents, connectAs, emitWithAck, nextEvent } from './support/sockets.js';
import { deliveriesOf } from './support/webhooks/deliveries.js';
import { type HttpRecorder, startHttpRecorder } from './support/webhooks/http-recorder.js';
import { waitFor } from './support/webhooks/wait-for.js';

const SECRET = 'workflow-webhook-secret-0123456789';

async function startConversation(api: Api, user: TestAccount, content = 'Where is my order?'): Promise<number> {
  const response = await api('POST', '/chat/messages', { token: user.token, body: { content } });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return response.body.conversationId;
}

describe('agent workflow', () => {
  let server: TestServer;
  let api: Api;
  let receiver: HttpRecorder;
  let admin: TestAccount;
  const sockets: ClientSocket[] = [];

  before(async () => {
    receiver = await startHttpRecorder();
    server = await startServer({
      WEBHOOK_URL: receiver.url('/hook'),
      WEBHOOK_SECRET: SECRET,
      WEBHOOK_ALLOW_PRIVATE: 'true',
      MAX_MESSAGE_LENGTH: '100',
    });
    api = apiClient(server.url);
    admin = await createAccount(api, 'ADMIN', 'Ana');
  });
  after(async () => {
    sockets.forEach((socket) => socket.close());
    await server.close();
    await receiver.stop();
  });

  describe('canned responses', () => {
    it('creates, lists by short code prefix and content, changes and deletes', async () => {
      const created = await api('POST', '/chat/canned-responses', {
        token: admin.token,
        body: { shortCode: 'order-status', content: 'Hi {{user.name}}, your order is on its way. {{agent.name}}' },
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.equal(created.body.shortCode, 'order-status');
      assert.deepEqual(created.body.createdBy, { id: admin.id, name: 'Ana' });
      await api('POST', '/chat/canned-responses', { token: admin.token, body: { shortCode: 'refund', content: 'Refunds take 5 days.' } });
      await api('POST', '/chat/canned-responses', {
        token: admin.token,
        body: { shortCode: 'thanks', content: 'About your order: thanks!' },
      });

      const byCode = await api('GET', '/chat/canned-responses?q=ord', { token: admin.token });
      assert.deepEqual(
        byCode.body.map((item: { shortCode: string }) => item.shortCode),
        ['order-status', 'thanks'],
        'short-code prefix matches first, then content matches',
      );
      const slash = await api('GET', `/chat/canned-responses?q=${encodeURIComponent('/ref')}`, { token: admin.token });
      assert.deepEqual(
        slash.body.map((item: { shortCode: string }) => item.shortCode),
        ['refund'],
      );

      const changed = await api('PATCH', `/chat/canned-responses/${created.body.id}`, {
        token: admin.token,
        body: { content: 'Shipped!' },
      });
      assert.equal(changed.status, 200);
      assert.equal(changed.body.content, 'Shipped!');
      assert.equal(changed.body.shortCode, 'order-status');

      assert.equal((await api('DELETE', `/chat/canned-responses/${created.body.id}`, { token: admin.token })).status, 204);
      assert.equal((await api('DELETE', `/chat/canned-responses/${created.body.id}`, { token: admin.token })).status, 404);
      const all = await api('GET', '/chat/canned-responses', { token: admin.token });
      assert.ok(!all.body.some((item: { id: number }) => item.id === created.body.id));
    });

    it('rejects a duplicate short code with 409', async () => {
      const first = await api('POST', '/chat/canned-responses', { token: admin.token, body: { shortCode: 'dup', content: 'one' } });
      assert.equal(first.status, 201);
      const again = await api('POST', '/chat/canned-responses', { token: admin.token, body: { shortCode: 'dup', content: 'two' } });
      assert.equal(again.status, 409);
      assert.equal(again.body.code, 'CONFLICT');
      const other = await api('POST', '/chat/canned-responses', { token: admin.token, body: { shortCode: 'dup2', content: 'x' } });
      const renamed = await api('PATCH', `/chat/canned-responses/${other.body.id}`, { token: admin.token, body: { shortCode: 'dup' } });
      assert.equal(renamed.status, 409);
    });

    it('rejects bad short codes and content with 400', async () => {
      const bad = [
        { shortCode: 'Has Caps', content: 'x' },
        { shortCode: '', content: 'x' },
        { shortCode: 'a'.repeat(33), content: 'x' },
        { shortCode: 'ok', content: '   ' },
        { shortCode: 'ok', content: 'x'.repeat(101) },
        { shortCode: 'ok' },
        { shortCode: 'ok', content: 'x', extra: true },
        { shortCode: 5, content: 'x' },
        { shortCode: 'nul', content: 'a\u0000b' },
      ];
      for (const body of bad) {
        const response = await api('POST', '/chat/canned-responses', { token: admin.token, body });
        assert.equal(response.status, 400, JSON.stringify(body));
        assert.equal(response.body.code, 'VALIDATION');
      }
      assert.equal((await api('PATCH', '/chat/canned-responses/1', { token: admin.token, body: {} })).status, 400);
      assert.equal((await api('PATCH', '/chat/canned-responses/abc', { token: admin.token, body: { content: 'x' } })).status, 400);
    });

    it('rejects USERs with 403 on every route', async () => {
      const user = await createAccount(api, 'USER');
      assert.equal((await api('GET', '/chat/canned-responses', { token: user.token })).status, 403);
      assert.equal(
        (await api('POST', '/chat/canned-responses', { token: user.token, body: { shortCode: 'x', content: 'y' } })).status,
        403,
      );
      assert.equal((await api('PATCH', '/chat/canned-responses/1', { token: user.token, body: { content: 'y' } })).status, 403);
      assert.equal((await api('DELETE', '/chat/canned-responses/1', { token: user.token })).status, 403);
    });
  });

  describe('ratings', () => {
    it('lets the user rate a CLOSED conversation once per closing; admins see it; conversation.rated webhook', async () => {
      const user = await createAccount(api, 'USER');
      const conversationId = await startConversation(api, user);
      const active = await api('POST', `/chat/conversations/${conversationId}/rating`, { token: user.token, body: { score: 5 } });
      assert.equal(active.status, 409, 'not while ACTIVE');

      await api('PATCH', `/chat/conversations/${conversationId}`, { token: admin.token, body: { status: 'CLOSED' } });
      const adminSocket = await connectAs(server.url, admin);
      sockets.push(adminSocket);
      const adminHears = nextEvent(adminSocket, 'conversationUpdated', { filter: (c) => c.id === conversationId });
      const rated = await api('POST', `/chat/conversations/${conversationId}/rating`, {
        token: user.token,
        body: { score: 4, comment: 'Quick and kind' },
      });
      assert.equal(rated.status, 201, JSON.stringify(rated.body));
      assert.deepEqual(
        { score: rated.body.score, comment: rated.body.comment, conversationId: rated.body.conversationId },
        { score: 4, comment: 'Quick and kind', conversationId },
      );
      assert.equal((await adminHears).rating.score, 4);
      const again = await api('POST', `/chat/conversations/${conversationId}/rating`, { token: user.token, body: { score: 1 } });
      assert.equal(again.status, 409);
      const view = await api('GET', `/chat/conversations/${conversationId}`, { token: admin.token });
      assert.deepEqual([view.body.rating.score, view.body.rating.comment], [4, 'Quick and kind']);

      const delivery = await waitFor('conversation.rated', () =>
        deliveriesOf(receiver, SECRET).find((d) => d.body.event === 'conversation.rated' && d.body.data.conversation.id === conversationId),
      );
      assert.deepEqual([delivery.body.data.rating.score, delivery.body.data.rating.comment], [4, 'Quick and kind']);

      // Reopened and closed again: a new closing, a new rating.
      await api('PATCH', `/chat/conversations/${conversationId}`, { token: admin.token, body: { status: 'ACTIVE' } });
      await api('PATCH', `/chat/conversations/${conversationId}`, { token: admin.token, body: { status: 'CLOSED' } });
      const reclosed = await api('GET', `/chat/conversations/${conversationId}`, { token: user.token });
      assert.equal(reclosed.body.rating, null);
      const second = await api('POST', `/chat/conversations/${conversationId}/rating`, { token: user.token, body: { score: 2 } });
      assert.equal(second.status, 201);
    });

    it('answers 404 to anyone but the conversation’s user, and 400 to bad scores', async () => {
      const [user, stranger] = await Promise.all([createAccount(api, 'USER'), createAccount(api, 'USER')]);
      const conversationId = await startConversation(api, user);
      await api('PATCH', `/chat/conversations/${conversationId}`, { token: admin.token, body: { status: 'CLOSED' } });
      assert.equal(
        (await api('POST', `/chat/conversations/${conversationId}/rating`, { token: stranger.token, body: { score: 5 } })).status,
        404,
      );
      assert.equal(
        (await api('POST', `/chat/conversations/${conversationId}/rating`, { token: admin.token, body: { score: 5 } })).status,
        404,
      );
      assert.equal((await api('POST', '/chat/conversations/999999/rating', { token: user.token, body: { score: 5 } })).status, 404);
      for (const body of [
        { score: 0 },
        { score: 6 },
        { score: 4.5 },
        { score: '5' },
        {},
        { score: 3, comment: 'x'.repeat(2001) },
        { score: 3, x: 1 },
        { score: 3, comment: 'a\u0000' },
      ]) {
        const response = await api('POST', `/chat/conversations/${conversationId}/rating`, { token: user.token, body });
        assert.equal(response.status, 400, JSON.stringify(body));
      }
    });
  });

  describe('collision', () => {
    it('tells other admins who is viewing a conversation, and when they leave or disconnect', async () => {
      const [ana2, ben] = await Promise.all([createAccount(api, 'ADMIN', 'Viewer Ana'), createAccount(api, 'ADMIN', 'Viewer Ben')]);
      const user = await createAccount(api, 'USER');
      const conversationId = await startConversation(api, user);
      const [anaSocket, benSocket, userSocket] = await Promise.all([
        connectAs(server.url, ana2),
        connectAs(server.url, ben),
        connectAs(server.url, user),
      ]);
      sockets.push(benSocket, userSocket);
      const userHears = collectEvents(userSocket, 'agentViewing', 1_500);
      const selfHears = collectEvents(anaSocket, 'agentViewing', 600);
      const benHears = nextEvent(benSocket, 'agentViewing', { filter: (event) => event.userId === ana2.id });
      const ack = await emitWithAck(anaSocket, 'viewing', { conversationId, isViewing: true });
      assert.deepEqual(ack, { ok: true, viewers: [] });
      assert.deepEqual(await benHears, { conversationId, userId: ana2.id, name: 'Viewer Ana', isViewing: true });
      assert.deepEqual(await selfHears, []);

      const benAck = await emitWithAck(benSocket, 'viewing', { conversationId, isViewing: true });
      assert.deepEqual(benAck.viewers, [{ userId: ana2.id, name: 'Viewer Ana' }]);

      const gone = nextEvent(benSocket, 'agentViewing', { filter: (event) => event.userId === ana2.id && !event.isViewing });
      anaSocket.close();
      assert.deepEqual(await gone, { conversationId, userId: ana2.id, name: 'Viewer Ana', isViewing: false });
      assert.deepEqual(await userHears, [], 'users never hear about viewers');
    });

    it('rejects viewing from a USER (403) and bad payloads (400)', async () => {
      const user = await createAccount(api, 'USER');
      const conversationId = await startConversation(api, user);
      const userSocket = await connectAs(server.url, user);
      sockets.push(userSocket);
      const denied = await emitWithAck(userSocket, 'viewing', { conversationId, isViewing: true });
      assert.deepEqual([denied.ok, denied.error.code], [false, 'FORBIDDEN']);
      const adminSocket = await connectAs(server.url, admin);
      sockets.push(adminSocket);
      const bad = await emitWithAck(adminSocket, 'viewing', { conversationId: 'x', isViewing: true });
      assert.deepEqual([bad.ok, bad.error.code], [false, 'VALIDATION']);
      const missing = await emitWithAck(adminSocket, 'viewing', { conversationId: 999_999, isViewing: true });
      assert.equal(missing.ok, false);
    });
  });

  describe('reports', () => {
    it('counts open, unassigned and closed, medians, CSAT and per agent, with conversations per day', async () => {
      const reporter = await createAccount(api, 'ADMIN', 'Reporter');
      const before = (await api('GET', '/chat/reports/overview', { token: reporter.token })).body;
      const [u1, u2, u3] = await Promise.all([createAccount(api, 'USER'), createAccount(api, 'USER'), createAccount(api, 'USER')]);
      const c1 = await startConversation(api, u1);
      const c2 = await startConversation(api, u2);
      await startConversation(api, u3);
      await api('PATCH', `/chat/conversations/${c1}`, { token: reporter.token, body: { assigneeId: reporter.id } });
      await api('POST', '/chat/messages', { token: reporter.token, body: { conversationId: c1, content: 'internal', isPrivate: true } });
      await api('POST', '/chat/messages', { token: reporter.token, body: { conversationId: c1, content: 'Hello!' } });
      await api('PATCH', `/chat/conversations/${c1}`, { token: reporter.token, body: { status: 'CLOSED' } });
      await api('POST', `/chat/conversations/${c1}/rating`, { token: u1.token, body: { score: 5 } });
      await api('PATCH', `/chat/conversations/${c2}`, { token: reporter.token, body: { assigneeId: reporter.id } });

      const response = await api('GET', '/chat/reports/overview', { token: reporter.token });
      assert.equal(response.status, 200, JSON.stringify(response.body));
      const report = response.body;
      assert.equal(report.conversations - before.conversations, 3);
      assert.equal(report.open - before.open, 2);
      assert.equal(report.unassigned - before.unassigned, 1);
      assert.equal(report.closed - before.closed, 1);
      assert.equal(typeof report.medianFirstResponseMs, 'number');
      assert.equal(typeof report.medianResolutionMs, 'number');
      assert.equal(report.csat.count - before.csat.count, 1);
      const me = report.agents.find((agent: { id: number }) => agent.id === reporter.id);
      assert.deepEqual([me.assigned, me.closed], [2, 1]);
      assert.ok(me.medianFirstResponseMs >= 0);
      assert.equal(report.perDay.length, 31, '30 days back from now touch 31 calendar days');
      const today = new Date().toISOString().slice(0, 10);
      assert.equal(report.perDay.at(-1).date, today);
      assert.equal(report.perDay.at(-1).count - before.perDay.at(-1).count, 3);
    });

    it('takes from and to as days or times; an empty range has nulls, not errors', async () => {
      const response = await api('GET', '/chat/reports/overview?from=2020-01-01&to=2020-01-07', { token: admin.token });
      assert.equal(response.status, 200);
      assert.equal(response.body.from, '2020-01-01T00:00:00.000Z');
      assert.equal(response.body.to, '2020-01-08T00:00:00.000Z');
      assert.equal(response.body.perDay.length, 7);
      assert.equal(response.body.conversations, 0);
      assert.equal(response.body.medianFirstResponseMs, null);
      assert.deepEqual(response.body.csat, { average: null, count: 0 });
    });

    it('rejects bad ranges (400) and USERs (403)', async () => {
      for (const query of ['from=yesterday', 'from=2020-02-01&to=2020-01-01', 'from=2000-01-01&to=2020-01-01', 'x=1', 'to=9999-12-31']) {
        const response = await api('GET', `/chat/reports/overview?${query}`, { token: admin.token });
        assert.equal(response.status, 400, query);
      }
      const user = await createAccount(api, 'USER');
      assert.equal((await api('GET', '/chat/reports/overview', { token: user.token })).status, 403);
    });
  });
});

describe('collision across two instances', { skip: SEVERAL_INSTANCES_SKIP }, () => {
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

  it('shows a viewer on A to an admin on B, and the ack lists viewers of the other instance', async () => {
    const api = apiClient(a.url);
    const [ana, ben, user] = await Promise.all([
      createAccount(api, 'ADMIN', 'A Ana'),
      createAccount(api, 'ADMIN', 'B Ben'),
      createAccount(api, 'USER'),
    ]);
    const conversationId = await startConversation(api, user);
    const anaSocket = await connectAs(a.url, ana);
    const benSocket = await connectAs(b.url, ben);
    sockets.push(anaSocket, benSocket);
    const benHears = nextEvent(benSocket, 'agentViewing');
    await emitWithAck(anaSocket, 'viewing', { conversationId, isViewing: true });
    assert.deepEqual(await benHears, { conversationId, userId: ana.id, name: 'A Ana', isViewing: true });
    const ack = await emitWithAck(benSocket, 'viewing', { conversationId, isViewing: true });
    assert.deepEqual(ack.viewers, [{ userId: ana.id, name: 'A Ana' }]);
    const left = nextEvent(benSocket, 'agentViewing', { filter: (event) => !event.isViewing });
    await emitWithAck(anaSocket, 'viewing', { conversationId, isViewing: false });
    assert.equal((await left).userId, ana.id);
  });

  it('reports a viewer of an instance that died as gone once its entry stops being refreshed', async () => {
    const api = apiClient(a.url);
    const [ben, user] = await Promise.all([createAccount(api, 'ADMIN', 'Survivor Ben'), createAccount(api, 'USER')]);
    const conversationId = await startConversation(api, user);
    const benSocket = await connectAs(b.url, ben);
    sockets.push(benSocket);
    // What a crashed instance leaves behind: an entry nobody refreshes (already past its expiry here).
    const redis = new Redis(a.env.REDIS_URL!);
    try {
      await redis
        .multi()
        .hset(
          `${a.env.REDIS_PREFIX}:viewing:${conversationId}`,
          'dead-socket',
          JSON.stringify({ socketId: 'dead-socket', userId: 999_999, name: 'Ghost', expiresAt: Date.now() - 1 }),
        )
        .sadd(`${a.env.REDIS_PREFIX}:viewing:conversations`, String(conversationId))
        .exec();
      const gone = await nextEvent(benSocket, 'agentViewing', { filter: (event) => event.userId === 999_999, timeoutMs: 12_000 });
      assert.deepEqual(gone, { conversationId, userId: 999_999, name: 'Ghost', isViewing: false });
      assert.equal(await redis.hlen(`${a.env.REDIS_PREFIX}:viewing:${conversationId}`), 0);
    } finally {
      redis.disconnect();
    }
  });
});
