import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Browser, FrameLocator, Locator, Page } from 'playwright-core';
import { DEMO_ADMIN, login, type TestAccount } from '../support/accounts.js';
import { type Api, apiClient } from '../support/http.js';
import { connectAs, nextEvent } from '../support/sockets.js';
import { startServer, type TestServer } from '../support/server.js';
import { assertWebBuilt, DESKTOP, launchBrowser, PHONE, screenshot, skipWithoutChromium, WatchedPage } from './support/browser.js';
import { conversationItem, signInAsAdmin } from './support/chat-ui.js';
import { eventually } from './support/eventually.js';

const WIDGET_SECRET = 'browser-widget-secret-0123456789abcdef!';
const TIMEOUT_MS = 15_000;
const hashOf = (id: string) => createHmac('sha256', WIDGET_SECRET).update(id).digest('hex');

interface HostSite {
  origin: string;
  server: Server;
  // Path -> HTML, set by each test.
  pages: Map<string, string>;
}

// The product's website: another origin (127.0.0.1 vs the chat's localhost, on its own port).
async function startHostSite(): Promise<HostSite> {
  const pages = new Map<string, string>();
  const server = createServer((request, response) => {
    const html = pages.get((request.url ?? '/').split('?')[0] ?? '/');
    response.writeHead(html ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
    response.end(html ?? 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, pages };
}

interface PageUser {
  id: string;
  email: string;
  name: string;
  hash?: string;
}

// A product page pasting the README snippet; it records what the widget tells it.
function productPage(
  chatUrl: string,
  user: PageUser | undefined,
  { css = '', extra = '', attributes }: { css?: string; extra?: string; attributes?: Record<string, string | number> } = {},
): string {
  const options = { ...(user ? { user: { ...user, hash: user.hash ?? hashOf(user.id) } } : {}), attributes };
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Product</title>
<style>${css}</style></head><body><h1>Acme product</h1><p>Some page content.</p>
<script src="${chatUrl}/widget.js"></script>
<script>
  window.widgetEvents = [];
  SupportChat.on('unreadCountChanged', function (count) { widgetEvents.push(['unreadCountChanged', count]); });
  SupportChat.on('message', function (message) { widgetEvents.push(['message', message]); });
  SupportChat.on('ready', function () { widgetEvents.push(['ready']); });
  window.initResult = SupportChat.init(${JSON.stringify(options)}).then(function () { return 'ready'; }, function (error) { return 'rejected: ' + error.message; });
  ${extra}
</script></body></html>`;
}

function launcher(page: Page): Locator {
  return page.getByRole('button', { name: 'Open support chat' });
}

function badge(page: Page): Locator {
  return page.locator('[data-support-chat] .badge');
}

function chatFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe[title="Support chat"]');
}

function panelComposer(page: Page): Locator {
  return chatFrame(page).getByRole('textbox', { name: 'Message' });
}

function panelBubble(page: Page, text: string): Locator {
  return chatFrame(page).getByTestId('message-list').locator('li[data-message-id]').filter({ hasText: text });
}

async function initResult(page: Page): Promise<string> {
  return page.evaluate('window.initResult') as Promise<string>;
}

// Inside the launcher's shadow root, document.activeElement is the host: ask the shadow root.
async function shadowFocusLabel(page: Page): Promise<string | null> {
  return page.evaluate(
    `(() => { const host = document.querySelector('[data-support-chat]'); const active = host && host.shadowRoot.activeElement; return active ? active.getAttribute('aria-label') : null; })()`,
  ) as Promise<string | null>;
}

async function widgetEvents(page: Page): Promise<[string, unknown?][]> {
  return page.evaluate('window.widgetEvents') as Promise<[string, unknown?][]>;
}

describe('website widget on a product page of another origin', { skip: skipWithoutChromium }, () => {
  let host: HostSite;
  let strangerSite: HostSite;
  let server: TestServer;
  let chatUrl: string;
  let api: Api;
  let admin: TestAccount;
  let browser: Browser;

  before(async () => {
    assertWebBuilt();
    [host, strangerSite] = await Promise.all([startHostSite(), startHostSite()]);
    server = await startServer({ WIDGET_SECRET, WIDGET_ORIGINS: host.origin });
    chatUrl = server.url.replace('127.0.0.1', 'localhost');
    api = apiClient(server.url);
    admin = await login(api, DEMO_ADMIN.email, DEMO_ADMIN.password);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    host?.server.close();
    strangerSite?.server.close();
  });

  function newUser(): PageUser {
    const tag = randomUUID().slice(0, 8);
    return { id: `u_${tag}`, email: `ann-${tag}@example.com`, name: `Ann ${tag}` };
  }

  async function openProductPage(path: string, html: string, viewport = DESKTOP): Promise<WatchedPage> {
    host.pages.set(path, html);
    const watched = await WatchedPage.open(browser, host.origin, viewport);
    await watched.page.goto(path);
    return watched;
  }

  async function accountOf(email: string): Promise<{ id: number } | undefined> {
    const found = await api('GET', `/users?q=${encodeURIComponent(email)}`, { token: admin.token });
    return (found.body as { id: number; email: string }[]).find((user) => user.email === email);
  }

  it('does the whole flow: send, agent reply while closed raises the badge, reload keeps it, opening clears it', async () => {
    const user = newUser();
    const watched = await openProductPage('/account', productPage(chatUrl, user));
    const { page } = watched;
    assert.equal(await initResult(page), 'ready');
    await launcher(page).waitFor({ timeout: TIMEOUT_MS });

    // Keyboard: Tab reaches the launcher, Enter opens the panel with the cursor in the composer.
    await page.keyboard.press('Tab');
    assert.equal(await shadowFocusLabel(page), 'Open support chat');
    await page.keyboard.press('Enter');
    await panelComposer(page).waitFor({ timeout: TIMEOUT_MS });
    await eventually(async () =>
      assert.equal(await panelComposer(page).evaluate((element) => element === element.ownerDocument.activeElement), true),
    );
    const box = await page.locator('[data-support-chat] .panel').boundingBox();
    assert.deepEqual([box?.width, box?.height], [380, 600]);

    const agent = await connectAs(server.url, admin);
    try {
      await chatFrame(page).getByText('Support is online').waitFor({ timeout: TIMEOUT_MS });
      const received = nextEvent<{ conversationId: number; content: string; sender: { id: number; name: string } }>(agent, 'newMessage', {
        timeoutMs: TIMEOUT_MS,
      });
      await panelComposer(page).fill('Hello from the product page');
      await panelComposer(page).press('Enter');
      const message = await received;
      assert.equal(message.content, 'Hello from the product page');
      assert.equal(message.sender.name, user.name);
      const contact = await api('GET', `/widget/contacts/${message.sender.id}`, { token: admin.token });
      assert.equal(contact.body.email, user.email);
      assert.equal(contact.body.externalId, user.id);
      assert.equal(contact.body.pageUrl, `${host.origin}/account`);
      await panelBubble(page, 'Hello from the product page').waitFor({ timeout: TIMEOUT_MS });
      await screenshot(page, 'widget-open');

      // Esc closes the panel and gives the focus back to the launcher.
      await panelComposer(page).press('Escape');
      await eventually(async () => assert.equal(await page.locator('[data-support-chat] .panel').isVisible(), false));
      assert.equal(await shadowFocusLabel(page), 'Open support chat');

      const reply = await api('POST', '/chat/messages', {
        token: admin.token,
        body: { conversationId: message.conversationId, content: 'Hi Ann, how can we help?' },
      });
      assert.equal(reply.status, 201, JSON.stringify(reply.body));
      await eventually(async () => assert.equal(await badge(page).textContent(), '1'), { timeoutMs: TIMEOUT_MS });
      assert.match((await badge(page).getAttribute('aria-label')) ?? '', /1 unread/);
      const events = await eventually(
        async () => {
          const recorded = await widgetEvents(page);
          assert.ok(
            recorded.some(([name]) => name === 'message'),
            JSON.stringify(recorded),
          );
          return recorded;
        },
        { timeoutMs: TIMEOUT_MS },
      );
      assert.ok(
        events.some(([name, value]) => name === 'unreadCountChanged' && value === 1),
        JSON.stringify(events),
      );
      const incoming = events.find(([name]) => name === 'message')?.[1] as {
        id: number;
        conversationId: number;
        content: string;
        sender: { name: string };
      };
      assert.equal(incoming.content, 'Hi Ann, how can we help?');
      assert.equal(incoming.conversationId, message.conversationId);
      assert.equal(incoming.id, reply.body.id);
      assert.equal(incoming.sender.name, 'Demo Admin');
      await screenshot(page, 'widget-closed-badge');

      // The count is the server's: right again after a reload.
      await page.reload();
      await eventually(async () => assert.equal(await badge(page).textContent(), '1'), { timeoutMs: TIMEOUT_MS });
      await launcher(page).click();
      await panelBubble(page, 'Hi Ann, how can we help?').waitFor({ timeout: TIMEOUT_MS });
      await panelBubble(page, 'Hello from the product page').waitFor({ timeout: TIMEOUT_MS });
      await eventually(async () => assert.equal(await badge(page).isVisible(), false));
      assert.ok((await widgetEvents(page)).some(([name, value]) => name === 'unreadCountChanged' && value === 0));
      await eventually(async () => {
        const unread = await api('POST', '/widget/session', { body: { id: user.id, hash: hashOf(user.id) } });
        const count = await api('GET', '/chat/unread-count', { token: unread.body.accessToken });
        assert.equal(count.body.count, 0, 'opening the panel marked the reply read');
      });
      assert.deepEqual(watched.unexpectedErrors(), []);
    } finally {
      agent.disconnect();
      await watched.close();
    }
  });

  it('clears the badge in every tab of the product when the chat is read in one of them', async () => {
    const user = newUser();
    const first = await openProductPage('/tab', productPage(chatUrl, user));
    const second = await first.context.newPage();
    try {
      await second.goto('/tab');
      assert.equal(await initResult(first.page), 'ready');
      assert.equal(await initResult(second), 'ready');
      const session = await api('POST', '/widget/session', { body: { id: user.id, hash: hashOf(user.id) } });
      const sent = await api('POST', '/chat/messages', { token: session.body.accessToken, body: { content: 'Two tabs open' } });
      await api('POST', '/chat/messages', {
        token: admin.token,
        body: { conversationId: sent.body.conversationId, content: 'Answer in both tabs' },
      });
      for (const page of [first.page, second]) {
        await eventually(async () => assert.equal(await badge(page).textContent(), '1'), { timeoutMs: TIMEOUT_MS });
      }
      await launcher(second).click();
      await panelBubble(second, 'Answer in both tabs').waitFor({ timeout: TIMEOUT_MS });
      await eventually(async () => assert.equal(await badge(first.page).isVisible(), false), { timeoutMs: TIMEOUT_MS });
      assert.deepEqual(first.unexpectedErrors(), []);
    } finally {
      await first.close();
    }
  });

  it('rejects init with a wrong hash, shows nothing and creates no account', async () => {
    const user = { ...newUser(), hash: 'f'.repeat(64) };
    const watched = await openProductPage('/wrong-hash', productPage(chatUrl, user));
    try {
      assert.match(await initResult(watched.page), /^rejected: .*hash/);
      assert.equal(await watched.page.locator('[data-support-chat]').count(), 0);
      assert.equal(await launcher(watched.page).count(), 0);
      assert.equal(await accountOf(user.email), undefined);
      assert.ok(
        watched.errors.some((error) => /user\.hash/.test(error)),
        watched.errors.join('\n'),
      );
    } finally {
      await watched.close();
    }
  });

  it("shows none of the first user's messages after reset() and init as another user", async () => {
    const first = newUser();
    const second = newUser();
    const watched = await openProductPage(
      '/switch',
      productPage(chatUrl, first, {
        extra: `window.switchUser = function () { return SupportChat.reset().then(function () { return SupportChat.init(${JSON.stringify({
          user: { ...second, hash: hashOf(second.id) },
        })}); }).then(function () { return 'ready'; }, function (error) { return 'rejected: ' + error.message; }); };`,
      }),
    );
    const { page } = watched;
    try {
      assert.equal(await initResult(page), 'ready');
      await launcher(page).click();
      await panelComposer(page).fill('A secret of the first user');
      await panelComposer(page).press('Enter');
      await panelBubble(page, 'A secret of the first user').waitFor({ timeout: TIMEOUT_MS });

      assert.equal(await page.evaluate('window.switchUser()'), 'ready');
      await launcher(page).click();
      await panelComposer(page).waitFor({ timeout: TIMEOUT_MS });
      await chatFrame(page).getByText('No messages yet').waitFor({ timeout: TIMEOUT_MS });
      assert.equal(await chatFrame(page).getByText('A secret of the first user').count(), 0);
      assert.notEqual(await accountOf(second.email), undefined);
      assert.deepEqual(watched.unexpectedErrors(), []);
    } finally {
      await watched.close();
    }
  });

  it('cannot show the panel on a page whose origin is not in WIDGET_ORIGINS', async () => {
    const user = newUser();
    strangerSite.pages.set('/', productPage(chatUrl, user));
    const watched = await WatchedPage.open(browser, strangerSite.origin);
    try {
      await watched.page.goto('/');
      assert.match(await initResult(watched.page), /WIDGET_ORIGINS/);
      assert.equal(await watched.page.locator('iframe').count(), 0);
      assert.ok(
        watched.errors.some((error) => error.includes(strangerSite.origin)),
        watched.errors.join('\n'),
      );
      // And the chat's iframe page itself refuses to be framed there.
      const csp = (await fetch(`${server.url}/widget/`)).headers.get('content-security-policy') ?? '';
      assert.ok(!csp.includes(strangerSite.origin));
    } finally {
      await watched.close();
    }
  });

  it('keeps the launcher and panel intact under hostile page CSS', async () => {
    const hostile = '* { all: unset; font-size: 40px !important } div { transform: scale(2) !important; display: block !important }';
    const watched = await openProductPage('/hostile', productPage(chatUrl, newUser(), { css: hostile }));
    const { page } = watched;
    try {
      assert.equal(await initResult(page), 'ready');
      const button = await launcher(page).boundingBox();
      assert.deepEqual([button?.width, button?.height], [56, 56]);
      assert.equal(button && Math.round(button.x + button.width), DESKTOP.width - 20);
      assert.equal(button && Math.round(button.y + button.height), DESKTOP.height - 20);
      await launcher(page).click();
      await panelComposer(page).waitFor({ timeout: TIMEOUT_MS });
      const panel = await page.locator('[data-support-chat] .panel').boundingBox();
      assert.deepEqual([panel?.width, panel?.height], [380, 600]);
      const fontSize = await panelComposer(page).evaluate(
        (element) => element.ownerDocument.defaultView?.getComputedStyle(element).fontSize,
      );
      assert.notEqual(fontSize, '40px');
      assert.deepEqual(watched.unexpectedErrors(), []);
    } finally {
      await watched.close();
    }
  });

  it('fills a 360 px screen with the panel and closes it with its close button', async () => {
    const watched = await openProductPage('/phone', productPage(chatUrl, newUser()), PHONE);
    const { page } = watched;
    try {
      assert.equal(await initResult(page), 'ready');
      await launcher(page).click();
      await panelComposer(page).waitFor({ timeout: TIMEOUT_MS });
      const panel = await page.locator('[data-support-chat] .panel').boundingBox();
      assert.deepEqual([panel?.x, panel?.y, panel?.width, panel?.height], [0, 0, PHONE.width, PHONE.height]);
      const close = page.getByRole('button', { name: 'Close support chat' });
      assert.equal(await close.isVisible(), true);
      await screenshot(page, 'widget-phone-open');
      await close.click();
      await eventually(async () => assert.equal(await page.locator('[data-support-chat] .panel').isVisible(), false));
      assert.equal(await shadowFocusLabel(page), 'Open support chat');
      assert.deepEqual(watched.unexpectedErrors(), []);
    } finally {
      await watched.close();
    }
  });

  it('shows agents the contact beside the thread: email, external id, attributes, page, browser, time zone', async () => {
    const user = newUser();
    const html = productPage(chatUrl, user, { attributes: { plan: 'Pro', seats: 12 } });
    const product = await openProductPage('/pricing', html);
    const inbox = await WatchedPage.open(browser, server.url);
    try {
      assert.equal(await initResult(product.page), 'ready');
      await launcher(product.page).click();
      await panelComposer(product.page).fill('Which plan am I on?');
      await panelComposer(product.page).press('Enter');
      await panelBubble(product.page, 'Which plan am I on?').waitFor({ timeout: TIMEOUT_MS });

      await signInAsAdmin(inbox.page, DEMO_ADMIN.email, DEMO_ADMIN.password);
      await conversationItem(inbox.page, user.email).click();
      const panel = inbox.page.getByTestId('contact-panel');
      await panel.waitFor({ timeout: TIMEOUT_MS });
      const text = (await panel.textContent()) ?? '';
      for (const expected of [
        user.name,
        user.email,
        'verified',
        user.id,
        'plan',
        'Pro',
        'seats',
        '12',
        `${host.origin}/pricing`,
        'Chrome',
        'Time zone',
      ]) {
        assert.ok(text.includes(expected), `contact panel lacks "${expected}": ${text}`);
      }
      await screenshot(inbox.page, 'widget-inbox-contact');
      assert.deepEqual(product.unexpectedErrors(), []);
      assert.deepEqual(inbox.unexpectedErrors(), []);
    } finally {
      await product.close();
      await inbox.close();
    }
  });

  it('replays calls queued before the loader arrived, and works without the launcher through open(), close() and setAttributes()', async () => {
    const user = newUser();
    const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Product</title></head>
<body><h1>Own launcher</h1><script>
  window.SupportChat = window.SupportChat || { q: [] };
  window.widgetEvents = [];
  ['ready', 'open', 'close'].forEach(function (name) { SupportChat.q.push(['on', name, function () { widgetEvents.push([name]); }]); });
  SupportChat.q.push(['init', ${JSON.stringify({ user: { ...user, hash: hashOf(user.id) }, launcher: false })}]);
</script><script async src="${chatUrl}/widget.js"></script></body></html>`;
    const watched = await openProductPage('/queued', html);
    const { page } = watched;
    try {
      await eventually(async () => assert.deepEqual(await widgetEvents(page), [['ready']]), { timeoutMs: TIMEOUT_MS });
      assert.equal(await launcher(page).isVisible(), false);
      await page.evaluate(`SupportChat.setAttributes({ plan: 'Team' })`);
      await page.evaluate('SupportChat.open()');
      await panelComposer(page).waitFor({ timeout: TIMEOUT_MS });
      await page.evaluate('SupportChat.close()');
      await eventually(async () => assert.equal(await page.locator('[data-support-chat] .panel').isVisible(), false));
      assert.deepEqual(await widgetEvents(page), [['ready'], ['open'], ['close']]);
      const session = await api('POST', '/widget/session', { body: { id: user.id, hash: hashOf(user.id) } });
      await eventually(async () => {
        const contact = await api('GET', `/widget/contacts/${session.body.user.id}`, { token: admin.token });
        assert.deepEqual(contact.body.attributes, { plan: 'Team' });
      });
      assert.deepEqual(watched.unexpectedErrors(), []);
    } finally {
      await watched.close();
    }
  });

  it('serves /widget-demo: the demo user chats from a sample product page with nothing to configure', async () => {
    const demo = await WatchedPage.open(browser, chatUrl);
    try {
      await demo.page.goto('/widget-demo');
      await demo.page.getByText('SupportChat.init(').waitFor({ timeout: TIMEOUT_MS });
      await launcher(demo.page).click();
      await panelComposer(demo.page).fill('Hello from the demo');
      await panelComposer(demo.page).press('Enter');
      await panelBubble(demo.page, 'Hello from the demo').waitFor({ timeout: TIMEOUT_MS });
      assert.deepEqual(demo.unexpectedErrors(), []);
    } finally {
      await demo.close();
    }
  });
});

describe('website widget for anonymous visitors', { skip: skipWithoutChromium }, () => {
  let host: HostSite;
  let server: TestServer;
  let browser: Browser;

  before(async () => {
    assertWebBuilt();
    host = await startHostSite();
    server = await startServer({ WIDGET_SECRET, WIDGET_ORIGINS: host.origin, WIDGET_ALLOW_ANONYMOUS: 'true' });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    host?.server.close();
  });

  it('asks a visitor for an email before the first message and keeps their chat across reloads', async () => {
    host.pages.set('/', productPage(server.url.replace('127.0.0.1', 'localhost'), undefined));
    const watched = await WatchedPage.open(browser, host.origin);
    const { page } = watched;
    try {
      await page.goto('/');
      assert.equal(await initResult(page), 'ready');
      await launcher(page).click();
      const email = chatFrame(page).getByLabel('Your email');
      await email.waitFor({ timeout: TIMEOUT_MS });
      assert.equal(await panelComposer(page).count(), 0, 'no composer before the email');
      await email.fill('visitor@example.com');
      await chatFrame(page).getByRole('button', { name: 'Start chat' }).click();
      await panelComposer(page).fill('Hi, I am just browsing');
      await panelComposer(page).press('Enter');
      await panelBubble(page, 'Hi, I am just browsing').waitFor({ timeout: TIMEOUT_MS });

      await page.reload();
      assert.equal(await initResult(page), 'ready');
      await launcher(page).click();
      await panelBubble(page, 'Hi, I am just browsing').waitFor({ timeout: TIMEOUT_MS });
      assert.deepEqual(watched.unexpectedErrors(), []);
    } finally {
      await watched.close();
    }
  });
});
