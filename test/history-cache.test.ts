import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { HistoryPageCache, ownedBytes, type CachedHistoryPage } from '../src/messages/history-page.cache.js';
import { LookupBatcher } from '../src/common/lookup-batcher.js';
import { createAccount, DEMO_ADMIN, login, type TestAccount } from './support/accounts.js';
import { type Api, apiClient, nextPath } from './support/http.js';
import { redisEnv, SEVERAL_INSTANCES_SKIP, startServer, startSibling, type TestServer } from './support/server.js';

interface MessageJson {
  id: number;
  content: string;
  isRead: boolean;
  isPrivate: boolean;
  sender: { id: number; name: string; role: string };
}

async function send(api: Api, account: TestAccount, body: Record<string, unknown>): Promise<MessageJson> {
  const response = await api<MessageJson & { conversationId: number }>('POST', '/chat/messages', { token: account.token, body });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return response.body;
}

async function newestPage(api: Api, account: TestAccount, conversationId: number, limit?: number) {
  const query = limit === undefined ? '' : `?limit=${limit}`;
  const response = await api<MessageJson[]>('GET', `/chat/conversations/${conversationId}/messages${query}`, { token: account.token });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return response;
}

async function contentsOf(api: Api, account: TestAccount, conversationId: number): Promise<string[]> {
  return (await newestPage(api, account, conversationId)).body.map((message) => message.content);
}

async function markRead(api: Api, account: TestAccount, conversationId: number): Promise<number> {
  const response = await api<{ count: number }>('POST', `/chat/conversations/${conversationId}/read`, { token: account.token });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return response.body.count;
}

async function rename(api: Api, userId: number, name: string): Promise<void> {
  const admin = await login(api, DEMO_ADMIN.email, DEMO_ADMIN.password);
  const response = await api('PATCH', `/users/${userId}`, { token: admin.token, body: { name } });
  assert.equal(response.status, 200, JSON.stringify(response.body));
}

// A user's conversation with one message in it, and an admin to read it.
async function conversationWithMessage(api: Api) {
  const user = await createAccount(api, 'USER');
  const admin = await createAccount(api, 'ADMIN');
  const first = await send(api, user, { content: `first ${randomUUID()}`, clientMessageId: randomUUID() });
  return { user, admin, first, conversationId: (first as MessageJson & { conversationId: number }).conversationId };
}

// Every path a second read of the same page can take on one pair of instances (the reader on `readApi`,
// every change made through `writeApi`): both may be the same instance.
function describeCorrectness(name: string, apis: () => { readApi: Api; writeApi: Api }) {
  describe(name, () => {
    it('shows a message stored after the page was read', async () => {
      const { readApi, writeApi } = apis();
      const { user, admin, first, conversationId } = await conversationWithMessage(writeApi);
      assert.deepEqual(await contentsOf(readApi, admin, conversationId), [first.content]);
      assert.deepEqual(await contentsOf(readApi, user, conversationId), [first.content]);
      const reply = await send(writeApi, admin, { conversationId, content: 'reply' });
      const second = await send(writeApi, user, { content: 'second' });
      assert.deepEqual(await contentsOf(readApi, admin, conversationId), [first.content, reply.content, second.content]);
      assert.deepEqual(await contentsOf(readApi, user, conversationId), [first.content, reply.content, second.content]);
    });

    it('shows isRead after the other side read the page', async () => {
      const { readApi, writeApi } = apis();
      const { user, admin, conversationId } = await conversationWithMessage(writeApi);
      await send(writeApi, admin, { conversationId, content: 'answer' });
      assert.deepEqual(
        (await newestPage(readApi, user, conversationId)).body.map((m) => m.isRead),
        [false, false],
      );
      assert.deepEqual(
        (await newestPage(readApi, admin, conversationId)).body.map((m) => m.isRead),
        [false, false],
      );
      assert.equal(await markRead(writeApi, admin, conversationId), 1);
      assert.deepEqual(
        (await newestPage(readApi, user, conversationId)).body.map((m) => m.isRead),
        [true, false],
      );
      assert.deepEqual(
        (await newestPage(readApi, admin, conversationId)).body.map((m) => m.isRead),
        [true, false],
      );
      assert.equal(await markRead(writeApi, user, conversationId), 1);
      assert.deepEqual(
        (await newestPage(readApi, user, conversationId)).body.map((m) => m.isRead),
        [true, true],
      );
      assert.deepEqual(
        (await newestPage(readApi, admin, conversationId)).body.map((m) => m.isRead),
        [true, true],
      );
    });

    it('shows a private note in the admins’ page and never in the user’s', async () => {
      const { readApi, writeApi } = apis();
      const { user, admin, first, conversationId } = await conversationWithMessage(writeApi);
      assert.deepEqual(await contentsOf(readApi, admin, conversationId), [first.content]);
      assert.deepEqual(await contentsOf(readApi, user, conversationId), [first.content]);
      const note = await send(writeApi, admin, { conversationId, content: 'note to the team', isPrivate: true });
      assert.deepEqual(await contentsOf(readApi, admin, conversationId), [first.content, note.content]);
      assert.deepEqual(await contentsOf(readApi, user, conversationId), [first.content]);
      const otherAdmin = await createAccount(writeApi, 'ADMIN');
      assert.deepEqual(await contentsOf(readApi, otherAdmin, conversationId), [first.content, note.content]);
    });

    it('shows a sender’s new name', async () => {
      const { readApi, writeApi } = apis();
      const { user, admin, conversationId } = await conversationWithMessage(writeApi);
      await send(writeApi, admin, { conversationId, content: 'hello' });
      const before = (await newestPage(readApi, user, conversationId)).body;
      assert.equal(before[1]?.sender.name, admin.name);
      const newName = `Renamed ${randomUUID().slice(0, 8)}`;
      await rename(writeApi, admin.id, newName);
      const seenByUser = (await newestPage(readApi, user, conversationId)).body;
      assert.equal(seenByUser[1]?.sender.name, newName);
      await rename(writeApi, user.id, `${newName} too`);
      const seenByAdmin = (await newestPage(readApi, admin, conversationId)).body;
      assert.deepEqual(
        seenByAdmin.map((message) => message.sender.name),
        [`${newName} too`, newName],
      );
    });

    it('answers a repeated read with the same bytes, content type and Link header', async () => {
      const { readApi, writeApi } = apis();
      const { user, admin, conversationId } = await conversationWithMessage(writeApi);
      for (const content of ['two', 'three']) {
        await send(writeApi, user, { content });
      }
      const fetchRaw = async () => {
        const response = await fetch(`${readApiBase.get(readApi)}/chat/conversations/${conversationId}/messages?limit=2`, {
          headers: { authorization: `Bearer ${admin.token}` },
        });
        return {
          status: response.status,
          type: response.headers.get('content-type'),
          link: response.headers.get('link'),
          text: await response.text(),
        };
      };
      const first = await fetchRaw();
      const again = await fetchRaw();
      assert.equal(first.status, 200);
      assert.equal(first.type, 'application/json; charset=utf-8');
      assert.deepEqual(again, first);
      const page = JSON.parse(first.text) as MessageJson[];
      assert.deepEqual(
        page.map((message) => message.content),
        ['two', 'three'],
      );
      assert.equal(first.link, `</chat/conversations/${conversationId}/messages?before=${page[0]?.id}&limit=2>; rel="next"`);
      const older = await readApi<MessageJson[]>('GET', nextPath(new Headers({ link: first.link ?? '' })) ?? '', { token: admin.token });
      assert.equal(older.body.length, 1);
    });

    it('refuses another user’s conversation after its owner’s page was served', async () => {
      const { readApi, writeApi } = apis();
      const { user, conversationId } = await conversationWithMessage(writeApi);
      await newestPage(readApi, user, conversationId);
      const stranger = await createAccount(writeApi, 'USER');
      const response = await readApi('GET', `/chat/conversations/${conversationId}/messages`, { token: stranger.token });
      assert.equal(response.status, 404);
      const missing = await readApi('GET', `/chat/conversations/2000000000/messages`, { token: stranger.token });
      assert.equal(missing.status, 404);
    });
  });
}

// The raw-fetch test needs the base URL an Api talks to.
const readApiBase = new WeakMap<Api, string>();
function trackedClient(url: string): Api {
  const api = apiClient(url);
  readApiBase.set(api, url);
  return api;
}

describe('history page cache', () => {
  describe('on one instance', () => {
    let server: TestServer;
    let api: Api;
    before(async () => {
      server = await startServer();
      api = trackedClient(server.url);
    });
    after(async () => {
      await server?.close();
    });
    describeCorrectness('reads and writes on the same instance', () => ({ readApi: api, writeApi: api }));
  });

  describe('on two instances', { skip: SEVERAL_INSTANCES_SKIP }, () => {
    let a: TestServer;
    let b: TestServer;
    let apiA: Api;
    let apiB: Api;
    before(async () => {
      a = await startServer();
      b = await startSibling(a);
      apiA = trackedClient(a.url);
      apiB = trackedClient(b.url);
    });
    after(async () => {
      await b?.close();
      await a?.close();
    });
    describeCorrectness('a page cached on B, changes made on A', () => ({ readApi: apiB, writeApi: apiA }));
  });

  // Both instances reach Redis through a proxy that the test cuts: no invalidation could get through.
  describe('on two instances while Redis is down', { skip: SEVERAL_INSTANCES_SKIP }, () => {
    let proxy: RedisProxy;
    let a: TestServer;
    let b: TestServer;
    let apiA: Api;
    let apiB: Api;
    before(async () => {
      const target = new URL(redisEnv().REDIS_URL ?? 'redis://127.0.0.1:6379');
      proxy = await RedisProxy.start(target.hostname, Number(target.port || 6379));
      const proxied = new URL(target);
      proxied.host = `127.0.0.1:${proxy.port}`;
      a = await startServer({ REDIS_URL: proxied.toString() });
      b = await startSibling(a);
      apiA = trackedClient(a.url);
      apiB = trackedClient(b.url);
    });
    after(async () => {
      await b?.close();
      await a?.close();
      await proxy?.close();
    });

    it('shows on B a message, a read and a note stored on A after B cached the page', async () => {
      const user = await createAccount(apiA, 'USER');
      const admin = await createAccount(apiA, 'ADMIN');
      const first = await send(apiA, user, { content: 'before Redis went down' });
      const conversationId = (first as MessageJson & { conversationId: number }).conversationId;
      assert.deepEqual(await contentsOf(apiB, admin, conversationId), [first.content]);
      assert.deepEqual(await contentsOf(apiB, user, conversationId), [first.content]);
      // The pages were read (and cached) while Redis was up; from here on nothing gets through it.
      proxy.cut();
      const second = await send(apiA, user, { content: 'still down' });
      assert.deepEqual(await contentsOf(apiB, admin, conversationId), [first.content, second.content]);
      assert.equal(await markRead(apiA, admin, conversationId), 2);
      assert.deepEqual(
        (await newestPage(apiB, user, conversationId)).body.map((m) => m.isRead),
        [true, true],
      );
      const note = await send(apiA, admin, { conversationId, content: 'down note', isPrivate: true });
      assert.deepEqual(await contentsOf(apiB, admin, conversationId), [first.content, second.content, note.content]);
      assert.deepEqual(await contentsOf(apiB, user, conversationId), [first.content, second.content]);
    });
  });
});

// A TCP relay to Redis whose cut() drops every connection and refuses new ones, as a Redis outage would.
class RedisProxy {
  private readonly sockets = new Set<Socket>();
  private isCut = false;
  private readonly server: Server;

  private constructor(host: string, port: number) {
    this.server = createServer((client) => {
      if (this.isCut) {
        client.destroy();
        return;
      }
      const upstream = connect({ host, port });
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.once('close', () => this.sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
  }

  get port(): number {
    const address = this.server.address();
    if (!address || typeof address === 'string') {
      throw new Error('proxy has no TCP address');
    }
    return address.port;
  }

  static async start(host: string, port: number): Promise<RedisProxy> {
    const proxy = new RedisProxy(host, port);
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  cut(): void {
    this.isCut = true;
    this.sockets.forEach((socket) => socket.destroy());
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

describe('HistoryPageCache', () => {
  const page = (bytes: number): CachedHistoryPage => ({ state: '1/0/0', senderIds: [], senders: '[]', body: Buffer.alloc(bytes) });

  it('drops the least recently used page when it holds maxPages', () => {
    const cache = new HistoryPageCache({ maxPages: 2, maxBytes: 1_000_000 });
    cache.set('a', page(10));
    cache.set('b', page(10));
    assert.ok(cache.get('a'));
    cache.set('c', page(10));
    assert.ok(cache.get('a'));
    assert.equal(cache.get('b'), undefined);
    assert.ok(cache.get('c'));
    assert.equal(cache.size.pages, 2);
  });

  it('keeps its bytes under maxBytes and refuses a page larger than all of it', () => {
    const cache = new HistoryPageCache({ maxPages: 100, maxBytes: 5_000 });
    for (const key of ['a', 'b', 'c', 'd']) {
      cache.set(key, page(1_500));
      assert.ok(cache.size.bytes <= 5_000);
    }
    assert.equal(cache.get('a'), undefined);
    assert.ok(cache.get('d'));
    cache.set('huge', page(6_000));
    assert.equal(cache.get('huge'), undefined);
    assert.ok(cache.get('d'));
  });

  it('replaces a page under the same key without counting it twice', () => {
    const cache = new HistoryPageCache({ maxPages: 10, maxBytes: 1_000_000 });
    cache.set('a', page(100));
    const once = cache.size.bytes;
    cache.set('a', page(100));
    assert.equal(cache.size.bytes, once);
    assert.equal(cache.size.pages, 1);
  });

  it('gives a small body a buffer of its own, holding exactly its UTF-8 bytes', () => {
    const text = JSON.stringify([{ content: 'grüß dich 👋' }]);
    const bytes = ownedBytes(text);
    assert.equal(bytes.toString('utf8'), text);
    assert.equal(bytes.buffer.byteLength, Buffer.byteLength(text));
  });

  it('holds nothing when maxPages is 0', () => {
    const cache = new HistoryPageCache({ maxPages: 0, maxBytes: 1_000_000 });
    cache.set('a', page(10));
    assert.equal(cache.isEnabled, false);
    assert.equal(cache.get('a'), undefined);
  });
});

describe('LookupBatcher', () => {
  // A lookup that answers when the test says so, recording which questions each call carried.
  function controlledLookup() {
    const calls: { questions: number[]; answer(): void; fail(error: Error): void }[] = [];
    const lookUpAll = (questions: number[]) =>
      new Promise<string[]>((resolve, reject) => {
        const callNumber = calls.length + 1;
        calls.push({
          questions,
          answer: () => resolve(questions.map((question) => `answer ${question} from call ${callNumber}`)),
          fail: reject,
        });
      });
    return { calls, lookUpAll };
  }

  it('sends a question alone at once when nothing is running', async () => {
    const { calls, lookUpAll } = controlledLookup();
    const batcher = new LookupBatcher(lookUpAll, { maxInFlight: 1, maxBatch: 10 });
    const answer = batcher.ask(1);
    assert.deepEqual(
      calls.map((call) => call.questions),
      [[1]],
    );
    calls[0]?.answer();
    assert.equal(await answer, 'answer 1 from call 1');
  });

  it('answers questions asked during a running lookup together, by a later lookup', async () => {
    const { calls, lookUpAll } = controlledLookup();
    const batcher = new LookupBatcher(lookUpAll, { maxInFlight: 1, maxBatch: 2 });
    const first = batcher.ask(1);
    const waiting = [batcher.ask(2), batcher.ask(3), batcher.ask(4)];
    assert.equal(calls.length, 1);
    calls[0]?.answer();
    assert.equal(await first, 'answer 1 from call 1');
    assert.deepEqual(
      calls.map((call) => call.questions),
      [[1], [2, 3]],
    );
    calls[1]?.answer();
    assert.deepEqual(await Promise.all(waiting.slice(0, 2)), ['answer 2 from call 2', 'answer 3 from call 2']);
    assert.deepEqual(calls[2]?.questions, [4]);
    calls[2]?.answer();
    assert.equal(await waiting[2], 'answer 4 from call 3');
  });

  it('fails only the questions of a failed lookup', async () => {
    const { calls, lookUpAll } = controlledLookup();
    const batcher = new LookupBatcher(lookUpAll, { maxInFlight: 1, maxBatch: 10 });
    const failing = batcher.ask(1);
    const later = batcher.ask(2);
    calls[0]?.fail(new Error('database gone'));
    await assert.rejects(failing, /database gone/);
    calls[1]?.answer();
    assert.equal(await later, 'answer 2 from call 2');
  });

  it('rejects every question when the lookup answers a different number of them', async () => {
    const batcher = new LookupBatcher(async () => ['only one'], { maxInFlight: 1, maxBatch: 10 });
    const first = batcher.ask(1);
    const [second, third] = [batcher.ask(2), batcher.ask(3)];
    assert.equal(await first, 'only one');
    await assert.rejects(second, /answered 1 of 2/);
    await assert.rejects(third, /answered 1 of 2/);
  });
});
