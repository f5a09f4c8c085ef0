import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { createAccount, type TestAccount } from '../support/accounts.js';
import { type Api, apiClient } from '../support/http.js';
import { startServer, type TestServer } from '../support/server.js';
import { assertWebBuilt, launchBrowser, skipWithoutChromium, WatchedPage } from './support/browser.js';
import {
  bubble,
  composer,
  conversationItem,
  messageList,
  sendMessage,
  signInAsAdmin,
  signInAsUser,
  typingLine,
  waitForBubble,
} from './support/chat-ui.js';
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

  // Admins share unread counts across all conversations, so the expected title comes from the server.
  async function assertInboxTitle(admin: WatchedPage, account: TestAccount): Promise<void> {
    await eventually(async () => {
      const unread = await api('GET', '/chat/unread-count', { token: account.token });
      assert.equal(await admin.page.title(), unread.body.count > 0 ? `(${unread.body.count}) Inbox` : 'Inbox');
    });
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
    assert.match((await item.textContent()) ?? '', /Hello, my invoice is wrong/);
    assert.equal(
      await admin.page.getByTestId('conversation-list').getByRole('link').first().getAttribute('data-conversation-id'),
      await item.getAttribute('data-conversation-id'),
      'the newest conversation is at the top',
    );
    await assertInboxTitle(admin, adminAccount);

    await item.click();
    await waitForBubble(admin.page, 'Hello, my invoice is wrong');
    await sent.locator('[data-receipt="read"]').waitFor();
    assert.equal(await sent.locator('[data-receipt]').textContent(), '✓✓Read');
    await item.getByTestId('unread-badge').waitFor({ state: 'detached' });

    await sendMessage(admin.page, 'Sorry about that, fixing it now');
    await waitForBubble(user.page, 'Sorry about that, fixing it now');
    assertNoConsoleErrors(admin, user);
  });

  it('keeps the inbox unread count right when a message arrives while an older count is on its way', async () => {
    const [adminAccount, userAccount] = await Promise.all([createAccount(api, 'ADMIN'), createAccount(api, 'USER')]);
    const admin = await open();
    // The page's first count is answered by the server before the message is sent, and reaches the page only after
    // the message did: an answer that no longer holds when it lands.
    let answered: () => void = () => undefined;
    const firstAnswered = new Promise<void>((resolve) => (answered = resolve));
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    let isFirst = true;
    await admin.page.route(/\/chat\/unread-count$/, async (route) => {
      if (!isFirst) {
        await route.continue();
        return;
      }
      isFirst = false;
      const response = await route.fetch();
      answered();
      await released;
      await route.fulfill({ response });
    });
    await signInAsAdmin(admin.page, adminAccount.email);
    await firstAnswered;

    await api('POST', '/chat/messages', { token: userAccount.token, body: { content: 'Sent while the count was on its way' } });
    const item = conversationItem(admin.page, userAccount.email);
    await item.waitFor();
    release();
    await assertInboxTitle(admin, adminAccount);
    await item.getByTestId('unread-badge').filter({ hasText: '1' }).waitFor();
    assertNoConsoleErrors(admin);
  });

  it('shows "Support is typing…" to the user while the admin types, and clears it when the admin sends', async () => {
    const { admin, user, userAccount } = await adminAndUser();
    const first = await api('POST', '/chat/messages', { token: userAccount.token, body: { content: 'Anyone there?' } });
    await admin.page.goto(`/inbox/${first.body.conversationId}`);
    await waitForBubble(admin.page, 'Anyone there?');
    await waitForBubble(user.page, 'Anyone there?');
    assert.equal(await typingLine(user.page).textContent(), '');

    await composer(admin.page).pressSequentially('Yes, one moment', { delay: 30 });
    await typingLine(user.page).filter({ hasText: 'Support is typing…' }).waitFor();
    await composer(admin.page).press('Enter');
    await waitForBubble(user.page, 'Yes, one moment');
    await eventually(async () => assert.equal(await typingLine(user.page).textContent(), ''));

    // And the other way round, with the user's name; leaving the composer clears it.
    await composer(user.page).pressSequentially('Thanks', { delay: 30 });
    await typingLine(admin.page)
      .filter({ hasText: `${userAccount.name} is typing…` })
      .waitFor();
    await composer(user.page).blur();
    await eventually(async () => assert.equal(await typingLine(admin.page).textContent(), ''));
    assertNoConsoleErrors(admin, user);
  });

  it('marks a conversation closed by the admin, and reopens the same one when the user writes again', async () => {
    const { admin, user, userAccount } = await adminAndUser();
    const first = await api('POST', '/chat/messages', { token: userAccount.token, body: { content: 'Please close my ticket' } });
    const conversationId: number = first.body.conversationId;
    await admin.page.goto(`/inbox/${conversationId}`);
    await waitForBubble(admin.page, 'Please close my ticket');

    await admin.page.getByRole('button', { name: 'Close', exact: true }).click();
    await admin.page.getByTestId('conversation-closed').waitFor();
    await conversationItem(admin.page, userAccount.email).getByText('Closed', { exact: true }).waitFor();
    await user.page.getByTestId('conversation-closed').waitFor();

    await sendMessage(user.page, 'Actually, one more question');
    await waitForBubble(admin.page, 'Actually, one more question');
    await admin.page.getByTestId('conversation-closed').waitFor({ state: 'detached' });
    await admin.page.getByRole('button', { name: 'Close', exact: true }).waitFor();
    await conversationItem(admin.page, userAccount.email).getByText('Closed', { exact: true }).waitFor({ state: 'detached' });
    await user.page.getByTestId('conversation-closed').waitFor({ state: 'detached' });
    const after = await api('GET', `/chat/conversations/${conversationId}`, { token: userAccount.token });
    assert.equal(after.body.status, 'ACTIVE');
    assert.equal(after.body.lastMessage.content, 'Actually, one more question', 'the message went into the reopened conversation');
    assertNoConsoleErrors(admin, user);
  });

  it('filters the list by status and searches it by user name or email, and reopens with the button', async () => {
    const [adminAccount, alice, bob] = await Promise.all([
      createAccount(api, 'ADMIN'),
      createAccount(api, 'USER', `Alice ${Date.now()}`),
      createAccount(api, 'USER', `Bob ${Date.now()}`),
    ]);
    const fromAlice = await api('POST', '/chat/messages', { token: alice.token, body: { content: 'alice here' } });
    await api('POST', '/chat/messages', { token: bob.token, body: { content: 'bob here' } });
    await api('PATCH', `/chat/conversations/${fromAlice.body.conversationId}`, { token: adminAccount.token, body: { status: 'CLOSED' } });
    const admin = await open();
    await signInAsAdmin(admin.page, adminAccount.email);
    const filter = (name: string) =>
      admin.page.getByRole('group', { name: 'Show conversations' }).getByRole('button', { name, exact: true });

    await conversationItem(admin.page, bob.email).waitFor();
    assert.equal(await conversationItem(admin.page, alice.email).count(), 0, 'Active hides the closed one');
    await filter('Closed').click();
    await conversationItem(admin.page, alice.email).getByText('Closed', { exact: true }).waitFor();
    await conversationItem(admin.page, bob.email).waitFor({ state: 'detached' });
    await filter('All').click();
    await conversationItem(admin.page, bob.email).waitFor();
    await conversationItem(admin.page, alice.email).waitFor();

    await admin.page.getByPlaceholder('Search name or email').fill(alice.name);
    await conversationItem(admin.page, bob.email).waitFor({ state: 'detached' });
    assert.equal(await admin.page.getByTestId('conversation-list').getByRole('link').count(), 1);
    await admin.page.getByPlaceholder('Search name or email').fill(bob.email.slice(0, 12));
    await conversationItem(admin.page, alice.email).waitFor({ state: 'detached' });
    await conversationItem(admin.page, bob.email).waitFor();

    await admin.page.getByPlaceholder('Search name or email').fill('');
    await conversationItem(admin.page, alice.email).click();
    await admin.page.getByTestId('conversation-closed').waitFor();
    await admin.page.getByRole('button', { name: 'Reopen' }).click();
    await admin.page.getByTestId('conversation-closed').waitFor({ state: 'detached' });
    await conversationItem(admin.page, alice.email).getByText('Closed', { exact: true }).waitFor({ state: 'detached' });
    const reopened = await api('GET', `/chat/conversations/${fromAlice.body.conversationId}`, { token: adminAccount.token });
    assert.equal(reopened.body.status, 'ACTIVE');
    assertNoConsoleErrors(admin);
  });

  it('lets an admin start a conversation with a user who is offline, who sees it on signing in', async () => {
    const [adminAccount, userAccount] = await Promise.all([createAccount(api, 'ADMIN'), createAccount(api, 'USER')]);
    const admin = await open();
    await signInAsAdmin(admin.page, adminAccount.email);
    await admin.page.getByRole('button', { name: 'New conversation' }).click();
    await admin.page.getByLabel('Find a user by email or name').fill(userAccount.email);
    await admin.page.getByRole('list', { name: 'Users' }).getByRole('button').filter({ hasText: userAccount.email }).click();
    await sendMessage(admin.page, 'Hello! Your order has shipped.');
    await admin.page.waitForURL(/\/inbox\/\d+$/);
    await waitForBubble(admin.page, 'Hello! Your order has shipped.');
    await conversationItem(admin.page, userAccount.email).waitFor();

    const user = await open();
    await signInAsUser(user.page, userAccount.email);
    await waitForBubble(user.page, 'Hello! Your order has shipped.');
    // The admin's own message is no unread one: the title counts exactly what the server does.
    await assertInboxTitle(admin, adminAccount);
    assertNoConsoleErrors(admin, user);
  });

  it('shows markup in a message as text on both sides, and links with rel="noopener noreferrer"', async () => {
    const { admin, user, userAccount } = await adminAndUser();
    const markup = '<img src=x onerror="window.__injected=1"><b>bold?</b>';
    await sendMessage(user.page, markup);
    await sendMessage(user.page, 'Docs: https://example.com/help?a=1.');
    await conversationItem(admin.page, userAccount.email).click();

    for (const page of [user.page, admin.page]) {
      const shown = await waitForBubble(page, 'bold?');
      assert.equal(await shown.locator('p').textContent(), markup);
      assert.equal(await messageList(page).locator('img, b').count(), 0, 'no element came from the message');
      assert.equal(await page.evaluate(() => (globalThis as { __injected?: number }).__injected), undefined);
      const link = (await waitForBubble(page, 'Docs:')).getByRole('link');
      assert.equal(await link.getAttribute('href'), 'https://example.com/help?a=1');
      assert.equal(await link.getAttribute('rel'), 'noopener noreferrer');
    }
    assertNoConsoleErrors(admin, user);
  });

  it('refuses empty and too-long messages in the composer, showing the limit; Shift+Enter is a newline', async () => {
    const userAccount = await createAccount(api, 'USER');
    const user = await open();
    await signInAsUser(user.page, userAccount.email);

    await composer(user.page).press('Enter');
    await user.page.getByText('Write a message or add a file before sending.').waitFor();
    await composer(user.page).fill('x'.repeat(4001));
    await user.page.getByText('Too long: 4001 / 4000 characters. Shorten it to send.').waitFor();
    await composer(user.page).press('Enter');
    assert.equal(await user.page.getByRole('button', { name: 'Send' }).getAttribute('aria-disabled'), 'true');
    assert.equal(await composer(user.page).inputValue(), 'x'.repeat(4001), 'a refused message stays in the composer');
    assert.equal(await messageList(user.page).locator('li').count(), 0);

    await composer(user.page).fill('line one');
    await composer(user.page).press('Shift+Enter');
    await composer(user.page).pressSequentially('line two');
    await composer(user.page).press('Enter');
    const sent = await waitForBubble(user.page, 'line two');
    assert.equal(await sent.locator('p').textContent(), 'line one\nline two');
    assert.equal(await composer(user.page).inputValue(), '');
    const mine = await api('GET', '/chat/conversations', { token: userAccount.token });
    assert.equal(mine.body[0].lastMessage.content, 'line one\nline two');
    assert.equal(mine.body[0].lastSeq, 1, 'nothing else was sent');
    assertNoConsoleErrors(user);
  });

  it('loads older history when scrolled to the top, keeping the messages on screen in place', async () => {
    const userAccount = await createAccount(api, 'USER');
    for (let index = 1; index <= 45; index++) {
      await api('POST', '/chat/messages', { token: userAccount.token, body: { content: `history message ${index}` } });
    }
    const user = await open();
    await signInAsUser(user.page, userAccount.email);
    await waitForBubble(user.page, 'history message 45', { exact: true });
    assert.equal(await bubble(user.page, 'history message 1', { exact: true }).count(), 0, 'only the newest page is loaded at first');

    // The oldest loaded message, measured in the same tick as the scroll, before the older page can arrive.
    const anchor = bubble(user.page, 'history message 16', { exact: true });
    assert.equal(
      await messageList(user.page).locator('li[data-message-id]').first().getAttribute('data-message-id'),
      await anchor.getAttribute('data-message-id'),
    );
    const topBefore = await messageList(user.page).evaluate((element) => {
      const list = element as unknown as {
        scrollTop: number;
        querySelector(selector: string): { getBoundingClientRect(): { y: number } } | null;
      };
      list.scrollTop = 0;
      return list.querySelector('li[data-message-id]')?.getBoundingClientRect().y;
    });
    await waitForBubble(user.page, 'history message 1', { exact: true });
    await eventually(async () => assert.equal(await messageList(user.page).locator('li[data-message-id]').count(), 45));
    const topAfter = (await anchor.boundingBox())?.y;
    assert.ok(topBefore !== undefined && topAfter !== undefined);
    assert.ok(Math.abs(topAfter - topBefore) < 2, `the message on screen moved by ${topAfter - topBefore}px`);
    const boxOfList = await messageList(user.page).boundingBox();
    assert.ok(boxOfList && topAfter > boxOfList.y && topAfter < boxOfList.y + boxOfList.height, 'the message that was on screen still is');
    assertNoConsoleErrors(user);
  });
});
