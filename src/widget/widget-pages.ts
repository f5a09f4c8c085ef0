import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppConfig } from '../config/config.js';
import { userHashOf } from './widget-identity.js';

// Short: a fixed loader reaches every product page within minutes, and the ETag makes the revalidation cheap.
const LOADER_MAX_AGE_SECONDS = 300;
export const LOADER_PATH = 'widget-loader/widget.js';
export const FRAME_HTML_PATH = 'widget-frame.html';
export const DEMO_USER = { id: 'demo-user', email: 'user@example.com', name: 'Demo User' };

export function ownOriginOf(request: FastifyRequest): string {
  return `${request.protocol}://${request.headers.host ?? 'localhost'}`;
}

interface Asset {
  body: string;
  etag: string;
}

function readAsset(webDistDir: string, path: string): Asset | undefined {
  const file = join(webDistDir, path);
  if (!existsSync(file)) {
    return undefined;
  }
  const body = readFileSync(file, 'utf8');
  return { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
}

// What the widget's own page needs (its scripts, styles, images, socket and uploads, all same-origin), framed
// only by the allowed origins. The other pages keep frame-ancestors 'none' / X-Frame-Options: DENY.
function frameCsp(frameAncestors: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    "connect-src 'self'",
    "font-src 'self' data:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    `frame-ancestors ${frameAncestors}`,
  ].join('; ');
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function demoPage(origin: string, hash: string, nonce: string): string {
  const options = JSON.stringify({ user: { ...DEMO_USER, hash } }, null, 2).replace(/\n/g, '\n  ');
  const snippet = `<script src="${origin}/widget.js"></script>\n<script>\n  SupportChat.init(${options});\n</script>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>Acme Cloud: widget demo</title>
<style nonce="${nonce}">
  body { font: 16px/1.5 system-ui, sans-serif; margin: 0; color: #1f2933; background: #f5f7fa; }
  header { background: #243b53; color: #fff; padding: 16px 32px; font-weight: 600; }
  main { max-width: 760px; margin: 32px auto; padding: 0 24px; }
  pre { background: #fff; border: 1px solid #d9e2ec; border-radius: 8px; padding: 16px; overflow: auto; font-size: 13px; }
</style>
</head>
<body>
<header>Acme Cloud (a sample product page)</header>
<main>
  <h1>Welcome back, ${escapeHtml(DEMO_USER.name)}</h1>
  <p>This page stands for your product. It embeds the support chat as the signed-in user
  <strong>${escapeHtml(DEMO_USER.email)}</strong>: open the bubble at the bottom right, write, and answer from the
  <a href="/inbox" target="_blank" rel="noopener">admin inbox</a> (admin@example.com, password "password").</p>
  <p>The snippet below, with the hash computed by the server from this chat's WIDGET_SECRET:</p>
  <pre><code>${escapeHtml(snippet)}</code></pre>
</main>
<script src="/widget.js"></script>
<script nonce="${nonce}">
  SupportChat.init(${JSON.stringify({ user: { ...DEMO_USER, hash } })}).catch(function () {});
</script>
</body>
</html>`;
}

// A newcomer's demo: only where the demo accounts are, never in production.
export function isDemoServed(config: AppConfig): boolean {
  return config.seedDemo && config.env !== 'production' && config.widget.secret !== undefined;
}

// Raw Fastify routes: Nest folds "/widget/" into "/widget", and the iframe page must live at "/widget/" so its
// relative URLs resolve under it. Registered before the app starts listening.
export function registerWidgetPages(
  fastify: FastifyInstance,
  config: AppConfig,
  frameAncestors: string,
  onMissing: (path: string) => void,
): void {
  const loader = readAsset(config.webDistDir, LOADER_PATH);
  const frame = readAsset(config.webDistDir, FRAME_HTML_PATH);
  if (!loader || !frame) {
    onMissing(!loader ? LOADER_PATH : FRAME_HTML_PATH);
  }
  const notBuilt = (reply: FastifyReply) =>
    reply
      .code(404)
      .send({ statusCode: 404, error: 'Not Found', code: 'NOT_FOUND', message: 'The widget is not built: run "npm run build"' });

  fastify.get('/widget.js', (request, reply) => {
    if (!loader) {
      return notBuilt(reply);
    }
    reply
      .header('Cache-Control', `public, max-age=${LOADER_MAX_AGE_SECONDS}`)
      .header('ETag', loader.etag)
      // Loaded by <script> from any product page.
      .header('Access-Control-Allow-Origin', '*')
      .header('Cross-Origin-Resource-Policy', 'cross-origin')
      .type('text/javascript; charset=utf-8');
    if (request.headers['if-none-match'] === loader.etag) {
      return reply.code(304).send();
    }
    return reply.send(loader.body);
  });

  fastify.get('/widget', (_request, reply) => reply.redirect('/widget/', 301));
  fastify.get('/widget/', (_request, reply) => {
    if (!frame) {
      return notBuilt(reply);
    }
    return reply
      .header('Cache-Control', 'no-cache')
      .header('Content-Security-Policy', frameCsp(frameAncestors))
      .type('text/html; charset=utf-8')
      .send(frame.body);
  });

  const secret = config.widget.secret;
  if (isDemoServed(config) && secret !== undefined) {
    fastify.get('/widget-demo', (request, reply) => {
      const nonce = randomBytes(16).toString('base64');
      return reply
        .header('Cache-Control', 'no-store')
        .header(
          'Content-Security-Policy',
          `default-src 'self'; script-src 'self' 'nonce-${nonce}'; style-src 'self' 'nonce-${nonce}'; img-src 'self' data:; frame-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'`,
        )
        .type('text/html; charset=utf-8')
        .send(demoPage(ownOriginOf(request), userHashOf(secret, DEMO_USER.id), nonce));
    });
  }
}
