import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { createAccount, type TestAccount } from './support/accounts.js';
import { type Api, apiClient } from './support/http.js';
import { type ClientSocket, connectAs, emitWithAck, nextEvent } from './support/sockets.js';
import { startServer, type TestServer } from './support/server.js';

const MAX_BYTES = 200_000;

async function pngOf(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 30, b: 30 } } })
    .png()
    .toBuffer();
}

describe('attachments', () => {
  let server: TestServer;
  let api: Api;
  let alice: TestAccount;
  let bob: TestAccount;
  let admin: TestAccount;
  const sockets: ClientSocket[] = [];

  before(async () => {
    server = await startServer({ MAX_ATTACHMENT_BYTES: String(MAX_BYTES), ATTACHMENT_ORPHAN_TTL_MS: '1500' });
    api = apiClient(server.url);
    [alice, bob, admin] = await Promise.all([createAccount(api, 'USER'), createAccount(api, 'USER'), createAccount(api, 'ADMIN')]);
  });
  after(async () => {
    sockets.forEach((socket) => socket.close());
    await server.close();
  });

  async function upload(account: TestAccount, bytes: Buffer, fileName: string, contentType = 'application/octet-stream') {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(bytes)], { type: contentType }), fileName);
    const response = await fetch(`${server.url}/chat/attachments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${account.token}` },
      body: form,
    });
    return { status: response.status, body: (await response.json()) as any };
  }

  async function download(account: TestAccount, path: string) {
    const response = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${account.token}` } });
    return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
  }

  it('stores an image, measures it, makes a thumbnail, and sends it in a message the admin can open inline', async () => {
    const png = await pngOf(1200, 800);
    const uploaded = await upload(alice, png, '../../etc/screen shot.png', 'text/html');
    assert.equal(uploaded.status, 201, JSON.stringify(uploaded.body));
    assert.equal(uploaded.body.contentType, 'image/png');
    assert.equal(uploaded.body.fileName, 'screen shot.png');
    assert.deepEqual([uploaded.body.width, uploaded.body.height, uploaded.body.size], [1200, 800, png.length]);

    const adminSocket = await connectAs(server.url, admin);
    sockets.push(adminSocket);
    const adminGets = nextEvent(adminSocket, 'newMessage', { filter: (m) => m.senderId === alice.id });
    const sent = await api('POST', '/chat/messages', { token: alice.token, body: { attachmentIds: [uploaded.body.id] } });
    assert.equal(sent.status, 201, JSON.stringify(sent.body));
    assert.equal(sent.body.content, '');
    assert.equal(sent.body.attachments[0].id, uploaded.body.id);
    const received = await adminGets;
    assert.equal(received.attachments[0].url, `/chat/attachments/${uploaded.body.id}`);

    const original = await download(admin, received.attachments[0].url);
    assert.equal(original.status, 200);
    assert.equal(original.headers.get('content-type'), 'image/png');
    assert.match(original.headers.get('content-disposition') ?? '', /^inline; filename="screen shot.png"/);
    assert.equal(original.headers.get('x-content-type-options'), 'nosniff');
    assert.ok(original.bytes.equals(png));

    const thumbnail = await download(admin, received.attachments[0].thumbnailUrl);
    assert.equal(thumbnail.status, 200);
    const meta = await sharp(thumbnail.bytes).metadata();
    assert.equal(meta.format, 'webp');
    assert.ok((meta.width ?? 0) <= 320 && (meta.height ?? 0) <= 320);

    const history = await api('GET', `/chat/conversations/${sent.body.conversationId}/messages`, { token: alice.token });
    assert.equal(history.body.at(-1).attachments[0].id, uploaded.body.id);
  });

  it('serves other files as downloads and hides them from other users (404)', async () => {
    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(2000, 32), Buffer.from('\n%%EOF\n')]);
    const uploaded = await upload(alice, pdf, 'invoice.pdf', 'application/pdf');
    assert.equal(uploaded.status, 201, JSON.stringify(uploaded.body));
    assert.equal(uploaded.body.contentType, 'application/pdf');
    assert.equal(uploaded.body.thumbnailUrl, null);

    const beforeSending = await download(admin, uploaded.body.url);
    assert.equal(beforeSending.status, 404, 'an unsent upload is only its uploader’s');
    await api('POST', '/chat/messages', { token: alice.token, body: { content: 'see attached', attachmentIds: [uploaded.body.id] } });
    const asAdmin = await download(admin, uploaded.body.url);
    assert.equal(asAdmin.status, 200);
    assert.match(asAdmin.headers.get('content-disposition') ?? '', /^attachment; filename="invoice.pdf"/);
    const asBob = await download(bob, uploaded.body.url);
    const missing = await download(bob, '/chat/attachments/00000000-0000-4000-8000-000000000000');
    assert.equal(asBob.status, 404);
    assert.equal(missing.status, 404);
    assert.equal((await download(bob, '/chat/attachments/not-a-uuid')).status, 400);
  });

  it('decides the type by magic bytes: refuses executables and HTML whatever their name says', async () => {
    const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]), Buffer.alloc(100)]);
    const exe = await upload(alice, elf, 'cat.png', 'image/png');
    assert.equal(exe.status, 415);
    assert.equal(exe.body.code, 'UNSUPPORTED_MEDIA_TYPE');
    const html = await upload(alice, Buffer.from('<html><script>alert(1)</script></html>'), 'page.txt', 'text/plain');
    assert.equal(html.status, 201);
    assert.equal(html.body.contentType, 'text/plain', 'HTML is kept as plain text, never served as HTML');
    const fakePng = await upload(
      alice,
      Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(50, 1)]),
      'x.png',
    );
    assert.equal(fakePng.status, 415, 'a PNG signature over garbage is not an image');
  });

  it('refuses files over MAX_ATTACHMENT_BYTES with 413 and keeps nothing', async () => {
    const big = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(MAX_BYTES + 10, 32)]);
    const response = await upload(alice, big, 'big.pdf');
    assert.equal(response.status, 413);
    assert.equal(response.body.code, 'PAYLOAD_TOO_LARGE');
  });

  it('refuses requests without a file, with other users’ or used attachments, and with too many', async () => {
    const empty = await fetch(`${server.url}/chat/attachments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice.token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(empty.status >= 400 && empty.status < 500, true);
    const own = await upload(alice, await pngOf(10, 10), 'a.png');
    const stolen = await api('POST', '/chat/messages', { token: bob.token, body: { content: 'mine now', attachmentIds: [own.body.id] } });
    assert.equal(stolen.status, 400);
    const bobHistory = await api('GET', '/chat/conversations', { token: bob.token });
    assert.deepEqual(bobHistory.body, [], 'the failed send stored nothing');
    const ok = await api('POST', '/chat/messages', { token: alice.token, body: { attachmentIds: [own.body.id] } });
    assert.equal(ok.status, 201);
    const again = await api('POST', '/chat/messages', { token: alice.token, body: { attachmentIds: [own.body.id] } });
    assert.equal(again.status, 400);
    const six = await api('POST', '/chat/messages', {
      token: alice.token,
      body: { attachmentIds: Array.from({ length: 6 }, (_, index) => `00000000-0000-4000-8000-00000000000${index}`) },
    });
    assert.equal(six.status, 400);
  });

  it('sends attachments over the socket too', async () => {
    const socket = await connectAs(server.url, alice);
    sockets.push(socket);
    const uploaded = await upload(alice, await pngOf(20, 20), 'tiny.png');
    const ack = await emitWithAck(socket, 'sendMessage', { content: 'look', attachmentIds: [uploaded.body.id] });
    assert.equal(ack.ok, true, JSON.stringify(ack));
    assert.equal(ack.message.attachments.length, 1);
  });

  it('deletes uploads never attached to a message after the grace period', async () => {
    const orphan = await upload(alice, await pngOf(10, 10), 'orphan.png');
    assert.equal((await download(alice, orphan.body.url)).status, 200);
    let status = 200;
    for (let attempt = 0; attempt < 40 && status === 200; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      status = (await download(alice, orphan.body.url)).status;
    }
    assert.equal(status, 404);
  });
});
