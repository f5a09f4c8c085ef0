import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { createAccount } from '../support/accounts.js';
import { type Api, apiClient } from '../support/http.js';
import { startServer, type TestServer } from '../support/server.js';
import { assertWebBuilt, launchBrowser, screenshot, skipWithoutChromium, WatchedPage } from './support/browser.js';
import { bubble, connectionBanner, conversationItem, sendMessage, signInAsAdmin, signInAsUser, waitForBubble } from './support/chat-ui.js';
import { eventually } from './support/eventually.js';

// While the server is down the browser itself logs the refused connections; those lines are expected here.
const SERVER_DOWN_LOGS = [
  /WebSocket connection to .* failed/,
  /Failed to load resource: (net::ERR_CONNECTION_REFUSED|net::ERR_CONNECTION_RESET|net::ERR_EMPTY_RESPONSE|the server responded with a status of 503)/,
];

describe('web app: a server restart in the middle of a conversation', { skip: skipWithoutChromium }, () => {
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

  it('shows the reconnecting banner on both sides, then everything sent meanwhile, once each', async () => {
    const [adminAccount, userAccount] = await Promise.all([createAccount(api, 'ADMIN'), createAccount(api, 'USER')]);
    const [admin, user] = await Promise.all([WatchedPage.open(browser, server.url), WatchedPage.open(browser, server.url)]);
    // Every frame the user's page sends, to see that it asks for what it missed with `sync`; and a gate that
    // holds its reconnection until messages were sent without it, so only `sync` can bring them.
    const userFrames: string[] = [];
    let openGate = () => {};
    let gate = Promise.resolve();
    await user.context.routeWebSocket(/\/socket\.io\//, async (route) => {
      await gate;
      const upstream = route.connectToServer();
      route.onMessage((frame) => {
        userFrames.push(String(frame));
        upstream.send(frame);
      });
    });
    await Promise.all([signInAsAdmin(admin.page, adminAccount.email), signInAsUser(user.page, userAccount.email)]);
    await sendMessage(user.page, 'before the restart');
    await conversationItem(admin.page, userAccount.email).click();
    await waitForBubble(admin.page, 'before the restart');
    const conversationId = Number(/\/inbox\/(\d+)/.exec(admin.page.url())?.[1]);

    const bannersShown = Promise.all(
      [admin.page, user.page].map((page) => connectionBanner(page).filter({ hasText: 'Reconnecting' }).waitFor()),
    );
    gate = new Promise((resolve) => (openGate = resolve));
    const restarted = server.restart();
    await bannersShown;
    await screenshot(admin.page, 'inbox-reconnecting');
    // Typed while the server is away: kept, sent again with the same clientMessageId, stored once.
    await sendMessage(user.page, 'typed while the server was down');
    await restarted;
    // Sent by other tabs while the user's page is still held off: it can only learn of them by sync.
    await api('POST', '/chat/messages', { token: userAccount.token, body: { content: 'from the user’s other tab' } });
    await api('POST', '/chat/messages', { token: adminAccount.token, body: { conversationId, content: 'from another admin tab' } });
    openGate();

    for (const page of [admin.page, user.page]) {
      await connectionBanner(page).filter({ hasText: 'Reconnecting' }).waitFor({ state: 'detached', timeout: 20_000 });
      for (const text of ['before the restart', 'typed while the server was down', 'from the user’s other tab', 'from another admin tab']) {
        await waitForBubble(page, text, { exact: true });
        assert.equal(await bubble(page, text, { exact: true }).count(), 1, `"${text}" shown once`);
      }
    }
    const latest = await api('GET', `/chat/conversations/${conversationId}`, { token: adminAccount.token });
    await eventually(async () =>
      assert.ok((await conversationItem(admin.page, userAccount.email).textContent())?.includes(latest.body.lastMessage.content)),
    );
    const stored = await api('GET', `/chat/conversations/${conversationId}/messages`, { token: adminAccount.token });
    assert.deepEqual(stored.body.map((message: { content: string }) => message.content).sort(), [
      'before the restart',
      'from another admin tab',
      'from the user’s other tab',
      'typed while the server was down',
    ]);
    assert.ok(
      userFrames.some((frame) => frame.includes('"sync"') && frame.includes(`"${conversationId}"`)),
      'the user page asked for what it missed with sync',
    );
    assert.deepEqual(admin.unexpectedErrors(SERVER_DOWN_LOGS), []);
    assert.deepEqual(user.unexpectedErrors(SERVER_DOWN_LOGS), []);
  });
});
