import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createAccount, type TestAccount } from './support/accounts.js';
import { type Api, apiClient } from './support/http.js';
import { startServer, type TestServer } from './support/server.js';

// Bad input on every endpoint: a 400 in the one error shape, never a 500, and nothing half-written.
describe('bad input over HTTP', () => {
  let server: TestServer;
  let api: Api;
  let user: TestAccount;
  let admin: TestAccount;
  let conversationId: number;

  before(async () => {
    server = await startServer();
    api = apiClient(server.url);
    user = await createAccount(api, 'USER');
    admin = await createAccount(api, 'ADMIN');
    conversationId = (await api('POST', '/chat/messages', { token: user.token, body: { content: 'seed' } })).body.conversationId;
  });
  after(() => server.close());

  function assertErrorShape(response: { status: number; body: Record<string, unknown> }, status: number) {
    assert.equal(response.status, status, JSON.stringify(response.body));
    assert.equal(response.body.statusCode, status);
    assert.equal(typeof response.body.error, 'string');
    assert.equal(typeof response.body.message, 'string');
  }

  const cases: [
    string,
    string,
    (ctx: { conversationId: number }) => { body?: unknown; rawBody?: string; contentType?: string },
    'user' | 'admin',
  ][] = [
    ['POST', '/auth/login', () => ({ rawBody: '{"email":', contentType: 'application/json' }), 'user'],
    ['POST', '/auth/login', () => ({ body: { email: ['a'], password: 1 } }), 'user'],
    ['POST', '/auth/register', () => ({ body: { email: 'a@b.io', password: 'long enough', name: '', extra: 1 } }), 'user'],
    ['POST', '/chat/messages', () => ({ rawBody: 'not json', contentType: 'application/json' }), 'user'],
    ['POST', '/chat/messages', () => ({ body: [] }), 'user'],
    ['POST', '/chat/messages', () => ({ body: { content: '' } }), 'user'],
    ['POST', '/chat/messages', () => ({ body: { content: ' \n\t ' } }), 'user'],
    ['POST', '/chat/messages', () => ({ body: { content: 'x'.repeat(4001) } }), 'user'],
    ['POST', '/chat/messages', () => ({ body: { content: 'ok', conversationId: 0 } }), 'user'],
    ['POST', '/chat/messages', () => ({ body: { content: 'ok', conversationId: 1.5 } }), 'user'],
    ['POST', '/chat/messages', () => ({ body: { content: 'ok', conversationId: 99_999_999_999 } }), 'user'],
    ['POST', '/chat/messages', () => ({ body: { content: 'ok', userId: 'me' } }), 'user'],
    ['POST', '/chat/messages', () => ({ body: { content: 'ok', unknownField: true } }), 'user'],
    ['POST', '/chat/messages', () => ({ body: { content: { html: '<b>' } } }), 'user'],
    ['GET', '/chat/conversations?status=OPEN', () => ({}), 'user'],
    ['GET', '/chat/conversations?limit=0', () => ({}), 'user'],
    ['GET', '/chat/conversations?limit=201', () => ({}), 'user'],
    ['GET', '/chat/conversations?limit=abc', () => ({}), 'user'],
    ['GET', '/chat/conversations?cursor=%%%', () => ({}), 'user'],
    ['GET', '/chat/conversations?cursor=eyJhIjoxfQ', () => ({}), 'user'],
    ['GET', '/chat/conversations?unknown=1', () => ({}), 'user'],
    ['GET', '/chat/conversations/abc', () => ({}), 'user'],
    ['GET', '/chat/conversations/-1', () => ({}), 'user'],
    ['GET', '/chat/conversations/0', () => ({}), 'user'],
    ['GET', '/chat/conversations/1e3', () => ({}), 'user'],
    ['GET', '/chat/conversations/99999999999', () => ({}), 'user'],
    ['GET', '/chat/conversations/{id}/messages?limit=500', () => ({}), 'user'],
    ['GET', '/chat/conversations/{id}/messages?before=abc', () => ({}), 'user'],
    ['GET', '/chat/conversations/{id}/messages?before=999999', () => ({}), 'user'],
    ['GET', '/chat/conversations/{id}/messages?afterSeq=-1', () => ({}), 'user'],
    ['GET', '/chat/conversations/{id}/messages?afterSeq=1&before=1', () => ({}), 'user'],
    ['POST', '/chat/conversations/abc/read', () => ({}), 'user'],
    ['PATCH', '/chat/conversations/{id}', () => ({ body: { status: 'DELETED' } }), 'admin'],
    ['PATCH', '/chat/conversations/{id}', () => ({ body: {} }), 'admin'],
    ['PATCH', '/chat/conversations/{id}', () => ({ body: { status: 'CLOSED', userId: 3 } }), 'admin'],
    ['PATCH', '/chat/conversations/{id}', () => ({ rawBody: '{', contentType: 'application/json' }), 'admin'],
    ['PATCH', '/chat/conversations/abc', () => ({ body: { status: 'CLOSED' } }), 'admin'],
    ['POST', '/users', () => ({ body: { email: 'a@b.io', password: 'password', name: 'A', role: 'ROOT' } }), 'admin'],
    ['GET', '/users?limit=-3', () => ({}), 'admin'],
  ];

  for (const [method, template, make, who] of cases) {
    const input = make({ conversationId: 0 });
    const label = input.rawBody ? `raw ${JSON.stringify(input.rawBody)}` : JSON.stringify(input.body ?? '').slice(0, 60);
    it(`rejects ${method} ${template} ${label} with 400`, async () => {
      const path = template.replace('{id}', String(conversationId));
      const token = who === 'admin' ? admin.token : user.token;
      const response = await api(method, path, {
        token,
        body: input.body,
        rawBody: input.rawBody,
        headers: input.contentType ? { 'content-type': input.contentType } : undefined,
      });
      assertErrorShape(response, 400);
    });
  }

  it('stored nothing and changed nothing through all of the above', async () => {
    const history = await api('GET', `/chat/conversations/${conversationId}/messages`, { token: user.token });
    assert.deepEqual(
      history.body.map((m: { content: string }) => m.content),
      ['seed'],
    );
    const conversation = await api('GET', `/chat/conversations/${conversationId}`, { token: user.token });
    assert.equal(conversation.body.status, 'ACTIVE');
    assert.equal(conversation.body.lastSeq, 1);
  });

  it('answers unknown routes with a JSON 404 and the server stays up', async () => {
    const response = await api('GET', '/chat/nothing-here', { token: user.token });
    assertErrorShape(response, 404);
    const health = await api('GET', '/health');
    assert.equal(health.status, 200);
  });

  it('answers a body over 1 MB with 413', async () => {
    const response = await api('POST', '/chat/messages', {
      token: user.token,
      rawBody: JSON.stringify({ content: 'x'.repeat(1_100_000) }),
      headers: { 'content-type': 'application/json' },
    });
    assertErrorShape(response, 413);
  });

  it('serves the OpenAPI description at /docs with the real routes', async () => {
    const page = await fetch(`${server.url}/docs`);
    assert.equal(page.status, 200);
    const document = await api('GET', '/docs/json');
    const paths = Object.keys(document.body.paths);
    for (const route of [
      '/auth/login',
      '/auth/register',
      '/auth/me',
      '/users',
      '/chat/messages',
      '/chat/conversations',
      '/chat/conversations/{id}',
      '/chat/conversations/{id}/messages',
      '/chat/conversations/{id}/read',
      '/chat/unread-count',
      '/health',
      '/health/ready',
    ]) {
      assert.ok(paths.includes(route), `${route} missing from ${paths.join(', ')}`);
    }
    assert.ok(document.body.paths['/chat/messages'].post.requestBody, 'the send route documents its body');
  });

  it('documents answers with the contract’s response schemas and the one error shape', async () => {
    const document = await api('GET', '/docs/json');
    const sent = document.body.paths['/chat/messages'].post.responses;
    assert.deepEqual(Object.keys(sent['201'].content['application/json'].schema.properties), [
      'id',
      'conversationId',
      'seq',
      'senderId',
      'content',
      'isRead',
      'createdAt',
      'clientMessageId',
      'isPrivate',
      'sender',
      'attachments',
    ]);
    assert.deepEqual(Object.keys(sent.default.content['application/json'].schema.properties), [
      'statusCode',
      'error',
      'message',
      'code',
      'issues',
      'retryAfterMs',
    ]);
    const list = document.body.paths['/chat/conversations'].get.responses['200'].content['application/json'].schema;
    assert.equal(list.type, 'array');
    assert.ok(list.items.properties.unreadCount && list.items.properties.lastMessage, JSON.stringify(list.items.properties));
  });
});
