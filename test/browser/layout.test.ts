import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { createAccount, TEST_PASSWORD, type TestAccount } from '../support/accounts.js';
import { type Api, apiClient } from '../support/http.js';
import { startServer, type TestServer } from '../support/server.js';
import { assertWebBuilt, DESKTOP, launchBrowser, PHONE, screenshot, skipWithoutChromium, WatchedPage } from './support/browser.js';
import { composer, conversationItem, signInAsAdmin, signInAsUser, tabTo, waitForBubble } from './support/chat-ui.js';
import { lowContrastTexts } from './support/contrast.js';

interface ScrollBox {
  document: { documentElement: { scrollWidth: number; clientWidth: number } };
}

function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => {
    const { document } = globalThis as unknown as ScrollBox;
    return document.documentElement.scrollWidth - document.documentElement.clientWidth;
  });
}

describe('web app layout: desktop and 360 px, contrast, screenshots', { skip: skipWithoutChromium }, () => {
  let server: TestServer;
  let api: Api;
  let browser: Browser;
  let admin: TestAccount;
  let user: TestAccount;
  let conversationId: number;

  before(async () => {
    assertWebBuilt();
    server = await startServer();
    api = apiClient(server.url);
    browser = await launchBrowser();
    admin = await createAccount(api, 'ADMIN', 'Ada Admin');
    user = await createAccount(api, 'USER', 'Uma User');
    const first = await api('POST', '/chat/messages', {
      token: user.token,
      body: { content: 'Hi! I cannot download my invoice for March.' },
    });
    conversationId = first.body.conversationId;
    await api('POST', '/chat/messages', {
      token: admin.token,
      body: { conversationId, content: 'Hello Uma, thanks for writing. Which browser do you use?' },
    });
    await api('POST', '/chat/messages', {
      token: user.token,
      body: { content: 'Chrome on my phone. The page says https://example.com/billing/invoices?month=3 is not found.' },
    });
    await api('POST', '/chat/messages', {
      token: admin.token,
      body: { conversationId, content: 'Got it, a fix is on its way.\nI will write again when it is live.' },
    });
    // A second conversation, unread, so the list shows a badge.
    const other = await createAccount(api, 'USER', 'Omar Other');
    await api('POST', '/chat/messages', { token: other.token, body: { content: 'Is there a dark mode?' } });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  async function check(watched: WatchedPage, name: string): Promise<void> {
    await screenshot(watched.page, name);
    assert.deepEqual(await lowContrastTexts(watched.page), [], `${name}: text below WCAG AA contrast`);
    assert.ok((await horizontalOverflow(watched.page)) <= 0, `${name}: the page scrolls sideways`);
    assert.deepEqual(watched.unexpectedErrors(), [], `${name}: console errors`);
  }

  for (const [label, viewport] of [
    ['desktop', DESKTOP],
    ['360', PHONE],
  ] as const) {
    it(`shows the inbox at ${label} (list, open conversation) without contrast or overflow problems`, async () => {
      const watched = await WatchedPage.open(browser, server.url, viewport);
      await signInAsAdmin(watched.page, admin.email);
      await conversationItem(watched.page, user.email).waitFor();
      await conversationItem(watched.page, 'Omar')
        .getByTestId('unread-badge')
        .waitFor()
        .catch(() => undefined);
      if (label === '360') {
        await check(watched, `inbox-${label}-list`);
      }
      await conversationItem(watched.page, user.email).click();
      await waitForBubble(watched.page, 'a fix is on its way');
      await composer(watched.page).fill('Typing a reply…');
      await check(watched, `inbox-${label}`);
      if (label === '360') {
        assert.equal(await watched.page.getByTestId('conversation-list').isVisible(), false, 'phones show the conversation alone');
        await watched.page.getByRole('button', { name: 'Back to conversations' }).click();
        await conversationItem(watched.page, user.email).waitFor();
      }
      await watched.close();
    });

    it(`shows the user chat at ${label} without contrast or overflow problems`, async () => {
      const watched = await WatchedPage.open(browser, server.url, viewport);
      await signInAsUser(watched.page, user.email);
      await waitForBubble(watched.page, 'a fix is on its way');
      await check(watched, `user-chat-${label}`);
      await watched.close();
    });
  }

  it('works with the keyboard only: sign in, filter, open a conversation and reply', async () => {
    const watched = await WatchedPage.open(browser, server.url);
    const { page } = watched;
    await page.goto('/');
    await tabTo(page, page.getByLabel('Email'));
    await page.keyboard.type(admin.email);
    await page.keyboard.press('Tab');
    await page.keyboard.type(TEST_PASSWORD);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Inbox' }).waitFor();

    await tabTo(page, page.getByRole('button', { name: 'All', exact: true }));
    await page.keyboard.press('Enter');
    assert.equal(await page.getByRole('button', { name: 'All', exact: true }).getAttribute('aria-pressed'), 'true');
    await tabTo(page, conversationItem(page, user.email));
    await page.keyboard.press('Enter');
    await waitForBubble(page, 'a fix is on its way');
    await tabTo(page, composer(page));
    await page.keyboard.type('Typed without a mouse');
    await page.keyboard.press('Enter');
    await waitForBubble(page, 'Typed without a mouse');
    assert.deepEqual(watched.unexpectedErrors(), []);
    await watched.close();
  });
});
