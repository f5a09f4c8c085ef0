import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { createAccount, DEMO_ADMIN, login, TEST_PASSWORD } from '../support/accounts.js';
import { type Api, apiClient } from '../support/http.js';
import { startServer, type TestServer } from '../support/server.js';
import { assertWebBuilt, launchBrowser, screenshot, skipWithoutChromium, WatchedPage } from './support/browser.js';
import { conversationItem, signInAsAdmin } from './support/chat-ui.js';

const SESSION_KEY = 'support-chat.session';
const TOKEN_SECONDS = 3;

interface StorageGlobals {
  sessionStorage: { getItem(key: string): string | null };
}

async function storedToken(page: Page): Promise<string | undefined> {
  const raw = await page.evaluate((key) => (globalThis as unknown as StorageGlobals).sessionStorage.getItem(key), SESSION_KEY);
  return raw ? (JSON.parse(raw) as { accessToken: string }).accessToken : undefined;
}

// Polls (no fixed sleep) until the tab holds a token other than `before`: a silent refresh happened.
async function nextToken(page: Page, before: string | undefined, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const token = await storedToken(page);
    if (token && token !== before) {
      return token;
    }
    if (Date.now() > deadline) {
      throw new Error(`no refreshed token within ${timeoutMs} ms`);
    }
    await page.waitForTimeout(200);
  }
}

describe('web app: sessions that last and end everywhere', { skip: skipWithoutChromium }, () => {
  let server: TestServer;
  let api: Api;
  let browser: Browser;

  before(async () => {
    assertWebBuilt();
    server = await startServer({ JWT_EXPIRES_IN: String(TOKEN_SECONDS) });
    api = apiClient(server.url);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('keeps an agent signed in across access-token expiry, and signing out everywhere in one tab signs out the other', async () => {
    const agent = await createAccount(api, 'ADMIN');
    const first = await WatchedPage.open(browser, server.url);
    await signInAsAdmin(first.page, agent.email);
    const signedInWith = await storedToken(first.page);
    const { exp } = JSON.parse(Buffer.from(signedInWith?.split('.')[1] ?? '', 'base64url').toString()) as { exp: number };

    // Silent refreshes until the first token has expired a while ago; the inbox still gets live messages.
    let refreshed = await nextToken(first.page, signedInWith);
    while (Date.now() < exp * 1000 + 1_500) {
      refreshed = await nextToken(first.page, refreshed);
    }
    assert.equal((await api('GET', '/auth/me', { token: signedInWith })).body.code, 'TOKEN_EXPIRED');
    const customer = await createAccount(api, 'USER');
    const sent = await api('POST', '/chat/messages', { token: customer.token, body: { content: 'still there after expiry?' } });
    assert.equal(sent.status, 201);
    await conversationItem(first.page, customer.email).waitFor({ timeout: 10_000 });
    await first.page.getByRole('heading', { name: 'Inbox' }).waitFor();

    // A second tab of the same browser starts signed in (the refresh cookie), without the password.
    const secondPage = await first.context.newPage();
    const secondErrors: string[] = [];
    secondPage.on('console', (message) => {
      if (message.type() === 'error') {
        secondErrors.push(message.text());
      }
    });
    await secondPage.goto('/');
    await secondPage.getByRole('heading', { name: 'Inbox' }).waitFor({ timeout: 10_000 });

    await first.page.getByRole('link', { name: agent.name }).click();
    await first.page.getByRole('heading', { name: 'Account' }).waitFor();
    // Both tabs share one session (one cookie): one row, this device.
    await first.page.getByRole('cell', { name: 'This device' }).waitFor();
    await screenshot(first.page, 'account-page');
    await first.page.getByRole('button', { name: 'Sign out everywhere' }).click();
    await first.page.getByRole('heading', { name: 'Sign in to Support chat' }).waitFor({ timeout: 10_000 });
    await secondPage.getByRole('heading', { name: 'Sign in to Support chat' }).waitFor({ timeout: 10_000 });
    await secondPage.getByText('Your session is no longer valid').waitFor();
    // Nothing of the session works any more.
    assert.equal((await api('GET', '/auth/me', { token: (await storedToken(first.page)) ?? refreshed })).status, 401);
    // The refusals of spent tokens are the browser's own log lines; nothing else went wrong.
    assert.deepEqual(first.unexpectedErrors([/status of 401/]), []);
    assert.deepEqual(
      secondErrors.filter((text) => !/status of 401/.test(text)),
      [],
    );
    await first.close();
  });

  it('lets an admin add an agent, demote and deactivate from the Team page, and change a password', async () => {
    const admin = await createAccount(api, 'ADMIN');
    const page = await WatchedPage.open(browser, server.url);
    await signInAsAdmin(page.page, admin.email);
    await page.page.getByRole('link', { name: 'Team' }).click();
    await page.page.getByRole('heading', { name: 'Team' }).waitFor();
    const email = `agent-${Date.now()}@example.com`;
    const form = page.page.getByRole('form', { name: 'Add someone' });
    await form.getByLabel('Name').fill('Nia Agent');
    await form.getByLabel('Email').fill(email);
    await form.getByLabel('Initial password').fill('initial-password');
    await form.getByRole('button', { name: 'Add' }).click();
    await page.page.getByRole('cell', { name: email }).waitFor();
    await screenshot(page.page, 'team-page');
    assert.equal((await login(api, email, 'initial-password')).role, 'ADMIN');

    await page.page.getByRole('button', { name: 'Deactivate Nia Agent' }).click();
    await page.page.getByText('Nia Agent is deactivated').waitFor();
    assert.equal((await api('POST', '/auth/login', { body: { email, password: 'initial-password' } })).status, 401);
    await page.page.getByRole('button', { name: 'Remove admin role from Nia Agent' }).click();
    await page.page.getByText('Nia Agent is no longer an admin').waitFor();
    await page.page.getByRole('cell', { name: email }).waitFor({ state: 'detached' });

    await page.page.getByRole('link', { name: admin.name }).click();
    const change = page.page.getByRole('form', { name: 'Change password' });
    await change.getByLabel('Current password').fill(TEST_PASSWORD);
    await change.getByLabel('New password').fill('a much better password');
    await change.getByRole('button', { name: 'Change password' }).click();
    await page.page.getByText('Password changed').waitFor();
    // Still signed in with the new token: the inbox loads.
    await page.page.getByRole('link', { name: 'Inbox' }).click();
    await page.page.getByRole('heading', { name: 'Inbox' }).waitFor();
    assert.equal((await login(api, admin.email, 'a much better password')).id, admin.id);
    assert.deepEqual(page.unexpectedErrors([/status of 401/]), []);
    await page.close();
    assert.equal((await login(api, DEMO_ADMIN.email, DEMO_ADMIN.password)).role, 'ADMIN');
  });
});
