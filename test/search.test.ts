import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createAccount, type TestAccount } from './support/accounts.js';
import { type Api, apiClient, nextPath } from './support/http.js';
import { startServer, type TestServer } from './support/server.js';

interface Hit {
  message: { id: number; content: string; conversationId: number };
  conversation: { id: number; user: { email: string } };
  snippet: { text: string; highlight: boolean }[];
}

describe('message search', () => {
  let server: TestServer;
  let api: Api;
  let alice: TestAccount;
  let bob: TestAccount;
  let admin: TestAccount;
  let aliceConversation: number;
  let bobConversation: number;

  before(async () => {
    server = await startServer();
    api = apiClient(server.url);
    [alice, bob, admin] = await Promise.all([createAccount(api, 'USER'), createAccount(api, 'USER'), createAccount(api, 'ADMIN')]);
    const send = async (account: TestAccount, content: string, conversationId?: number) =>
      (await api('POST', '/chat/messages', { token: account.token, body: { content, conversationId } })).body;
    aliceConversation = (await send(alice, 'My invoice number is wrong')).conversationId;
    bobConversation = (await send(bob, 'The invoice arrived twice')).conversationId;
    for (let index = 0; index < 5; index += 1) {
      await send(admin, `filler reply ${index}`, aliceConversation);
    }
    await send(alice, 'Refund please, the <b>invoice</b> total is off', aliceConversation);
  });
  after(() => server.close());

  it('finds messages by a word for admins across conversations, newest first, with highlighted parts', async () => {
    const response = await api('GET', '/chat/search?q=invoice', { token: admin.token });
    assert.equal(response.status, 200);
    const hits: Hit[] = response.body;
    assert.deepEqual(
      hits.map((hit) => hit.message.content),
      ['Refund please, the <b>invoice</b> total is off', 'The invoice arrived twice', 'My invoice number is wrong'],
    );
    const highlighted = hits[0]?.snippet.filter((part) => part.highlight).map((part) => part.text.toLowerCase());
    assert.deepEqual(highlighted, ['invoice']);
    assert.equal(
      hits[0]?.snippet.map((part) => part.text).join(''),
      'Refund please, the <b>invoice</b> total is off',
      'a short message is shown whole',
    );
    for (const hit of hits) {
      const fragments = hit.snippet
        .map((part) => part.text)
        .join('')
        .split(' … ');
      assert.ok(
        fragments.every((fragment) => hit.message.content.includes(fragment.trim())),
        JSON.stringify(hit.snippet),
      );
    }
    assert.equal(hits[1]?.conversation.user.email, bob.email);
  });

  it('shows a long message as fragments around its hits', async () => {
    const long = `${'Lorem ipsum dolor sit amet. '.repeat(12)}The parcel never arrived. ${'Consectetur adipiscing elit. '.repeat(12)}`;
    await api('POST', '/chat/messages', { token: alice.token, body: { content: long, conversationId: aliceConversation } });
    const [hit] = (await api('GET', '/chat/search?q=parcel', { token: admin.token })).body as Hit[];
    const text = hit?.snippet.map((part) => part.text).join('') ?? '';
    assert.ok(text.length < long.length, 'a fragment, not the whole message');
    assert.ok(long.includes(text.trim()), text);
    assert.deepEqual(
      hit?.snippet.filter((part) => part.highlight).map((part) => part.text),
      ['parcel'],
    );
  });

  it('limits users to their own conversations', async () => {
    const mine = await api('GET', '/chat/search?q=invoice', { token: alice.token });
    assert.deepEqual(
      mine.body.map((hit: Hit) => hit.message.conversationId),
      [aliceConversation, aliceConversation],
    );
    const theirs = await api('GET', `/chat/search?q=invoice&conversationId=${bobConversation}`, { token: alice.token });
    assert.equal(theirs.status, 404);
  });

  it('supports phrases and exclusions and pages with a Link header', async () => {
    const phrase = await api('GET', `/chat/search?q=${encodeURIComponent('"arrived twice"')}`, { token: admin.token });
    assert.deepEqual(
      phrase.body.map((hit: Hit) => hit.message.content),
      ['The invoice arrived twice'],
    );
    const excluded = await api('GET', `/chat/search?q=${encodeURIComponent('invoice -refund')}`, { token: admin.token });
    assert.equal(excluded.body.length, 2);
    const first = await api('GET', '/chat/search?q=invoice&limit=2', { token: admin.token });
    assert.equal(first.body.length, 2);
    const second = await api('GET', nextPath(first.headers) ?? '', { token: admin.token });
    assert.deepEqual(
      second.body.map((hit: Hit) => hit.message.content),
      ['My invoice number is wrong'],
    );
    assert.equal(nextPath(second.headers), undefined);
  });

  it('loads the page around a hit so the client can jump to it', async () => {
    const [hit] = (await api('GET', '/chat/search?q=number', { token: admin.token })).body as Hit[];
    assert.ok(hit);
    const page = await api('GET', `/chat/conversations/${hit.message.conversationId}/messages?around=${hit.message.id}&limit=4`, {
      token: admin.token,
    });
    assert.equal(page.status, 200);
    assert.ok(page.body.some((m: { id: number }) => m.id === hit.message.id));
    assert.equal(page.body.length, 3);
  });

  it('rejects empty, overlong and malformed queries with 400', async () => {
    for (const query of ['', 'q=', `q=${'x'.repeat(201)}`, 'q=a&limit=0', 'q=a&cursor=-1', 'q=a&extra=1']) {
      const response = await api('GET', `/chat/search?${query}`, { token: admin.token });
      assert.equal(response.status, 400, query);
    }
    const punctuation = await api('GET', `/chat/search?q=${encodeURIComponent('!!! &&& ||')}`, { token: admin.token });
    assert.equal(punctuation.status, 200);
    assert.deepEqual(punctuation.body, []);
  });
});
