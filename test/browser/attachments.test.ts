import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { createAccount, type TestAccount } from '../support/accounts.js';
import { type Api, apiClient } from '../support/http.js';
import { startServer, type TestServer } from '../support/server.js';
import { assertWebBuilt, launchBrowser, PHONE, screenshot, skipWithoutChromium, WatchedPage } from './support/browser.js';
import {
  attachButton,
  attachFile,
  imagePreviews,
  loadedWidth,
  pasteScreenshot,
  uploadChips,
  waitForUploadsDone,
} from './support/attachments-ui.js';
import { composer, messageList, sendMessage, signInAsAdmin, signInAsUser, tabTo, waitForBubble } from './support/chat-ui.js';
import { lowContrastTexts } from './support/contrast.js';
import { eventually } from './support/eventually.js';

// A minimal but well-formed PDF: the server decides the type by its magic bytes.
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

interface FocusProbe {
  document: { activeElement: { getAttribute(name: string): string | null } | null };
}

describe('web app attachments: paste, paperclip, previews, lightbox, downloads', { skip: skipWithoutChromium }, () => {
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

  async function signedIn(): Promise<{ admin: WatchedPage; user: WatchedPage; userAccount: TestAccount; conversationId: number }> {
    const [adminAccount, userAccount] = await Promise.all([createAccount(api, 'ADMIN'), createAccount(api, 'USER')]);
    const first = await api('POST', '/chat/messages', { token: userAccount.token, body: { content: 'I will send you a file' } });
    const [admin, user] = await Promise.all([WatchedPage.open(browser, server.url), WatchedPage.open(browser, server.url)]);
    await Promise.all([signInAsAdmin(admin.page, adminAccount.email), signInAsUser(user.page, userAccount.email)]);
    await admin.page.goto(`/inbox/${first.body.conversationId}`);
    await waitForBubble(admin.page, 'I will send you a file');
    return { admin, user, userAccount, conversationId: first.body.conversationId };
  }

  it('shows a pasted screenshot inline to the admin, opening in a lightbox that Escape closes', async () => {
    const { admin, user } = await signedIn();

    await pasteScreenshot(user.page);
    assert.equal(await uploadChips(user.page).count(), 1);
    await waitForUploadsDone(user.page, 1);
    await composer(user.page).press('Enter');
    await uploadChips(user.page).first().waitFor({ state: 'detached' });

    const preview = imagePreviews(admin.page).first();
    assert.ok((await loadedWidth(preview.locator('img'))) > 0, 'the thumbnail loaded through the token');
    assert.ok((await loadedWidth(imagePreviews(user.page).first().locator('img'))) > 0, 'the sender sees it too');
    await screenshot(admin.page, 'attachments-thread-desktop');
    assert.deepEqual(await lowContrastTexts(admin.page), []);

    await preview.click();
    const lightbox = admin.page.getByRole('dialog');
    await lightbox.waitFor();
    const full = lightbox.getByRole('img');
    assert.equal(await loadedWidth(full), 320, 'the full image, not the thumbnail');
    await admin.page.keyboard.press('Escape');
    await lightbox.waitFor({ state: 'detached' });
    const focused = await admin.page.evaluate(() =>
      (globalThis as unknown as FocusProbe).document.activeElement?.getAttribute('aria-label'),
    );
    assert.match(focused ?? '', /^Open image /, 'focus returns to the preview');

    await admin.page.setViewportSize(PHONE);
    await imagePreviews(admin.page).first().scrollIntoViewIfNeeded();
    await screenshot(admin.page, 'attachments-thread-360');
    assert.deepEqual([...admin.unexpectedErrors(), ...user.unexpectedErrors()], []);
    await Promise.all([admin.close(), user.close()]);
  });

  it('sends a PDF chosen with the paperclip (from the keyboard), which the admin downloads byte for byte', async () => {
    const { admin, user } = await signedIn();

    await tabTo(user.page, attachButton(user.page));
    await attachFile(user.page, { name: 'invoice-march.pdf', mimeType: 'application/pdf', buffer: PDF }, { viaKeyboard: true });
    await waitForUploadsDone(user.page, 1);
    await sendMessage(user.page, 'Here is the invoice');
    await waitForBubble(admin.page, 'Here is the invoice');

    const chip = messageList(admin.page).getByTestId('file-chip').filter({ hasText: 'invoice-march.pdf' });
    assert.match((await chip.textContent()) ?? '', /invoice-march\.pdf.*B/);
    assert.deepEqual(await lowContrastTexts(admin.page), []);
    const [download] = await Promise.all([admin.page.waitForEvent('download'), chip.click()]);
    assert.equal(download.suggestedFilename(), 'invoice-march.pdf');
    const path = await download.path();
    assert.deepEqual(await readFile(path), PDF);
    assert.deepEqual([...admin.unexpectedErrors(), ...user.unexpectedErrors()], []);
    await Promise.all([admin.close(), user.close()]);
  });

  it('refuses a file type the server does not accept, in the composer, and sends nothing', async () => {
    const { user, userAccount, conversationId } = await signedIn();

    await attachFile(user.page, { name: 'setup.exe', mimeType: 'application/octet-stream', buffer: Buffer.from('MZ\x90\x00binary') });
    const chip = uploadChips(user.page).first();
    await chip.getByRole('alert').filter({ hasText: 'This type of file cannot be sent' }).waitFor();
    await composer(user.page).press('Enter');
    await user.page.getByText('Write a message or add a file before sending.').waitFor();

    await chip.getByRole('button', { name: 'Remove setup.exe' }).click();
    await chip.waitFor({ state: 'detached' });
    const messages = await api('GET', `/chat/conversations/${conversationId}/messages`, { token: userAccount.token });
    assert.equal(messages.body.length, 1, 'only the first message exists');
    // The browser logs the refused upload's 415 as a failed resource load; nothing else may appear.
    await eventually(() => assert.deepEqual(user.unexpectedErrors([/status of 415/]), []));
    await user.close();
  });

  it('takes files dropped on the conversation, and refuses a too-large one without uploading it', async () => {
    const { admin, user } = await signedIn();
    const uploads: string[] = [];
    user.page.on('request', (request) => request.url().endsWith('/chat/attachments') && uploads.push(request.method()));
    const drop = async (fileScript: string) => {
      const dataTransfer = await user.page.evaluateHandle(`(() => {
        const data = new DataTransfer();
        data.items.add(${fileScript});
        return data;
      })()`);
      await messageList(user.page).dispatchEvent('dragover', { dataTransfer });
      await messageList(user.page).dispatchEvent('drop', { dataTransfer });
    };

    await drop(`new File([new Uint8Array(11 * 1024 * 1024)], 'huge.png', { type: 'image/png' })`);
    await uploadChips(user.page).getByRole('alert').filter({ hasText: 'Too large: files can be up to 10 MB' }).waitFor();
    assert.deepEqual(uploads, [], 'refused before uploading');
    await screenshot(user.page, 'attachments-composer-refused');
    await uploadChips(user.page).getByRole('button', { name: 'Remove huge.png' }).click();

    await drop(`new File(['Order 1234: two umbrellas'], 'notes.txt', { type: 'text/plain' })`);
    await waitForUploadsDone(user.page, 1);
    assert.deepEqual(uploads, ['POST']);
    await composer(user.page).press('Enter');
    await messageList(admin.page).getByTestId('file-chip').filter({ hasText: 'notes.txt' }).waitFor();
    assert.deepEqual([...admin.unexpectedErrors(), ...user.unexpectedErrors()], []);
    await Promise.all([admin.close(), user.close()]);
  });

  it('shows a progress bar while a file uploads, and holds the message until it is done', async () => {
    const { admin, user } = await signedIn();
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    await user.page.route('**/chat/attachments', async (route) => {
      await held;
      await route.continue();
    });

    await attachFile(user.page, { name: 'slow-notes.txt', mimeType: 'text/plain', buffer: Buffer.from('Slow but steady') });
    await user.page.getByRole('progressbar', { name: 'Uploading slow-notes.txt' }).waitFor();
    await composer(user.page).press('Enter');
    await user.page.getByText('Wait for the files to finish uploading.').waitFor();
    assert.equal(await user.page.locator('[data-outgoing]').count(), 0, 'nothing was sent');

    release();
    await waitForUploadsDone(user.page, 1);
    await composer(user.page).press('Enter');
    await messageList(admin.page).getByTestId('file-chip').filter({ hasText: 'slow-notes.txt' }).waitFor();
    assert.deepEqual([...admin.unexpectedErrors(), ...user.unexpectedErrors()], []);
    await Promise.all([admin.close(), user.close()]);
  });
});
