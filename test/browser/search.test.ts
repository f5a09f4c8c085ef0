import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Locator } from 'playwright-core';
import { createAccount } from '../support/accounts.js';
import { type Api, apiClient } from '../support/http.js';
import { startServer, type TestServer } from '../support/server.js';
import { assertWebBuilt, launchBrowser, PHONE, screenshot, skipWithoutChromium, WatchedPage } from './support/browser.js';
import { composer, conversationItem, messageList, signInAsAdmin, signInAsUser } from './support/chat-ui.js';
import { lowContrastTexts } from './support/contrast.js';
import { eventually } from './support/eventually.js';

const FILLER_MESSAGES = 64;

async function isInside(inner: Locator, outer: Locator): Promise<boolean> {
  const [box, frame] = await Promise.all([inner.boundingBox(), outer.boundingBox()]);
  return box !== null && frame !== null && box.y >= frame.y && box.y + box.height <= frame.y + frame.height;
}

describe('web app message search: highlighted hits, jump to an old message', { skip: skipWithoutChromium }, () => {
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

  it('finds an old message by a word, shows it highlighted, and opens the conversation scrolled to it', async () => {
    const [adminAccount, userAccount] = await Promise.all([createAccount(api, 'ADMIN'), createAccount(api, 'USER', 'Zoe Searcher')]);
    const old = await api('POST', '/chat/messages', {
      token: userAccount.token,
      body: { content: 'My parcel was shipped to Zanzibar by mistake, please help' },
    });
    const conversationId: number = old.body.conversationId;
    for (let index = 1; index <= FILLER_MESSAGES; index++) {
      const token = index % 2 === 0 ? adminAccount.token : userAccount.token;
      await api('POST', '/chat/messages', { token, body: { conversationId, content: `Follow-up number ${index}` } });
    }
    const newest = await api('GET', `/chat/conversations/${conversationId}/messages`, { token: adminAccount.token });
    assert.ok(!newest.body.some((message: { id: number }) => message.id === old.body.id), 'the old message is not on the first page');

    const admin = await WatchedPage.open(browser, server.url);
    await signInAsAdmin(admin.page, adminAccount.email);
    await admin.page.getByRole('searchbox', { name: 'Search messages' }).fill('zanzibar');
    const hit = admin.page.getByTestId('search-results').getByRole('link').filter({ hasText: 'Zoe Searcher' });
    await hit.waitFor();
    assert.equal(await hit.count(), 1);
    assert.equal(await hit.locator('mark').textContent(), 'Zanzibar');
    assert.match((await hit.textContent()) ?? '', /parcel was shipped to Zanzibar/);
    await screenshot(admin.page, 'search-results-desktop');
    assert.deepEqual(await lowContrastTexts(admin.page), []);

    await hit.click();
    await admin.page.waitForURL(`**/inbox/${conversationId}`);
    const found = messageList(admin.page).locator(`li[data-message-id="${old.body.id}"]`);
    await found.waitFor();
    assert.equal(await found.getAttribute('data-focused'), 'true', 'the hit is highlighted');
    await eventually(async () => assert.ok(await isInside(found, messageList(admin.page)), 'the hit is scrolled into view'));
    assert.equal(await hit.getAttribute('aria-current'), 'true');
    await screenshot(admin.page, 'search-jump-desktop');

    await admin.page.getByRole('searchbox', { name: 'Search messages' }).press('Escape');
    await conversationItem(admin.page, userAccount.email).waitFor();
    assert.deepEqual(admin.unexpectedErrors(), []);
    await admin.close();
  });

  it('lists hits at 360 px wide and shows a plain notice when nothing matches', async () => {
    const [adminAccount, userAccount] = await Promise.all([createAccount(api, 'ADMIN'), createAccount(api, 'USER', 'Pia Phone')]);
    await api('POST', '/chat/messages', { token: userAccount.token, body: { content: 'The <b>receipt</b> for my umbrella is missing' } });
    const admin = await WatchedPage.open(browser, server.url, PHONE);
    await signInAsAdmin(admin.page, adminAccount.email);
    const box = admin.page.getByRole('searchbox', { name: 'Search messages' });

    await box.fill('umbrella');
    const hit = admin.page.getByTestId('search-results').getByRole('link').filter({ hasText: 'Pia Phone' });
    await hit.waitFor();
    assert.equal(await hit.locator('mark').textContent(), 'umbrella');
    // The server's snippet drops the opening "<b>" (ts_headline reads it as a tag); what is left shows as text.
    assert.match((await hit.textContent()) ?? '', /receipt<\/b> for my umbrella/, 'markup in a message shows as text');
    assert.equal(await hit.locator('b').count(), 0);
    await screenshot(admin.page, 'search-results-360');

    await box.fill('nonexistentwordxyz');
    await admin.page.getByText('No messages found.').waitFor();
    assert.deepEqual(admin.unexpectedErrors(), []);
    await admin.close();
  });

  it('lets a user search their own thread and jump to an old message, keeping their draft', async () => {
    const [adminAccount, userAccount, stranger] = await Promise.all([
      createAccount(api, 'ADMIN'),
      createAccount(api, 'USER'),
      createAccount(api, 'USER'),
    ]);
    await api('POST', '/chat/messages', { token: stranger.token, body: { content: 'A stranger mentions a walrus too' } });
    const old = await api('POST', '/chat/messages', { token: userAccount.token, body: { content: 'My walrus costume never arrived' } });
    const conversationId: number = old.body.conversationId;
    for (let index = 1; index <= FILLER_MESSAGES; index++) {
      const token = index % 2 === 0 ? adminAccount.token : userAccount.token;
      await api('POST', '/chat/messages', { token, body: { conversationId, content: `Later note ${index}` } });
    }
    const user = await WatchedPage.open(browser, server.url);
    await signInAsUser(user.page, userAccount.email);
    await composer(user.page).fill('half-written reply');

    await user.page.getByRole('searchbox', { name: 'Search messages' }).fill('walrus');
    const hits = user.page.getByTestId('search-results').getByRole('link');
    await hits.first().waitFor();
    assert.equal(await hits.count(), 1, 'only their own conversation is searched');
    assert.equal(await hits.first().locator('mark').textContent(), 'walrus');
    await hits.first().click();

    const found = messageList(user.page).locator(`li[data-message-id="${old.body.id}"]`);
    await found.waitFor();
    assert.equal(await found.getAttribute('data-focused'), 'true');
    await eventually(async () => assert.ok(await isInside(found, messageList(user.page)), 'the hit is scrolled into view'));
    assert.equal(await composer(user.page).inputValue(), 'half-written reply');
    await screenshot(user.page, 'search-jump-user-desktop');
    assert.deepEqual(user.unexpectedErrors(), []);
    await user.close();
  });
});
