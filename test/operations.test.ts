import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createAccount } from './support/accounts.js';
import { type Api, apiClient } from './support/http.js';
import { type ClientSocket, connectAs, emitWithAck, nextEvent } from './support/sockets.js';
import { startServer, type TestServer } from './support/server.js';

describe('operations: rate limits, metrics, health', () => {
  let server: TestServer;
  let api: Api;
  const sockets: ClientSocket[] = [];

  before(async () => {
    server = await startServer({ MESSAGE_RATE_LIMIT: '5', TYPING_RATE_LIMIT: '3', METRICS_TOKEN: 'metrics-token-for-tests' });
    api = apiClient(server.url);
  });
  after(async () => {
    sockets.forEach((socket) => socket.close());
    await server.close();
  });

  it('limits login attempts per IP, whatever the email, with 429 and Retry-After', async () => {
    const strict = await startServer({ LOGIN_RATE_LIMIT: '3' });
    const strictApi = apiClient(strict.url);
    const attempts = [];
    for (let index = 0; index < 4; index += 1) {
      attempts.push(await strictApi('POST', '/auth/login', { body: { email: `victim-${index}@example.com`, password: `guess-${index}` } }));
    }
    assert.deepEqual(
      attempts.map((r) => r.status),
      [401, 401, 401, 429],
    );
    const limited = attempts[3];
    assert.equal(limited?.body.code, 'RATE_LIMITED');
    assert.ok(limited?.body.retryAfterMs > 0);
    assert.ok(Number(limited?.headers.get('retry-after')) > 0);
    await strict.close();
  });

  it('limits messages per user with an error RATE_LIMITED and keeps the socket connected', async () => {
    const user = await createAccount(api, 'USER');
    const socket = await connectAs(server.url, user);
    sockets.push(socket);
    const results = [];
    for (let index = 0; index < 6; index += 1) {
      results.push(await emitWithAck(socket, 'sendMessage', { content: `burst ${index}` }));
    }
    assert.deepEqual(
      results.map((r) => r.ok),
      [true, true, true, true, true, false],
    );
    assert.equal(results[5].error.code, 'RATE_LIMITED');
    assert.ok(results[5].error.retryAfterMs > 0);
    assert.equal(socket.connected, true);
    const rest = await api('POST', '/chat/messages', { token: user.token, body: { content: 'over REST too' } });
    assert.equal(rest.status, 429);
  });

  it('limits typing events per socket without disconnecting', async () => {
    const user = await createAccount(api, 'USER');
    const conversation = await api('POST', '/chat/messages', { token: user.token, body: { content: 'hi' } });
    const socket = await connectAs(server.url, user);
    sockets.push(socket);
    const results = [];
    for (let index = 0; index < 4; index += 1) {
      results.push(await emitWithAck(socket, 'typing', { conversationId: conversation.body.conversationId, isTyping: true }));
    }
    assert.deepEqual(
      results.map((r) => r.ok),
      [true, true, true, false],
    );
    assert.equal(results[3].error.code, 'RATE_LIMITED');
    assert.equal(socket.connected, true);
  });

  it('serves Prometheus metrics behind METRICS_TOKEN', async () => {
    const user = await createAccount(api, 'USER');
    const socket = await connectAs(server.url, user);
    sockets.push(socket);
    const got = nextEvent(socket, 'newMessage');
    await emitWithAck(socket, 'sendMessage', { content: 'count me' });
    await got;
    const denied = await api('GET', '/metrics');
    assert.equal(denied.status, 401);
    const response = await api('GET', '/metrics', { headers: { authorization: 'Bearer metrics-token-for-tests' } });
    assert.equal(response.status, 200);
    const text: string = response.body;
    assert.match(text, /^chat_connected_sockets [1-9]\d*$/m);
    assert.match(text, /^chat_messages_sent_total\{via="socket"\} [1-9]\d*$/m);
    assert.match(text, /^chat_message_delivery_seconds_count [1-9]\d*$/m);
    assert.match(text, /^http_request_duration_seconds_count\{method="POST",route="\/auth\/login",status="(200|401|429)"\} \d+$/m);
    assert.match(text, /^db_pool_connections\{state="total"\} \d+$/m);
  });

  it('answers /health and /health/ready with the database check', async () => {
    const live = await api('GET', '/health');
    assert.deepEqual(live.body, { status: 'ok' });
    const ready = await api('GET', '/health/ready');
    assert.equal(ready.status, 200);
    assert.equal(ready.body.status, 'ok');
    assert.equal(ready.body.details.database.status, 'up');
    assert.equal(ready.body.redis, server.env.REDIS_URL ? 'ok' : 'off');
  });
});
