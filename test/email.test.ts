import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import nodemailer from 'nodemailer';
import sharp from 'sharp';
import type { MessageView } from '../src/contract/messages.js';
import { loadConfig } from '../src/config/config.js';
import { DATABASE, type Database } from '../src/database/database.js';
import { rawRows } from '../src/database/raw-rows.js';
import { EmailTokens } from '../src/email/email-tokens.js';
import { InboundSmtpListener } from '../src/email/inbound-smtp.listener.js';
import { stripQuotedReply } from '../src/email/quote-stripping.js';
import { createAccount, DEMO_ADMIN, login, type TestAccount } from './support/accounts.js';
import { mailsAfterQuietPeriod, type ReceivedMail, type SmtpSink, startSmtpSink } from './support/email/smtp-sink.js';
import { type Api, apiClient } from './support/http.js';
import { SEVERAL_INSTANCES_SKIP, startServer, startSibling, TEST_JWT_SECRET, type TestServer } from './support/server.js';
import { connectAs, nextEvent } from './support/sockets.js';

const DELAY_MS = 300;
const INBOUND_SECRET = 'inbound-test-secret-0123456789';
const PUBLIC_URL = 'https://chat.example.test';

function emailEnv(sink: SmtpSink, extra: Record<string, string> = {}): Record<string, string> {
  return {
    SMTP_URL: sink.url,
    EMAIL_FROM: 'Support <support@example.test>',
    PUBLIC_URL,
    EMAIL_NOTIFY_DELAY_MS: String(DELAY_MS),
    INBOUND_DOMAIN: 'reply.example.test',
    INBOUND_SMTP_PORT: '0',
    INBOUND_SMTP_HOST: '127.0.0.1',
    INBOUND_EMAIL_SECRET: INBOUND_SECRET,
    ADMIN_EMAIL_NOTIFICATIONS: 'false',
    ...extra,
  };
}

async function send(api: Api, account: TestAccount, body: Record<string, unknown>) {
  const response = await api('POST', '/chat/messages', { token: account.token, body });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return response.body as { id: number; conversationId: number; seq: number; content: string };
}

// A header as sent (mailparser turns List-* headers into objects), unfolded.
function rawHeader(mail: ReceivedMail, name: string): string | undefined {
  const head =
    mail.raw
      .toString('utf8')
      .split(/\r?\n\r?\n/)[0]
      ?.replace(/\r?\n[ \t]+/g, ' ') ?? '';
  return head
    .split(/\r?\n/)
    .find((line) => line.toLowerCase().startsWith(`${name.toLowerCase()}:`))
    ?.slice(name.length + 1)
    .trim();
}

const replyAddressOf = (mail: ReceivedMail) => mail.parsed.replyTo?.value[0]?.address ?? '';
const htmlOf = (mail: ReceivedMail) => (typeof mail.parsed.html === 'string' ? mail.parsed.html : '');

// The List-Unsubscribe URL of a mail, pointed at the test server instead of PUBLIC_URL.
function unsubscribePathOf(mail: ReceivedMail): string {
  const header = rawHeader(mail, 'List-Unsubscribe') ?? '';
  const match = /<([^>]+)>/.exec(header);
  const url = match?.[1] ?? '';
  assert.ok(url.startsWith(`${PUBLIC_URL}/`), header);
  return url.slice(PUBLIC_URL.length);
}

function sendReplyBySmtp(
  server: TestServer,
  mail: { from: string; to: string; text: string; messageId?: string; attachments?: { filename: string; content: Buffer }[] },
) {
  const port = server.app.get(InboundSmtpListener).port;
  assert.ok(port, 'inbound SMTP is listening');
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
  return transport.sendMail({ subject: 'Re: your conversation', ...mail });
}

function tinyPng(): Promise<Buffer> {
  return sharp({ create: { width: 4, height: 3, channels: 3, background: '#3366cc' } })
    .png()
    .toBuffer();
}

function database(server: TestServer): Database {
  return server.app.get<symbol, Database>(DATABASE);
}

describe('email: tokens and quote stripping (pure)', () => {
  const tokens = new EmailTokens('a-secret-that-is-long-enough-for-tests');

  it('verifies its own reply tokens and rejects altered, foreign and expired ones', () => {
    const token = tokens.replyToken({ conversationId: 12, userId: 34 });
    assert.deepEqual(tokens.verifyReplyToken(token), { conversationId: 12, userId: 34 });
    assert.deepEqual(tokens.verifyReplyToken(token.toUpperCase()), { conversationId: 12, userId: 34 });
    assert.equal(tokens.verifyReplyToken(token.replace(/^12-/, '13-')), undefined);
    assert.equal(tokens.verifyReplyToken(`${token.slice(0, -1)}${token.endsWith('0') ? '1' : '0'}`), undefined);
    assert.equal(new EmailTokens('another-secret-that-is-long-enough').verifyReplyToken(token), undefined);
    const old = tokens.replyToken({ conversationId: 12, userId: 34 }, Date.now() - 365 * 86_400_000);
    assert.equal(tokens.verifyReplyToken(old), undefined);
    assert.ok(`reply+${token}`.length <= 64, 'fits in an address local part');
  });

  it('keeps only the new part of a reply', () => {
    const gmail = 'Thanks, that worked!\n\nOn Mon, 7 Dec 2026 at 05:30, Support <reply+1-2-x-y@r.test> wrote:\n> How can I help?\n> bye';
    assert.equal(stripQuotedReply(gmail), 'Thanks, that worked!');
    assert.equal(stripQuotedReply('Yes please\r\n\r\n-- \r\nJane Doe\r\nACME Inc.'), 'Yes please');
    assert.equal(stripQuotedReply('Ok\n\nSent from my iPhone'), 'Ok');
    assert.equal(stripQuotedReply('Fine\n\nFrom: Support <s@x.test>\nSent: Monday\nSubject: Re'), 'Fine');
    assert.equal(stripQuotedReply('> quoted only\nnew line'), 'new line');
  });
});

describe('email: configuration', () => {
  const base = { JWT_SECRET: TEST_JWT_SECRET, CHAT_DATA_DIR: '/tmp/chat-email-config-test' };

  it('rejects SMTP_URL, PUBLIC_URL and INBOUND_SMTP_PORT values it cannot use, naming the variable', () => {
    assert.throws(() => loadConfig({ ...base, SMTP_URL: 'mail.example.com:25' }), /SMTP_URL: must be an smtp:\/\/ or smtps:\/\/ URL/);
    assert.throws(() => loadConfig({ ...base, PUBLIC_URL: 'chat.example.com' }), /PUBLIC_URL: must be an http/);
    assert.throws(() => loadConfig({ ...base, EMAIL_NOTIFY_DELAY_MS: 'soon' }), /EMAIL_NOTIFY_DELAY_MS: must be a whole number/);
    assert.throws(() => loadConfig({ ...base, INBOUND_SMTP_PORT: '2525' }), /INBOUND_DOMAIN: required with INBOUND_SMTP_PORT/);
    assert.throws(() => loadConfig({ ...base, INBOUND_EMAIL_SECRET: 'short' }), /INBOUND_EMAIL_SECRET: must be at least 16 characters/);
  });

  it('defaults: off without SMTP_URL, a two-minute delay, admin emails on with SMTP', () => {
    const off = loadConfig(base).email;
    assert.equal(off.smtpUrl, undefined);
    assert.equal(off.notifyDelayMs, 120_000);
    assert.equal(off.adminNotifications, false);
    const on = loadConfig({ ...base, SMTP_URL: 'smtp://u:p@mail.example.com:587', PUBLIC_URL: 'https://chat.example.com/' }).email;
    assert.equal(on.adminNotifications, true);
    assert.equal(on.publicUrl, 'https://chat.example.com');
  });
});

describe('email notifications', () => {
  let sink: SmtpSink;
  let server: TestServer;
  let api: Api;
  let admin: TestAccount;

  before(async () => {
    sink = await startSmtpSink();
    server = await startServer(emailEnv(sink));
    api = apiClient(server.url);
    admin = await createAccount(api, 'ADMIN', 'Alice Agent');
  });

  after(async () => {
    await server?.close();
    await sink?.close();
  });

  it('emails an unread reply after the delay, with both parts, the link, Reply-To and unsubscribe headers', async () => {
    const user = await createAccount(api, 'USER', 'Uma User');
    const sentAt = Date.now();
    const message = await send(api, admin, { userId: user.id, content: 'Your order has shipped' });
    const mail = await sink.waitForMail(user.email);
    assert.ok(mail.receivedAt - sentAt >= DELAY_MS, `arrived after ${mail.receivedAt - sentAt} ms, before the ${DELAY_MS} ms delay`);
    assert.equal(mail.parsed.from?.value[0]?.address, 'support@example.test');
    assert.equal(mail.isTls, true, 'upgraded with STARTTLS');
    assert.match(mail.parsed.subject ?? '', /Alice Agent/);
    assert.match(mail.parsed.text ?? '', /Your order has shipped/);
    assert.match(mail.parsed.text ?? '', new RegExp(`${PUBLIC_URL}/\\?conversation=${message.conversationId}`));
    assert.match(htmlOf(mail), /Your order has shipped/);
    assert.match(htmlOf(mail), /Alice Agent/);
    assert.match(
      mail.parsed.messageId ?? '',
      new RegExp(`^<chat\\.${message.conversationId}\\.${user.id}\\.\\d+@reply\\.example\\.test>$`),
    );
    assert.match(replyAddressOf(mail), /^reply\+[0-9a-z-]+@reply\.example\.test$/);
    assert.equal(rawHeader(mail, 'List-Unsubscribe-Post'), 'List-Unsubscribe=One-Click');
    assert.equal(rawHeader(mail, 'Auto-Submitted'), 'auto-generated');
    assert.match(unsubscribePathOf(mail), /^\/chat\/email\/unsubscribe\?token=/);
  });

  it('sends one email for five quick replies', async () => {
    const user = await createAccount(api, 'USER');
    const first = await send(api, admin, { userId: user.id, content: 'reply 1' });
    for (let index = 2; index <= 5; index += 1) {
      await send(api, admin, { conversationId: first.conversationId, content: `reply ${index}` });
    }
    const mail = await sink.waitForMail(user.email);
    for (let index = 1; index <= 5; index += 1) {
      assert.match(mail.parsed.text ?? '', new RegExp(`reply ${index}\\b`));
    }
    assert.match(mail.parsed.subject ?? '', /5 new replies/);
    assert.equal((await mailsAfterQuietPeriod(sink, user.email, DELAY_MS * 3)).length, 1);
  });

  it('sends nothing when the user reads before the delay', async () => {
    const user = await createAccount(api, 'USER');
    const message = await send(api, admin, { userId: user.id, content: 'read me quickly' });
    const read = await api('POST', `/chat/conversations/${message.conversationId}/read`, { token: user.token });
    assert.equal(read.body.count, 1);
    assert.equal((await mailsAfterQuietPeriod(sink, user.email, DELAY_MS * 4)).length, 0);
  });

  it('cancels a scheduled email when the user reads it (markAsRead) before it goes out', async () => {
    const user = await createAccount(api, 'USER');
    // The first attempt fails, so the email is due and waiting for its retry when the user reads.
    sink.failNext(1);
    const message = await send(api, admin, { userId: user.id, content: 'cancel me' });
    const db = database(server);
    await waitForValue('the failed first attempt', async () => {
      const rows = await rawRows<{ attempts: number }>(
        db,
        sql`select attempts from email_notification where conversation_id = ${message.conversationId} and recipient_id = ${user.id}`,
      );
      return (rows[0]?.attempts ?? 0) >= 1;
    });
    const socket = await connectAs(server.url, user);
    try {
      const ack = await socket.emitWithAck('markAsRead', { conversationId: message.conversationId });
      assert.equal(ack.count, 1);
    } finally {
      socket.close();
    }
    assert.equal((await mailsAfterQuietPeriod(sink, user.email, 2_500)).length, 0);
  });

  it('escapes message text in the HTML part', async () => {
    const user = await createAccount(api, 'USER');
    await send(api, admin, { userId: user.id, content: '<img src=x onerror=alert(1)> & <b>bold</b>' });
    const mail = await sink.waitForMail(user.email);
    const html = htmlOf(mail);
    assert.ok(!html.includes('<img src=x'), html);
    assert.ok(!html.includes('<b>bold'), html);
    assert.match(html, /&#60;img src=x onerror=alert\(1\)&#62; &#38; &#60;b&#62;bold/);
    assert.match(mail.parsed.text ?? '', /<img src=x onerror=alert\(1\)> & <b>bold<\/b>/);
  });

  it('never emails private notes', async () => {
    const user = await createAccount(api, 'USER');
    const first = await send(api, admin, { userId: user.id, content: 'Happy to help!' });
    await send(api, admin, { conversationId: first.conversationId, content: 'internal: customer is difficult', isPrivate: true });
    const mail = await sink.waitForMail(user.email);
    assert.match(mail.parsed.text ?? '', /Happy to help!/);
    assert.ok(!(mail.parsed.text ?? '').includes('internal'), mail.parsed.text);
    assert.ok(!htmlOf(mail).includes('internal'));
    assert.match(mail.parsed.subject ?? '', /New reply from/);
  });

  it('turns emails off with the one-click unsubscribe link, and rejects a forged link', async () => {
    const user = await createAccount(api, 'USER');
    const first = await send(api, admin, { userId: user.id, content: 'first' });
    const mail = await sink.waitForMail(user.email);
    const forged = await api('POST', `/chat/email/unsubscribe?token=${user.id}-0123456789abcdef0123`, {
      rawBody: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(forged.status, 400);
    assert.equal(forged.body.code, 'VALIDATION');
    const response = await api('POST', unsubscribePathOf(mail), {
      rawBody: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.deepEqual(response.body, { emailNotifications: false });
    const settings = await api('GET', '/chat/email/settings', { token: user.token });
    assert.deepEqual(settings.body, { emailNotifications: false, isEmailConfigured: true });
    await send(api, admin, { conversationId: first.conversationId, content: 'second' });
    assert.equal((await mailsAfterQuietPeriod(sink, user.email, DELAY_MS * 4)).length, 1);
  });

  it('unsubscribes from the link opened in a browser (GET) with a page saying so', async () => {
    const user = await createAccount(api, 'USER');
    await send(api, admin, { userId: user.id, content: 'hello' });
    const mail = await sink.waitForMail(user.email);
    const page = await api('GET', unsubscribePathOf(mail));
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    assert.match(String(page.body), /unsubscribed/);
    assert.deepEqual((await api('GET', '/chat/email/settings', { token: user.token })).body, {
      emailNotifications: false,
      isEmailConfigured: true,
    });
    const back = await api('PUT', '/chat/email/settings', { token: user.token, body: { emailNotifications: true } });
    assert.deepEqual(back.body, { emailNotifications: true, isEmailConfigured: true });
    const invalid = await api('PUT', '/chat/email/settings', { token: user.token, body: { emailNotifications: 'yes' } });
    assert.equal(invalid.status, 400);
  });

  it('appends a reply sent by SMTP to the Reply-To address live in the agent inbox, once per Message-ID', async () => {
    const user = await createAccount(api, 'USER', 'Rita Replier');
    const message = await send(api, admin, { userId: user.id, content: 'Did that fix it?' });
    const mail = await sink.waitForMail(user.email);
    const agent = await connectAs(server.url, admin);
    try {
      const mailId = `<${randomUUID()}@mail.example.test>`;
      const [incoming] = await Promise.all([
        nextEvent<MessageView>(agent, 'newMessage', { filter: (payload) => payload.conversationId === message.conversationId }),
        sendReplyBySmtp(server, {
          from: user.email,
          to: replyAddressOf(mail),
          messageId: mailId,
          text: 'Yes, it works now.\n\nOn Mon, 7 Dec 2026, Support <support@example.test> wrote:\n> Did that fix it?',
          attachments: [
            { filename: 'notes.txt', content: Buffer.from('plain text notes\n') },
            { filename: 'screenshot.png', content: await tinyPng() },
            // Not a type a message may carry: left out, the rest of the reply still arrives.
            { filename: 'setup.exe', content: Buffer.from([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00]) },
          ],
        }),
      ]);
      assert.equal(incoming.content, 'Yes, it works now.');
      assert.equal(incoming.senderId, user.id);
      assert.equal(incoming.sender.role, 'USER');
      assert.deepEqual(
        incoming.attachments.map((attachment) => [attachment.fileName, attachment.contentType, attachment.width]),
        [
          ['notes.txt', 'text/plain', null],
          ['screenshot.png', 'image/png', 4],
        ],
      );
      // The same mail delivered again stores nothing new.
      await sendReplyBySmtp(server, { from: user.email, to: replyAddressOf(mail), messageId: mailId, text: 'Yes, it works now.' });
      const history = await api('GET', `/chat/conversations/${message.conversationId}/messages`, { token: admin.token });
      assert.deepEqual(
        history.body.map((item: { content: string }) => item.content),
        ['Did that fix it?', 'Yes, it works now.'],
      );
      // Answering the email read the agent's message.
      assert.equal(history.body[0].isRead, true);
    } finally {
      agent.close();
    }
  });

  it('refuses a forged or altered reply address at RCPT TO and stores nothing', async () => {
    const user = await createAccount(api, 'USER');
    const message = await send(api, admin, { userId: user.id, content: 'Anything else?' });
    const mail = await sink.waitForMail(user.email);
    const valid = replyAddressOf(mail);
    const altered = valid.replace(/^reply\+\d+-/, `reply+${message.conversationId + 1000}-`);
    const forged = `reply+${message.conversationId}-${user.id}-zzzzzz-0123456789abcdef0123@reply.example.test`;
    for (const address of [altered, forged]) {
      await assert.rejects(
        sendReplyBySmtp(server, { from: user.email, to: address, text: 'sneaky' }),
        (error: { responseCode?: number }) => {
          assert.equal(error.responseCode, 550);
          return true;
        },
      );
    }
    const history = await api('GET', `/chat/conversations/${message.conversationId}/messages`, { token: admin.token });
    assert.equal(history.body.length, 1);
  });

  it('accepts the raw mail on POST /chat/inbound-email with the secret, and refuses it without', async () => {
    const user = await createAccount(api, 'USER');
    const message = await send(api, admin, { userId: user.id, content: 'Ping' });
    const mail = await sink.waitForMail(user.email);
    const raw = [
      `From: ${user.email}`,
      `To: ${replyAddressOf(mail)}`,
      'Subject: Re: ping',
      `Message-ID: <${randomUUID()}@provider.test>`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Pong from the webhook',
      '',
      '> Ping',
      '',
    ].join('\r\n');
    const unauthorized = await api('POST', '/chat/inbound-email', { rawBody: raw, headers: { 'content-type': 'message/rfc822' } });
    assert.equal(unauthorized.status, 401);
    const forged = await api('POST', '/chat/inbound-email', {
      rawBody: raw.replace(
        replyAddressOf(mail),
        `reply+${message.conversationId}-${user.id}-zzzzzz-0123456789abcdef0123@reply.example.test`,
      ),
      headers: { 'content-type': 'message/rfc822', authorization: `Bearer ${INBOUND_SECRET}` },
    });
    assert.equal(forged.status, 403);
    const accepted = await api('POST', '/chat/inbound-email', {
      rawBody: raw,
      headers: { 'content-type': 'message/rfc822', authorization: `Bearer ${INBOUND_SECRET}` },
    });
    assert.equal(accepted.status, 201, JSON.stringify(accepted.body));
    assert.equal(accepted.body.messages[0].content, 'Pong from the webhook');
    const history = await api('GET', `/chat/conversations/${message.conversationId}/messages`, { token: admin.token });
    assert.deepEqual(
      history.body.map((item: { content: string }) => item.content),
      ['Ping', 'Pong from the webhook'],
    );
  });
});

describe('email notifications: retries', () => {
  let sink: SmtpSink;
  let server: TestServer;

  before(async () => {
    sink = await startSmtpSink();
    server = await startServer(emailEnv(sink, { INBOUND_SMTP_PORT: '' }));
  });

  after(async () => {
    await server?.close();
    await sink?.close();
  });

  it('retries with backoff after SMTP errors and sends the email once', async () => {
    const api = apiClient(server.url);
    const admin = await createAccount(api, 'ADMIN');
    const user = await createAccount(api, 'USER');
    sink.failNext(2);
    const sentAt = Date.now();
    await send(api, admin, { userId: user.id, content: 'Delivered in the end' });
    const mail = await sink.waitForMail(user.email, { timeoutMs: 12_000 });
    // Two failures: retried after about 1 s and 2 s (±25 %).
    assert.ok(mail.receivedAt - sentAt >= DELAY_MS + 2_000, `arrived after ${mail.receivedAt - sentAt} ms`);
    assert.match(mail.parsed.text ?? '', /Delivered in the end/);
    const metrics = await api('GET', '/metrics');
    assert.match(String(metrics.body), /chat_emails_total\{kind="reply",outcome="failed"\} 2/);
    assert.match(String(metrics.body), /chat_emails_total\{kind="reply",outcome="sent"\} 1/);
    assert.equal((await mailsAfterQuietPeriod(sink, user.email, 1_500)).length, 1);
  });
});

describe('replies by email: limits', () => {
  let sink: SmtpSink;
  let server: TestServer;
  let api: Api;
  let admin: TestAccount;
  const tokens = new EmailTokens(TEST_JWT_SECRET);
  const replyAddress = (conversationId: number, userId: number) =>
    `reply+${tokens.replyToken({ conversationId, userId })}@reply.example.test`;

  before(async () => {
    sink = await startSmtpSink();
    server = await startServer(emailEnv(sink, { MAX_ATTACHMENT_BYTES: '20000', INBOUND_EMAIL_RATE_LIMIT: '2' }));
    api = apiClient(server.url);
    admin = await createAccount(api, 'ADMIN');
  });

  after(async () => {
    await server?.close();
    await sink?.close();
  });

  it('refuses a mail larger than the attachment limit and stores nothing', async () => {
    const user = await createAccount(api, 'USER');
    const message = await send(api, admin, { userId: user.id, content: 'Send me the log' });
    const big = { filename: 'log.txt', content: Buffer.alloc(40_000, 'a') };
    await assert.rejects(
      sendReplyBySmtp(server, { from: user.email, to: replyAddress(message.conversationId, user.id), text: 'here', attachments: [big] }),
      (error: { responseCode?: number }) => {
        assert.equal(error.responseCode, 552);
        return true;
      },
    );
    const history = await api('GET', `/chat/conversations/${message.conversationId}/messages`, { token: admin.token });
    assert.equal(history.body.length, 1);
  });

  it('rejects more replies per conversation than INBOUND_EMAIL_RATE_LIMIT with a temporary error', async () => {
    const user = await createAccount(api, 'USER');
    const message = await send(api, admin, { userId: user.id, content: 'Tell me more' });
    const to = replyAddress(message.conversationId, user.id);
    await sendReplyBySmtp(server, { from: user.email, to, text: 'one' });
    await sendReplyBySmtp(server, { from: user.email, to, text: 'two' });
    await assert.rejects(sendReplyBySmtp(server, { from: user.email, to, text: 'three' }), (error: { responseCode?: number }) => {
      assert.equal(error.responseCode, 451);
      return true;
    });
    const history = await api('GET', `/chat/conversations/${message.conversationId}/messages`, { token: admin.token });
    assert.deepEqual(
      history.body.map((item: { content: string }) => item.content),
      ['Tell me more', 'one', 'two'],
    );
  });

  it('reopens a CLOSED conversation when the user replies by email', async () => {
    const user = await createAccount(api, 'USER');
    const message = await send(api, admin, { userId: user.id, content: 'Closing this now' });
    const closed = await api('PATCH', `/chat/conversations/${message.conversationId}`, { token: admin.token, body: { status: 'CLOSED' } });
    assert.equal(closed.body.status, 'CLOSED');
    const agent = await connectAs(server.url, admin);
    try {
      const [updated] = await Promise.all([
        nextEvent<{ id: number; status: string }>(agent, 'conversationUpdated', {
          filter: (payload) => payload.id === message.conversationId,
        }),
        sendReplyBySmtp(server, { from: user.email, to: replyAddress(message.conversationId, user.id), text: 'Wait, one more thing' }),
      ]);
      assert.equal(updated.status, 'ACTIVE');
    } finally {
      agent.close();
    }
  });

  it('keeps only the new text of an HTML-only reply, and drops automatic replies', async () => {
    const user = await createAccount(api, 'USER');
    const message = await send(api, admin, { userId: user.id, content: 'Question?' });
    const headers = { 'content-type': 'message/rfc822', authorization: `Bearer ${INBOUND_SECRET}` };
    const mailTo = (extraHeaders: string[], body: string) =>
      [
        `From: ${user.email}`,
        `To: ${replyAddress(message.conversationId, user.id)}`,
        'Subject: Re: Question?',
        `Message-ID: <${randomUUID()}@provider.test>`,
        ...extraHeaders,
        'Content-Type: text/html; charset=utf-8',
        '',
        body,
        '',
      ].join('\r\n');
    const html = await api('POST', '/chat/inbound-email', {
      rawBody: mailTo(
        [],
        '<div dir="ltr">Answer in <b>HTML</b></div><div class="gmail_quote"><div>On Mon, 7 Dec 2026 at 05:30, Support wrote:</div><blockquote>Question?</blockquote></div>',
      ),
      headers,
    });
    assert.equal(html.status, 201, JSON.stringify(html.body));
    assert.equal(html.body.messages[0].content, 'Answer in HTML');
    const vacation = await api('POST', '/chat/inbound-email', {
      rawBody: mailTo(['Auto-Submitted: auto-replied'], '<p>I am on vacation until Monday.</p>'),
      headers,
    });
    assert.equal(vacation.status, 201);
    assert.deepEqual(vacation.body.messages, []);
    const history = await api('GET', `/chat/conversations/${message.conversationId}/messages`, { token: admin.token });
    assert.deepEqual(
      history.body.map((item: { content: string }) => item.content),
      ['Question?', 'Answer in HTML'],
    );
  });

  it('rejects POST /chat/inbound-email bodies that are not a mail to a reply address', async () => {
    const headers = { 'content-type': 'message/rfc822', authorization: `Bearer ${INBOUND_SECRET}` };
    const noRecipient = await api('POST', '/chat/inbound-email', {
      rawBody: 'From: a@b.test\r\nTo: someone@else.test\r\nSubject: hi\r\n\r\nhello\r\n',
      headers,
    });
    assert.equal(noRecipient.status, 400);
    assert.equal(noRecipient.body.code, 'VALIDATION');
    const json = await api('POST', '/chat/inbound-email', {
      body: { hello: 'world' },
      headers: { authorization: `Bearer ${INBOUND_SECRET}` },
    });
    assert.equal(json.status, 400);
    const wrongSecret = await api('POST', '/chat/inbound-email', { rawBody: 'x', headers: { ...headers, authorization: 'Bearer nope' } });
    assert.equal(wrongSecret.status, 401);
  });
});

describe('email notifications to admins', () => {
  let sink: SmtpSink;
  let server: TestServer;
  let api: Api;

  before(async () => {
    sink = await startSmtpSink();
    server = await startServer(emailEnv(sink, { ADMIN_EMAIL_NOTIFICATIONS: 'true' }));
    api = apiClient(server.url);
  });

  after(async () => {
    await server?.close();
    await sink?.close();
  });

  it('emails admins about a new conversation while no admin is online, and not while one is', async () => {
    const demoAdmin = await login(api, DEMO_ADMIN.email, DEMO_ADMIN.password);
    const user = await createAccount(api, 'USER', 'Nora Newcomer');
    await send(api, user, { content: 'Is anyone there?' });
    const mail = await sink.waitForMail(DEMO_ADMIN.email);
    assert.match(mail.parsed.subject ?? '', /New conversation from Nora Newcomer/);
    assert.match(mail.parsed.text ?? '', /Is anyone there\?/);
    // The admin answers by email: the reply is the admin's message in that conversation.
    await sendReplyBySmtp(server, { from: DEMO_ADMIN.email, to: replyAddressOf(mail), text: 'Yes, how can I help?\n\n> Is anyone there?' });
    const own = await api('GET', '/chat/conversations', { token: user.token });
    assert.equal(own.body[0].lastMessage.content, 'Yes, how can I help?');
    assert.equal(own.body[0].lastMessage.sender.role, 'ADMIN');

    const online = await connectAs(server.url, demoAdmin);
    try {
      const other = await createAccount(api, 'USER');
      await send(api, other, { content: 'Second customer' });
      const mails = await mailsAfterQuietPeriod(sink, DEMO_ADMIN.email, DELAY_MS * 4);
      assert.equal(mails.length, 1, mails.map((item) => item.parsed.subject).join(', '));
    } finally {
      online.close();
    }
  });
});

describe('email notifications to an assigned admin', () => {
  let sink: SmtpSink;
  let server: TestServer;

  before(async () => {
    sink = await startSmtpSink();
    server = await startServer(emailEnv(sink, { ADMIN_EMAIL_NOTIFICATIONS: 'true', INBOUND_SMTP_PORT: '' }));
  });

  after(async () => {
    await server?.close();
    await sink?.close();
  });

  it('emails the assignee who is offline when their conversation gets a message', async () => {
    const api = apiClient(server.url);
    const demoAdmin = await login(api, DEMO_ADMIN.email, DEMO_ADMIN.password);
    const assignee = await createAccount(api, 'ADMIN', 'Bea Assignee');
    const user = await createAccount(api, 'USER', 'Walt Waiting');
    // Another admin is online: no "new conversation" email, but the assignee is offline.
    const online = await connectAs(server.url, demoAdmin);
    try {
      const first = await send(api, user, { content: 'Hello?' });
      const assigned = await api('PATCH', `/chat/conversations/${first.conversationId}`, {
        token: demoAdmin.token,
        body: { assigneeId: assignee.id },
      });
      assert.equal(assigned.status, 200, JSON.stringify(assigned.body));
      await send(api, user, { conversationId: first.conversationId, content: 'Still there?' });
      const mail = await sink.waitForMail(assignee.email);
      assert.match(mail.parsed.subject ?? '', /Walt Waiting is waiting for you/);
      assert.match(mail.parsed.text ?? '', /Still there\?/);
      assert.equal((await mailsAfterQuietPeriod(sink, DEMO_ADMIN.email, DELAY_MS * 2)).length, 0);
    } finally {
      online.close();
    }
  });
});

describe('email notifications on two instances', { skip: SEVERAL_INSTANCES_SKIP }, () => {
  it('sends each email once', async () => {
    const sink = await startSmtpSink();
    const first = await startServer(emailEnv(sink, { INBOUND_SMTP_PORT: '' }));
    const second = await startSibling(first);
    try {
      const api = apiClient(first.url);
      const admin = await createAccount(api, 'ADMIN');
      const users = await Promise.all([1, 2, 3, 4].map(() => createAccount(api, 'USER')));
      await Promise.all(
        users.map((user, index) =>
          send(apiClient(index % 2 ? second.url : first.url), admin, { userId: user.id, content: `hello ${index}` }),
        ),
      );
      for (const user of users) {
        await sink.waitForMail(user.email);
      }
      for (const user of users) {
        assert.equal((await mailsAfterQuietPeriod(sink, user.email, DELAY_MS * 2)).length, 1, user.email);
      }
    } finally {
      await second.close();
      await first.close();
      await sink.close();
    }
  });
});

async function waitForValue(what: string, probe: () => Promise<boolean>, timeoutMs = 8_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
