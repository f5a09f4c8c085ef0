import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { createAccount, type TestAccount } from '../support/accounts.js';
import { type Api, apiClient } from '../support/http.js';
import { startServer, type TestServer } from '../support/server.js';
import { assertWebBuilt, launchBrowser, skipWithoutChromium, WatchedPage } from './support/browser.js';
import { bubble, composer, conversationItem, messageList, sendMessage, signInAsAdmin, signInAsUser, typingLine, waitForBubble } from './support/chat-ui.js';
import { eventually } from './support/eventually.js';

describe('web app: an admin and a user in two browsers', { skip: skipWithoutChromium }, () => {
  let server: TestServer;
  let api: Api;
  let browser: Browser;
  const pages: WatchedPage[] = [];

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

  async function open(): Promise<WatchedPage> {
    const page = await WatchedPage.open(browser, server.url);
    pages.push(page);
    return page;
  }

  // A fresh admin and user, each signed in in their own browser context.
  async function adminAndUser(): Promise<{ admin: WatchedPage; user: WatchedPage; adminAccount: TestAccount; userAccount: TestAccount }> {
    const [adminAccount, userAccount] = await Promise.all([createAccount(api, 'ADMIN'), createAccount(api, 'USER')]);
    const [admin, user] = await Promise.all([open(), open()]);
    await Promise.all([signInAsAdmin(admin.page, adminAccount.email), signInAsUser(user.page, userAccount.email)]);
    return { admin, user, adminAccount, userAccount };
  }

  function assertNoConsoleErrors(...watched: WatchedPage[]): void {
    for (const page of watched) {
      assert.deepEqual(page.unexpectedErrors(), []);
    }
  }

  it('shows a user message live in the admin list with an unread badge, and ✓✓ to the user once the admin opens it', async () => {
    const { admin, user, adminAccount, userAccount } = await adminAndUser();

    await sendMessage(user.page, 'Hello, my invoice is wrong');
    const sent = await waitForBubble(user.page, 'Hello, my invoice is wrong');
    await sent.locator('[data-receipt="sent"]').waitFor();

    const item = conversationItem(admin.page, userAccount.email);
    await item.getByTestId('unread-badge').filter({ hasText: '1' }).waitFor();
    assert.match(await item.textContent() ?? '', /Hello, my invoice is wrong/);
    assert.equal(await admin.page.getByTestId('conversation-list').getByRole('link').first().getAttribute('data-conversation-id'), await item.getAttribute('data-conversation-id'), 'the newest conversation is at the top');
    const unread = await api('GET', '/chat/unread-count', { token: adminAccount.token });
    await eventually(async () => assert.equal(await admin.page.title(), `(${unread.body.count}) Inbox`));

    await item.click();
    await waitForBubble(admin.page, 'Hello, my invoice is wrong');
    await sent.locator('[data-receipt="read"]').waitFor();
    assert.equal(await sent.locator('[data-receipt]').textContent(), '✓✓Read');
    await item.getByTestId('unread-badge').waitFor({ state: 'detached' });

    await sendMessage(admin.page, 'Sorry about that, fixing it now');
    await waitForBubble(user.page, 'Sorry about that, fixing it now');
    assertNoConsoleErrors(admin, user);
  });
});
