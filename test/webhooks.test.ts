import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { nonPublicReason } from '../src/http/address-policy.js';
import { MAX_DELAY_MS, retryDelayMs } from '../src/http/retry-backoff.js';
import { signatureHeader } from '../src/webhooks/webhook-signature.js';
import { createAccount, type TestAccount } from './support/accounts.js';
import { type Api, apiClient } from './support/http.js';
import { startServer, startSibling, type TestServer } from './support/server.js';
import { connectAs, emitWithAck, nextEvent } from './support/sockets.js';
import { type Delivery, deliveriesOf, outboxRows } from './support/webhooks/deliveries.js';
import { type HttpRecorder, startHttpRecorder } from './support/webhooks/http-recorder.js';
import { verifySignature } from './support/webhooks/signature.js';
import { waitFor } from './support/webhooks/wait-for.js';

const SECRET = 'webhook-test-secret-0123456789';

function webhookEnv(receiver: HttpRecorder, extra: Record<string, string> = {}): Record<string, string> {
  return { WEBHOOK_URL: receiver.url('/hook'), WEBHOOK_SECRET: SECRET, WEBHOOK_ALLOW_PRIVATE: 'true', ...extra };
}

async function send(api: Api, account: TestAccount, body: Record<string, unknown>) {
  const response = await api('POST', '/chat/messages', { token: account.token, body });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return response.body;
}

const ofConversation = (conversationId: number) => (delivery: Delivery) => delivery.body.data.conversation?.id === conversationId;

describe('webhooks: address classifier, signature, backoff (pure)', () => {
  const table: [string, string | undefined][] = [
    ['8.8.8.8', undefined],
    ['93.184.216.34', undefined],
    ['2606:4700:4700::1111', undefined],
    ['2002:0808:0808::1', undefined],
    ['::ffff:8.8.8.8', undefined],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['100.127.255.255', 'carrier-grade NAT'],
    ['169.254.169.254', 'link-local, cloud metadata'],
    ['192.0.2.1', 'documentation'],
    ['198.18.0.1', 'benchmarking'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'reserved, broadcast'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['fd00:ec2::254', 'unique-local'],
    ['fc00::1', 'unique-local'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'documentation'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:169.254.169.254', 'link-local, cloud metadata'],
    ['::ffff:10.0.0.1', 'private'],
    ['64:ff9b::a00:1', 'private'],
    ['2002:c0a8:0101::1', 'private'],
    ['[::1]', 'loopback'],
    ['localhost', 'not an IP address'],
    ['1.2.3', 'not an IP address'],
  ];
  for (const [address, expected] of table) {
    it(`classifies ${address} as ${expected ?? 'public'}`, () => {
      const reason = nonPublicReason(address);
      if (expected === undefined) {
        assert.equal(reason, undefined);
      } else {
        assert.ok(reason?.startsWith(expected), `${address}: got ${reason}`);
      }
    });
  }

  it('signs "<t>.<body>" so the documented receiver recipe verifies it, and rejects tampering and old timestamps', () => {
    const body = JSON.stringify({ id: 1, event: 'message.created', data: { content: 'héllo' } });
    const now = Math.floor(Date.now() / 1000);
    const header = signatureHeader(SECRET, body, now);
    assert.match(header, /^t=\d+,v1=[0-9a-f]{64}$/);
    assert.deepEqual(verifySignature(SECRET, header, body, now), { ok: true, timestamp: now });
    assert.equal(verifySignature(SECRET, header, body.replace('héllo', 'hello'), now).ok, false);
    assert.equal(verifySignature('another-secret-0123456789', header, body, now).ok, false);
    assert.equal(verifySignature(SECRET, header, body, now + 301).ok, false);
  });

  it('backs off exponentially with jitter, capped at five minutes', () => {
    assert.equal(
      retryDelayMs(1, () => 0.5),
      1_000,
    );
    assert.equal(
      retryDelayMs(2, () => 0.5),
      2_000,
    );
    assert.equal(
      retryDelayMs(3, () => 0.5),
      4_000,
    );
    assert.equal(
      retryDelayMs(40, () => 0.5),
      MAX_DELAY_MS,
    );
    assert.equal(
      retryDelayMs(1, () => 0),
      750,
    );
    assert.equal(
      retryDelayMs(1, () => 0.999999),
      1_250,
    );
    assert.ok(retryDelayMs(100, () => 0.999999) <= MAX_DELAY_MS);
  });
});

describe('webhooks: delivery to a receiver', () => {
  let receiver: HttpRecorder;
  let server: TestServer;
  let api: Api;

  before(async () => {
    receiver = await startHttpRecorder();
    server = await startServer(webhookEnv(receiver));
    api = apiClient(server.url);
  });
  after(async () => {
    await server.close();
    await receiver.stop();
  });

  const deliveries = () => deliveriesOf(receiver, SECRET);

  it('POSTs every message as message.created, signed, exactly as stored, after conversation.created', async () => {
    const user = await createAccount(api, 'USER');
    const admin = await createAccount(api, 'ADMIN');
    const first = await send(api, user, { content: 'first message', clientMessageId: randomUUID() });
    const second = await send(api, admin, { conversationId: first.conversationId, content: 'an answer ✓' });
    const third = await send(api, user, { content: 'thanks' });
    const sent = [first, second, third];

    const received = await waitFor('three message.created deliveries', () => {
      const found = deliveries().filter((d) => d.body.event === 'message.created' && ofConversation(first.conversationId)(d));
      return found.length >= 3 && found;
    });
    assert.deepEqual(
      received.map((d) => d.body.data.message),
      sent,
    );
    assert.deepEqual(
      received.map((d) => d.body.data.conversation),
      sent.map((message) => ({ id: first.conversationId, userId: user.id, status: 'ACTIVE', lastSeq: message.seq })),
    );

    const all = deliveries().filter(ofConversation(first.conversationId));
    const created = all.filter((d) => d.body.event === 'conversation.created');
    assert.equal(created.length, 1);
    assert.ok(created[0]!.body.id < received[0]!.body.id, 'conversation.created comes before its first message');
    assert.deepEqual(
      { ...created[0]!.body.data.conversation, createdAt: undefined, updatedAt: undefined },
      {
        id: first.conversationId,
        userId: user.id,
        status: 'ACTIVE',
        lastSeq: 0,
        createdAt: undefined,
        updatedAt: undefined,
        user: { id: user.id, name: user.name, email: user.email },
        assignee: null,
        rating: null,
      },
    );
    for (const delivery of all) {
      assert.deepEqual(delivery.signature.ok, true, JSON.stringify(delivery.signature));
      assert.equal(delivery.request.method, 'POST');
      assert.equal(delivery.request.path, '/hook');
      assert.match(String(delivery.request.headers['content-type']), /^application\/json/);
      assert.equal(delivery.request.headers['x-chat-event'], delivery.body.event);
      assert.equal(delivery.request.headers['x-chat-delivery'], String(delivery.body.id));
      assert.ok(!Number.isNaN(Date.parse(delivery.body.createdAt)));
    }
    // Nothing failed, so nothing was sent twice.
    const ids = all.map((d) => d.body.id);
    assert.equal(new Set(ids).size, ids.length);
  });

  it('carries the same message, field for field, as newMessage, the socket ack and the conversation list', async () => {
    const user = await createAccount(api, 'USER');
    const admin = await createAccount(api, 'ADMIN');
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(Buffer.from('an invoice, as plain text'))]), 'invoice.txt');
    const upload = await fetch(`${server.url}/chat/attachments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${user.token}` },
      body: form,
    });
    assert.equal(upload.status, 201);
    const { id: attachmentId } = (await upload.json()) as { id: string };
    const userSocket = await connectAs(server.url, user);
    const adminSocket = await connectAs(server.url, admin);
    try {
      const [ack, broadcast] = await Promise.all([
        emitWithAck(userSocket, 'sendMessage', { content: 'with a file', clientMessageId: randomUUID(), attachmentIds: [attachmentId] }),
        nextEvent(adminSocket, 'newMessage'),
      ]);
      assert.equal(ack.ok, true, JSON.stringify(ack));
      const [delivery] = await waitFor('message.created of the socket send', () => {
        const found = deliveries().filter((d) => d.body.event === 'message.created' && d.body.data.message.id === ack.message.id);
        return found.length > 0 && found;
      });
      const list = await api('GET', `/chat/conversations?limit=200`, { token: admin.token });
      const listed = (list.body as { id: number; lastMessage: unknown }[]).find((item) => item.id === ack.message.conversationId);
      assert.deepEqual(delivery!.body.data.message, ack.message);
      assert.deepEqual(broadcast, ack.message);
      assert.deepEqual(listed?.lastMessage, ack.message);
      assert.deepEqual(Object.keys(listed!.lastMessage as object), Object.keys(broadcast as object), 'same key order');
      assert.equal(ack.message.attachments.length, 1);
    } finally {
      userSocket.disconnect();
      adminSocket.disconnect();
    }
  });

  it('carries a message’s attachments in message.created', async () => {
    const user = await createAccount(api, 'USER');
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(Buffer.from('a receipt, as plain text'))]), 'receipt.txt');
    const uploadResponse = await fetch(`${server.url}/chat/attachments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${user.token}` },
      body: form,
    });
    const upload = (await uploadResponse.json()) as { id: string };
    assert.equal(uploadResponse.status, 201);
    const message = await send(api, user, { content: 'see attached', attachmentIds: [upload.id] });
    const [delivery] = await waitFor('message.created with an attachment', () => {
      const found = deliveries().filter((d) => d.body.event === 'message.created' && d.body.data.message.id === message.id);
      return found.length > 0 && found;
    });
    assert.deepEqual(delivery!.body.data.message, message);
    assert.equal(delivery!.body.data.message.attachments[0].id, upload.id);
  });

  it('sends conversation.updated when a conversation is closed and when a message reopens it', async () => {
    const user = await createAccount(api, 'USER');
    const admin = await createAccount(api, 'ADMIN');
    const { conversationId } = await send(api, user, { content: 'please close me' });
    const closed = await api('PATCH', `/chat/conversations/${conversationId}`, { token: admin.token, body: { status: 'CLOSED' } });
    assert.equal(closed.status, 200, JSON.stringify(closed.body));
    const closing = await waitFor('conversation.updated CLOSED', () =>
      deliveries().find(
        (d) =>
          d.body.event === 'conversation.updated' &&
          d.body.data.conversation.id === conversationId &&
          d.body.data.conversation.status === 'CLOSED',
      ),
    );
    assert.equal(closing.signature.ok, true);
    assert.equal(closing.body.data.conversation.userId, user.id);

    const reopening = await send(api, admin, { conversationId, content: 'reopening' });
    const reopened = await waitFor('conversation.updated ACTIVE', () =>
      deliveries().find(
        (d) =>
          d.body.event === 'conversation.updated' &&
          d.body.data.conversation.id === conversationId &&
          d.body.data.conversation.status === 'ACTIVE',
      ),
    );
    assert.equal(reopened.body.data.conversation.previousStatus, 'CLOSED');
    const message = await waitFor('message.created of the reopening message', () =>
      deliveries().find((d) => d.body.event === 'message.created' && d.body.data.message.id === reopening.id),
    );
    assert.deepEqual(message.body.data.message, reopening);
    assert.equal(deliveries().filter((d) => d.body.event === 'conversation.updated' && ofConversation(conversationId)(d)).length, 2);
  });

  it('retries a delivery the receiver answers 500 to, with backoff, until it answers 200', async () => {
    const user = await createAccount(api, 'USER');
    const marker = `retry me ${randomUUID()}`;
    const isMarked = (request: { body: Buffer }) => request.body.toString('utf8').includes(marker);
    receiver.respond = (request) => (isMarked(request) && receiver.requests.filter(isMarked).length <= 2 ? 500 : 200);
    try {
      const message = await send(api, user, { content: marker });
      const row = await waitFor('the outbox row delivered', async () =>
        (await outboxRows(server)).find((r) => r.event === 'message.created' && r.payload.message.id === message.id && r.is_delivered),
      );
      const attempts = deliveries().filter((d) => d.body.event === 'message.created' && d.body.data.message.id === message.id);
      assert.equal(attempts.length, 3);
      assert.equal(row.attempts, 3);
      assert.equal(row.last_error, null);
      for (const attempt of attempts) {
        assert.equal(attempt.signature.ok, true);
        assert.equal(attempt.rawBody, attempts[0]!.rawBody, 'a retry sends the same body');
        assert.equal(attempt.request.headers['x-chat-delivery'], String(row.id));
      }
      const gaps = attempts.slice(1).map((attempt, i) => attempt.request.receivedAt - attempts[i]!.request.receivedAt);
      console.log(`webhook retry gaps: ${gaps.join(' ms, ')} ms`);
    } finally {
      receiver.respond = () => 200;
    }
  });

  it('records a failure in the outbox (attempts, last_error) while the receiver fails', async () => {
    const user = await createAccount(api, 'USER');
    const marker = `always failing ${randomUUID()}`;
    receiver.respond = (request) => (request.body.toString('utf8').includes(marker) ? 503 : 200);
    try {
      const message = await send(api, user, { content: marker });
      const row = await waitFor('a recorded failure', async () =>
        (await outboxRows(server)).find((r) => r.event === 'message.created' && r.payload.message.id === message.id && r.attempts >= 1),
      );
      assert.equal(row.is_delivered, false);
      assert.match(row.last_error ?? '', /^HTTP 503/);
    } finally {
      receiver.respond = () => 200;
    }
    // Once the receiver recovers the row goes out (at its next backoff step).
    await waitFor('the failed row delivered after recovery', async () => (await outboxRows(server)).every((r) => r.is_delivered));
  });
});

describe('webhooks: the outbox survives a receiver outage and a server restart', () => {
  let receiver: HttpRecorder;
  let server: TestServer;
  let api: Api;

  before(async () => {
    receiver = await startHttpRecorder();
    server = await startServer(webhookEnv(receiver));
    api = apiClient(server.url);
  });
  after(async () => {
    await server.close();
    await receiver.stop();
  });

  it('delivers messages stored while the receiver was down, after the server restarted, once each', async () => {
    const user = await createAccount(api, 'USER');
    await receiver.stop();
    const messages = [];
    for (const content of ['sent while down 1', 'sent while down 2', 'sent while down 3']) {
      messages.push(await send(api, user, { content }));
    }
    const failed = await waitFor('a refused connection recorded in the outbox', async () =>
      (await outboxRows(server)).find((r) => !r.is_delivered && /ECONNREFUSED/.test(r.last_error ?? '')),
    );
    assert.ok(failed.attempts >= 1);
    assert.equal(receiver.requests.length, 0);

    // The process goes away with undelivered rows committed; the new one finds and sends them.
    await server.restart();
    await receiver.start();
    const received = await waitFor('every message delivered after the restart', () => {
      const found = deliveriesOf(receiver, SECRET).filter((d) => d.body.event === 'message.created');
      return found.length >= messages.length && found;
    });
    // Rows that failed may overtake each other (each waits for its own backoff): compare in id order.
    assert.deepEqual(
      received.map((d) => d.body.data.message).sort((a, b) => Number(a.id) - Number(b.id)),
      messages,
    );
    await waitFor('the whole outbox delivered', async () => (await outboxRows(server)).every((r) => r.is_delivered));
    const ids = deliveriesOf(receiver, SECRET).map((d) => d.body.id);
    assert.equal(new Set(ids).size, ids.length, `no event sent twice: ${ids.join(',')}`);
    assert.ok(deliveriesOf(receiver, SECRET).every((d) => d.signature.ok));
  });

  it('loses nothing and sends nothing twice when the server restarts right after a burst of messages', async () => {
    const user = await createAccount(api, 'USER');
    const messages = await Promise.all(Array.from({ length: 8 }, (_, i) => send(api, user, { content: `burst ${i}` })));
    await server.restart();
    const ids = new Set(messages.map((m) => m.id));
    const received = await waitFor('the burst delivered', () => {
      const found = deliveriesOf(receiver, SECRET).filter((d) => d.body.event === 'message.created' && ids.has(d.body.data.message.id));
      return found.length >= messages.length && found;
    });
    await waitFor('the whole outbox delivered', async () => (await outboxRows(server)).every((r) => r.is_delivered));
    const deliveryIds = deliveriesOf(receiver, SECRET).map((d) => d.body.id);
    assert.equal(new Set(deliveryIds).size, deliveryIds.length, 'no event sent twice');
    assert.deepEqual(
      received.map((d) => d.body.data.message.id).sort((a, b) => a - b),
      [...ids].sort((a, b) => a - b),
    );
  });
});

describe(
  'webhooks: several instances on one PostgreSQL',
  { skip: process.env.TEST_DATABASE_URL ? false : 'needs TEST_DATABASE_URL' },
  () => {
    it('sends each outbox row once although every instance polls the outbox', async () => {
      const receiver = await startHttpRecorder();
      const first = await startServer(webhookEnv(receiver));
      const second = await startSibling(first);
      try {
        const api = apiClient(first.url);
        const users = await Promise.all([createAccount(api, 'USER'), createAccount(api, 'USER'), createAccount(api, 'USER')]);
        const messages = await Promise.all(
          Array.from({ length: 30 }, (_, i) =>
            send(i % 2 === 0 ? api : apiClient(second.url), users[i % 3]!, { content: `parallel ${i}` }),
          ),
        );
        const ids = new Set(messages.map((m) => m.id));
        await waitFor('every message delivered', () =>
          deliveriesOf(receiver, SECRET).filter((d) => d.body.event === 'message.created' && ids.has(d.body.data.message.id)).length >=
          ids.size
            ? true
            : undefined,
        );
        await waitFor('the whole outbox delivered', async () => (await outboxRows(first)).every((r) => r.is_delivered));
        const deliveryIds = deliveriesOf(receiver, SECRET).map((d) => d.body.id);
        assert.equal(new Set(deliveryIds).size, deliveryIds.length, 'no row sent twice');
        assert.equal(deliveryIds.length, (await outboxRows(first)).length);
      } finally {
        await second.close();
        await first.close();
        await receiver.stop();
      }
    });
  },
);

describe('webhooks: private addresses are refused unless allowed (SSRF)', () => {
  let receiver: HttpRecorder;

  before(async () => {
    receiver = await startHttpRecorder();
  });
  after(async () => {
    await receiver.stop();
  });

  for (const host of ['127.0.0.1', 'localhost']) {
    it(`never POSTs to http://${host} without WEBHOOK_ALLOW_PRIVATE, and says why in last_error`, async () => {
      const server = await startServer({
        WEBHOOK_URL: `http://${host}:${receiver.port}/hook`,
        WEBHOOK_SECRET: SECRET,
      });
      try {
        const api = apiClient(server.url);
        const user = await createAccount(api, 'USER');
        await send(api, user, { content: 'to nowhere' });
        const row = await waitFor('a refusal recorded in the outbox', async () => (await outboxRows(server)).find((r) => r.attempts >= 1));
        assert.match(row.last_error ?? '', /^refused: .* resolves to (127\.0\.0\.1|::1), a loopback/);
        assert.equal(row.is_delivered, false);
        assert.equal(receiver.requests.length, 0);
      } finally {
        await server.close();
      }
    });
  }
});
