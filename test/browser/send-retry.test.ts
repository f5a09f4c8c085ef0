import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { createAccount } from '../support/accounts.js';
import { type Api, apiClient } from '../support/http.js';
import { startServer, type TestServer } from '../support/server.js';
import { assertWebBuilt, launchBrowser, screenshot, skipWithoutChromium, WatchedPage } from './support/browser.js';
import { bubble, messageList, sendMessage, signInAsUser, waitForBubble } from './support/chat-ui.js';
import { eventually } from './support/eventually.js';

// Socket.IO text frames: `42/chat,7["sendMessage",{...}]` is an event with ack id 7; `43/chat,7[...]` its ack.
const SEND_FRAME = /^42\/chat,(\d+)\["sendMessage",/;

function clientMessageIdOf(frame: string): string | undefined {
  return /"clientMessageId":"([^"]+)"/.exec(frame)?.[1];
}

describe('web app: sends that get no answer', { skip: skipWithoutChromium }, () => {
  let server: TestServer;
  let api: Api;
  let browser: Browser;

  before(async () => {
    assertWebBuilt();
    server = await startServer();
    api = apiClient(server.url);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  // A user page whose socket frames pass through a filter the test controls.
  async function userPageWithFilter(rules: { dropSends: boolean; dropSendAcks: boolean }) {
    const account = await createAccount(api, 'USER');
    const watched = await WatchedPage.open(browser, server.url);
    const sentFrames: string[] = [];
    const sendAckIds = new Set<string>();
    await watched.context.routeWebSocket(/\/socket\.io\//, (route) => {
      const upstream = route.connectToServer();
      route.onMessage((frame) => {
        const text = String(frame);
        const send = SEND_FRAME.exec(text);
        if (send?.[1]) {
          sentFrames.push(text);
          sendAckIds.add(send[1]);
          if (rules.dropSends) {
            return;
          }
        }
        upstream.send(frame);
      });
      upstream.onMessage((frame) => {
        const ackId = /^43\/chat,(\d+)\[/.exec(String(frame))?.[1];
        if (rules.dropSendAcks && ackId && sendAckIds.has(ackId)) {
          return;
        }
        route.send(frame);
      });
    });
    await signInAsUser(watched.page, account.email);
    return { account, watched, sentFrames };
  }

  it('sends again with the same clientMessageId when the ack is lost, and the message is stored and shown once', async () => {
    const rules = { dropSends: false, dropSendAcks: true };
    const { account, watched, sentFrames } = await userPageWithFilter(rules);
    await sendMessage(watched.page, 'is anybody there?');
    await waitForBubble(watched.page, 'is anybody there?');
    // The first ack never arrives: after the socket timeout (~5 s) the same send goes again.
    await eventually(() => assert.ok(sentFrames.length >= 2, `expected a retry, saw ${sentFrames.length} send(s)`), { timeoutMs: 15_000 });
    const ids = new Set(sentFrames.map(clientMessageIdOf));
    assert.equal(ids.size, 1, 'every attempt carries the same clientMessageId');
    rules.dropSendAcks = false;

    const mine = await api('GET', '/chat/conversations', { token: account.token });
    const stored = await api('GET', `/chat/conversations/${mine.body[0].id}/messages`, { token: account.token });
    assert.equal(stored.body.length, 1, 'the server stored the message once');
    assert.equal(await bubble(watched.page, 'is anybody there?').count(), 1);
    assert.deepEqual(watched.unexpectedErrors(), []);
  });

  it('keeps a send that never got through marked "not sent", and delivers it once on Retry', async () => {
    const rules = { dropSends: true, dropSendAcks: false };
    const { account, watched } = await userPageWithFilter(rules);
    await sendMessage(watched.page, 'this one is stuck');
    const failed = messageList(watched.page).locator('li[data-outgoing="failed"]', { hasText: 'this one is stuck' });
    await failed.getByText(/Not sent/).waitFor({ timeout: 25_000 });
    await screenshot(watched.page, 'user-chat-not-sent');

    rules.dropSends = false;
    await failed.getByRole('button', { name: 'Retry' }).click();
    await waitForBubble(watched.page, 'this one is stuck');
    await failed.waitFor({ state: 'detached' });
    assert.equal(await bubble(watched.page, 'this one is stuck').count(), 1);
    const mine = await api('GET', '/chat/conversations', { token: account.token });
    assert.equal(mine.body[0].lastMessage.content, 'this one is stuck');
    assert.equal(mine.body[0].lastSeq, 1);
    assert.deepEqual(watched.unexpectedErrors(), []);
  });
});
