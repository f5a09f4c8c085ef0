import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { SignJWT } from 'jose';
import type { Browser, Page } from 'playwright-core';
import { createAccount, DEMO_ADMIN, DEMO_USER, TEST_PASSWORD, type TestAccount } from '../support/accounts.js';
import { type Api, apiClient } from '../support/http.js';
import { startServer, TEST_JWT_SECRET, type TestServer } from '../support/server.js';
import { assertWebBuilt, launchBrowser, skipWithoutChromium, WatchedPage } from './support/browser.js';
import { signIn, signInAsAdmin, signInAsUser } from './support/chat-ui.js';

// The web app's sessionStorage key (web/src/session/session-storage.ts).
const SESSION_KEY = 'support-chat.session';
const EXPIRED_NOTICE = 'Your session has expired. Please sign in again.';

interface StorageGlobals {
  sessionStorage: { getItem(key: string): string | null; setItem(key: string, value: string): void };
}

function storedSession(page: Page): Promise<string | null> {
  return page.evaluate((key) => (globalThis as unknown as StorageGlobals).sessionStorage.getItem(key), SESSION_KEY);
}

async function storeSession(page: Page, session: object): Promise<void> {
  await page.evaluate(([key, value]) => (globalThis as unknown as StorageGlobals).sessionStorage.setItem(key, value), [
    SESSION_KEY,
    JSON.stringify(session),
  ] as const);
}

function sessionOf(account: TestAccount, token: string, expiresAt: Date) {
  return {
    accessToken: token,
    tokenType: 'Bearer',
    expiresAt: expiresAt.toISOString(),
    user: { id: account.id, email: account.email, name: account.name, role: account.role, createdAt: new Date().toISOString() },
  };
}

describe('web app: signing in and out', { skip: skipWithoutChromium }, () => {
  let server: TestServer;
  let closedServer: TestServer;
  let api: Api;
  let browser: Browser;

  before(async () => {
    assertWebBuilt();
    // One after the other: each is assigned as soon as it runs, so `after` closes whatever started.
    server = await startServer();
    closedServer = await startServer({ ALLOW_REGISTRATION: 'false' });
    api = apiClient(server.url);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await Promise.all([server?.close(), closedServer?.close()]);
  });

  it('signs in the demo accounts on the embedded default, keeps the session over a reload, and signs out', async () => {
    const admin = await WatchedPage.open(browser, server.url);
    await signInAsAdmin(admin.page, DEMO_ADMIN.email, DEMO_ADMIN.password);
    assert.equal(new URL(admin.page.url()).pathname, '/inbox');
    assert.ok(await storedSession(admin.page), 'the session is in sessionStorage');
    await admin.page.reload();
    await admin.page.getByRole('heading', { name: 'Inbox' }).waitFor();

    await admin.page.getByRole('button', { name: 'Sign out' }).click();
    await admin.page.getByRole('heading', { name: 'Sign in to Support chat' }).waitFor();
    assert.equal(new URL(admin.page.url()).pathname, '/sign-in');
    assert.equal(await storedSession(admin.page), null, 'signing out forgets the token');
    await admin.page.reload();
    await admin.page.getByRole('heading', { name: 'Sign in to Support chat' }).waitFor();

    const user = await WatchedPage.open(browser, server.url);
    await signInAsUser(user.page, DEMO_USER.email, DEMO_USER.password);
    assert.equal(new URL(user.page.url()).pathname, '/support');
    assert.deepEqual([...admin.unexpectedErrors(), ...user.unexpectedErrors()], []);
  });

  it('lets requests already sent finish before it ends the session, so signing out meets no 401', async () => {
    const admin = await WatchedPage.open(browser, server.url);
    await signInAsAdmin(admin.page, DEMO_ADMIN.email, DEMO_ADMIN.password);
    const token = JSON.parse((await storedSession(admin.page)) ?? '{}').accessToken as string;
    // The inbox's list request is held after the click until the logout is answered, or until 1 s shows that no
    // logout goes out while a request is still unanswered.
    let signOutClicked: () => void = () => undefined;
    const clicked = new Promise<void>((resolve) => (signOutClicked = resolve));
    let logoutAnsweredFirst: boolean | undefined;
    await admin.page.route(/\/chat\/conversations\?/, async (route) => {
      await clicked;
      const logout = await admin.page.waitForResponse(/\/auth\/logout$/, { timeout: 1_000 }).catch(() => undefined);
      logoutAnsweredFirst = logout !== undefined;
      await route.continue();
    });
    await admin.page.reload();
    const logoutAnswer = admin.page.waitForResponse(/\/auth\/logout$/);
    await admin.page.getByRole('button', { name: 'Sign out' }).click();
    signOutClicked();
    await admin.page.getByRole('heading', { name: 'Sign in to Support chat' }).waitFor();

    assert.equal(logoutAnsweredFirst, false, 'the logout went out while the inbox still waited for an answer');
    // The session still ends on the server.
    assert.equal((await logoutAnswer).status(), 204);
    const refused = await api('GET', '/chat/conversations', { token });
    assert.equal(refused.status, 401);
    assert.deepEqual(admin.unexpectedErrors(), []);
  });

  it('signs out everywhere without asking for a new token when its own socket hears of the revocation', async () => {
    const agent = await createAccount(api, 'ADMIN');
    const watched = await WatchedPage.open(browser, server.url);
    await signInAsAdmin(watched.page, agent.email);
    await watched.page.getByRole('link', { name: agent.name }).click();
    await watched.page.getByRole('heading', { name: 'Account' }).waitFor();
    const refreshes: string[] = [];
    watched.page.on('request', (request) => {
      if (new URL(request.url()).pathname === '/auth/refresh') {
        refreshes.push(request.method());
      }
    });
    const socketOpened = watched.page.waitForEvent('websocket');
    await watched.page.reload();
    await watched.page.getByRole('heading', { name: 'Account' }).waitFor();
    // The server tells this tab's socket TOKEN_REVOKED as it ends the sessions, before the tab has signed out.
    const revocation = (await socketOpened).waitForEvent('framereceived', {
      predicate: ({ payload }) => String(payload).includes('TOKEN_REVOKED'),
    });
    const ended = watched.page.waitForResponse((response) => new URL(response.url()).pathname === '/auth/logout-all');
    await watched.page.getByRole('button', { name: 'Sign out everywhere' }).click();
    assert.equal((await ended).status(), 204);
    await revocation;
    await watched.page.getByRole('heading', { name: 'Sign in to Support chat' }).waitFor();
    // The signed-in views are gone: nothing is left that could still ask for a token.
    await watched.page.waitForLoadState('networkidle');
    assert.deepEqual(refreshes, [], 'a tab that signs out renews nothing');
    assert.equal(await watched.page.getByText('Your session is no longer valid').count(), 0);
    assert.deepEqual(watched.unexpectedErrors(), []);
  });

  it('refuses a wrong password with a message, on the sign-in page', async () => {
    const watched = await WatchedPage.open(browser, server.url);
    await signIn(watched.page, DEMO_ADMIN.email, 'not-the-password');
    await watched.page.getByRole('alert').filter({ hasText: 'Invalid email or password.' }).waitFor();
    assert.equal(await storedSession(watched.page), null);
    // The browser logs the 401 answer itself; nothing else may appear.
    assert.deepEqual(watched.unexpectedErrors([/status of 401/]), []);
  });

  it('creates an account on the sign-up page where registration is on', async () => {
    const watched = await WatchedPage.open(browser, server.url);
    await watched.page.goto('/');
    await watched.page.getByRole('link', { name: 'Create an account' }).click();
    const email = `new-${randomUUID().slice(0, 8)}@test.example`;
    await watched.page.getByLabel('Name').fill('Nina New');
    await watched.page.getByLabel('Email').fill(email);
    await watched.page.getByLabel('Password').fill('long-enough-password');
    await watched.page.getByRole('button', { name: 'Create account' }).click();
    await watched.page.getByRole('heading', { name: 'Support', exact: true }).waitFor();
    const login = await api('POST', '/auth/login', { body: { email, password: 'long-enough-password' } });
    assert.equal(login.status, 200);
    assert.equal(login.body.user.name, 'Nina New');
    assert.deepEqual(watched.unexpectedErrors(), []);
  });

  it('says so when registration is closed, and stops offering it', async () => {
    const watched = await WatchedPage.open(browser, closedServer.url);
    await watched.page.goto('/sign-up');
    await watched.page.getByLabel('Name').fill('Nina New');
    await watched.page.getByLabel('Email').fill(`new-${randomUUID().slice(0, 8)}@test.example`);
    await watched.page.getByLabel('Password').fill('long-enough-password');
    await watched.page.getByRole('button', { name: 'Create account' }).click();
    await watched.page.getByRole('alert').filter({ hasText: 'Registration is closed on this server' }).waitFor();
    await watched.page.getByRole('link', { name: 'Sign in' }).click();
    await watched.page.getByRole('heading', { name: 'Sign in to Support chat' }).waitFor();
    assert.equal(await watched.page.getByRole('link', { name: 'Create an account' }).count(), 0);
    assert.deepEqual(watched.unexpectedErrors([/status of 403/]), []);
  });

  it('hides sign-up from the start where the server says registration is off (GET /auth/options)', async () => {
    const watched = await WatchedPage.open(browser, closedServer.url);
    const options = watched.page.waitForResponse((response) => response.url().endsWith('/auth/options'));
    await watched.page.goto('/sign-in');
    assert.equal((await options).status(), 200);
    await watched.page.getByRole('heading', { name: 'Sign in to Support chat' }).waitFor();
    await watched.page.getByRole('link', { name: 'Create an account' }).waitFor({ state: 'detached' });
    await watched.page.goto('/sign-up');
    await watched.page.getByRole('status').filter({ hasText: 'This server does not accept new accounts' }).waitFor();
    assert.deepEqual(watched.unexpectedErrors(), []);
  });

  it('sends a person back to sign-in with a message when the session expired, not to a blank page', async () => {
    const account = await createAccount(api, 'USER');
    // Known expired in the browser: caught on load.
    const stale = await WatchedPage.open(browser, server.url);
    await stale.page.goto('/sign-in');
    await storeSession(stale.page, sessionOf(account, account.token, new Date(Date.now() - 60_000)));
    await stale.page.goto('/support');
    await stale.page.getByText(EXPIRED_NOTICE).waitFor();
    assert.equal(new URL(stale.page.url()).pathname, '/sign-in');

    // Expired by the server's clock only: the server's TOKEN_EXPIRED answer ends the session.
    const expiredToken = await new SignJWT({ role: account.role, email: account.email, name: account.name })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(String(account.id))
      .setIssuer('support-chat')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
      .sign(new TextEncoder().encode(TEST_JWT_SECRET));
    const refused = await WatchedPage.open(browser, server.url);
    await refused.page.goto('/sign-in');
    await storeSession(refused.page, sessionOf(account, expiredToken, new Date(Date.now() + 3_600_000)));
    await refused.page.goto('/support');
    await refused.page.getByText(EXPIRED_NOTICE).waitFor();
    assert.equal(await storedSession(refused.page), null);
    await refused.page.getByLabel('Email').fill(account.email);
    await refused.page.getByLabel('Password').fill(TEST_PASSWORD);
    await refused.page.getByRole('button', { name: 'Sign in' }).click();
    await refused.page.getByRole('heading', { name: 'Support', exact: true }).waitFor();
    assert.deepEqual(stale.unexpectedErrors(), []);
    assert.deepEqual(refused.unexpectedErrors([/status of 401/]), []);
  });
});
