import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createAccount, type TestAccount } from './support/accounts.js';
import { type Api, apiClient } from './support/http.js';
import { SEVERAL_INSTANCES_SKIP, startServer, startSibling, type TestServer } from './support/server.js';
import { type ClientSocket, collectEvents, connectAs, nextEvent } from './support/sockets.js';
import { deliveriesOf } from './support/webhooks/deliveries.js';
import { type HttpRecorder, startHttpRecorder } from './support/webhooks/http-recorder.js';
import { waitFor } from './support/webhooks/wait-for.js';
import { browserKeys, decryptPushBody } from './support/push/browser-push.js';

const SECRET = 'assignment-webhook-secret-0123456789';

async function startConversation(api: Api, user: TestAccount, content = 'Where is my order?'): Promise<number> {
  const response = await api('POST', '/chat/messages', { token: user.token, body: { content } });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return response.body.conversationId;
}

async function waitForOnline(api: Api, admin: TestAccount, ids: number[]): Promise<void> {
  await waitFor(`admins ${ids.join(',')} online`, async () => {
    const presence = await api('GET', '/chat/presence', { token: admin.token });
    return ids.every((id) => presence.body.online.some((user: { userId: number }) => user.userId === id));
  });
}

describe('assignment', () => {
  let server: TestServer;
  let api: Api;
  let receiver: HttpRecorder;
  let ana: TestAccount;
  let ben: TestAccount;
  const sockets: ClientSocket[] = [];

  before(async () => {
    receiver = await startHttpRecorder();
    server = await startServer({
      WEBHOOK_URL: receiver.url('/hook'),
      WEBHOOK_SECRET: SECRET,
      WEBHOOK_ALLOW_PRIVATE: 'true',
      PUSH_ALLOW_PRIVATE: 'true',
    });
    api = apiClient(server.url);
    [ana, ben] = await Promise.all([createAccount(api, 'ADMIN', 'Ana Lima'), createAccount(api, 'ADMIN', 'Ben Ode')]);
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

  it('assigns with PATCH {assigneeId}: the view carries assignee, admins get conversationUpdated, the user does not', async () => {
    const user = await createAccount(api, 'USER');
    const conversationId = await startConversation(api, user);
    const [userSocket, benSocket] = await Promise.all([socketOf(user), socketOf(ben)]);
    const userHears = collectEvents(userSocket, 'conversationUpdated', 600);
    const benHears = nextEvent(benSocket, 'conversationUpdated', { filter: (c) => c.id === conversationId });
    const response = await api('PATCH', `/chat/conversations/${conversationId}`, { token: ana.token, body: { assigneeId: ana.id } });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.deepEqual(response.body.assignee, { id: ana.id, name: 'Ana Lima' });
    assert.deepEqual((await benHears).assignee, { id: ana.id, name: 'Ana Lima' });
    assert.deepEqual(await userHears, []);
    const view = await api('GET', `/chat/conversations/${conversationId}`, { token: user.token });
    assert.deepEqual(view.body.assignee, { id: ana.id, name: 'Ana Lima' });
  });

  it('tells the assignee (assigned event) when someone else assigns them, with a link', async () => {
    const user = await createAccount(api, 'USER');
    const conversationId = await startConversation(api, user);
    const benSocket = await socketOf(ben);
    const told = nextEvent(benSocket, 'assigned', { filter: (event) => event.conversation.id === conversationId });
    await api('PATCH', `/chat/conversations/${conversationId}`, { token: ana.token, body: { assigneeId: ben.id } });
    const event = await told;
    assert.deepEqual(event.assignedBy, { id: ana.id, name: 'Ana Lima' });
    assert.equal(event.url, `/?conversation=${conversationId}`);
    // Taking it yourself is no news to you.
    const anaSocket = await socketOf(ana);
    const quiet = collectEvents(anaSocket, 'assigned', 600);
    await api('PATCH', `/chat/conversations/${conversationId}`, { token: ana.token, body: { assigneeId: ana.id } });
    assert.deepEqual(await quiet, []);
  });

  it('sends a conversation.assigned webhook with the assignee, who had it before and who decided', async () => {
    const user = await createAccount(api, 'USER');
    const conversationId = await startConversation(api, user);
    await api('PATCH', `/chat/conversations/${conversationId}`, { token: ana.token, body: { assigneeId: ben.id } });
    const delivery = await waitFor('conversation.assigned', () =>
      deliveriesOf(receiver, SECRET).find(
        (d) => d.body.event === 'conversation.assigned' && d.body.data.conversation.id === conversationId,
      ),
    );
    assert.equal(delivery.signature.ok, true);
    assert.deepEqual(delivery.body.data.conversation.assignee, { id: ben.id, name: 'Ben Ode' });
    assert.equal(delivery.body.data.previousAssigneeId, null);
    assert.deepEqual(delivery.body.data.assignedBy, { id: ana.id, name: 'Ana Lima' });
  });

  it('carries a private note in the message.created webhook with isPrivate: true', async () => {
    const user = await createAccount(api, 'USER');
    const conversationId = await startConversation(api, user);
    const note = await api('POST', '/chat/messages', { token: ana.token, body: { conversationId, content: 'internal', isPrivate: true } });
    const delivery = await waitFor('note webhook', () =>
      deliveriesOf(receiver, SECRET).find((d) => d.body.event === 'message.created' && d.body.data.message.id === note.body.id),
    );
    assert.equal(delivery.body.data.message.isPrivate, true);
  });

  it('rejects a lost compare-and-set with 409 CONFLICT and the current assignee', async () => {
    const user = await createAccount(api, 'USER');
    const conversationId = await startConversation(api, user);
    const won = await api('PATCH', `/chat/conversations/${conversationId}`, {
      token: ana.token,
      body: { assigneeId: ana.id, expectedAssigneeId: null },
    });
    assert.equal(won.status, 200);
    const lost = await api('PATCH', `/chat/conversations/${conversationId}`, {
      token: ben.token,
      body: { assigneeId: ben.id, expectedAssigneeId: null },
    });
    assert.equal(lost.status, 409);
    assert.equal(lost.body.code, 'CONFLICT');
    assert.deepEqual(lost.body.assignee, { id: ana.id, name: 'Ana Lima' });
    const handOver = await api('PATCH', `/chat/conversations/${conversationId}`, {
      token: ben.token,
      body: { assigneeId: null, expectedAssigneeId: ana.id },
    });
    assert.equal(handOver.status, 200);
    assert.equal(handOver.body.assignee, null);
  });

  it('lets exactly one of 20 concurrent claims win', async () => {
    const user = await createAccount(api, 'USER');
    const conversationId = await startConversation(api, user);
    const admins = await Promise.all(Array.from({ length: 20 }, (_, index) => createAccount(api, 'ADMIN', `Racer ${index}`)));
    const results = await Promise.all(
      admins.map((admin) =>
        api('PATCH', `/chat/conversations/${conversationId}`, {
          token: admin.token,
          body: { assigneeId: admin.id, expectedAssigneeId: null },
        }),
      ),
    );
    const winners = results.filter((result) => result.status === 200);
    assert.equal(winners.length, 1);
    assert.equal(results.filter((result) => result.status === 409).length, 19);
    const winner = winners[0]!.body.assignee;
    for (const loser of results.filter((result) => result.status === 409)) {
      assert.deepEqual(loser.body.assignee, winner);
    }
    const view = await api('GET', `/chat/conversations/${conversationId}`, { token: ana.token });
    assert.deepEqual(view.body.assignee, winner);
  });

  it('rejects an assignee that is not an ADMIN (400), a USER caller (403) and a missing conversation (404)', async () => {
    const user = await createAccount(api, 'USER');
    const conversationId = await startConversation(api, user);
    const toUser = await api('PATCH', `/chat/conversations/${conversationId}`, { token: ana.token, body: { assigneeId: user.id } });
    assert.equal(toUser.status, 400);
    assert.equal(toUser.body.issues[0].path, 'assigneeId');
    const toNobody = await api('PATCH', `/chat/conversations/${conversationId}`, { token: ana.token, body: { assigneeId: 999_999 } });
    assert.equal(toNobody.status, 400);
    const byUser = await api('PATCH', `/chat/conversations/${conversationId}`, { token: user.token, body: { assigneeId: ana.id } });
    assert.equal(byUser.status, 403);
    const missing = await api('PATCH', '/chat/conversations/999999', { token: ana.token, body: { assigneeId: ana.id } });
    assert.equal(missing.status, 404);
    for (const body of [{}, { assigneeId: 'me' }, { expectedAssigneeId: null }, { assigneeId: 1.5 }]) {
      const bad = await api('PATCH', `/chat/conversations/${conversationId}`, { token: ana.token, body });
      assert.equal(bad.status, 400, JSON.stringify(body));
    }
  });

  it('filters the list with ?assignee=me|none|<adminId>, combined with status', async () => {
    const carla = await createAccount(api, 'ADMIN', 'Carla');
    const [u1, u2, u3] = await Promise.all([createAccount(api, 'USER'), createAccount(api, 'USER'), createAccount(api, 'USER')]);
    const mine = await startConversation(api, u1);
    const unassigned = await startConversation(api, u2);
    const closedMine = await startConversation(api, u3);
    await api('PATCH', `/chat/conversations/${mine}`, { token: carla.token, body: { assigneeId: carla.id } });
    await api('PATCH', `/chat/conversations/${closedMine}`, { token: carla.token, body: { assigneeId: carla.id, status: 'CLOSED' } });
    const ids = async (query: string, token = carla.token) =>
      (await api('GET', `/chat/conversations?${query}`, { token })).body.map((c: { id: number }) => c.id);
    assert.deepEqual(await ids('assignee=me'), [closedMine, mine]);
    assert.deepEqual(await ids(`assignee=${carla.id}`, ana.token), [closedMine, mine]);
    assert.deepEqual(await ids('assignee=me&status=ACTIVE'), [mine]);
    assert.ok((await ids('assignee=none')).includes(unassigned));
    assert.ok(!(await ids('assignee=none')).includes(mine));
    assert.equal((await api('GET', '/chat/conversations?assignee=someone', { token: carla.token })).status, 400);
    assert.equal((await api('GET', '/chat/conversations?assignee=9999999999', { token: carla.token })).status, 400);
  });

  it('counts mine, unassigned and all for the inbox tabs (GET /chat/conversations/counts)', async () => {
    const dana = await createAccount(api, 'ADMIN', 'Dana');
    const before = (await api('GET', '/chat/conversations/counts?status=ACTIVE', { token: dana.token })).body;
    const [u1, u2] = await Promise.all([createAccount(api, 'USER'), createAccount(api, 'USER')]);
    const taken = await startConversation(api, u1);
    await startConversation(api, u2);
    await api('PATCH', `/chat/conversations/${taken}`, { token: dana.token, body: { assigneeId: dana.id } });
    const after = await api('GET', '/chat/conversations/counts?status=ACTIVE', { token: dana.token });
    assert.equal(after.status, 200);
    assert.deepEqual(after.body, { mine: before.mine + 1, unassigned: before.unassigned + 1, all: before.all + 2 });
    const user = await createAccount(api, 'USER');
    assert.equal((await api('GET', '/chat/conversations/counts', { token: user.token })).status, 403);
    assert.equal((await api('GET', '/chat/conversations/counts?status=OPEN', { token: dana.token })).status, 400);
  });

  it('pushes to an offline assignee and to a mentioned admin’s devices, with a link to the conversation', async () => {
    const pushEndpoint = await startHttpRecorder(() => 201);
    try {
      const [away, user] = await Promise.all([createAccount(api, 'ADMIN', 'Away Admin'), createAccount(api, 'USER')]);
      const keys = browserKeys();
      const path = `/push/${randomUUID()}`;
      const subscribed = await api('POST', '/chat/push/subscriptions', {
        token: away.token,
        body: { endpoint: pushEndpoint.url(path), expirationTime: null, keys: { p256dh: keys.p256dh, auth: keys.auth } },
      });
      assert.equal(subscribed.status, 201);
      const conversationId = await startConversation(api, user);
      await api('PATCH', `/chat/conversations/${conversationId}`, { token: ana.token, body: { assigneeId: away.id } });
      const decrypt = (index: number) =>
        JSON.parse(decryptPushBody(pushEndpoint.requests.filter((r) => r.path === path)[index]!.body, keys).toString('utf8'));
      // The user's own message went to admins' devices too; wait for the assignment's.
      const assigned = await waitFor('assignment push', () =>
        pushEndpoint.requests
          .filter((r) => r.path === path)
          .map((_, index) => decrypt(index))
          .find((n: { title: string }) => n.title === 'Ana Lima assigned you a conversation'),
      );
      assert.equal(assigned.conversationId, conversationId);
      assert.equal(assigned.url, `/?conversation=${conversationId}`);

      await api('POST', '/chat/messages', {
        token: ana.token,
        body: { conversationId, content: '@Away please call back', isPrivate: true },
      });
      const mention = await waitFor('mention push', () =>
        pushEndpoint.requests
          .filter((r) => r.path === path)
          .map((_, index) => decrypt(index))
          .find((n: { title: string }) => n.title === 'Ana Lima mentioned you'),
      );
      assert.equal(mention.body, '@Away please call back');
    } finally {
      await pushEndpoint.stop();
    }
  });

  it('notifies an admin named with @ in a note (mentioned event with a link), not the writer', async () => {
    const user = await createAccount(api, 'USER');
    const conversationId = await startConversation(api, user);
    const benSocket = await socketOf(ben);
    const anaSocket = await socketOf(ana);
    const mentioned = nextEvent(benSocket, 'mentioned');
    const selfQuiet = collectEvents(anaSocket, 'mentioned', 800);
    const note = await api('POST', '/chat/messages', {
      token: ana.token,
      body: { conversationId, content: '@Ben can you check the refund? (cc @Ana)', isPrivate: true },
    });
    const event = await mentioned;
    assert.equal(event.conversationId, conversationId);
    assert.equal(event.messageId, note.body.id);
    assert.deepEqual(event.mentionedBy, { id: ana.id, name: 'Ana Lima' });
    assert.equal(event.url, `/?conversation=${conversationId}`);
    assert.deepEqual(await selfQuiet, []);
  });
});

describe('auto-assignment', () => {
  let server: TestServer;
  let api: Api;
  const sockets: ClientSocket[] = [];

  before(async () => {
    server = await startServer({ AUTO_ASSIGN: 'true', AGENT_CAPACITY: '2', REASSIGN_AFTER_MS: '1000' });
    api = apiClient(server.url);
  });
  after(async () => {
    sockets.forEach((socket) => socket.close());
    await server.close();
  });

  it('leaves a new conversation unassigned when no admin is online', async () => {
    const user = await createAccount(api, 'USER');
    const conversationId = await startConversation(api, user);
    const admin = await createAccount(api, 'ADMIN');
    const view = await api('GET', `/chat/conversations/${conversationId}`, { token: admin.token });
    assert.equal(view.body.assignee, null);
  });

  it('assigns round-robin to online admins under AGENT_CAPACITY, then leaves the rest unassigned', async () => {
    const [ana, ben] = await Promise.all([createAccount(api, 'ADMIN', 'Auto Ana'), createAccount(api, 'ADMIN', 'Auto Ben')]);
    const anaSocket = await connectAs(server.url, ana);
    const benSocket = await connectAs(server.url, ben);
    sockets.push(anaSocket, benSocket);
    await waitForOnline(api, ana, [ana.id, ben.id]);
    const assignees: (number | null)[] = [];
    for (let index = 0; index < 5; index += 1) {
      const user = await createAccount(api, 'USER');
      const conversationId = await startConversation(api, user);
      const view = await waitFor(`conversation ${index} settled`, async () => {
        const body = (await api('GET', `/chat/conversations/${conversationId}`, { token: ana.token })).body;
        return index < 4 ? body.assignee && body : body;
      });
      assignees.push(view.assignee?.id ?? null);
    }
    assert.deepEqual(assignees.slice(0, 4).sort(), [ana.id, ana.id, ben.id, ben.id].sort());
    assert.notEqual(assignees[0], assignees[1], 'round-robin: the second goes to the other admin');
    assert.equal(assignees[4], null, 'both are at capacity');
    anaSocket.close();
    benSocket.close();
  });

  it('assigns a conversation reopened by the user when it has no assignee', async () => {
    const user = await createAccount(api, 'USER');
    const conversationId = await startConversation(api, user);
    const closer = await createAccount(api, 'ADMIN', 'Closer');
    await api('PATCH', `/chat/conversations/${conversationId}`, { token: closer.token, body: { status: 'CLOSED' } });
    const online = await createAccount(api, 'ADMIN', 'Reopen Ana');
    const socket = await connectAs(server.url, online);
    sockets.push(socket);
    await waitForOnline(api, online, [online.id]);
    const told = nextEvent(socket, 'assigned', { filter: (event) => event.conversation.id === conversationId });
    await api('POST', '/chat/messages', { token: user.token, body: { conversationId, content: 'It broke again' } });
    const event = await told;
    assert.deepEqual(event.conversation.assignee, { id: online.id, name: 'Reopen Ana' });
    assert.equal(event.assignedBy, null);
    assert.equal(event.conversation.status, 'ACTIVE');
    socket.close();
  });

  it('gives back a conversation waiting for an answer when its assignee is offline for REASSIGN_AFTER_MS', async () => {
    const [away, user, other] = await Promise.all([
      createAccount(api, 'ADMIN', 'Away'),
      createAccount(api, 'USER'),
      createAccount(api, 'USER'),
    ]);
    const waiting = await startConversation(api, user);
    const answered = await startConversation(api, other);
    await api('PATCH', `/chat/conversations/${waiting}`, { token: away.token, body: { assigneeId: away.id } });
    await api('PATCH', `/chat/conversations/${answered}`, { token: away.token, body: { assigneeId: away.id } });
    await api('POST', '/chat/messages', { token: away.token, body: { conversationId: answered, content: 'Done, anything else?' } });
    const released = await waitFor(
      'waiting conversation unassigned',
      async () => (await api('GET', `/chat/conversations/${waiting}`, { token: away.token })).body.assignee === null,
      8_000,
    );
    assert.equal(released, true);
    const kept = await api('GET', `/chat/conversations/${answered}`, { token: away.token });
    assert.deepEqual(kept.body.assignee, { id: away.id, name: 'Away' });
  });
});

describe('auto-assignment across two instances', { skip: SEVERAL_INSTANCES_SKIP }, () => {
  let a: TestServer;
  let b: TestServer;
  const sockets: ClientSocket[] = [];

  before(async () => {
    a = await startServer({ AUTO_ASSIGN: 'true', AGENT_CAPACITY: '3' });
    b = await startSibling(a);
  });
  after(async () => {
    sockets.forEach((socket) => socket.close());
    await b?.close();
    await a?.close();
  });

  it('never assigns past capacity nor one conversation twice when both instances assign at once', async () => {
    const apiA = apiClient(a.url);
    const apiB = apiClient(b.url);
    const [ana, ben] = await Promise.all([createAccount(apiA, 'ADMIN', 'Two Ana'), createAccount(apiA, 'ADMIN', 'Two Ben')]);
    sockets.push(await connectAs(a.url, ana), await connectAs(b.url, ben));
    await waitForOnline(apiA, ana, [ana.id, ben.id]);
    await waitForOnline(apiB, ana, [ana.id, ben.id]);
    const users = await Promise.all(Array.from({ length: 10 }, () => createAccount(apiA, 'USER')));
    const conversationIds = await Promise.all(
      users.map((user, index) => startConversation(index % 2 === 0 ? apiA : apiB, user, `help ${randomUUID()}`)),
    );
    const assigned = await waitFor('six assignments', async () => {
      const list = (await apiA('GET', '/chat/conversations?limit=200', { token: ana.token })).body as {
        id: number;
        assignee: { id: number } | null;
      }[];
      const ours = list.filter((c) => conversationIds.includes(c.id));
      const withAssignee = ours.filter((c) => c.assignee !== null);
      return withAssignee.length >= 6 && ours;
    });
    // Give a late double assignment the chance to show up.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const final = (await apiA('GET', '/chat/conversations?limit=200', { token: ana.token })).body.filter((c: { id: number }) =>
      conversationIds.includes(c.id),
    );
    const counts = new Map<number, number>();
    for (const conversation of final) {
      if (conversation.assignee) {
        counts.set(conversation.assignee.id, (counts.get(conversation.assignee.id) ?? 0) + 1);
      }
    }
    assert.equal(assigned.length, 10);
    assert.deepEqual(Object.fromEntries(counts), { [ana.id]: 3, [ben.id]: 3 });
  });
});
