import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { createAccount, type TestAccount } from '../support/accounts.js';
import { type Api, apiClient } from '../support/http.js';
import { startServer, type TestServer } from '../support/server.js';
import { assertWebBuilt, launchBrowser, screenshot, skipWithoutChromium, WatchedPage } from './support/browser.js';
import { composer, conversationItem, sendMessage, signInAsAdmin, signInAsUser, waitForBubble } from './support/chat-ui.js';
import { eventually } from './support/eventually.js';

describe('web app: the agent workflow', { skip: skipWithoutChromium }, () => {
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

  async function conversationOf(user: TestAccount, content = 'Where is my order?'): Promise<number> {
    const response = await api('POST', '/chat/messages', { token: user.token, body: { content } });
    assert.equal(response.status, 201);
    return response.body.conversationId;
  }

  async function adminAt(account: TestAccount, path = '/inbox'): Promise<WatchedPage> {
    const page = await open();
    await signInAsAdmin(page.page, account.email);
    if (path !== '/inbox') {
      await page.page.goto(path);
    }
    return page;
  }

  it('moves a conversation from Unassigned to Mine live when a colleague assigns it, with the counts', async () => {
    const [ana, ben, user] = await Promise.all([
      createAccount(api, 'ADMIN', 'Tab Ana'),
      createAccount(api, 'ADMIN', 'Tab Ben'),
      createAccount(api, 'USER'),
    ]);
    const conversationId = await conversationOf(user);
    const admin = await adminAt(ana);
    const tabs = admin.page.getByTestId('assignment-tabs');
    await tabs.getByRole('tab', { name: /^Unassigned/ }).click();
    await conversationItem(admin.page, user.email).waitFor();
    const mineBefore = Number((await tabs.getByRole('tab', { name: /^Mine/ }).innerText()).replace(/\D/g, '') || '0');

    const assigned = await api('PATCH', `/chat/conversations/${conversationId}`, { token: ben.token, body: { assigneeId: ana.id } });
    assert.equal(assigned.status, 200);
    await conversationItem(admin.page, user.email).waitFor({ state: 'detached' });
    await eventually(async () => {
      const mine = Number((await tabs.getByRole('tab', { name: /^Mine/ }).innerText()).replace(/\D/g, ''));
      assert.equal(mine, mineBefore + 1);
    });
    await tabs.getByRole('tab', { name: /^Mine/ }).click();
    assert.equal(await tabs.getByRole('tab', { name: /^Mine/ }).getAttribute('aria-selected'), 'true');
    const item = conversationItem(admin.page, user.email);
    await item.waitFor();
    assert.match(await item.innerText(), /Assigned to you/);
    await screenshot(admin.page, 'agent-workflow-mine-tab');
    assert.deepEqual(admin.unexpectedErrors(), []);
  });

  it('shows a private note tinted with its label to admins and never in the user’s window', async () => {
    const [ana, user] = await Promise.all([createAccount(api, 'ADMIN', 'Note Ana'), createAccount(api, 'USER')]);
    const conversationId = await conversationOf(user, 'My parcel is late');
    const customer = await open();
    await signInAsUser(customer.page, user.email);
    await waitForBubble(customer.page, 'My parcel is late');
    const admin = await adminAt(ana, `/inbox/${conversationId}`);
    await waitForBubble(admin.page, 'My parcel is late');

    await admin.page.getByRole('button', { name: 'Private note' }).click();
    await composer(admin.page).fill('Courier says Friday, do not promise it yet');
    await composer(admin.page).press('Enter');
    const note = await waitForBubble(admin.page, 'Courier says Friday');
    assert.equal(await note.first().getAttribute('data-private'), 'true');
    assert.match(await note.first().innerText(), /Private note/i);
    const tint = await note
      .first()
      .locator('div')
      .first()
      .evaluate(
        (element) =>
          (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(element)
            .backgroundColor,
      );
    assert.equal(tint, 'rgb(255, 244, 214)');

    await admin.page.getByRole('button', { name: 'Reply' }).click();
    await sendMessage(admin.page, 'We are checking with the courier');
    await waitForBubble(customer.page, 'We are checking with the courier');
    assert.equal(await customer.page.getByText('Courier says Friday').count(), 0);
    assert.equal(await customer.page.getByText('Private note').count(), 0);
    await screenshot(admin.page, 'agent-workflow-private-note-admin');
    await screenshot(customer.page, 'agent-workflow-private-note-user');
    assert.deepEqual(admin.unexpectedErrors(), []);
    assert.deepEqual(customer.unexpectedErrors(), []);
  });

  it('offers canned responses after "/" as a listbox and inserts one with the user’s name filled in', async () => {
    const [ana, user] = await Promise.all([createAccount(api, 'ADMIN', 'Canned Ana'), createAccount(api, 'USER', 'Maria Gomez')]);
    const created = await api('POST', '/chat/canned-responses', {
      token: ana.token,
      body: { shortCode: 'greet', content: 'Hello {{user.name}}, {{agent.name}} here. How can I help?' },
    });
    assert.equal(created.status, 201);
    const conversationId = await conversationOf(user);
    const admin = await adminAt(ana, `/inbox/${conversationId}`);
    await waitForBubble(admin.page, 'Where is my order?');

    await composer(admin.page).pressSequentially('/gre');
    const listbox = admin.page.getByRole('listbox', { name: 'Canned responses' });
    await listbox.waitFor();
    const option = listbox.getByRole('option', { name: /\/greet/ });
    assert.equal(await option.getAttribute('aria-selected'), 'true');
    assert.equal(await composer(admin.page).getAttribute('aria-activedescendant'), await option.getAttribute('id'));
    await screenshot(admin.page, 'agent-workflow-canned-suggestions');
    await composer(admin.page).press('Enter');
    await listbox.waitFor({ state: 'detached' });
    assert.equal(await composer(admin.page).inputValue(), 'Hello Maria Gomez, Canned Ana here. How can I help?');

    // Esc closes the list and leaves the draft as typed.
    await composer(admin.page).fill('');
    await composer(admin.page).pressSequentially('/gr');
    await listbox.waitFor();
    await composer(admin.page).press('Escape');
    await listbox.waitFor({ state: 'detached' });
    assert.equal(await composer(admin.page).inputValue(), '/gr');
    assert.deepEqual(admin.unexpectedErrors(), []);
  });

  it('shows "also viewing" while a colleague has the conversation open, and removes it when they leave', async () => {
    const [ana, ben, user] = await Promise.all([
      createAccount(api, 'ADMIN', 'Seen Ana'),
      createAccount(api, 'ADMIN', 'Seen Ben'),
      createAccount(api, 'USER'),
    ]);
    const conversationId = await conversationOf(user);
    const first = await adminAt(ana, `/inbox/${conversationId}`);
    await waitForBubble(first.page, 'Where is my order?');
    const second = await adminAt(ben, `/inbox/${conversationId}`);
    const indicator = second.page.getByTestId('also-viewing');
    await indicator.waitFor();
    assert.equal(await indicator.innerText(), 'Seen Ana is also viewing');
    await eventually(async () => assert.equal(await first.page.getByTestId('also-viewing').innerText(), 'Seen Ben is also viewing'));
    await screenshot(second.page, 'agent-workflow-also-viewing');

    await first.page.goto('/inbox');
    await indicator.waitFor({ state: 'detached' });
    await first.close();
    assert.deepEqual(second.unexpectedErrors(), []);
  });

  it('asks the user to rate a closed conversation and shows the rating to admins', async () => {
    const [ana, user] = await Promise.all([createAccount(api, 'ADMIN', 'Rate Ana'), createAccount(api, 'USER')]);
    const conversationId = await conversationOf(user, 'Thanks for the help');
    const customer = await open();
    await signInAsUser(customer.page, user.email);
    await waitForBubble(customer.page, 'Thanks for the help');
    await api('PATCH', `/chat/conversations/${conversationId}`, { token: ana.token, body: { status: 'CLOSED' } });

    const prompt = customer.page.getByTestId('rating-prompt');
    await prompt.waitFor();
    await prompt.getByRole('radio', { name: '4 – Good' }).check();
    await prompt.getByLabel('Comment (optional)').fill('Fast answer');
    await screenshot(customer.page, 'agent-workflow-rating-prompt');
    await prompt.getByRole('button', { name: 'Send rating' }).click();
    await customer.page.getByTestId('rating-thanks').waitFor();
    assert.equal(await prompt.count(), 0);
    const view = await api('GET', `/chat/conversations/${conversationId}`, { token: ana.token });
    assert.deepEqual([view.body.rating.score, view.body.rating.comment], [4, 'Fast answer']);

    const admin = await adminAt(ana, `/inbox/${conversationId}`);
    await eventually(async () => assert.equal(await admin.page.getByTestId('conversation-rating').innerText(), 'Rated 4/5: “Fast answer”'));
    assert.deepEqual(customer.unexpectedErrors(), []);
  });

  it('renders the Reports page with the totals, agents and a conversations-per-day chart', async () => {
    const [ana, user] = await Promise.all([createAccount(api, 'ADMIN', 'Report Ana'), createAccount(api, 'USER')]);
    const conversationId = await conversationOf(user);
    await api('PATCH', `/chat/conversations/${conversationId}`, { token: ana.token, body: { assigneeId: ana.id } });
    await api('POST', '/chat/messages', { token: ana.token, body: { conversationId, content: 'On it' } });
    const admin = await adminAt(ana);
    await admin.page.getByRole('link', { name: 'Reports' }).click();
    await admin.page.getByRole('heading', { name: 'Reports' }).waitFor();
    const totals = admin.page.getByTestId('report-totals');
    await totals.waitFor();
    assert.match(await totals.innerText(), /Conversations/);
    assert.match(await totals.innerText(), /Median first response/);
    const chart = admin.page.getByRole('img', { name: 'Conversations per day' });
    await chart.waitFor();
    assert.equal(await chart.locator('rect').count(), 30);
    const today = new Date().toISOString().slice(0, 10);
    assert.ok(Number(await chart.locator(`rect[data-date="${today}"]`).getAttribute('data-count')) >= 1);
    const agents = admin.page.getByTestId('report-agents');
    assert.match(await agents.getByRole('row', { name: /Report Ana/ }).innerText(), /Report Ana\s+1\s+0/);
    await screenshot(admin.page, 'agent-workflow-reports');
    assert.deepEqual(admin.unexpectedErrors(), []);
  });
});
