import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { createAccount } from '../support/accounts.js';
import { type SmtpSink, startSmtpSink } from '../support/email/smtp-sink.js';
import { apiClient } from '../support/http.js';
import { startServer, type TestServer } from '../support/server.js';
import { waitFor } from '../support/webhooks/wait-for.js';
import { assertWebBuilt, launchBrowser, PHONE, screenshot, skipWithoutChromium, WatchedPage } from './support/browser.js';
import { signInAsUser } from './support/chat-ui.js';

describe('notification email in a browser', { skip: skipWithoutChromium }, () => {
  let sink: SmtpSink;
  let server: TestServer;
  let browser: Browser;

  before(async () => {
    sink = await startSmtpSink();
    server = await startServer({
      SMTP_URL: sink.url,
      EMAIL_FROM: 'Support <support@example.test>',
      PUBLIC_URL: 'https://chat.example.test',
      EMAIL_NOTIFY_DELAY_MS: '200',
      INBOUND_DOMAIN: 'reply.example.test',
      ADMIN_EMAIL_NOTIFICATIONS: 'false',
    });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await sink?.close();
  });

  it('renders the received HTML part with the messages as text, the continue button and the unsubscribe link', async () => {
    const api = apiClient(server.url);
    const admin = await createAccount(api, 'ADMIN', 'Alice Agent');
    const user = await createAccount(api, 'USER', 'Uma User');
    const first = await api('POST', '/chat/messages', {
      token: admin.token,
      body: { userId: user.id, content: 'Hi Uma, your refund has been approved.\nIt takes 3–5 days to arrive.' },
    });
    assert.equal(first.status, 201);
    const hostile = '<img src=x onerror="globalThis.__pwned = true"> is what you pasted';
    await api('POST', '/chat/messages', { token: admin.token, body: { conversationId: first.body.conversationId, content: hostile } });
    const mail = await sink.waitForMail(user.email);
    assert.equal(typeof mail.parsed.html, 'string');

    for (const [name, viewport] of [
      ['email-notification-desktop', { width: 900, height: 700 }],
      ['email-notification-phone', PHONE],
    ] as const) {
      const watched = await WatchedPage.open(browser, server.url, viewport);
      try {
        await watched.page.setContent(mail.parsed.html as string);
        await watched.page.getByText('your refund has been approved').waitFor();
        await watched.page.getByText(hostile).waitFor();
        assert.equal(await watched.page.evaluate(() => (globalThis as { __pwned?: boolean }).__pwned ?? false), false);
        assert.equal(await watched.page.locator('img').count(), 0);
        const button = watched.page.getByRole('link', { name: 'Continue the conversation' });
        assert.equal(await button.getAttribute('href'), `https://chat.example.test/?conversation=${first.body.conversationId}`);
        const unsubscribe = watched.page.getByRole('link', { name: 'Unsubscribe from these emails' });
        assert.match((await unsubscribe.getAttribute('href')) ?? '', /^https:\/\/chat\.example\.test\/chat\/email\/unsubscribe\?token=/);
        await screenshot(watched.page, name);
      } finally {
        await watched.close();
      }
    }
  });

  it('lets a signed-in user turn email notifications off from the header', async () => {
    assertWebBuilt();
    const api = apiClient(server.url);
    const user = await createAccount(api, 'USER');
    const watched = await WatchedPage.open(browser, server.url);
    try {
      await signInAsUser(watched.page, user.email);
      const toggle = watched.page.getByRole('checkbox', { name: 'Email me' });
      await toggle.waitFor();
      assert.equal(await toggle.isChecked(), true);
      await toggle.uncheck();
      await waitFor('the setting to be saved', async () => {
        const settings = await api('GET', '/chat/email/settings', { token: user.token });
        return settings.body.emailNotifications === false;
      });
      assert.equal(await toggle.isChecked(), false);
      await screenshot(watched.page, 'email-toggle-off');
      assert.deepEqual(watched.unexpectedErrors(), []);
    } finally {
      await watched.close();
    }
  });
});
